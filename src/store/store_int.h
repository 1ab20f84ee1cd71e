/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Internal to store/: the migration list. */
#ifndef AMNISTIA_STORE_INT_H
#define AMNISTIA_STORE_INT_H

#include "amnistia/store.h"

int am__store_migration_count(void);
const char *am__store_migration(int from_version);

#endif

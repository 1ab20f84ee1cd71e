/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * registry: the domain vocabulary (statuses, event types) and reading the registry —
 * sources, snapshots, persons with their records, events, charges and measures, and the
 * status derived from events. It owns the SQL over those tables for reading; import/
 * writes records, link/ decides which person each record belongs to.
 */
#ifndef AMNISTIA_REGISTRY_H
#define AMNISTIA_REGISTRY_H

#include "amnistia/core.h"
#include "amnistia/store.h"

/* One row of `amnistia sources`. */
struct am_source_row {
    int64_t id;
    const char *name;
    const char *kind;
    int64_t snapshots;
    int64_t records;
};

typedef int (*am_source_cb)(const struct am_source_row *row, void *ctx);
/* Calls cb for each source in name order; a non-zero return from cb stops the walk. */
int am_registry_sources(struct am_store *store, am_source_cb cb, void *ctx, struct am_err *err);

#endif

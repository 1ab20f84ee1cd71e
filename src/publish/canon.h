/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Internal to publish/: canonical JSON (RFC 8785 for strings, integers, booleans, null,
 * arrays and objects with ASCII keys) and the CSV form of a list, shared by publishing,
 * verifying and diffing so that all three agree on the bytes.
 */
#ifndef AMNISTIA_PUBLISH_CANON_H
#define AMNISTIA_PUBLISH_CANON_H

#include "publish_int.h"

#include <jansson.h>

/* Appends the canonical JSON of v; -1 when v holds a real number (never published). */
int am__canon_json(const json_t *v, struct am_buf *out);
/* Appends the CSV of rows: a header of the field names, then one line per row. */
void am__canon_csv(const json_t *fields, const json_t *rows, struct am_buf *out);

#endif

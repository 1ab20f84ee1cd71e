/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Test fixture for verify/: a temporary registry and helpers that insert sources,
 * snapshots, records, persons, record_person rows, events and charges directly through
 * the store API, so that each test writes its own small registry with synthetic names.
 */
#ifndef AM_TEST_VERIFY_FIXTURE_H
#define AM_TEST_VERIFY_FIXTURE_H

#include "amnistia/store.h"

struct fx {
    struct am_store *s;
    char path[512];
    int seq;
};

void fx_open(struct fx *fx, const char *name);
void fx_close(struct fx *fx);
int64_t fx_source(struct fx *fx, const char *name, const char *kind);
int64_t fx_snapshot(struct fx *fx, int64_t source_id, const char *as_of);
int64_t fx_person(struct fx *fx, const char *name, const char *cedula);
/* A record; person_id 0 leaves it unlinked. status/release_date/cedula may be NULL. */
int64_t fx_record(struct fx *fx, int64_t snapshot_id, const char *list_id, const char *name,
                  const char *cedula, const char *status, const char *release_date,
                  int64_t person_id);
/* Sets a record column (facility, arrest_date, charges, status_date, name_order, state,
 * sex, birth_date...) to a text value. */
void fx_record_set(struct fx *fx, int64_t record_id, const char *column, const char *value);
int64_t fx_event(struct fx *fx, int64_t person_id, const char *type, const char *date,
                 int64_t record_id);
void fx_charge(struct fx *fx, int64_t person_id, const char *raw, const char *cls,
               int64_t record_id);
/* The source id of a snapshot. */
int64_t fx_snapshot_source(struct fx *fx, int64_t snapshot_id);

#endif

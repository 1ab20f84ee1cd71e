/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The arrest date of each record, for linking: read apart from the other fields so that
 * the comparison, blocking and model can use it. Lists that carry no birth date and no
 * cédula (family, press) almost always give the arrest date, and two rows with close
 * names arrested the same day are almost surely one person.
 */
#include "link_int.h"

#include <string.h>

#include "amnistia/store.h"
#include "amnistia/text.h"

void am__link_arrest_set(struct am__link_records *r, size_t i, const char *date)
{
    if (!r->arrest) {
        r->arrest = am_arena_alloc(&r->strs, (r->n ? r->n : 1) * sizeof(int32_t));
        for (size_t k = 0; k < r->n; k++)
            r->arrest[k] = AM__LINK_MISSING_DATE;
    }
    if (i >= r->n)
        return;
    int32_t days;
    r->arrest[i] = date && *date && am_date_parse(date, &days, NULL, 0) == 0
                       ? days
                       : AM__LINK_MISSING_DATE;
}

static const char arrest_sql[] =
    "SELECT id, arrest_date FROM record WHERE arrest_date IS NOT NULL ORDER BY id";

int am__link_arrest_load(struct am__link_records *r, struct am_store *store, struct am_err *err)
{
    am__link_arrest_set(r, r->n, NULL); /* allocates, every date missing */
    struct am_stmt *st = am_stmt_prepare(store, arrest_sql, err);
    if (!st)
        return -1;
    int rc;
    size_t i = 0;
    while ((rc = am_stmt_step(st, err)) == 1) {
        int64_t id = am_stmt_int64(st, 0);
        /* Both in ascending id: walk forward. */
        while (i < r->n && r->id[i] < id)
            i++;
        if (i < r->n && r->id[i] == id)
            am__link_arrest_set(r, i, am_stmt_text(st, 1));
    }
    am_stmt_finalize(st);
    return rc < 0 ? -1 : 0;
}

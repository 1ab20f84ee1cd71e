/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Deriving a record's facts from its columns: the events a row stands for and the items
 * of its ';'-separated columns. Pure functions, shared by import/ (which checks each row
 * with them) and the facts reader (which derives every record's facts when read), so that
 * a record means the same thing everywhere.
 */
#include "amnistia/registry.h"

#include <string.h>

size_t am_split_list(struct am_arena *arena, const char *s, const char ***items)
{
    size_t n = 1;
    for (const char *p = s; *p; p++)
        n += *p == ';';
    const char **v = am_arena_alloc(arena, n * sizeof(*v));
    size_t k = 0;
    for (const char *p = s;;) {
        const char *e = strchr(p, ';');
        const char *end = e ? e : p + strlen(p);
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
            p++;
        while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' ||
                           end[-1] == '\n'))
            end--;
        if (end > p)
            v[k++] = am_arena_strndup(arena, p, (size_t)(end - p));
        if (!e)
            break;
        p = e + 1;
    }
    *items = v;
    return k;
}

static int detained_side(int status)
{
    return status == AM_STATUS_DETAINED || status == AM_STATUS_DISAPPEARED ||
           status == AM_STATUS_HOUSE_ARREST;
}

size_t am_record_events(struct am_record_dates d, const char *as_of,
                        struct am_record_event out[3])
{
    const struct am_record_dates *rec = &d;
    size_t n = 0;
    if (rec->arrest_date)
        out[n++] = (struct am_record_event){AM_EV_ARREST, rec->arrest_date, rec->facility,
                                            rec->arrest_place};
    int status_type = -1;
    const char *status_date = NULL;
    if (rec->status >= 0) {
        status_type = rec->status_event >= 0 ? rec->status_event
                                             : am_event_for_status((enum am_status)rec->status);
        if (status_type >= 0) {
            int releasing = rec->status == AM_STATUS_RELEASED ||
                            rec->status == AM_STATUS_RELEASED_WITH_MEASURES;
            if (rec->status_date)
                status_date = rec->status_date;
            else if (releasing && rec->release_date)
                status_date = rec->release_date;
            /* A detention dated by its arrest, unless a later release says the list's
             * "detained" is news after that release: then it holds as of the list. */
            else if (detained_side(rec->status) && rec->arrest_date &&
                     !(rec->release_date && strcmp(rec->release_date, rec->arrest_date) > 0))
                status_date = rec->arrest_date;
            else
                status_date = as_of;
            out[n++] = (struct am_record_event){status_type, status_date,
                                                detained_side(rec->status) ? rec->facility
                                                                           : NULL,
                                                NULL};
        }
    }
    if (rec->release_date &&
        (rec->status == AM_STATUS_RELEASED || rec->status == AM_STATUS_RELEASED_WITH_MEASURES ||
         rec->n_measures > 0)) {
        int type = rec->status == AM_STATUS_RELEASED ? AM_EV_RELEASE
                                                     : AM_EV_RELEASE_WITH_MEASURES;
        if (!(type == status_type && status_date && strcmp(status_date, rec->release_date) == 0))
            out[n++] = (struct am_record_event){type, rec->release_date, NULL, NULL};
    }
    return n;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The event vocabulary of registry.h as verify/ uses it: which events prove custody or a
 * release, and the status of a person's events through am_status_derive_event. Also the
 * date helpers of the module.
 */
#include "verify_int.h"

#include <string.h>

int am__verify_event_type(const char *name)
{
    return name ? am_event_from_name(name) : -1;
}

const char *am__verify_event_name(int type)
{
    return type >= 0 && type < AM__EVENT_COUNT ? am_event_name((enum am_event_type)type) : "event";
}

enum am_status am__verify_event_effect(int type)
{
    return type >= 0 && type < AM__EVENT_COUNT ? am_event_effect((enum am_event_type)type)
                                               : AM_STATUS_UNKNOWN;
}

const char *am__verify_status_name(enum am_status status)
{
    return am_status_name(status);
}

enum am_status am__verify_derive(const struct am__vev *ev, size_t n, const char *as_of, long *last)
{
    struct am_event_fact *facts = am_malloc((n ? n : 1) * sizeof(*facts));
    for (size_t i = 0; i < n; i++) {
        facts[i].type = (enum am_event_type)ev[i].type;
        facts[i].date = ev[i].date;
        facts[i].seq = ev[i].seq;
    }
    size_t decided = (size_t)-1;
    enum am_status st = am_status_derive_event(facts, n, as_of, NULL, &decided);
    am_free(facts);
    if (last)
        *last = decided == (size_t)-1 ? -1 : (long)decided;
    return st;
}

int am__verify_is_custody(int type)
{
    enum am_status e = am__verify_event_effect(type);
    return e == AM_STATUS_DETAINED || e == AM_STATUS_DISAPPEARED || e == AM_STATUS_HOUSE_ARREST;
}

int am__verify_is_release(int type)
{
    return type == AM_EV_RELEASE || type == AM_EV_RELEASE_WITH_MEASURES;
}

int am__verify_is_detention(int type)
{
    return am__verify_is_custody(type) || am__verify_is_release(type) ||
           type == AM_EV_MEASURES_LIFTED || type == AM_EV_CONVICTION;
}

int am__verify_class_not_political(const char *cls)
{
    if (!cls)
        return 0;
    return strcmp(cls, "homicide") == 0 || strcmp(cls, "drugs") == 0 || strcmp(cls, "drug") == 0 ||
           strcmp(cls, "common") == 0;
}

int am__verify_is_digits(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

int am__verify_date_valid(const char *s)
{
    int32_t d;
    return s && am_iso_date_parse(s, strlen(s), &d) == 0;
}

void am__verify_day(const char *s, char out[11])
{
    out[0] = '\0';
    if (s && strlen(s) >= 10) {
        memcpy(out, s, 10);
        out[10] = '\0';
        if (!am__verify_date_valid(out))
            out[0] = '\0';
    }
}

int am_verify_date_check(const char *s, const char *what, struct am_err *err)
{
    if (!am__verify_date_valid(s))
        return AM_FAIL(err, AM_EUSAGE, "%s '%s' is not a date; write it as YYYY-MM-DD", what,
                       s ? s : "");
    return 0;
}

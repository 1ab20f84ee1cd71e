/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The event vocabulary of registry.h as verify/ uses it: effects and ranks from
 * AM_EVENT_TABLE, which events prove custody or a release, and a status derivation over
 * the events of one person. Also the date helpers of the module.
 */
#include "verify_int.h"

#include <string.h>

static const struct {
    const char *name;
    enum am_status effect;
    int rank;
} events[] = {
#define AM_X(e, s, effect, rank) {s, effect, rank},
    AM_EVENT_TABLE(AM_X)
#undef AM_X
};

static const char *const statuses[] = {
#define AM_X(e, s) s,
    AM_STATUS_TABLE(AM_X)
#undef AM_X
};

int am__verify_event_type(const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
        if (strcmp(events[i].name, name) == 0)
            return (int)i;
    return -1;
}

const char *am__verify_event_name(int type)
{
    return type >= 0 && type < AM__EVENT_COUNT ? events[type].name : "event";
}

enum am_status am__verify_event_effect(int type)
{
    return type >= 0 && type < AM__EVENT_COUNT ? events[type].effect : AM_STATUS_UNKNOWN;
}

int am__verify_event_rank(int type)
{
    return type >= 0 && type < AM__EVENT_COUNT ? events[type].rank : 0;
}

const char *am__verify_status_name(enum am_status status)
{
    return (int)status >= 0 && status < AM__STATUS_COUNT ? statuses[status] : "unknown";
}

/* Does event a come after event b? */
static int later(const struct am__vev *a, const struct am__vev *b)
{
    int c = strcmp(a->date ? a->date : "", b->date ? b->date : "");
    if (c != 0)
        return c > 0;
    int ra = am__verify_event_rank(a->type), rb = am__verify_event_rank(b->type);
    if (ra != rb)
        return ra > rb;
    return a->seq > b->seq;
}

enum am_status am__verify_derive(const struct am__vev *ev, size_t n, const char *as_of,
                                 long *last)
{
    int any_dated = 0;
    for (size_t i = 0; i < n; i++)
        if (ev[i].date && am__verify_event_effect(ev[i].type) != AM_STATUS_UNKNOWN &&
            (!as_of || strcmp(ev[i].date, as_of) <= 0))
            any_dated = 1;
    long best = -1;
    for (size_t i = 0; i < n; i++) {
        if (am__verify_event_effect(ev[i].type) == AM_STATUS_UNKNOWN)
            continue;
        if (any_dated && !ev[i].date)
            continue;
        if (as_of && ev[i].date && strcmp(ev[i].date, as_of) > 0)
            continue;
        if (best < 0 || later(&ev[i], &ev[best]))
            best = (long)i;
    }
    if (last)
        *last = best;
    return best < 0 ? AM_STATUS_UNKNOWN : am__verify_event_effect(ev[best].type);
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
    return strcmp(cls, "homicide") == 0 || strcmp(cls, "drugs") == 0 ||
           strcmp(cls, "drug") == 0 || strcmp(cls, "common") == 0;
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
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return 0;
    int yy, mm, dd;
    am_civil_from_days(am_days_from_civil(y, m, d), &yy, &mm, &dd);
    return yy == y && mm == m && dd == d;
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
        return AM_FAIL(err, AM_EUSAGE, "%s '%s' is not a date; write it as YYYY-MM-DD",
                       what, s ? s : "");
    return 0;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The status and event vocabulary of registry.h and status derivation from events.
 * Written on the publish branch because publishing by status needs it and no branch had
 * it yet; if another branch brings its own implementation of these functions, keep one.
 */
#include "amnistia/registry.h"

#include <string.h>

static const char *const status_names[] = {
#define AM_X(e, s) s,
    AM_STATUS_TABLE(AM_X)
#undef AM_X
};

static const struct {
    const char *name;
    enum am_status effect;
    int rank;
} events[] = {
#define AM_X(e, s, effect, rank) {s, effect, rank},
    AM_EVENT_TABLE(AM_X)
#undef AM_X
};

const char *am_status_name(enum am_status status)
{
    return (unsigned)status < AM__STATUS_COUNT ? status_names[status] : "unknown";
}

int am_status_from_name(const char *name)
{
    for (int i = 0; name && i < AM__STATUS_COUNT; i++)
        if (strcmp(status_names[i], name) == 0)
            return i;
    return -1;
}

const char *am_event_name(enum am_event_type type)
{
    return (unsigned)type < AM__EVENT_COUNT ? events[type].name : "unknown";
}

int am_event_from_name(const char *name)
{
    for (int i = 0; name && i < AM__EVENT_COUNT; i++)
        if (strcmp(events[i].name, name) == 0)
            return i;
    return -1;
}

enum am_status am_event_effect(enum am_event_type type)
{
    return (unsigned)type < AM__EVENT_COUNT ? events[type].effect : AM_STATUS_UNKNOWN;
}

int am_event_for_status(enum am_status status)
{
    switch (status) {
    case AM_STATUS_DETAINED: return AM_EV_DETENTION_CONFIRMED;
    case AM_STATUS_DISAPPEARED: return AM_EV_DISAPPEARANCE;
    case AM_STATUS_HOUSE_ARREST: return AM_EV_HOUSE_ARREST;
    case AM_STATUS_RELEASED_WITH_MEASURES: return AM_EV_RELEASE_WITH_MEASURES;
    case AM_STATUS_RELEASED: return AM_EV_RELEASE;
    case AM_STATUS_EXILED: return AM_EV_EXILE;
    case AM_STATUS_IN_HIDING: return AM_EV_HIDING;
    case AM_STATUS_DECEASED: return AM_EV_DEATH;
    default: return -1;
    }
}

/* 1 when a comes after b: by date, then rank, then seq. */
static int later(const struct am_event_fact *a, const struct am_event_fact *b)
{
    int c = strcmp(a->date ? a->date : "", b->date ? b->date : "");
    if (c)
        return c > 0;
    int ra = events[a->type].rank, rb = events[b->type].rank;
    if (ra != rb)
        return ra > rb;
    return a->seq > b->seq;
}

enum am_status am_status_derive(const struct am_event_fact *ev, size_t n, const char *as_of,
                                int *incommunicado)
{
    int any_dated = 0;
    for (size_t i = 0; i < n; i++)
        if (ev[i].date && (!as_of || strcmp(ev[i].date, as_of) <= 0) &&
            (unsigned)ev[i].type < AM__EVENT_COUNT)
            any_dated = 1;
    const struct am_event_fact *last = NULL, *last_detention = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct am_event_fact *e = &ev[i];
        if ((unsigned)e->type >= AM__EVENT_COUNT || events[e->type].effect == AM_STATUS_UNKNOWN)
            continue;
        if (any_dated && (!e->date || (as_of && strcmp(e->date, as_of) > 0)))
            continue;
        if (!last || later(e, last))
            last = e;
        if (events[e->type].effect == AM_STATUS_DETAINED &&
            (!last_detention || later(e, last_detention)))
            last_detention = e;
    }
    enum am_status s = last ? events[last->type].effect : AM_STATUS_UNKNOWN;
    if (incommunicado)
        *incommunicado = s == AM_STATUS_DETAINED && last_detention &&
                         last_detention->type == AM_EV_INCOMMUNICADO;
    return s;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The vocabulary of registry.h as functions: status and event names both ways, an
 * event's effect, and the event a list's status word stands for. Status derivation is
 * not here.
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
} events[] = {
#define AM_X(e, s, effect, rank) {s, effect},
    AM_EVENT_TABLE(AM_X)
#undef AM_X
};

const char *am_status_name(enum am_status status)
{
    return (unsigned)status < AM__STATUS_COUNT ? status_names[status] : "unknown";
}

int am_status_from_name(const char *name)
{
    for (int i = 0; i < AM__STATUS_COUNT; i++)
        if (name && strcmp(status_names[i], name) == 0)
            return i;
    return -1;
}

const char *am_event_name(enum am_event_type type)
{
    return (unsigned)type < AM__EVENT_COUNT ? events[type].name : "?";
}

int am_event_from_name(const char *name)
{
    for (int i = 0; i < AM__EVENT_COUNT; i++)
        if (name && strcmp(events[i].name, name) == 0)
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

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The registry's vocabulary and the one place a status is derived: statuses, event types
 * and the rule "the latest event with an effect wins". Everything that shows or counts a
 * status (people, show, audit, laws, estimates, publications) goes through here.
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
} event_table[] = {
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
    return (unsigned)type < AM__EVENT_COUNT ? event_table[type].name : "?";
}

int am_event_from_name(const char *name)
{
    for (int i = 0; name && i < AM__EVENT_COUNT; i++)
        if (strcmp(event_table[i].name, name) == 0)
            return i;
    return -1;
}

enum am_status am_event_effect(enum am_event_type type)
{
    return (unsigned)type < AM__EVENT_COUNT ? event_table[type].effect : AM_STATUS_UNKNOWN;
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

/* Is event a later than event b? Dated beats undated; then date, rank, sequence. */
static int later(const struct am_event_fact *a, const struct am_event_fact *b)
{
    if (!a->date != !b->date)
        return a->date != NULL;
    if (a->date) {
        int c = strcmp(a->date, b->date);
        if (c)
            return c > 0;
    }
    /* One day, two sources: one says released, the other released with measures. The
     * measures are imposed at the release and a bare "released" does not deny them
     * (only a full release is freedom), so the release with measures is taken as the
     * later, more precise word, whatever the order of the two lists. */
    if (a->type == AM_EV_RELEASE_WITH_MEASURES && b->type == AM_EV_RELEASE)
        return 1;
    if (a->type == AM_EV_RELEASE && b->type == AM_EV_RELEASE_WITH_MEASURES)
        return 0;
    int ra = event_table[a->type].rank, rb = event_table[b->type].rank;
    if (ra != rb)
        return ra > rb;
    return a->seq > b->seq;
}

enum am_status am_status_derive(const struct am_event_fact *events, size_t n, const char *as_of,
                                int *incommunicado)
{
    return am_status_derive_event(events, n, as_of, incommunicado, NULL);
}

enum am_status am_status_derive_event(const struct am_event_fact *events, size_t n,
                                      const char *as_of, int *incommunicado, size_t *decided)
{
    const struct am_event_fact *last = NULL, *last_incommunicado = NULL, *last_contact = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct am_event_fact *e = &events[i];
        if ((unsigned)e->type >= AM__EVENT_COUNT || event_table[e->type].effect == AM_STATUS_UNKNOWN)
            continue;
        if (as_of && e->date && strcmp(e->date, as_of) > 0)
            continue;
        if (!last || later(e, last))
            last = e;
        /* Incommunicado lasts until visits are granted or a new detention starts. */
        if (e->type == AM_EV_INCOMMUNICADO) {
            if (!last_incommunicado || later(e, last_incommunicado))
                last_incommunicado = e;
        } else if (e->type == AM_EV_VISITS_GRANTED || e->type == AM_EV_ARREST ||
                   e->type == AM_EV_REARREST || e->type == AM_EV_MEASURES_REVOKED) {
            if (!last_contact || later(e, last_contact))
                last_contact = e;
        }
    }
    enum am_status status = last ? event_table[last->type].effect : AM_STATUS_UNKNOWN;
    if (decided)
        *decided = last ? (size_t)(last - events) : (size_t)-1;
    if (incommunicado)
        *incommunicado = status == AM_STATUS_DETAINED && last_incommunicado &&
                         (!last_contact || later(last_incommunicado, last_contact));
    return status;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The evaluator: a person's facts against a compiled law, in three-valued logic (true,
 * false, unknown). Rules are ranked by level (an exception sits above the rule it
 * excepts); the highest level where a rule applies decides. When unknown facts could
 * change the outcome the verdict is needs_review, with what each value would give.
 * Pure and allocation-free: it runs a million times a second.
 */
#include "law_int.h"

#include <string.h>

enum { F = 0, T = 1, U = 2 };

int am__law_age_at_arrest(const struct am_law_facts *f)
{
    if (f->birth_date == AM_DATE_UNKNOWN || f->arrest_date == AM_DATE_UNKNOWN ||
        f->arrest_date < f->birth_date)
        return -1;
    int by, bm, bd, ay, am, ad;
    am_civil_from_days(f->birth_date, &by, &bm, &bd);
    am_civil_from_days(f->arrest_date, &ay, &am, &ad);
    int age = ay - by;
    if (am < bm || (am == bm && ad < bd))
        age--;
    return age;
}

static int32_t date_fact(const struct am_law_facts *f, int fact)
{
    return fact == AM_FACT_ACT_DATE ? f->act_date : f->arrest_date;
}

/* One condition; *charge and *episode say which charge or episode settled it. */
static uint8_t eval_atom(const struct am_law *law, const struct am__law_atom *a,
                         const struct am_law_facts *f, int8_t *charge, int8_t *episode)
{
    uint8_t v = U;
    *charge = -1;
    *episode = -1;
    switch ((enum am__atom_kind)a->kind) {
    case AM__A_DATE_RANGE: {
        int32_t d = date_fact(f, a->fact);
        if (d != AM_DATE_UNKNOWN)
            v = d >= a->lo && d <= a->hi ? T : F;
        break;
    }
    case AM__A_DATE_EPISODES: {
        int32_t d = date_fact(f, a->fact);
        if (d == AM_DATE_UNKNOWN)
            break;
        const struct am__law_episodes *l = &law->lists[a->ref];
        v = F;
        for (uint16_t i = 0; i < l->n; i++) {
            const struct am__law_episode *e = &law->episodes[l->first + i];
            if (d >= e->lo && d <= e->hi) {
                if (!e->uncertain) {
                    v = T;
                    *episode = (int8_t)(i < 127 ? i : 127);
                    break;
                }
                if (v == F) {
                    v = U;
                    *episode = (int8_t)(i < 127 ? i : 127);
                }
            }
        }
        break;
    }
    case AM__A_STATUS_IN:
        if (f->status != AM_STATUS_UNKNOWN)
            v = f->status < 32 && ((a->mask >> f->status) & 1) ? T : F;
        break;
    case AM__A_CATEGORY_IN:
        if (f->categories)
            v = (f->categories & a->mask) ? T : F;
        break;
    case AM__A_CLASS_ANY:
        if (f->n_charges == 0)
            break;
        v = F;
        for (int i = 0; i < f->n_charges && i < AM_LAW_MAX_CHARGES; i++) {
            const struct am_law_charge *c = &f->charges[i];
            int in = c->cls < 32 && ((a->mask >> c->cls) & 1);
            if (c->cls >= AM_CC_UNKNOWN || c->uncertain) {
                if (v == F) {
                    v = U;
                    *charge = (int8_t)i;
                }
            } else if (in) {
                v = T;
                *charge = (int8_t)i;
                break;
            }
        }
        break;
    case AM__A_CLASS_ONLY:
        if (f->n_charges == 0)
            break;
        v = T;
        for (int i = 0; i < f->n_charges && i < AM_LAW_MAX_CHARGES; i++) {
            const struct am_law_charge *c = &f->charges[i];
            int in = c->cls < 32 && ((a->mask >> c->cls) & 1);
            if (c->cls >= AM_CC_UNKNOWN || c->uncertain) {
                if (v == T) {
                    v = U;
                    *charge = (int8_t)i;
                }
            } else if (!in) {
                v = F;
                *charge = (int8_t)i;
                break;
            }
        }
        break;
    case AM__A_CHARGE_TEXT:
        if (f->n_charges == 0)
            break;
        v = F;
        for (int i = 0; i < f->n_charges && i < AM_LAW_MAX_CHARGES; i++) {
            const struct am_law_charge *c = &f->charges[i];
            if (!c->fold) {
                if (v == F) {
                    v = U;
                    *charge = (int8_t)i;
                }
            } else if (strstr(c->fold, law->patterns[a->ref])) {
                v = T;
                *charge = (int8_t)i;
                break;
            }
        }
        break;
    case AM__A_AGE_CMP: {
        int age = am__law_age_at_arrest(f);
        if (age < 0)
            break;
        int r = a->op == AM__LT   ? age < a->lo
                : a->op == AM__LE ? age <= a->lo
                : a->op == AM__GT ? age > a->lo
                                  : age >= a->lo;
        v = r ? T : F;
        break;
    }
    case AM__A_NATIONALITY:
        if (f->nationality != AM_NAT_UNKNOWN)
            v = f->nationality == a->lo ? T : F;
        break;
    case AM__A_MARK: {
        uint8_t m = f->marks[a->ref];
        v = m == AM_MARK_TRUE ? T : m == AM_MARK_UNCERTAIN ? U : F;
        break;
    }
    }
    if (a->neg && v != U)
        v = v == T ? F : T;
    return v;
}

/* A rule's own conditions: false on the first false line, else unknown on the first
 * unknown line, else true (naming the last line, usually the most specific). */
static struct am__rule_value eval_rule(const struct am_law *law, const struct am__law_rule *rule,
                                       const struct am_law_facts *f)
{
    struct am__rule_value rv = {T, AM__NO_ATOM, -1, -1}, first_u = {U, AM__NO_ATOM, -1, -1};
    int any_u = 0;
    for (uint16_t c = 0; c < rule->n_clauses; c++) {
        const struct am__law_clause *cl = &law->clauses[rule->first_clause + c];
        struct am__rule_value cv = {F, AM__NO_ATOM, -1, -1};
        for (uint16_t k = 0; k < cl->n; k++) {
            uint16_t ai = (uint16_t)(cl->first + k);
            int8_t ch, ep;
            uint8_t av = eval_atom(law, &law->atoms[ai], f, &ch, &ep);
            if (av == T) {
                cv = (struct am__rule_value){T, ai, ch, ep};
                break;
            }
            if ((av == U && cv.truth == F) || cv.atom == AM__NO_ATOM)
                cv = (struct am__rule_value){av, ai, ch, ep};
        }
        if (cv.truth == F)
            return cv;
        if (cv.truth == U && !any_u) {
            first_u = cv;
            any_u = 1;
        }
        if (cv.truth == T)
            rv = cv;
    }
    return any_u ? first_u : rv;
}

void am__law_rule_values(const struct am_law *law, const struct am_law_facts *f,
                         struct am__rule_value *values)
{
    /* Lowest level first, so that an exception sees its bases. An exception narrows the
     * rules it is an exception to: it applies only where one of them could, so when all
     * its bases fail its own conditions are not even looked at. */
    for (size_t k = law->n_rules; k-- > 0;) {
        uint16_t r = law->by_level[k];
        const struct am__law_rule *rule = &law->rules[r];
        if (r == 0) {
            values[0] = (struct am__rule_value){T, AM__NO_ATOM, -1, -1};
            continue;
        }
        const struct am__rule_value *base = NULL;
        uint8_t bt = T;
        if (rule->n_bases) {
            bt = F;
            for (uint16_t b = 0; b < rule->n_bases; b++) {
                const struct am__rule_value *bv = &values[rule->bases[b]];
                if (bv->truth == T) {
                    bt = T;
                    base = NULL;
                    break;
                }
                if (bv->truth == U && bt == F) {
                    bt = U;
                    base = bv;
                } else if (!base) {
                    base = bv;
                }
            }
            if (bt == F) {
                values[r] = (struct am__rule_value){F, base->atom, base->charge, base->episode};
                continue;
            }
        }
        struct am__rule_value own = eval_rule(law, rule, f);
        if (bt == U && own.truth == T)
            own = (struct am__rule_value){U, base->atom, base->charge, base->episode};
        values[r] = own;
    }
}

/* The outcome when the rules have these values (no unknown among them). */
static uint8_t decide(const struct am_law *law, const uint8_t *truth, uint16_t *decider,
                      uint16_t *conflict)
{
    *conflict = AM__NO_ATOM;
    size_t i = 0;
    while (i < law->n_rules) {
        uint16_t level = law->rules[law->by_level[i]].level;
        if (level == 0)
            break;
        int found = -1;
        for (; i < law->n_rules && law->rules[law->by_level[i]].level == level; i++) {
            uint16_t r = law->by_level[i];
            if (truth[r] != T)
                continue;
            if (found < 0) {
                found = r;
            } else if (law->rules[r].verdict != law->rules[found].verdict &&
                       *conflict == AM__NO_ATOM) {
                *conflict = r;
            }
        }
        if (found >= 0) {
            *decider = (uint16_t)found;
            return *conflict != AM__NO_ATOM ? (uint8_t)AM_OUTCOME_REVIEW
                                            : law->rules[found].verdict;
        }
    }
    *decider = 0;
    return law->rules[0].verdict;
}

static void add_reason(struct am_law_verdict *out, const struct am_law *law, uint16_t rule,
                       uint8_t role, const struct am__rule_value *rv)
{
    if (out->n >= AM_LAW_MAX_REASONS)
        return;
    struct am_law_reason *r = &out->reasons[out->n++];
    memset(r, 0, sizeof(*r));
    r->rule = rule;
    r->role = role;
    r->atom = rv ? rv->atom : AM__NO_ATOM;
    r->fact = (rv && rv->atom != AM__NO_ATOM) ? law->atoms[rv->atom].fact : 0;
    r->charge = rv ? rv->charge : -1;
    r->episode = rv ? rv->episode : -1;
}

/* The rule applies: one reason per condition line, naming the fact that made it hold. */
static void add_decided(struct am_law_verdict *out, const struct am_law *law,
                        const struct am_law_facts *f, uint16_t r, uint8_t role,
                        const struct am__rule_value *rv)
{
    const struct am__law_rule *rule = &law->rules[r];
    if (r == 0 || rv->truth != T || rule->n_clauses == 0) {
        add_reason(out, law, r, role, rv);
        return;
    }
    for (uint16_t c = 0; c < rule->n_clauses; c++) {
        const struct am__law_clause *cl = &law->clauses[rule->first_clause + c];
        for (uint16_t k = 0; k < cl->n; k++) {
            uint16_t ai = (uint16_t)(cl->first + k);
            struct am__rule_value av = {F, ai, -1, -1};
            if (eval_atom(law, &law->atoms[ai], f, &av.charge, &av.episode) == T) {
                av.truth = T;
                add_reason(out, law, r, role, &av);
                break;
            }
        }
    }
}

#define MAX_OPEN 8

void am_law_eval(const struct am_law *law, const struct am_law_facts *facts,
                 struct am_law_verdict *out)
{
    struct am__rule_value values[AM__LAW_MAX_RULES];
    uint8_t truth[AM__LAW_MAX_RULES] = {0};
    am__law_rule_values(law, facts, values);
    size_t n = law->n_rules;
    for (size_t r = 0; r < n; r++)
        truth[r] = values[r].truth == T ? T : F; /* unknowns as false: the base case */
    out->n = 0;
    uint16_t decider, conflict;
    uint8_t base = decide(law, truth, &decider, &conflict);
    uint16_t top = law->rules[decider].level;

    /* Unknown rules that could matter: at or above the deciding level. */
    uint16_t open[MAX_OPEN];
    size_t n_open = 0, n_more = 0;
    for (size_t r = 1; r < n; r++) {
        if (values[r].truth != U || law->rules[r].level < top)
            continue;
        if (law->rules[r].level == top && law->rules[r].verdict == base && conflict == AM__NO_ATOM)
            continue; /* would agree with the rule that decides */
        if (n_open < MAX_OPEN)
            open[n_open++] = (uint16_t)r;
        else
            n_more++;
    }
    /* Charges beyond the facts' capacity, or unknown-class charges nothing tested, need
     * nothing here: a rule that tests charges sees them through the atoms. */
    if (n_open == 0) {
        out->outcome = base;
        out->decider = decider;
        add_decided(out, law, facts, decider, AM_REASON_DECIDED, &values[decider]);
        if (conflict != AM__NO_ATOM)
            add_decided(out, law, facts, conflict, AM_REASON_CONFLICT, &values[conflict]);
        if (decider == 0) {
            /* Say why no rule with another verdict applied: the base rules (not
             * exceptions, which fail with their base), in file order. */
            for (uint16_t r = 1; r < n; r++) {
                if (law->rules[r].level == 1 && law->rules[r].n_bases == 0 && law->rules[r].verdict != base &&
                    values[r].truth == F)
                    add_reason(out, law, r, AM_REASON_FAILED, &values[r]);
            }
        }
        return;
    }
    /* Each open rule alone first (cheap, and what the reasons name); only when none
     * alone changes the outcome, every combination (rules may conflict together). */
    uint8_t alone[MAX_OPEN];
    size_t n_alone = 0;
    for (size_t k = 0; k < n_open; k++) {
        uint16_t d, c;
        truth[open[k]] = T;
        alone[k] = decide(law, truth, &d, &c);
        truth[open[k]] = F;
        if (alone[k] != base) {
            open[n_alone] = open[k];
            alone[n_alone] = alone[k];
            n_alone++;
        }
    }
    int differs = n_more > 0 || n_alone > 0;
    for (unsigned mask = 1; !differs && n_open > 1 && mask < (1u << n_open); mask++) {
        if ((mask & (mask - 1)) == 0)
            continue; /* single rules: done above */
        for (size_t k = 0; k < n_open; k++)
            truth[open[k]] = (mask >> k) & 1 ? T : F;
        uint16_t d, c;
        if (decide(law, truth, &d, &c) != base)
            differs = 1;
    }
    for (size_t k = 0; k < n_open; k++)
        truth[open[k]] = F;
    if (!differs) {
        out->outcome = base;
        out->decider = decider;
        add_decided(out, law, facts, decider, AM_REASON_DECIDED, &values[decider]);
        return;
    }
    out->outcome = AM_OUTCOME_REVIEW;
    if (n_alone)
        n_open = n_alone;
    out->decider = open[0];
    for (size_t k = 0; k < n_open; k++) {
        uint8_t if_applies = alone[k];
        size_t before = out->n;
        add_reason(out, law, open[k], AM_REASON_OPEN, &values[open[k]]);
        if (out->n > before) {
            out->reasons[before].if_applies = if_applies;
            out->reasons[before].otherwise = base;
        }
    }
    /* What decides when every open rule turns out not to apply. */
    add_reason(out, law, decider, AM_REASON_OTHERWISE, &values[decider]);
}

/* ---- deadlines --------------------------------------------------------------------------- */

void am_law_deadline_eval(const struct am_law *law, size_t i, const struct am_law_event *events,
                          size_t n_events, int32_t as_of, struct am_law_deadline_status *out)
{
    memset(out, 0, sizeof(*out));
    out->start = out->due = out->met = AM_DATE_UNKNOWN;
    out->days_left = 0;
    if (i >= law->n_deadlines)
        return;
    const struct am__law_deadline *d = &law->deadlines[i];
    out->id = d->id;
    out->cite = d->cite;
    out->who = d->who;
    out->must = d->must;
    out->start_name = d->start_name;
    out->days = d->days;
    int32_t start = AM_DATE_UNKNOWN;
    if (d->start_event < 0) {
        start = am_law_in_force(law);
        if (start != AM_DATE_UNKNOWN && start > as_of)
            start = AM_DATE_UNKNOWN;
    } else {
        for (size_t k = 0; k < n_events; k++)
            if (events[k].type == d->start_event && events[k].date != AM_DATE_UNKNOWN &&
                events[k].date <= as_of && (start == AM_DATE_UNKNOWN || events[k].date < start))
                start = events[k].date;
    }
    if (start == AM_DATE_UNKNOWN) {
        out->state = AM_DEADLINE_NOT_STARTED;
        return;
    }
    out->start = start;
    out->due = start + d->days;
    int32_t met = AM_DATE_UNKNOWN;
    for (size_t k = 0; k < n_events; k++)
        if (events[k].type < 32 && ((d->met_mask >> events[k].type) & 1) &&
            events[k].date != AM_DATE_UNKNOWN && events[k].date >= start &&
            events[k].date <= as_of && (met == AM_DATE_UNKNOWN || events[k].date < met))
            met = events[k].date;
    out->met = met;
    out->days_left = out->due - as_of;
    if (met != AM_DATE_UNKNOWN)
        out->state = met <= out->due ? AM_DEADLINE_MET : AM_DEADLINE_MET_LATE;
    else
        out->state = as_of > out->due ? AM_DEADLINE_OVERDUE : AM_DEADLINE_PENDING;
}

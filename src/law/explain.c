/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Verdicts in words: one sentence per reason, the reasons as JSON, and the full
 * explanation of `amnistia explain PERSON --law FILE` (every rule with its value and the
 * condition that settled it, the facts with where they came from, the open facts and
 * what each value would give, the articles quoted). Reads only; decides nothing.
 */
#include "law_int.h"

#include <string.h>

static const char *role_name(int role)
{
    switch (role) {
    case AM_REASON_DECIDED:
        return "decided";
    case AM_REASON_CONFLICT:
        return "conflict";
    case AM_REASON_OPEN:
        return "open";
    case AM_REASON_FAILED:
        return "does_not_apply";
    case AM_REASON_OTHERWISE:
        return "otherwise";
    }
    return "?";
}

static void add_date(struct am_buf *b, int32_t d)
{
    if (d == AM_DATE_UNKNOWN) {
        am_buf_adds(b, "unknown");
        return;
    }
    char s[11];
    am_format_date(d, s);
    am_buf_adds(b, s);
}

static const char *mark_name(uint8_t m)
{
    return m == AM_MARK_TRUE ? "true" : m == AM_MARK_FALSE ? "false"
                                    : m == AM_MARK_UNCERTAIN ? "uncertain" : "unmarked";
}

static void add_categories(struct am_buf *b, uint16_t cats)
{
    if (!cats) {
        am_buf_adds(b, "none recorded");
        return;
    }
    int first = 1;
    for (int i = 0; i < AM__CAT_COUNT; i++)
        if ((cats >> i) & 1) {
            am_buf_adds(b, first ? "" : ";");
            am_buf_adds(b, am_category_name(i));
            first = 0;
        }
}

static void add_charge(struct am_buf *b, const struct am_law_facts *f, int i)
{
    const struct am_law_charge *c = &f->charges[i];
    am_buf_addc(b, '"');
    am_buf_adds(b, c->raw ? c->raw : "(no text)");
    am_buf_adds(b, "\" (");
    am_buf_adds(b, am_charge_class_name(c->cls));
    if (c->cls == AM_CC_UNKNOWN)
        am_buf_adds(b, ": not in the charge catalog");
    else if (c->uncertain)
        am_buf_adds(b, ", catalog row uncertain");
    am_buf_addc(b, ')');
}

/* The value of the fact a reason names, as text. */
static void add_value(struct am_buf *b, const struct am_law_facts *f, int fact, int charge)
{
    switch (fact) {
    case AM_FACT_ACT_DATE:
        add_date(b, f->act_date);
        return;
    case AM_FACT_ARREST_DATE:
        add_date(b, f->arrest_date);
        return;
    case AM_FACT_AGE_AT_ARREST: {
        int age = am__law_age_at_arrest(f);
        if (age < 0)
            am_buf_adds(b, "unknown");
        else
            am_buf_addf(b, "%d", age);
        return;
    }
    case AM_FACT_STATUS:
        am_buf_adds(b, am_status_name(f->status));
        return;
    case AM_FACT_CATEGORY:
        add_categories(b, f->categories);
        return;
    case AM_FACT_NATIONALITY:
        am_buf_adds(b, f->nationality == AM_NAT_VENEZUELAN ? "venezuelan"
                       : f->nationality == AM_NAT_FOREIGN  ? "foreign"
                                                           : "unknown");
        return;
    case AM_FACT_CHARGES:
        if (f->n_charges == 0)
            am_buf_adds(b, "none recorded");
        else if (charge >= 0 && charge < f->n_charges)
            add_charge(b, f, charge);
        else
            for (int i = 0; i < f->n_charges; i++) {
                if (i == 3) {
                    am_buf_addf(b, " and %d more", f->n_charges - 3);
                    break;
                }
                am_buf_adds(b, i ? ", " : "");
                add_charge(b, f, i);
            }
        return;
    default:
        if (fact >= AM_FACT_REVIEWER && fact < AM__FACT_COUNT)
            am_buf_adds(b, mark_name(f->marks[fact - AM_FACT_REVIEWER]));
        return;
    }
}

static const struct am_law_origin *origin_of(const struct am_law_facts *f, int fact, int charge)
{
    if (fact == AM_FACT_CHARGES) {
        if (charge >= 0 && f->charge_origin)
            return &f->charge_origin[charge];
        return NULL;
    }
    if (fact == AM_FACT_AGE_AT_ARREST)
        fact = AM_FACT_ARREST_DATE;
    return f->origin ? &f->origin[fact] : NULL;
}

static void add_origin(struct am_buf *b, const struct am_law_origin *o)
{
    if (!o || (!o->record_id && !o->source && !o->note))
        return;
    am_buf_adds(b, " [");
    int sep = 0;
    if (o->note) {
        am_buf_adds(b, o->note);
        sep = 1;
    }
    if (o->record_id) {
        am_buf_addf(b, "%srecord %lld", sep ? "; " : "", (long long)o->record_id);
        sep = 1;
    }
    if (o->source)
        am_buf_addf(b, "%ssource %s", sep ? "; " : "", o->source);
    am_buf_addc(b, ']');
}

static const char *truth_words(int truth, int neg_unused)
{
    (void)neg_unused;
    return truth == 1 ? "holds" : truth == 0 ? "does not hold" : "cannot be settled";
}

/* "act_date in episodes art8 holds: act_date = 2017-05-03 (episode protests_2017 ...)" */
static void add_condition(struct am_buf *b, const struct am_law *law,
                          const struct am_law_facts *f, uint16_t atom, int truth, int charge,
                          int episode)
{
    if (atom == AM__NO_ATOM) {
        am_buf_adds(b, "it applies when no rule does");
        return;
    }
    const struct am__law_atom *a = &law->atoms[atom];
    am_buf_addf(b, "`%s` %s: %s = ", a->src, truth_words(truth, a->neg), am_law_fact_name(a->fact));
    add_value(b, f, a->fact, charge);
    if (a->kind == AM__A_DATE_EPISODES && episode >= 0) {
        const struct am__law_episodes *l = &law->lists[a->ref];
        const struct am__law_episode *e = &law->episodes[l->first + episode];
        am_buf_addf(b, ", in episode %s %s%s", e->label, e->src,
                    e->uncertain ? " whose bounds are uncertain" : "");
    }
    if (truth == 2 && a->kind == AM__A_MARK)
        am_buf_adds(b, " (a reviewer marked it uncertain)");
    add_origin(b, origin_of(f, a->fact, charge));
}

void am_law_reason_text(const struct am_law *law, const struct am_law_facts *facts,
                        const struct am_law_reason *r, struct am_buf *out)
{
    const struct am__law_rule *rule = &law->rules[r->rule];
    const char *kind = r->rule == 0 ? "the default" : "rule ";
    const char *id = r->rule == 0 ? "" : rule->id;
    int truth = r->role == AM_REASON_OPEN ? 2 : r->role == AM_REASON_FAILED ? 0 : 1;
    switch (r->role) {
    case AM_REASON_DECIDED:
        am_buf_addf(out, "%s%s (art. %s) -> %s: ", kind, id, rule->cites,
                    am_outcome_name(rule->verdict));
        break;
    case AM_REASON_CONFLICT:
        am_buf_addf(out, "in conflict at the same level, %s%s (art. %s) -> %s: ", kind, id,
                    rule->cites, am_outcome_name(rule->verdict));
        break;
    case AM_REASON_OPEN:
        am_buf_addf(out, "open fact: %s%s (art. %s): ", kind, id, rule->cites);
        break;
    case AM_REASON_FAILED:
        am_buf_addf(out, "%s%s (art. %s) -> %s does not apply: ", kind, id, rule->cites,
                    am_outcome_name(rule->verdict));
        break;
    case AM_REASON_OTHERWISE:
        am_buf_addf(out, "otherwise %s%s (art. %s) -> %s: ", kind, id, rule->cites,
                    am_outcome_name(rule->verdict));
        break;
    }
    /* For a rule that applies because no condition failed, the default, or an open rule,
     * the atom says which fact. */
    add_condition(out, law, facts, r->atom, truth, r->charge, r->episode);
    if (r->role == AM_REASON_OPEN)
        am_buf_addf(out, "; if it applies -> %s, otherwise -> %s", am_outcome_name(r->if_applies),
                    am_outcome_name(r->otherwise));
}

void am_law_verdict_json(const struct am_law *law, const struct am_law_facts *facts,
                         const struct am_law_verdict *v, struct am_buf *out)
{
    struct am_buf t;
    am_buf_init(&t);
    am_buf_addc(out, '[');
    for (int i = 0; i < v->n; i++) {
        const struct am_law_reason *r = &v->reasons[i];
        const struct am__law_rule *rule = &law->rules[r->rule];
        am_buf_adds(out, i ? ", {" : "{");
        am_buf_adds(out, "\"role\": ");
        am_buf_add_json_string(out, role_name(r->role));
        am_buf_adds(out, ", \"rule\": ");
        am_buf_add_json_string(out, rule->id);
        am_buf_adds(out, ", \"article\": ");
        am_buf_add_json_string(out, rule->cites);
        am_buf_adds(out, ", \"verdict\": ");
        am_buf_add_json_string(out, am_outcome_name(rule->verdict));
        if (r->atom != AM__NO_ATOM) {
            const struct am__law_atom *a = &law->atoms[r->atom];
            am_buf_adds(out, ", \"fact\": ");
            am_buf_add_json_string(out, am_law_fact_name(a->fact));
            am_buf_reset(&t);
            add_value(&t, facts, a->fact, r->charge);
            am_buf_adds(out, ", \"value\": ");
            am_buf_add_json_string(out, t.ptr);
            am_buf_adds(out, ", \"condition\": ");
            am_buf_add_json_string(out, a->src);
            const struct am_law_origin *o = origin_of(facts, a->fact, r->charge);
            if (o && o->record_id)
                am_buf_addf(out, ", \"record_id\": %lld", (long long)o->record_id);
            if (o && o->source) {
                am_buf_adds(out, ", \"source\": ");
                am_buf_add_json_string(out, o->source);
            }
            if (a->fact == AM_FACT_CHARGES && r->charge >= 0) {
                const struct am_law_charge *c = &facts->charges[r->charge];
                am_buf_addf(out, ", \"charge_class\": \"%s\", \"catalog_uncertain\": %s",
                            am_charge_class_name(c->cls), c->uncertain ? "true" : "false");
            }
        } else {
            am_buf_adds(out, ", \"fact\": null");
        }
        if (r->role == AM_REASON_OPEN) {
            am_buf_adds(out, ", \"if_applies\": ");
            am_buf_add_json_string(out, am_outcome_name(r->if_applies));
            am_buf_adds(out, ", \"otherwise\": ");
            am_buf_add_json_string(out, am_outcome_name(r->otherwise));
        }
        am_buf_reset(&t);
        am_law_reason_text(law, facts, r, &t);
        am_buf_adds(out, ", \"text\": ");
        am_buf_add_json_string(out, t.ptr);
        am_buf_addc(out, '}');
    }
    am_buf_addc(out, ']');
    am_buf_release(&t);
}

static void explain_fact(struct am_buf *out, const struct am_law_facts *f, int fact)
{
    am_buf_addf(out, "  %-26s ", am_law_fact_name(fact));
    add_value(out, f, fact, -1);
    if (fact != AM_FACT_AGE_AT_ARREST || am__law_age_at_arrest(f) >= 0)
        add_origin(out, origin_of(f, fact, -1));
    am_buf_addc(out, '\n');
}

void am_law_explain(const struct am_law *law, const struct am_law_facts *facts,
                    const struct am_law_verdict *v, struct am_buf *out)
{
    am_buf_addf(out, "Person %lld under %s v%d (%s", (long long)facts->person_id, law->id,
                law->version, am_law_state_name(law->state));
    if (law->in_force != AM_DATE_UNKNOWN) {
        am_buf_adds(out, ", in force ");
        add_date(out, law->in_force);
    } else if (law->assumed_in_force != AM_DATE_UNKNOWN) {
        am_buf_adds(out, ", simulated as in force from ");
        add_date(out, law->assumed_in_force);
    }
    if (law->struck_down != AM_DATE_UNKNOWN) {
        am_buf_adds(out, ", struck down ");
        add_date(out, law->struck_down);
    }
    am_buf_addf(out, ")\n  %s\n\n", law->title ? law->title : "");
    am_buf_addf(out, "VERDICT: %s\n", am_outcome_name(v->outcome));
    for (int i = 0; i < v->n; i++) {
        am_buf_adds(out, "  ");
        am_law_reason_text(law, facts, &v->reasons[i], out);
        am_buf_addc(out, '\n');
    }

    am_buf_adds(out, "\nFACTS (value [where it came from])\n");
    for (int fct = 0; fct < AM_FACT_CHARGES; fct++)
        explain_fact(out, facts, fct);
    am_buf_addf(out, "  %-26s ", "charges");
    if (facts->n_charges == 0)
        am_buf_adds(out, "none recorded\n");
    else
        am_buf_addc(out, '\n');
    for (int i = 0; i < facts->n_charges; i++) {
        am_buf_addf(out, "    %d. ", i + 1);
        add_charge(out, facts, i);
        add_origin(out, origin_of(facts, AM_FACT_CHARGES, i));
        am_buf_addc(out, '\n');
    }
    for (int i = 0; i < AM__RF_COUNT; i++)
        if (facts->marks[i] != AM_MARK_UNSET)
            explain_fact(out, facts, AM_FACT_REVIEWER + i);

    am_buf_adds(out, "\nRULES (highest priority first; an exception outranks its rule)\n");
    struct am__rule_value values[AM__LAW_MAX_RULES];
    am__law_rule_values(law, facts, values);
    for (size_t k = 0; k < law->n_rules; k++) {
        uint16_t r = law->by_level[k];
        const struct am__law_rule *rule = &law->rules[r];
        const struct am__rule_value *rv = &values[r];
        if (r == 0)
            am_buf_addf(out, "  default (art. %s) -> %s", rule->cites, am_outcome_name(rule->verdict));
        else
            am_buf_addf(out, "  [level %u] %s (art. %s) -> %s: %s", rule->level, rule->id,
                        rule->cites, am_outcome_name(rule->verdict),
                        rv->truth == 1 ? "APPLIES" : rv->truth == 0 ? "does not apply" : "UNKNOWN");
        if (rule->except)
            am_buf_addf(out, " (exception to %s)", rule->except);
        am_buf_addc(out, '\n');
        if (rule->note)
            am_buf_addf(out, "      %s\n", rule->note);
        if (r != 0) {
            am_buf_adds(out, "      ");
            add_condition(out, law, facts, rv->atom, rv->truth, rv->charge, rv->episode);
            am_buf_addc(out, '\n');
        }
    }

    am_buf_adds(out, "\nARTICLES CITED\n");
    for (size_t i = 0; i < law->n_articles; i++) {
        const struct am__law_article *a = &law->articles[i];
        int cited = 0;
        for (int k = 0; k < v->n && !cited; k++) {
            const char *c = law->rules[v->reasons[k].rule].cites;
            size_t n = strlen(a->id);
            for (const char *q = c; (q = strstr(q, a->id)) != NULL; q += n)
                if ((q == c || q[-1] == ' ') && (q[n] == ',' || q[n] == '\0'))
                    cited = 1;
        }
        if (!cited)
            continue;
        am_buf_addf(out, "  art. %s%s%s%s\n", a->id, a->heading ? " \"" : "",
                    a->heading ? a->heading : "", a->heading ? "\"" : "");
        const char *s = a->text ? a->text : "";
        while (*s) {
            const char *nl = strchr(s, '\n');
            size_t n = nl ? (size_t)(nl - s) : strlen(s);
            am_buf_addf(out, "    > %.*s\n", (int)n, s);
            s += n + (nl ? 1 : 0);
        }
    }
}

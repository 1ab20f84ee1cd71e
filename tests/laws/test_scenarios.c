/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The scenarios of tests/laws/scenarios.txt, table-driven: each gives a person's facts
 * and the verdict and deciding article expected under each of the four laws in laws/.
 * Every mismatch is printed; the test fails if any.
 */
#include <string.h>

#include "laws_tests.h"

#include "amnistia/law.h"

#define NLAWS 4
static const char *const law_files[NLAWS] = {"anuncio-2026-01-30", "ley-amnistia-2026",
                                             "comite-madres-2026", "ley-amnistia-2016"};
static const char law_keys[NLAWS] = {'A', 'L', 'C', 'S'};

static struct am_law *load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/laws/%s.law", AM_SOURCE_DIR, name);
    struct am_err err = AM_ERR_INIT;
    struct am_law *law = am_law_load(path, NULL, &err);
    if (!law)
        fprintf(stderr, "%s: %s (line %ld col %ld)\n", path, err.msg, err.input_line,
                err.input_col);
    return law;
}

/* Parses "KEY=VALUE ..." facts; strings live in store (no allocation per field). */
static int parse_facts(char *s, struct am_law_facts *f, char store[][128], int *nstore)
{
    am_law_facts_init(f);
    int act_given = 0;
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        char *eq = strchr(s, '=');
        if (!eq)
            return -1;
        *eq = '\0';
        char *key = s, *val = eq + 1, *end;
        size_t plain = strcspn(val, " ");
        char *quote = strchr(val, '"');
        if (quote && (size_t)(quote - val) < plain) {
            /* values with quoted text: charge=CLASS:"text" */
            char *q2 = strchr(quote + 1, '"');
            if (!q2)
                return -1;
            end = q2 + 1;
        } else {
            end = val + plain;
        }
        char save = *end;
        *end = '\0';
        s = save ? end + 1 : end;
        int32_t d;
        if (strcmp(key, "act") == 0 || strcmp(key, "arrest") == 0 || strcmp(key, "birth") == 0) {
            if (am_law_date_parse(val, strlen(val), &d) != 0)
                return -1;
            if (key[0] == 'a' && key[1] == 'c') {
                f->act_date = d;
                act_given = 1;
            } else if (key[0] == 'a') {
                f->arrest_date = d;
            } else {
                f->birth_date = d;
            }
        } else if (strcmp(key, "status") == 0) {
            int st = -1;
            static const char *const names[] = {
#define AM_X(e, s) s,
                AM_STATUS_TABLE(AM_X)
#undef AM_X
            };
            for (int i = 0; i < AM__STATUS_COUNT; i++)
                if (strcmp(names[i], val) == 0)
                    st = i;
            if (st < 0)
                return -1;
            f->status = (uint8_t)st;
        } else if (strcmp(key, "cat") == 0) {
            for (char *c = strtok_r(val, ",", &end); c; c = strtok_r(NULL, ",", &end)) {
                int cat = am_category_from_name(c);
                if (cat < 0)
                    return -1;
                f->categories |= (uint16_t)(1u << cat);
            }
        } else if (strcmp(key, "nat") == 0) {
            f->nationality = strcmp(val, "foreign") == 0 ? AM_NAT_FOREIGN : AM_NAT_VENEZUELAN;
        } else if (strcmp(key, "charge") == 0) {
            char *colon = strchr(val, ':');
            if (!colon || f->n_charges >= AM_LAW_MAX_CHARGES)
                return -1;
            *colon = '\0';
            int uncertain = colon > val && colon[-1] == '?';
            if (uncertain)
                colon[-1] = '\0';
            int cls = am_charge_class_from_name(val);
            if (cls < 0)
                return -1;
            char *text = colon + 1;
            if (*text == '"') {
                text++;
                text[strlen(text) - 1] = '\0';
            }
            struct am_law_charge *c = &f->charges[f->n_charges++];
            snprintf(store[*nstore], 128, "%s", text);
            c->raw = store[(*nstore)++];
            am_law_fold(text, store[*nstore], 128);
            c->fold = store[(*nstore)++];
            c->cls = (uint8_t)cls;
            c->uncertain = (uint8_t)uncertain;
        } else if (strcmp(key, "mark") == 0) {
            char *colon = strchr(val, ':');
            if (!colon)
                return -1;
            *colon = '\0';
            int rf = am_reviewer_fact_from_name(val);
            if (rf < 0)
                return -1;
            const char *v = colon + 1;
            f->marks[rf] = strcmp(v, "true") == 0    ? AM_MARK_TRUE
                           : strcmp(v, "false") == 0 ? AM_MARK_FALSE
                                                     : AM_MARK_UNCERTAIN;
        } else {
            return -1;
        }
    }
    if (!act_given)
        f->act_date = f->arrest_date; /* as the registry loader does */
    return 0;
}

static int cites_article(const char *cites, const char *article)
{
    size_t n = strlen(article);
    for (const char *q = cites; (q = strstr(q, article)) != NULL; q += n)
        if ((q == cites || q[-1] == ' ') && (q[n] == ',' || q[n] == '\0'))
            return 1;
    return 0;
}

static void test_scenarios(void **state)
{
    (void)state;
    struct am_law *laws[NLAWS];
    for (int i = 0; i < NLAWS; i++) {
        laws[i] = load(law_files[i]);
        assert_non_null(laws[i]);
    }
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/laws/scenarios.txt", AM_SOURCE_DIR);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[2048], name[512] = "";
    char store[2 * AM_LAW_MAX_CHARGES][128];
    int nstore = 0, scenarios = 0, checks = 0, failures = 0, lineno = 0, have_facts = 0;
    int checked[NLAWS] = {0};
    struct am_law_facts f;
    while (fgets(line, sizeof(line), fp)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (strncmp(line, "scenario: ", 10) == 0) {
            for (int i = 0; scenarios && i < NLAWS; i++)
                if (!checked[i]) {
                    fprintf(stderr, "scenarios.txt: '%s' has no expectation for %c\n", name,
                            law_keys[i]);
                    failures++;
                }
            snprintf(name, sizeof(name), "%s", line + 10);
            scenarios++;
            have_facts = 0;
            memset(checked, 0, sizeof(checked));
            continue;
        }
        if (strncmp(line, "facts: ", 7) == 0) {
            nstore = 0;
            if (parse_facts(line + 7, &f, store, &nstore) != 0) {
                fprintf(stderr, "scenarios.txt:%d: bad facts line\n", lineno);
                failures++;
                continue;
            }
            have_facts = 1;
            continue;
        }
        int li = -1;
        for (int i = 0; i < NLAWS; i++)
            if (line[0] == law_keys[i] && line[1] == ':')
                li = i;
        if (li < 0 || !have_facts) {
            fprintf(stderr, "scenarios.txt:%d: unexpected line '%s'\n", lineno, line);
            failures++;
            continue;
        }
        char outcome[32] = "", article[16] = "", fact[64] = "";
        int n = sscanf(line + 2, " %31s %15s fact=%63s", outcome, article, fact);
        if (n < 2) {
            fprintf(stderr, "scenarios.txt:%d: expected 'OUTCOME ARTICLE'\n", lineno);
            failures++;
            continue;
        }
        checked[li] = 1;
        checks++;
        struct am_law_verdict v;
        am_law_eval(laws[li], &f, &v);
        const char *cites = am_law_rule_cites(laws[li], v.decider);
        int ok = strcmp(am_outcome_name(v.outcome), outcome) == 0 && cites_article(cites, article);
        /* needs_review from open facts: any open rule's article will do */
        for (int k = 0; !ok && v.outcome == AM_OUTCOME_REVIEW && k < v.n; k++)
            if (v.reasons[k].role == AM_REASON_OPEN &&
                strcmp(am_outcome_name(v.outcome), outcome) == 0 &&
                cites_article(am_law_rule_cites(laws[li], v.reasons[k].rule), article))
                ok = 1;
        if (ok && fact[0]) {
            int found = 0;
            for (int k = 0; k < v.n; k++)
                if (v.reasons[k].atom != 0xFFFF &&
                    strcmp(am_law_fact_name(v.reasons[k].fact), fact) == 0)
                    found = 1;
            ok = found;
        }
        if (!ok) {
            struct am_buf b;
            am_buf_init(&b);
            am_law_verdict_json(laws[li], &f, &v, &b);
            fprintf(stderr,
                    "scenarios.txt:%d: %s under %s: expected %s art. %s%s%s, got %s by %s (art. "
                    "%s)\n  %s\n",
                    lineno, name, law_files[li], outcome, article, fact[0] ? " fact " : "", fact,
                    am_outcome_name(v.outcome), am_law_rule_id(laws[li], v.decider), cites, b.ptr);
            am_buf_release(&b);
            failures++;
        }
    }
    fclose(fp);
    for (int i = 0; i < NLAWS; i++)
        am_law_free(laws[i]);
    printf("%d scenarios, %d expectations, %d failures\n", scenarios, checks, failures);
    assert_true(scenarios >= 60);
    assert_int_equal(failures, 0);
}

int am_test_scenarios(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenarios),
    };
    return cmocka_run_group_tests_name("scenarios", tests, NULL, NULL);
}

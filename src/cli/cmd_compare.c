/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia compare A B: two lists person by person. Parses the arguments, runs
 * am_compare_run and prints the counts and the rows (table, CSV or JSON); the matching
 * and the comparison of facts live in src/verify/.
 */
#include "commands.h"

#include <string.h>

#include "amnistia/verify.h"

static const char usage[] =
    "usage: amnistia compare A B [--json|--csv]\n"
    "\n"
    "Compares two lists by person. A and B are snapshot ids or source names (a source\n"
    "name means all its snapshots, the latest record of each person speaking for it).\n"
    "Prints the persons on both, only in A, only in B, and for persons on both the facts\n"
    "they disagree on (status, arrest_date, release_date, facility, charges) with the\n"
    "records behind each. On a terminal the persons themselves are listed when there are\n"
    "at most 200 of them (disagreements always); --csv and --json list everything.\n";

static void id_text(char *buf, size_t n, int64_t v)
{
    snprintf(buf, n, "%lld", (long long)v);
}

static void add_entry(struct am_table *t, const char *what, const struct am_compare_entry *a,
                      const struct am_compare_entry *b)
{
    char person[24], ra[24], rb[24];
    const struct am_compare_entry *e = a ? a : b;
    id_text(person, sizeof(person), e->person_id);
    if (a)
        id_text(ra, sizeof(ra), a->record_id);
    if (b)
        id_text(rb, sizeof(rb), b->record_id);
    const char *cells[] = {
        what,          e->person_id ? person : NULL, a ? ra : NULL, a ? a->list_id : NULL,
        b ? rb : NULL, b ? b->list_id : NULL,        NULL,          NULL,
        NULL};
    am_table_add_row(t, cells);
}

static const char *const cols[] = {"kind",      "person", "a_record", "a_list_id", "b_record",
                                   "b_list_id", "fact",   "a_value",  "b_value"};

static void fill(const struct am_compare *c, struct am_table *t, int persons)
{
    if (persons) {
        for (size_t i = 0; i < c->n_both; i++)
            add_entry(t, "both", &c->both_a[i], &c->both_b[i]);
        for (size_t i = 0; i < c->n_only_a; i++)
            add_entry(t, "only_a", &c->only_a[i], NULL);
        for (size_t i = 0; i < c->n_only_b; i++)
            add_entry(t, "only_b", NULL, &c->only_b[i]);
    }
    for (size_t i = 0; i < c->n_disagreements; i++) {
        const struct am_compare_disagreement *d = &c->disagreements[i];
        char person[24], ra[24], rb[24];
        id_text(person, sizeof(person), d->person_id);
        id_text(ra, sizeof(ra), d->a_record);
        id_text(rb, sizeof(rb), d->b_record);
        const char *cells[] = {"disagree", d->person_id ? person : NULL,  ra,         NULL,      rb,
                               NULL,       am_compare_fact_name(d->fact), d->a_value, d->b_value};
        am_table_add_row(t, cells);
    }
}

static void describe(FILE *out, const char *label, const struct am_verify_list *l)
{
    if (l->whole_source)
        fprintf(out, "%s: %s (every snapshot)\n", label, l->source_name);
    else
        fprintf(out, "%s: %s (snapshot %lld, %s)\n", label, l->source_name,
                (long long)l->snapshot_id, l->as_of);
}

int am_cmd_compare(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    enum am_out_format fmt = AM_OUT_TABLE;
    const char *spec[2] = {NULL, NULL};
    int nspec = 0;
    for (int i = 1; i < argc; i++) {
        if (am_cli_format_flag(argv[i], &fmt))
            continue;
        if (argv[i][0] == '-' && argv[i][1])
            return am_cli_usage_error(err, usage, "unknown option '%s'", argv[i]);
        if (nspec == 2)
            return am_cli_usage_error(err, usage, "two lists only; '%s' is a third", argv[i]);
        spec[nspec++] = argv[i];
    }
    if (nspec < 2)
        return am_cli_usage_error(err, usage, "name two lists to compare");
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    struct am_verify_list a, b;
    struct am_compare c;
    memset(&c, 0, sizeof(c));
    int rc = am_verify_list_resolve(store, spec[0], 0, &a, err);
    if (rc == 0)
        rc = am_verify_list_resolve(store, spec[1], 0, &b, err);
    if (rc == 0)
        rc = am_compare_run(store, &a, &b, &c, err);
    if (rc == 0 && fmt == AM_OUT_JSON) {
        struct am_buf buf;
        am_buf_init(&buf);
        am_compare_write_json(&c, &buf);
        fputs(buf.ptr, cli->out);
        am_buf_release(&buf);
    } else if (rc == 0) {
        struct am_table t;
        am_table_init(&t, cols, 9);
        am_table_set_numeric(&t, 1);
        am_table_set_numeric(&t, 2);
        am_table_set_numeric(&t, 4);
        fill(&c, &t, fmt == AM_OUT_CSV || c.n_only_a + c.n_only_b + c.n_both <= 200);
        if (fmt == AM_OUT_TABLE) {
            describe(cli->out, "A", &c.a);
            describe(cli->out, "B", &c.b);
            fprintf(cli->out, "persons on both: %zu; only in A: %zu; only in B: %zu\n", c.n_both,
                    c.n_only_a, c.n_only_b);
            fputs("persons on both who disagree on:", cli->out);
            for (int f = 0; f < AM__CMP_COUNT; f++)
                fprintf(cli->out, " %s %zu%s", am_compare_fact_name((enum am_compare_fact)f),
                        c.fact_count[f], f + 1 < AM__CMP_COUNT ? ";" : "\n");
            if (am_table_rows(&t)) {
                fputc('\n', cli->out);
                am_table_print(&t, fmt, cli->out);
            }
        } else {
            am_table_print(&t, fmt, cli->out);
        }
        am_table_release(&t);
    }
    am_compare_release(&c);
    am_store_close(store);
    return rc;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia audit: every row of a list, verified or flagged with its evidence. Parses the
 * arguments, runs am_audit_run and prints a table (with a count per flag), CSV or JSON;
 * the rules live in src/verify/.
 */
#include "commands.h"

#include <string.h>

#include "amnistia/verify.h"
#include "law_cli.h"

static const char usage[] =
    "usage: amnistia audit SNAPSHOT [--process-start DATE] [--law FILE] [--json|--csv]\n"
    "\n"
    "Audits each row of a list (a snapshot id, or a source name for its latest list)\n"
    "against every other source: `verified` by which independent sources, or `flagged`\n"
    "with one or more of unknown_identity, not_detained, released_earlier, under_measures,\n"
    "still_detained, not_political, duplicate, deceased, release_unconfirmed, each with\n"
    "the records, sources and dates that raised it (docs/verification.md).\n"
    "\n"
    "  --process-start DATE  the day the release process began (YYYY-MM-DD); default:\n"
    "                        the earliest release date in the list\n"
    "  --law FILE            also flag not_political whom this law (laws/*.law) excludes\n";

static void add_rows(const struct am_audit *a, struct am_table *t)
{
    struct am_buf flags, sources, evidence;
    am_buf_init(&flags);
    am_buf_init(&sources);
    am_buf_init(&evidence);
    for (size_t i = 0; i < a->n_rows; i++) {
        const struct am_audit_row *r = &a->rows[i];
        am_buf_reset(&flags);
        am_buf_reset(&sources);
        am_buf_reset(&evidence);
        if (r->match_person)
            am_buf_addf(&evidence, "identity: person %lld by the audit's match with %s r%lld (%s)%s",
                        (long long)r->match_person, r->match_source ? r->match_source : "",
                        (long long)r->match_record, r->match_how ? r->match_how : "",
                        r->n_flags ? " | " : "");
        for (size_t k = 0; k < r->n_flags; k++) {
            am_buf_addf(&flags, "%s%s", k ? ";" : "", am_flag_name(r->flags[k].flag));
            am_buf_addf(&evidence, "%s%s: %s", k ? " | " : "", am_flag_name(r->flags[k].flag),
                        r->flags[k].why);
            if (r->flags[k].n_evidence) {
                am_buf_adds(&evidence, " [");
                am_audit_flag_evidence_text(&r->flags[k], &evidence);
                am_buf_adds(&evidence, "]");
            }
        }
        for (size_t k = 0; k < r->n_sources; k++)
            am_buf_addf(&sources, "%s%s", k ? ";" : "", r->sources[k]);
        char row[24], rec[24], person[24];
        snprintf(row, sizeof(row), "%lld", (long long)r->row_no);
        snprintf(rec, sizeof(rec), "%lld", (long long)r->record_id);
        snprintf(person, sizeof(person), "%lld", (long long)r->person_id);
        const char *cells[] = {row,
                               r->list_id,
                               rec,
                               r->person_id ? person : NULL,
                               r->verified ? "verified" : "flagged",
                               flags.ptr,
                               sources.ptr,
                               evidence.ptr};
        am_table_add_row(t, cells);
    }
    am_buf_release(&flags);
    am_buf_release(&sources);
    am_buf_release(&evidence);
}

int am_cmd_audit(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    enum am_out_format fmt = AM_OUT_TABLE;
    const char *spec = NULL;
    struct am_audit_options opt = {0};
    const char *law_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (am_cli_format_flag(argv[i], &fmt))
            continue;
        if (strcmp(argv[i], "--process-start") == 0) {
            if (i + 1 >= argc)
                return am_cli_usage_error(err, usage, "--process-start needs a date");
            opt.process_start = argv[++i];
        } else if (strcmp(argv[i], "--law") == 0) {
            if (i + 1 >= argc)
                return am_cli_usage_error(err, usage, "--law needs a rule file");
            law_path = argv[++i];
        } else if (strncmp(argv[i], "--law=", 6) == 0) {
            law_path = argv[i] + 6;
        } else if (strncmp(argv[i], "--process-start=", 16) == 0) {
            opt.process_start = argv[i] + 16;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return am_cli_usage_error(err, usage, "unknown option '%s'", argv[i]);
        } else if (!spec) {
            spec = argv[i];
        } else {
            return am_cli_usage_error(err, usage, "one list at a time; '%s' is extra", argv[i]);
        }
    }
    if (!spec)
        return am_cli_usage_error(err, usage, "name the list to audit");
    if (opt.process_start && am_verify_date_check(opt.process_start, "--process-start", err) < 0)
        return -1;
    struct am_law *law = NULL;
    if (law_path && !(law = am_cli_law_load(law_path, err)))
        return -1;
    opt.law = law;
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store) {
        am_law_free(law);
        return -1;
    }
    struct am_verify_list list;
    struct am_audit a;
    memset(&a, 0, sizeof(a));
    int rc = am_verify_list_resolve(store, spec, 1, &list, err);
    if (rc == 0)
        rc = am_audit_run(store, &list, &opt, &a, err);
    if (rc == 0 && fmt == AM_OUT_JSON) {
        struct am_buf buf;
        am_buf_init(&buf);
        am_audit_write_json(&a, &buf);
        fputs(buf.ptr, cli->out);
        am_buf_release(&buf);
    } else if (rc == 0) {
        static const char *const cols[] = {"row",     "list_id", "record",  "person",
                                           "verdict", "flags",   "sources", "evidence"};
        struct am_table t;
        am_table_init(&t, cols, 8);
        am_table_set_numeric(&t, 0);
        am_table_set_numeric(&t, 2);
        am_table_set_numeric(&t, 3);
        add_rows(&a, &t);
        if (fmt == AM_OUT_TABLE)
            fprintf(cli->out, "audit of %s (snapshot %lld, %s), process start %s\n\n",
                    a.list.source_name, (long long)a.list.snapshot_id, a.list.as_of,
                    a.process_start[0] ? a.process_start : "none (no release claimed)");
        am_table_print(&t, fmt, cli->out);
        am_table_release(&t);
        if (fmt == AM_OUT_TABLE) {
            fprintf(cli->out, "\n%zu rows: %zu verified, %zu flagged\n", a.n_rows, a.verified,
                    a.flagged);
            for (int f = 0; f < AM__FLAG_COUNT; f++)
                fprintf(cli->out, "  %-20s %zu\n", am_flag_name((enum am_flag)f), a.flag_count[f]);
        }
    }
    am_audit_release(&a);
    am_store_close(store);
    am_law_free(law);
    return rc;
}

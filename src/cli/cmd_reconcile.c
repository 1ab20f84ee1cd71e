/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia reconcile: the competing counts side by side. Parses the arguments, runs
 * am_reconcile_run and prints a table with one sentence per audited official list, CSV,
 * JSON, or writes the self-contained HTML page; the counting lives in src/verify/.
 */
#include "commands.h"

#include <string.h>

#include "amnistia/verify.h"

static const char usage[] =
    "usage: amnistia reconcile [--as-of DATE] [--json|--csv|--html FILE]\n"
    "\n"
    "For each source, its latest list on or before DATE (default: today): the rows it\n"
    "claims, the persons they are after linking, how many of them at least two\n"
    "independent (non-official) sources confirm, and for official lists the audit's\n"
    "breakdown by flag (\"official: 808 released; 302 verified; 214 not political; ...\").\n"
    "--html writes a self-contained page with the same numbers to FILE.\n";

static const char *const cols[] = {"source",  "kind",      "snapshot", "as_of",   "rows",
                                   "persons", "confirmed", "released", "verified"};
enum { NCOLS_FIXED = 9 };

int am_cmd_reconcile(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    enum am_out_format fmt = AM_OUT_TABLE;
    const char *as_of = NULL, *html = NULL;
    for (int i = 1; i < argc; i++) {
        if (am_cli_format_flag(argv[i], &fmt))
            continue;
        if (strcmp(argv[i], "--as-of") == 0 || strcmp(argv[i], "--html") == 0) {
            if (i + 1 >= argc)
                return am_cli_usage_error(err, usage, "%s needs a value", argv[i]);
            if (argv[i][2] == 'a')
                as_of = argv[++i];
            else
                html = argv[++i];
        } else if (strncmp(argv[i], "--as-of=", 8) == 0) {
            as_of = argv[i] + 8;
        } else if (strncmp(argv[i], "--html=", 7) == 0) {
            html = argv[i] + 7;
        } else {
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
        }
    }
    if (html && !*html)
        return am_cli_usage_error(err, usage, "--html needs a file name");
    if (as_of && am_verify_date_check(as_of, "--as-of", err) < 0)
        return -1;
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    struct am_reconcile rec;
    int rc = am_reconcile_run(store, as_of, &rec, err);
    struct am_buf buf;
    am_buf_init(&buf);
    if (rc == 0 && html) {
        am_reconcile_write_html(&rec, &buf);
        FILE *f = fopen(html, "w");
        if (!f) {
            rc = AM_FAIL(err, AM_EIO,
                         "cannot write %s; check the directory exists and is "
                         "writable",
                         html);
        } else {
            int bad = fwrite(buf.ptr, 1, buf.len, f) != buf.len;
            bad |= fclose(f) != 0;
            if (bad)
                rc = AM_FAIL(err, AM_EIO, "cannot write %s; is the disk full?", html);
        }
        if (rc == 0 && fmt == AM_OUT_TABLE)
            fprintf(cli->out, "wrote %s\n", html);
    }
    if (rc == 0 && fmt == AM_OUT_JSON) {
        am_buf_reset(&buf);
        am_reconcile_write_json(&rec, &buf);
        fputs(buf.ptr, cli->out);
    } else if (rc == 0 && (fmt == AM_OUT_CSV || !html)) {
        const char *names[NCOLS_FIXED + AM__FLAG_COUNT];
        for (size_t c = 0; c < NCOLS_FIXED; c++)
            names[c] = cols[c];
        for (int f = 0; f < AM__FLAG_COUNT; f++)
            names[NCOLS_FIXED + f] = am_flag_name((enum am_flag)f);
        /* The terminal shows flags as sentences below; CSV has a column per flag. */
        size_t ncols = fmt == AM_OUT_CSV ? NCOLS_FIXED + AM__FLAG_COUNT : NCOLS_FIXED;
        struct am_table t;
        am_table_init(&t, names, ncols);
        for (size_t c = 2; c < ncols; c++)
            if (c != 3)
                am_table_set_numeric(&t, c);
        for (size_t i = 0; i < rec.n_sources; i++) {
            const struct am_reconcile_source *s = &rec.sources[i];
            char num[NCOLS_FIXED + AM__FLAG_COUNT][24];
            const char *cells[NCOLS_FIXED + AM__FLAG_COUNT];
            int64_t v[] = {s->snapshot_id, s->rows,     s->persons,
                           s->confirmed,   s->released, s->verified};
            cells[0] = s->name;
            cells[1] = s->kind;
            cells[3] = s->as_of;
            size_t slots[] = {2, 4, 5, 6, 7, 8};
            for (size_t k = 0; k < 6; k++) {
                snprintf(num[slots[k]], 24, "%lld", (long long)v[k]);
                cells[slots[k]] = k >= 4 && !s->audited ? NULL : num[slots[k]];
            }
            for (int f = 0; f < AM__FLAG_COUNT; f++) {
                snprintf(num[NCOLS_FIXED + f], 24, "%lld", (long long)s->flag_count[f]);
                cells[NCOLS_FIXED + f] = s->audited ? num[NCOLS_FIXED + f] : NULL;
            }
            am_table_add_row(&t, cells);
        }
        if (fmt == AM_OUT_TABLE)
            fprintf(cli->out,
                    "as of %s: %lld persons on the latest lists; %lld confirmed by "
                    "at least two independent sources\n\n",
                    rec.as_of, (long long)rec.persons_total, (long long)rec.confirmed_total);
        am_table_print(&t, fmt, cli->out);
        am_table_release(&t);
        if (fmt == AM_OUT_TABLE) {
            for (size_t i = 0; i < rec.n_sources; i++) {
                if (!rec.sources[i].audited)
                    continue;
                am_buf_reset(&buf);
                am_reconcile_sentence(&rec.sources[i], &buf);
                fprintf(cli->out, "\n%s\n", buf.ptr);
            }
        }
    }
    am_buf_release(&buf);
    am_reconcile_release(&rec);
    am_store_close(store);
    return rc;
}

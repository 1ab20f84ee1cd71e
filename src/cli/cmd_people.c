/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia people: who is in the registry, with the status derived from events; and
 * `people set-sensitivity ID LEVEL`, the decision of who may ever be published.
 */
#include "commands.h"

#include "amnistia/registry.h"
#include "amnistia/text.h"

#include <string.h>

static const char usage[] =
    "usage: amnistia people [--status S] [--source NAME] [--as-of DATE] [--json|--csv]\n"
    "       amnistia people set-sensitivity PERSON public|restricted|sealed\n"
    "\n"
    "Lists persons with their status derived from dated events (as of DATE if given),\n"
    "first arrest, last known facility, records and sources.\n"
    "Statuses: detained disappeared house_arrest released_with_measures released exiled\n"
    "in_hiding deceased unknown.\n"
    "set-sensitivity decides who may be published: only 'public' persons ever appear in a\n"
    "publication; a hand-set level survives relinking.\n";

struct people_ctx {
    struct am_table *table;
    enum am_out_format fmt;
};

static int add_person(const struct am_person_row *p, void *ctx)
{
    struct people_ctx *c = ctx;
    char id[24], recs[24], ced[32] = "";
    snprintf(id, sizeof(id), "%lld", (long long)p->id);
    snprintf(recs, sizeof(recs), "%lld", (long long)p->records);
    if (p->cedula)
        snprintf(ced, sizeof(ced), "%s%s%s", p->cedula_kind ? p->cedula_kind : "",
                 p->cedula_kind ? "-" : "", p->cedula);
    char status[48];
    snprintf(status, sizeof(status), "%s%s", am_status_name(p->status),
             p->incommunicado && c->fmt == AM_OUT_TABLE ? " (incommunicado)" : "");
    const char *cells[] = {id,
                           p->display_name,
                           p->cedula ? ced : NULL,
                           status,
                           p->incommunicado ? "true" : "false",
                           p->status_date,
                           p->arrest_date,
                           p->facility,
                           p->sensitivity,
                           recs,
                           p->sources};
    am_table_add_row(c->table, cells);
    return 0;
}

static int set_sensitivity(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (argc != 3)
        return am_cli_usage_error(
            err, "usage: amnistia people set-sensitivity PERSON public|restricted|sealed\n",
            "set-sensitivity needs PERSON and LEVEL");
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    int64_t id;
    int rc = am_registry_find_person(store, argv[1], &id, err);
    if (rc == 0)
        rc = am_registry_set_sensitivity(store, id, argv[2], err);
    if (rc == 0)
        fprintf(cli->out, "person %lld is now %s\n", (long long)id, argv[2]);
    am_store_close(store);
    return rc;
}

int am_cmd_people(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    if (argc > 1 && strcmp(argv[1], "set-sensitivity") == 0)
        return set_sensitivity(cli, argc - 1, argv + 1, err);
    struct am_people_filter filter = {.status = -1};
    char as_of[11];
    struct people_ctx c = {.fmt = AM_OUT_TABLE};
    for (int i = 1; i < argc; i++) {
        if (am_cli_format_flag(argv[i], &c.fmt))
            continue;
        if (i + 1 >= argc)
            return am_cli_usage_error(err, usage, "unknown or incomplete argument '%s'", argv[i]);
        if (strcmp(argv[i], "--status") == 0) {
            filter.status = am_status_from_name(argv[++i]);
            if (filter.status < 0)
                return am_cli_usage_error(err, usage, "unknown status '%s'", argv[i]);
        } else if (strcmp(argv[i], "--source") == 0) {
            filter.source = argv[++i];
        } else if (strcmp(argv[i], "--as-of") == 0) {
            int32_t days;
            char why[96];
            if (am_date_parse(argv[++i], &days, why, sizeof(why)))
                return am_cli_usage_error(err, usage, "--as-of '%s': %s", argv[i], why);
            am_format_date(days, as_of);
            filter.as_of = as_of;
        } else {
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
        }
    }
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    static const char *const cols[] = {"person_id", "name",        "cedula",   "status",
                                       "incommunicado", "status_date", "arrest_date", "facility",
                                       "sensitivity", "records",  "sources"};
    struct am_table t;
    am_table_init(&t, cols, 11);
    am_table_set_numeric(&t, 0);
    am_table_set_numeric(&t, 9);
    am_table_set_boolean(&t, 4);
    c.table = &t;
    int rc = am_registry_people(store, &filter, add_person, &c, err);
    if (rc == 0) {
        if (c.fmt == AM_OUT_TABLE) {
            /* The terminal table leaves out the boolean column already folded into status. */
            static const char *const tcols[] = {"person_id", "name", "cedula", "status",
                                                "since", "arrested", "facility", "records",
                                                "sources"};
            static const size_t pick[] = {0, 1, 2, 3, 5, 6, 7, 9, 10};
            struct am_table tt;
            am_table_init(&tt, tcols, 9);
            am_table_set_numeric(&tt, 0);
            am_table_set_numeric(&tt, 7);
            for (size_t r = 0; r < am_table_rows(&t); r++) {
                const char *cells[9];
                for (size_t k = 0; k < 9; k++)
                    cells[k] = t.cells.v[r * t.ncols + pick[k]];
                am_table_add_row(&tt, (const char *const *)cells);
            }
            am_table_print(&tt, AM_OUT_TABLE, cli->out);
            fprintf(cli->out, "%zu persons\n", am_table_rows(&t));
            am_table_release(&tt);
        } else {
            am_table_print(&t, c.fmt, cli->out);
        }
    }
    am_table_release(&t);
    am_store_close(store);
    return rc;
}

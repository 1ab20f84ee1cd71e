/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* amnistia sources: who produced the lists in the registry. */
#include "commands.h"

#include "amnistia/registry.h"

static const char usage[] = "usage: amnistia sources [--json|--csv]\n"
                            "\n"
                            "Lists each source with its kind, snapshots and records.\n";

static int add_row(const struct am_source_row *row, void *ctx)
{
    char id[24], snaps[24], recs[24];
    snprintf(id, sizeof(id), "%lld", (long long)row->id);
    snprintf(snaps, sizeof(snaps), "%lld", (long long)row->snapshots);
    snprintf(recs, sizeof(recs), "%lld", (long long)row->records);
    const char *cells[] = {id, row->name, row->kind, snaps, recs};
    am_table_add_row(ctx, cells);
    return 0;
}

int am_cmd_sources(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    enum am_out_format fmt = AM_OUT_TABLE;
    for (int i = 1; i < argc; i++)
        if (!am_cli_format_flag(argv[i], &fmt))
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    static const char *const cols[] = {"id", "name", "kind", "snapshots", "records"};
    struct am_table t;
    am_table_init(&t, cols, 5);
    am_table_set_numeric(&t, 0);
    am_table_set_numeric(&t, 3);
    am_table_set_numeric(&t, 4);
    int rc = am_registry_sources(store, add_row, &t, err);
    if (rc == 0)
        am_table_print(&t, fmt, cli->out);
    am_table_release(&t);
    am_store_close(store);
    return rc;
}

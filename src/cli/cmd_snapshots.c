/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* amnistia snapshots: every list received, from whom, as of when, with its file hash. */
#include "commands.h"

#include "amnistia/registry.h"

static const char usage[] = "usage: amnistia snapshots [--json|--csv]\n"
                            "\n"
                            "Lists each imported list (snapshot): source, title, as-of date,\n"
                            "import time, rows imported and rejected, and the file's SHA-256.\n";

static int add_row(const struct am_snapshot_row *s, void *ctx)
{
    char id[24], rows[24], rej[24];
    snprintf(id, sizeof(id), "%lld", (long long)s->id);
    snprintf(rows, sizeof(rows), "%lld", (long long)s->rows);
    snprintf(rej, sizeof(rej), "%lld", (long long)s->rejected);
    const char *cells[] = {id,         s->source,   s->title, s->as_of,       s->imported_at,
                           rows,       rej,         s->file_name, s->file_sha256};
    am_table_add_row(ctx, cells);
    return 0;
}

int am_cmd_snapshots(struct am_cli *cli, int argc, char **argv, struct am_err *err)
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
    static const char *const cols[] = {"id",   "source",   "title", "as_of", "imported_at",
                                       "rows", "rejected", "file",  "sha256"};
    struct am_table t;
    am_table_init(&t, cols, fmt == AM_OUT_TABLE ? 7 : 9);
    am_table_set_numeric(&t, 0);
    am_table_set_numeric(&t, 5);
    am_table_set_numeric(&t, 6);
    int rc = am_registry_snapshots(store, add_row, &t, err);
    if (rc == 0)
        am_table_print(&t, fmt, cli->out);
    am_table_release(&t);
    am_store_close(store);
    return rc;
}

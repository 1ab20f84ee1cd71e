/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* amnistia log: the publications in the registry's log, and what changed between two. */
#include "commands.h"

#include "amnistia/publish.h"

#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: amnistia log [--json|--csv]\n"
    "       amnistia log diff A B [--json|--csv]\n"
    "\n"
    "Lists the publications (log entry, date, title, selection, persons, manifest sha256).\n"
    "`log diff` says who was added, removed or changed from A to B, by person id; A and B\n"
    "are publication numbers from `amnistia log`, or publication directories (or their\n"
    "list.json), which need no registry.\n";

static int add_publication(const struct am_publication_row *row, void *ctx)
{
    char index[24], persons[24];
    snprintf(index, sizeof(index), "%llu", (unsigned long long)row->index);
    snprintf(persons, sizeof(persons), "%lld", (long long)row->persons);
    const char *cells[] = {index,          row->at, row->title,
                           row->selection, persons, row->manifest_sha256};
    am_table_add_row(ctx, cells);
    return 0;
}

static int add_diff(const struct am_diff_row *row, void *ctx)
{
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)row->person_id);
    const char *cells[] = {id, row->change, row->name, row->detail};
    am_table_add_row(ctx, cells);
    return 0;
}

/* A list.json from a directory, a file, or the registry's publication number. */
static int load_list(struct am_cli *cli, const char *arg, struct am_store **store,
                     struct am_buf *out, struct am_err *err)
{
    struct stat st;
    if (stat(arg, &st) == 0) {
        char path[4096];
        snprintf(path, sizeof(path), S_ISDIR(st.st_mode) ? "%s/list.json" : "%s", arg);
        return am_buf_read_file(out, path, err);
    }
    int64_t index;
    if (am_parse_int64(arg, &index) || index < 0)
        return AM_FAIL(err, AM_EINPUT,
                       "'%s' is neither a publication number nor a publication directory", arg);
    if (!*store && !(*store = am_cli_open_store(cli, err)))
        return -1;
    return am_publication_list_json(*store, (uint64_t)index, out, err);
}

int am_cmd_log(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    enum am_out_format fmt = AM_OUT_TABLE;
    const char *args[3] = {0};
    int nargs = 0;
    for (int i = 1; i < argc; i++) {
        if (am_cli_format_flag(argv[i], &fmt))
            continue;
        if (argv[i][0] == '-' || nargs == 3)
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
        args[nargs++] = argv[i];
    }
    struct am_store *store = NULL;
    struct am_table t;
    int rc;
    if (nargs == 0) {
        if (!(store = am_cli_open_store(cli, err)))
            return -1;
        static const char *const cols[] = {"entry",     "date",    "title",
                                           "selection", "persons", "manifest_sha256"};
        am_table_init(&t, cols, 6);
        am_table_set_numeric(&t, 0);
        am_table_set_numeric(&t, 4);
        rc = am_publication_list(store, add_publication, &t, err);
    } else if (nargs == 3 && strcmp(args[0], "diff") == 0) {
        struct am_buf a, b;
        am_buf_init(&a);
        am_buf_init(&b);
        static const char *const cols[] = {"person_id", "change", "name", "detail"};
        am_table_init(&t, cols, 4);
        am_table_set_numeric(&t, 0);
        rc = load_list(cli, args[1], &store, &a, err);
        if (rc == 0)
            rc = load_list(cli, args[2], &store, &b, err);
        if (rc == 0)
            rc = am_publication_diff(a.ptr, a.len, b.ptr, b.len, add_diff, &t, err);
        am_buf_release(&a);
        am_buf_release(&b);
    } else {
        return am_cli_usage_error(err, usage, "expected `log` or `log diff A B`");
    }
    if (rc == 0)
        am_table_print(&t, fmt, cli->out);
    am_table_release(&t);
    am_store_close(store);
    return rc;
}

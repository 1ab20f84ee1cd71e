/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* amnistia import: reads list files into the registry as snapshots (import/ does it). */
#include "commands.h"

#include "amnistia/import.h"

#include <string.h>

static const char usage[] =
    "usage: amnistia import --source NAME [--kind KIND] [--as-of DATE] [--title T]\n"
    "                       [--map FILE] [--skip-bad REJECTS.csv] [--encoding utf8|latin1]\n"
    "                       [--format csv|jsonl] FILE...\n"
    "\n"
    "Imports each FILE (CSV; JSON Lines when it ends in .jsonl or .ndjson, or its first\n"
    "character is '{') as one snapshot of the source NAME, all in one transaction. KIND\n"
    "is ngo, official, court, family, press or other (default other, for a new source).\n"
    "DATE (YYYY-MM-DD) is the list's date, default today. A file already imported (same\n"
    "SHA-256) is reported and skipped. A title above a CSV's header is skipped with a\n"
    "warning; --map FILE says how the list's own columns become ours (docs/mapping.md).\n"
    "Any bad row refuses the whole import (exit 2, nothing written) unless --skip-bad\n"
    "names a CSV file to receive the bad rows with their reasons. See docs/importing.md.\n";

static int want_value(int argc, char **argv, int *i, const char **out, struct am_err *err)
{
    if (*i + 1 >= argc)
        return am_cli_usage_error(err, usage, "%s needs a value", argv[*i]);
    *out = argv[++*i];
    return 0;
}

static void show_progress(void *ctx, const char *path, int64_t rows, int done)
{
    (void)ctx;
    fprintf(stderr, "\ramnistia: %s: %lld rows read%s", path, (long long)rows, done ? "\n" : "");
    fflush(stderr);
}

int am_cmd_import(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    struct am_import_options opt = {.jsonl = -1, .warn = stderr};
    const char *encoding = NULL, *format = NULL;
    AM_VEC(const char *) files = {0};
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--source") == 0)
            rc = want_value(argc, argv, &i, &opt.source, err);
        else if (strcmp(a, "--kind") == 0)
            rc = want_value(argc, argv, &i, &opt.kind, err);
        else if (strcmp(a, "--as-of") == 0)
            rc = want_value(argc, argv, &i, &opt.as_of, err);
        else if (strcmp(a, "--title") == 0)
            rc = want_value(argc, argv, &i, &opt.title, err);
        else if (strcmp(a, "--map") == 0)
            rc = want_value(argc, argv, &i, &opt.map_path, err);
        else if (strcmp(a, "--skip-bad") == 0)
            rc = want_value(argc, argv, &i, &opt.rejects_path, err);
        else if (strcmp(a, "--encoding") == 0)
            rc = want_value(argc, argv, &i, &encoding, err);
        else if (strcmp(a, "--format") == 0)
            rc = want_value(argc, argv, &i, &format, err);
        else if (a[0] == '-' && a[1] != '\0')
            rc = am_cli_usage_error(err, usage, "unknown option '%s'", a);
        else
            AM_VEC_PUSH(&files, a);
    }
    if (rc == 0 && encoding) {
        if (strcmp(encoding, "latin1") == 0 || strcmp(encoding, "cp1252") == 0)
            opt.latin1 = 1;
        else if (strcmp(encoding, "utf8") != 0 && strcmp(encoding, "utf-8") != 0)
            rc = am_cli_usage_error(err, usage, "unknown encoding '%s'; use utf8 or latin1",
                                    encoding);
    }
    if (rc == 0 && format) {
        if (strcmp(format, "csv") == 0)
            opt.jsonl = 0;
        else if (strcmp(format, "jsonl") == 0)
            opt.jsonl = 1;
        else
            rc = am_cli_usage_error(err, usage, "unknown format '%s'; use csv or jsonl", format);
    }
    if (rc == 0 && !opt.source)
        rc = am_cli_usage_error(err, usage, "--source NAME is required");
    if (rc == 0 && files.n == 0)
        rc = am_cli_usage_error(err, usage, "name at least one FILE to import");
    if (rc) {
        AM_VEC_FREE(&files);
        return -1;
    }
    if (cli->progress)
        opt.progress = show_progress;
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store) {
        AM_VEC_FREE(&files);
        return -1;
    }
    struct am_import_result res;
    rc = am_import_run(store, &opt, files.v, files.n, &res, err);
    if (rc == 0) {
        for (size_t i = 0; i < res.files.n; i++) {
            const struct am_import_file *f = &res.files.v[i];
            if (f->duplicate)
                fprintf(cli->out, "%s: already imported as snapshot %lld from source %s; "
                        "nothing added\n",
                        f->path, (long long)f->snapshot_id, f->duplicate_source);
            else
                fprintf(cli->out, "%s: snapshot %lld of source %s: %lld records imported, "
                        "%lld rejected\n",
                        f->path, (long long)f->snapshot_id, opt.source, (long long)f->rows,
                        (long long)f->rejected);
        }
        if (opt.rejects_path && res.bad_rows)
            fprintf(cli->out, "%lld bad rows written to %s\n", (long long)res.bad_rows,
                    opt.rejects_path);
    } else if (res.bad_rows > 1) {
        fprintf(stderr,
                "amnistia: %lld bad rows; nothing was imported. The first one follows; "
                "--skip-bad REJECTS.csv imports the good rows and lists the bad ones.\n",
                (long long)res.bad_rows);
    }
    am_import_result_release(&res);
    am_store_close(store);
    AM_VEC_FREE(&files);
    return rc;
}

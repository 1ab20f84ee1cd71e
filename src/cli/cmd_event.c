/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia event add PERSON TYPE DATE --source NAME [--detail TEXT]: one event by hand,
 * such as a court's decision on an amnesty request. The checks and the insert are in
 * registry/event_add.c.
 */
#include "commands.h"

#include "amnistia/import.h"
#include "amnistia/registry.h"

#include <string.h>

static const char usage[] =
    "usage: amnistia event add PERSON TYPE DATE --source NAME [--detail TEXT]\n"
    "       amnistia event import FILE.csv --source NAME\n"
    "\n"
    "Adds a dated event to a person (by id or cedula), e.g. amnesty_requested,\n"
    "amnesty_granted, amnesty_denied, case_dismissed. DATE is YYYY-MM-DD. The source is\n"
    "created with kind 'other' when the registry does not have it yet.\n"
    "event import adds many: a CSV with the columns person,type,date[,detail] (dates as\n"
    "lists write them); all rows or none, a bad row named by FILE:LINE:COLUMN.\n";

static int import_events(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    const char *file = NULL, *source = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--source") == 0 && i + 1 < argc)
            source = argv[++i];
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
    }
    if (!file || !source)
        return am_cli_usage_error(err, usage, "event import needs FILE and --source NAME");
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    size_t n;
    int rc = am_import_events(store, file, source, &n, err);
    am_store_close(store);
    if (rc == 0)
        fprintf(cli->out, "%s: %zu events added (source %s)\n", file, n, source);
    return rc;
}

int am_cmd_event(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    if (argc >= 2 && strcmp(argv[1], "import") == 0)
        return import_events(cli, argc, argv, err);
    if (argc < 2 || strcmp(argv[1], "add") != 0)
        return am_cli_usage_error(err, usage, "expected `event add ...` or `event import ...`");
    const char *pos[3] = {NULL, NULL, NULL}, *source = NULL, *detail = NULL;
    int npos = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--source") == 0 && i + 1 < argc)
            source = argv[++i];
        else if (strcmp(argv[i], "--detail") == 0 && i + 1 < argc)
            detail = argv[++i];
        else if (argv[i][0] != '-' && npos < 3)
            pos[npos++] = argv[i];
        else
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
    }
    if (npos != 3)
        return am_cli_usage_error(err, usage, "expected PERSON TYPE DATE");
    if (!source)
        return am_cli_usage_error(err, usage, "--source NAME is required");
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    int64_t person, id;
    int created;
    int rc = am_registry_find_person(store, pos[0], &person, err);
    if (rc == 0)
        rc = am_registry_event_add(store, person, pos[1], pos[2], source, detail, &id, &created,
                                   err);
    am_store_close(store);
    if (rc != 0)
        return -1;
    if (created)
        fprintf(cli->out, "source '%s' created (kind other)\n", source);
    fprintf(cli->out, "event %lld: person %lld %s %s\n", (long long)id, (long long)person, pos[1],
            pos[2]);
    return 0;
}

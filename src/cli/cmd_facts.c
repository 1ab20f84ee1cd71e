/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia facts set PERSON FACT VALUE --by NAME --note TEXT: a fact only a reviewer can
 * establish (armed_action, act_date, ...), kept with who marked it and why.
 */
#include "commands.h"
#include "law_cli.h"

#include "amnistia/registry.h"

#include <string.h>

static const char usage[] =
    "usage: amnistia facts set PERSON FACT VALUE --by NAME --note TEXT\n"
    "\n"
    "Records a fact only a reviewer can establish about a person (by id or cedula),\n"
    "kept with who and why. FACT is one of\n"
    "armed_action, grave_hr_violation, crime_against_humanity, war_crime, genocide,\n"
    "public_property_crime, gravest_injury, drug_min_penalty_over_9y, assembly_2016_2021,\n"
    "political_motive (VALUE true, false or uncertain), or act_date (VALUE YYYY-MM-DD).\n";

int am_cmd_facts(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    if (argc < 2 || strcmp(argv[1], "set") != 0)
        return am_cli_usage_error(err, usage, "expected `facts set ...`");
    const char *pos[3] = {NULL, NULL, NULL}, *by = NULL, *note = NULL;
    int npos = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--by") == 0 && i + 1 < argc)
            by = argv[++i];
        else if (strcmp(argv[i], "--note") == 0 && i + 1 < argc)
            note = argv[++i];
        else if (argv[i][0] != '-' && npos < 3)
            pos[npos++] = argv[i];
        else
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
    }
    if (npos != 3)
        return am_cli_usage_error(err, usage, "expected PERSON FACT VALUE");
    if (!by || !note)
        return am_cli_usage_error(err, usage, "--by NAME and --note TEXT are required");
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    int64_t person;
    int rc = am_registry_find_person(store, pos[0], &person, err);
    if (rc == 0)
        rc = am_law_fact_set(store, person, pos[1], pos[2], by, note, err);
    am_store_close(store);
    if (rc != 0)
        return -1;
    fprintf(cli->out, "person %lld: %s = %s (by %s)\n", (long long)person, pos[1], pos[2], by);
    return 0;
}

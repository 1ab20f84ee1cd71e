/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* amnistia verify: checks a publication from its files alone, with no registry. */
#include "commands.h"

#include "amnistia/publish.h"

#include <string.h>

static const char usage[] =
    "usage: amnistia verify DIR --key VKEY [--since OLD] [--row ID --salt HEX]\n"
    "\n"
    "Checks a publication directory against the publisher's verifier key: the signed\n"
    "checkpoint, the manifest's inclusion in the log, the SHA-256 of list.json and\n"
    "list.csv, and the lists' form. With --since (an older checkpoint.note, .tlog-proof or\n"
    "publication directory) also checks that the log only grew since then. With --row and\n"
    "--salt (given by the publisher to that person only), checks that the person's row is\n"
    "the one committed to in a list published with --row-commitments.\n"
    "Exit status 0 when everything holds, 2 when anything fails.\n";

int am_cmd_verify(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    const char *dir = NULL, *key = NULL, *since = NULL, *row = NULL, *salt = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
            key = argv[++i];
        else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc)
            since = argv[++i];
        else if (strcmp(argv[i], "--row") == 0 && i + 1 < argc)
            row = argv[++i];
        else if (strcmp(argv[i], "--salt") == 0 && i + 1 < argc)
            salt = argv[++i];
        else if (argv[i][0] != '-' && !dir)
            dir = argv[i];
        else
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
    }
    if (!dir || !key)
        return am_cli_usage_error(err, usage, "verify needs DIR and --key VKEY");
    struct am_row_claim claim = {0, salt};
    if (!row != !salt)
        return am_cli_usage_error(err, usage, "--row and --salt go together");
    if (row && am_parse_int64(row, &claim.person_id))
        return am_cli_usage_error(err, usage, "--row takes a person id, not '%s'", row);
    struct am_note_verifier v;
    if (am_note_verifier_load(key, &v, err))
        return -1;
    struct am_verify_report rep;
    int rc = am_publication_verify(dir, &v, since, row ? &claim : NULL, &rep, err);
    for (size_t i = 0; i < rep.checks.n; i++)
        fprintf(cli->out, "%s %s\n", rep.checks.v[i].ok ? "ok:  " : "FAIL:", rep.checks.v[i].what);
    if (rc == 0)
        fprintf(cli->out, "verified: all %zu checks hold\n", rep.checks.n);
    am_verify_report_release(&rep);
    return rc;
}

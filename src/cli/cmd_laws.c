/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia laws check FILE...: parses rule files and prints every problem found, with
 * the line, a caret and a hint. It exits 2 when any file has an error.
 */
#include "commands.h"
#include "law_cli.h"

#include <string.h>

static const char usage[] =
    "usage: amnistia laws check FILE...\n"
    "\n"
    "Checks amnesty rule files (docs/laws.md). Every problem is printed as\n"
    "FILE:LINE:COLUMN with the line, a caret under the fault and a hint.\n"
    "Exit status 2 when any file has errors.\n";

int am_cmd_laws(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    if (argc < 2 || strcmp(argv[1], "check") != 0)
        return am_cli_usage_error(err, usage, "expected `laws check FILE...`");
    if (argc < 3)
        return am_cli_usage_error(err, usage, "name at least one rule file");
    int bad = 0;
    size_t errors = 0;
    for (int i = 2; i < argc; i++) {
        struct am_buf text;
        am_buf_init(&text);
        struct am_err ferr = AM_ERR_INIT;
        if (am_buf_read_file(&text, argv[i], &ferr) != 0) {
            am_err_print(&ferr, stderr);
            am_buf_release(&text);
            bad = 1;
            errors++;
            continue;
        }
        struct am_law_diags diags = {0};
        struct am_law *law = am_law_parse(argv[i], text.ptr, text.len, &diags, &ferr);
        if (!law) {
            am_law_diags_print(&diags, argv[i], text.ptr, text.len, stderr);
            errors += diags.v.n;
            bad = 1;
        } else {
            fprintf(cli->out, "%s: ok: %s v%d (%s), %zu rules, %zu deadlines\n", argv[i],
                    am_law_id(law), am_law_version(law), am_law_state_name(am_law_state(law)),
                    am_law_rule_count(law) - 1, am_law_deadline_count(law));
        }
        am_law_free(law);
        am_law_diags_release(&diags);
        am_buf_release(&text);
    }
    if (bad)
        return AM_FAIL(err, AM_EINPUT, "%zu error%s; fix the rule files (see docs/laws.md)",
                       errors, errors == 1 ? "" : "s");
    return 0;
}

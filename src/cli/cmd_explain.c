/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* amnistia explain A B: why two records are, or are not, the same person. */
#include "commands.h"

#include <string.h>

static const char usage[] =
    "usage: amnistia explain A B [--json]\n"
    "\n"
    "Explains the pair of records A and B (record ids): the comparison level of each\n"
    "field, the weight in bits it added or took away (with the term-frequency adjustment\n"
    "for names), the prior, the total and the match probability, the blocking rule that\n"
    "pairs them (or none) and any human decision on the pair.\n";

int am_cmd_explain_pair(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    int64_t id[2] = {0, 0};
    int n = 0, json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (n < 2 && am_parse_int64(argv[i], &id[n]) == 0 && id[n] > 0)
            n++;
        else
            return am_cli_usage_error(err, usage, "'%s' is not a record id", argv[i]);
    }
    if (n < 2)
        return am_cli_usage_error(err, usage, "explain needs two record ids");
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    struct am_link_options opt = {0};
    opt.log = cli->progress ? stderr : NULL;
    opt.progress = cli->progress;
    struct am_linker *lk = am_linker_new(store, &opt, err);
    am_store_close(store);
    if (!lk)
        return -1;
    struct am_link_explanation e;
    int rc = am_linker_explain(lk, id[0], id[1], &e, err);
    if (rc == 0) {
        if (json) {
            struct am_buf b;
            am_buf_init(&b);
            am_cli_explanation_json(&e, &b);
            am_buf_addc(&b, '\n');
            fputs(b.ptr, cli->out);
            am_buf_release(&b);
        } else
            am_cli_explanation_text(&e, cli->out);
    }
    am_linker_free(lk);
    return rc;
}

/*
 * `explain` explains two things: a pair of records (link) or one person's verdict under
 * a law (`--law`). The presence of --law says which.
 */
int am_cmd_explain(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--law") == 0 || strncmp(argv[i], "--law=", 6) == 0)
            return am_cmd_explain_law(cli, argc, argv, err);
    if (am_cli_help_requested(argc, argv, usage)) {
        fputs("\n", stdout);
        return am_cmd_explain_law(cli, argc, argv, err);
    }
    return am_cmd_explain_pair(cli, argc, argv, err);
}

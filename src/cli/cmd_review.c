/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia review: the uncertain pairs (probability in the band around the threshold),
 * most uncertain first, each with its waterfall; and `review decide A B same|different`
 * to record a human decision that every later link honours.
 */
#include "commands.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: amnistia review [--limit N] [--threshold P] [--json]\n"
    "       amnistia review decide A B same|different --reason TEXT [--by NAME]\n"
    "\n"
    "Lists the pairs of records whose match probability is near the threshold (within 6\n"
    "bits of log-odds), most uncertain first, with the weight each field added or took\n"
    "away. Pairs already decided by a human are left out. N defaults to 20.\n"
    "`decide` records that records A and B are (same) or are not (different) the same\n"
    "person; every later `amnistia link` honours it. NAME defaults to $USER.\n";

static int parse_id(const char *s, int64_t *out)
{
    return am_parse_int64(s, out) == 0 && *out > 0 ? 0 : -1;
}

static int decide(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    /* argv[0] = "review", argv[1] = "decide" */
    int64_t a = 0, b = 0;
    const char *verdict = NULL, *reason = NULL, *by = getenv("USER");
    int pos = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--reason") == 0) {
            if (i + 1 >= argc)
                return am_cli_usage_error(err, usage, "--reason needs a text");
            reason = argv[++i];
        } else if (strcmp(argv[i], "--by") == 0) {
            if (i + 1 >= argc)
                return am_cli_usage_error(err, usage, "--by needs a name");
            by = argv[++i];
        } else if (pos == 0 || pos == 1) {
            if (parse_id(argv[i], pos == 0 ? &a : &b) < 0)
                return am_cli_usage_error(err, usage, "'%s' is not a record id", argv[i]);
            pos++;
        } else if (pos == 2) {
            if (strcmp(argv[i], "same") && strcmp(argv[i], "different"))
                return am_cli_usage_error(err, usage,
                                          "'%s' is not a decision; say same or different",
                                          argv[i]);
            verdict = argv[i];
            pos++;
        } else
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
    }
    if (pos < 3)
        return am_cli_usage_error(err, usage, "decide needs two record ids and same|different");
    if (!reason || !*reason)
        return am_cli_usage_error(err, usage, "a decision needs --reason TEXT");
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    int rc = am_link_decide(store, a, b, strcmp(verdict, "same") == 0, reason,
                            by && *by ? by : "unknown", err);
    am_store_close(store);
    if (rc == 0)
        fprintf(cli->out, "recorded: records %lld and %lld are %s; run `amnistia link` to apply\n",
                (long long)(a < b ? a : b), (long long)(a < b ? b : a),
                strcmp(verdict, "same") == 0 ? "the same person" : "different people");
    return rc;
}

int am_cmd_review(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    if (argc >= 2 && strcmp(argv[1], "decide") == 0)
        return decide(cli, argc, argv, err);
    struct am_link_options opt = {0};
    int64_t limit = 20;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--limit") == 0) {
            if (i + 1 >= argc || am_parse_int64(argv[i + 1], &limit) < 0 || limit < 0)
                return am_cli_usage_error(err, usage, "--limit needs a number of pairs");
            i++;
        } else if (strcmp(argv[i], "--threshold") == 0) {
            char *end;
            if (i + 1 >= argc)
                return am_cli_usage_error(err, usage, "--threshold needs a probability");
            opt.threshold = strtod(argv[++i], &end);
            if (*end || end == argv[i] || !(opt.threshold > 0 && opt.threshold < 1))
                return am_cli_usage_error(err, usage,
                                          "--threshold '%s' is not a probability strictly "
                                          "between 0 and 1",
                                          argv[i]);
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
    }
    opt.log = cli->progress ? stderr : NULL;
    opt.progress = cli->progress;
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    struct am_linker *lk = am_linker_new(store, &opt, err);
    am_store_close(store);
    if (!lk)
        return -1;
    struct am_link_explanation *ex = am_calloc((size_t)limit + 1, sizeof(*ex));
    size_t total = 0;
    size_t n = am_linker_review(lk, (size_t)limit, ex, &total);
    if (json) {
        struct am_buf b;
        am_buf_init(&b);
        am_buf_addf(&b, "{\"threshold\":%g,\"total\":%zu,\"pairs\":[",
                    am_linker_summary(lk)->threshold, total);
        for (size_t i = 0; i < n; i++) {
            if (i)
                am_buf_addc(&b, ',');
            am_cli_explanation_json(&ex[i], &b);
        }
        am_buf_adds(&b, "]}\n");
        fputs(b.ptr, cli->out);
        am_buf_release(&b);
    } else {
        fprintf(cli->out, "%zu uncertain pairs near the threshold %g; showing %zu\n", total,
                am_linker_summary(lk)->threshold, n);
        for (size_t i = 0; i < n; i++) {
            fprintf(cli->out, "\n#%zu ", i + 1);
            am_cli_explanation_text(&ex[i], cli->out);
        }
        if (n)
            fprintf(cli->out, "\ndecide with: amnistia review decide A B same|different "
                              "--reason TEXT\n");
    }
    am_free(ex);
    am_linker_free(lk);
    return 0;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia flow: new arrests and releases per week or month, by source (the revolving
 * door). Parses the arguments, runs am_flow_run and prints; counting lives in src/verify/.
 */
#include "commands.h"

#include <string.h>

#include "amnistia/verify.h"

static const char usage[] =
    "usage: amnistia flow --by week|month [--source NAME] [--json|--csv]\n"
    "\n"
    "Counts new arrests (arrest, rearrest, measures revoked) and releases (release,\n"
    "release with measures) per week (the Monday it starts) or month, from dated events:\n"
    "one row per source, and an `all` row counting each person once whatever the source.\n";

int am_cmd_flow(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    enum am_out_format fmt = AM_OUT_TABLE;
    const char *by = NULL, *source = NULL;
    for (int i = 1; i < argc; i++) {
        if (am_cli_format_flag(argv[i], &fmt))
            continue;
        if (strcmp(argv[i], "--by") == 0 || strcmp(argv[i], "--source") == 0) {
            if (i + 1 >= argc)
                return am_cli_usage_error(err, usage, "%s needs a value", argv[i]);
            if (argv[i][2] == 'b')
                by = argv[++i];
            else
                source = argv[++i];
        } else if (strncmp(argv[i], "--by=", 5) == 0) {
            by = argv[i] + 5;
        } else if (strncmp(argv[i], "--source=", 9) == 0) {
            source = argv[i] + 9;
        } else {
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
        }
    }
    enum am_flow_period period;
    if (!by)
        return am_cli_usage_error(err, usage, "say --by week or --by month");
    if (strcmp(by, "week") == 0)
        period = AM_FLOW_WEEK;
    else if (strcmp(by, "month") == 0)
        period = AM_FLOW_MONTH;
    else
        return am_cli_usage_error(err, usage, "--by is week or month, not '%s'", by);
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    struct am_flow flow;
    int rc = am_flow_run(store, period, source, &flow, err);
    if (rc == 0) {
        static const char *const cols[] = {"period", "source", "arrests", "releases"};
        struct am_table t;
        am_table_init(&t, cols, 4);
        am_table_set_numeric(&t, 2);
        am_table_set_numeric(&t, 3);
        for (size_t i = 0; i < flow.n_rows; i++) {
            char a[24], r[24];
            snprintf(a, sizeof(a), "%lld", (long long)flow.rows[i].arrests);
            snprintf(r, sizeof(r), "%lld", (long long)flow.rows[i].releases);
            const char *cells[] = {flow.rows[i].period, flow.rows[i].source, a, r};
            am_table_add_row(&t, cells);
        }
        am_table_print(&t, fmt, cli->out);
        am_table_release(&t);
    }
    am_flow_release(&flow);
    am_store_close(store);
    return rc;
}

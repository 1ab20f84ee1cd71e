/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia deadlines --law FILE: for each person the law covers, the obligations it
 * creates (who must do what within how many days of which event) and where they stand.
 */
#include "commands.h"
#include "law_cli.h"

#include <string.h>

static const char usage[] =
    "usage: amnistia deadlines --law FILE [--as-of DATE] [--json|--csv]\n"
    "\n"
    "Lists, per covered person, each deadline of the law: its start (an event such as\n"
    "amnesty_requested, or the law's entry into force), its due date, and whether it is\n"
    "not_started, pending (days left), met, met_late or overdue on DATE (default today).\n";

int am_cmd_deadlines(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    enum am_out_format fmt = AM_OUT_TABLE;
    const char *law_path = NULL;
    int32_t as_of = am_today();
    for (int i = 1; i < argc; i++) {
        if (am_cli_format_flag(argv[i], &fmt))
            continue;
        if (strcmp(argv[i], "--law") == 0 && i + 1 < argc)
            law_path = argv[++i];
        else if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc) {
            if (am_cli_as_of(argv[++i], usage, &as_of, err) != 0)
                return -1;
        } else
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
    }
    if (!law_path)
        return am_cli_usage_error(err, usage, "--law FILE is required");
    struct am_law *law = am_cli_law_load(law_path, err);
    if (!law)
        return -1;
    struct am_store *store = am_cli_open_store(cli, err);
    struct am_law_population pop;
    int rc = store ? am_law_population_load(store, as_of, &pop, err) : -1;
    am_store_close(store);
    if (rc != 0) {
        am_law_free(law);
        return -1;
    }
    static const char *const cols[] = {"person_id", "name", "deadline", "article", "who",
                                       "must", "start_event", "start", "due", "state",
                                       "met", "days_left"};
    struct am_table t;
    am_table_init(&t, cols, 12);
    am_table_set_numeric(&t, 0);
    am_table_set_numeric(&t, 11);
    for (size_t i = 0; i < pop.n; i++) {
        const struct am_law_person *p = &pop.v[i];
        struct am_law_verdict v;
        am_law_eval(law, &p->facts, &v);
        if (v.outcome != AM_OUTCOME_COVERED)
            continue;
        for (size_t d = 0; d < am_law_deadline_count(law); d++) {
            struct am_law_deadline_status s;
            am_law_deadline_eval(law, d, p->events, p->n_events, as_of, &s);
            char id[24], start[11] = "", due[11] = "", met[11] = "", left[24] = "";
            snprintf(id, sizeof(id), "%lld", (long long)p->id);
            if (s.start != AM_DATE_UNKNOWN)
                am_format_date(s.start, start);
            if (s.due != AM_DATE_UNKNOWN)
                am_format_date(s.due, due);
            if (s.met != AM_DATE_UNKNOWN)
                am_format_date(s.met, met);
            if (s.state == AM_DEADLINE_PENDING || s.state == AM_DEADLINE_OVERDUE)
                snprintf(left, sizeof(left), "%d", (int)s.days_left);
            const char *cells[] = {id,     p->name, s.id,  s.cite, s.who,
                                   s.must, s.start_name, start[0] ? start : NULL,
                                   due[0] ? due : NULL, am_deadline_state_name(s.state),
                                   met[0] ? met : NULL, left[0] ? left : NULL};
            am_table_add_row(&t, cells);
        }
    }
    if (fmt == AM_OUT_TABLE && am_law_deadline_count(law) == 0)
        fprintf(cli->out, "%s sets no deadline.\n", am_law_id(law));
    else
        am_table_print(&t, fmt, cli->out);
    am_table_release(&t);
    am_law_population_release(&pop);
    am_law_free(law);
    return 0;
}

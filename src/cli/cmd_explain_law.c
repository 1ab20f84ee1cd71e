/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia explain PERSON --law FILE: the full reasoning of one verdict. Not in the
 * command table: `explain` (record pairs) belongs to link/'s command, which hands over
 * here when it sees --law.
 */
#include "commands.h"
#include "law_cli.h"

#include "amnistia/registry.h"

#include <string.h>

static const char usage[] =
    "usage: amnistia explain PERSON --law FILE [--as-of DATE]\n"
    "\n"
    "Prints the verdict for one person under the law with every rule, the condition that\n"
    "settled it, the facts with their record and source, the facts that are missing and\n"
    "what each value would give, and the articles cited.\n";

int am_cmd_explain_law(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    const char *law_path = NULL, *person_arg = NULL;
    int32_t as_of = am_today();
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--law") == 0 && i + 1 < argc)
            law_path = argv[++i];
        else if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc) {
            if (am_cli_as_of(argv[++i], usage, &as_of, err) != 0)
                return -1;
        } else if (argv[i][0] != '-' && !person_arg)
            person_arg = argv[i];
        else
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
    }
    if (!person_arg)
        return am_cli_usage_error(err, usage, "name the person (id or cedula)");
    if (!law_path)
        return am_cli_usage_error(err, usage, "--law FILE is required");
    struct am_law *law = am_cli_law_load(law_path, err);
    if (!law)
        return -1;
    struct am_store *store = am_cli_open_store(cli, err);
    struct am_law_population pop;
    int64_t person = 0;
    int rc = store ? am_registry_find_person(store, person_arg, &person, err) : -1;
    if (rc == 0)
        rc = am_law_population_load(store, as_of, &pop, err);
    am_store_close(store);
    if (rc != 0) {
        am_law_free(law);
        return -1;
    }
    struct am_law_person *p = am_law_population_find(&pop, person);
    if (!p) {
        rc = AM_FAIL(err, AM_ENOTFOUND, "no person %lld in the registry", (long long)person);
    } else {
        struct am_law_verdict v;
        am_law_eval(law, &p->facts, &v);
        struct am_buf b;
        am_buf_init(&b);
        am_law_explain(law, &p->facts, &v, &b);
        fprintf(cli->out, "%s\n", p->name);
        fwrite(b.ptr, 1, b.len, cli->out);
        for (size_t d = 0; v.outcome == AM_OUTCOME_COVERED && d < am_law_deadline_count(law); d++) {
            struct am_law_deadline_status s;
            am_law_deadline_eval(law, d, p->events, p->n_events, as_of, &s);
            char due[11] = "-";
            if (s.due != AM_DATE_UNKNOWN)
                am_format_date(s.due, due);
            fprintf(cli->out, "\nDEADLINE %s (art. %s): %s must %s within %d days of %s: %s, due %s\n",
                    s.id, s.cite, s.who, s.must, s.days, s.start_name,
                    am_deadline_state_name(s.state), due);
        }
        am_buf_release(&b);
    }
    am_law_population_release(&pop);
    am_law_free(law);
    return rc;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia synth: parses the options, runs the generator (src/synth/) and prints one line
 * per list written. It holds no rule about the population or the lists; those live in the
 * synth module.
 */
#include "commands.h"

#include <string.h>

#include "amnistia/synth.h"

static const char usage[] =
    "usage: amnistia synth --seed S --people N --out DIR [--profile default|heavy]\n"
    "                      [--json|--csv]\n"
    "\n"
    "Generates N synthetic persons (no real person) and four lists of them (ngo, family,\n"
    "press, official) with their own coverage and error habits, plus the truth files\n"
    "(truth_people.csv, truth_events.csv, truth_links.csv, truth_padding.csv), manifest.csv\n"
    "and official.map. Same seed, same bytes. docs/synth.md describes every file.\n";

static int parse_u64(const char *s, uint64_t *out)
{
    int64_t v;
    if (am_parse_int64(s, &v) != 0 || v < 0)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

int am_cmd_synth(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    struct am_synth_options opt = {0};
    enum am_out_format fmt = AM_OUT_TABLE;
    int have_seed = 0, have_people = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (am_cli_format_flag(a, &fmt))
            continue;
        if (strcmp(a, "--seed") == 0 || strcmp(a, "--people") == 0 || strcmp(a, "--out") == 0 ||
            strcmp(a, "--profile") == 0) {
            if (!v)
                return am_cli_usage_error(err, usage, "%s needs a value", a);
            i++;
        } else {
            return am_cli_usage_error(err, usage, "unknown argument '%s'", a);
        }
        uint64_t n;
        if (strcmp(a, "--seed") == 0) {
            if (parse_u64(v, &n) != 0)
                return am_cli_usage_error(err, usage,
                                          "--seed '%s' is not a whole number "
                                          "from 0 up",
                                          v);
            opt.seed = n;
            have_seed = 1;
        } else if (strcmp(a, "--people") == 0) {
            if (parse_u64(v, &n) != 0 || n < 1 || n > AM_SYNTH_MAX_PEOPLE)
                return am_cli_usage_error(err, usage,
                                          "--people '%s' is not a number from 1 "
                                          "to %u",
                                          v, AM_SYNTH_MAX_PEOPLE);
            opt.people = (size_t)n;
            have_people = 1;
        } else if (strcmp(a, "--out") == 0) {
            opt.out_dir = v;
        } else {
            int p = am_synth_profile_from_name(v);
            if (p < 0)
                return am_cli_usage_error(err, usage,
                                          "--profile '%s' is unknown; use default "
                                          "or heavy",
                                          v);
            opt.profile = (enum am_synth_profile)p;
        }
    }
    if (!have_seed || !have_people || !opt.out_dir)
        return am_cli_usage_error(err, usage, "--seed, --people and --out are required");

    struct am_synth_summary sum;
    if (am_synth_run(&opt, &sum, err) != 0)
        return -1;
    static const char *const cols[] = {"file", "source", "kind", "as_of", "rows", "persons"};
    struct am_table t;
    am_table_init(&t, cols, 6);
    am_table_set_numeric(&t, 4);
    am_table_set_numeric(&t, 5);
    for (int l = 0; l < AM_SYNTH__LIST_COUNT; l++) {
        char rows[24], persons[24];
        snprintf(rows, sizeof(rows), "%zu", sum.lists[l].rows);
        snprintf(persons, sizeof(persons), "%zu", sum.lists[l].persons);
        const char *cells[] = {sum.lists[l].file,
                               sum.lists[l].source,
                               sum.lists[l].kind,
                               sum.lists[l].as_of,
                               rows,
                               persons};
        am_table_add_row(&t, cells);
    }
    am_table_print(&t, fmt, cli->out);
    am_table_release(&t);
    if (fmt == AM_OUT_TABLE)
        fprintf(cli->out,
                "%zu persons (%s profile, seed %llu): %zu ever detained, %zu political "
                "detainees, %zu held on the end date; official list: %zu of %zu rows are "
                "padding (process start %s). Files in %s.\n",
                sum.people, am_synth_profile_name(opt.profile), (unsigned long long)opt.seed,
                sum.ever_detained, sum.political_detained, sum.detained_now, sum.official_padding,
                sum.lists[AM_SYNTH_OFFICIAL].rows, sum.process_start, opt.out_dir);
    return 0;
}

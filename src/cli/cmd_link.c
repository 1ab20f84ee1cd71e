/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* amnistia link: decide which records are the same person and say what changed. */
#include "commands.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: amnistia link [--threshold P] [--json] [--verbose]\n"
    "\n"
    "Links every record of the registry into persons: blocking rules propose pairs, an\n"
    "unsupervised Fellegi-Sunter model scores them, pairs with a match probability of at\n"
    "least P (default 0.9) are joined, human decisions (amnistia review decide) always\n"
    "win. Persons keep their ids where their records stay together. Prints the rules and\n"
    "their pairs, the fitted model, what changed and where the time went.\n"
    "--verbose also prints progress and each phase's time on stderr as it goes.\n";

static int parse_threshold(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v > 0 && v < 1))
        return -1;
    *out = v;
    return 0;
}

static void print_json(const struct am_link_summary *s, FILE *out)
{
    struct am_buf b;
    am_buf_init(&b);
    am_buf_addf(&b, "{\"records\":%llu,\"pairs\":%llu,\"pairs_per_second\":%.0f,\"rules\":[",
                (unsigned long long)s->records, (unsigned long long)s->pairs,
                s->pairs_per_second);
    for (size_t k = 0; k < s->n_rules; k++) {
        const struct am_link_rule_stats *r = &s->rules[k];
        am_buf_addf(&b, "%s{\"name\":", k ? "," : "");
        am_buf_add_json_string(&b, r->name);
        am_buf_addf(&b, ",\"blocks\":%llu,\"pairs\":%llu,\"capped_blocks\":%llu,\"skipped\":%llu}",
                    (unsigned long long)r->blocks, (unsigned long long)r->pairs,
                    (unsigned long long)r->capped_blocks, (unsigned long long)r->skipped);
    }
    am_buf_addf(&b, "],\"model\":{\"em_iterations\":%d,\"em_converged\":%s,\"em_refit\":%s,"
                    "\"lambda\":%.6g,\"prior_weight\":%.4f,\"fields\":[",
                s->model.em_iterations, s->model.em_converged ? "true" : "false",
                s->model.em_refit ? "true" : "false",
                s->model.lambda, s->model.prior_weight);
    int first = 1;
    for (int f = 0; f < AM_LF__COUNT; f++)
        for (int l = 0; l < AM_LL_MISSING; l++) {
            if (!am_link_level_meaning(f, l)[0])
                continue;
            am_buf_addf(&b, "%s{\"field\":\"%s\",\"level\":\"%s\",\"m\":%.6g,\"u\":%.6g,"
                            "\"weight\":%.4f}",
                        first ? "" : ",", am_link_field_name(f), am_link_level_name(l),
                        s->model.m[f][l], s->model.u[f][l], s->model.weight[f][l]);
            first = 0;
        }
    am_buf_addf(&b, "]},\"threshold\":%g,\"links\":%llu,\"must_links\":%llu,"
                    "\"cannot_links\":%llu,\"conflicts_split\":%llu,",
                s->threshold, (unsigned long long)s->links, (unsigned long long)s->must_links,
                (unsigned long long)s->cannot_links, (unsigned long long)s->conflicts_split);
    am_buf_addf(&b, "\"persons\":%llu,\"new\":%llu,\"unchanged\":%llu,\"grown\":%llu,"
                    "\"merged\":%llu,\"split\":%llu,\"removed\":%llu,\"seconds\":{",
                (unsigned long long)s->persons, (unsigned long long)s->persons_new,
                (unsigned long long)s->persons_unchanged, (unsigned long long)s->persons_grown,
                (unsigned long long)s->persons_merged, (unsigned long long)s->persons_split,
                (unsigned long long)s->persons_removed);
    for (int p = 0; p < AM_LP__COUNT; p++)
        am_buf_addf(&b, "\"%s\":%.3f,", am_link_phase_name(p), s->seconds[p]);
    am_buf_addf(&b, "\"total\":%.3f}}\n", s->seconds_total);
    fputs(b.ptr, out);
    am_buf_release(&b);
}

static void print_text(const struct am_link_summary *s, FILE *out)
{
    fprintf(out, "records        %llu\n", (unsigned long long)s->records);
    fprintf(out, "blocking       %-20s %10s %12s %8s %12s\n", "rule", "blocks", "pairs", "capped",
            "skipped");
    for (size_t k = 0; k < s->n_rules; k++) {
        const struct am_link_rule_stats *r = &s->rules[k];
        fprintf(out, "               %-20s %10llu %12llu %8llu %12llu\n", r->name,
                (unsigned long long)r->blocks, (unsigned long long)r->pairs,
                (unsigned long long)r->capped_blocks, (unsigned long long)r->skipped);
    }
    fprintf(out, "pairs compared %llu (%.0f per second)\n", (unsigned long long)s->pairs,
            s->pairs_per_second);
    fprintf(out, "model          EM %s after %d iterations%s; matches among compared pairs %.4f;"
                 " prior %+.2f bits\n",
            s->model.em_converged ? "converged" : "stopped", s->model.em_iterations,
            s->model.em_refit ? " (refitted with the names' m fixed)" : "",
            s->model.lambda, s->model.prior_weight);
    fprintf(out, "               %-12s %-9s %10s %10s %8s\n", "field", "level", "m", "u", "weight");
    for (int f = 0; f < AM_LF__COUNT; f++)
        for (int l = 0; l < AM_LL_MISSING; l++) {
            if (!am_link_level_meaning(f, l)[0])
                continue;
            fprintf(out, "               %-12s %-9s %10.4g %10.4g %+8.2f\n", am_link_field_name(f),
                    am_link_level_name(l), s->model.m[f][l], s->model.u[f][l],
                    s->model.weight[f][l]);
        }
    fprintf(out, "threshold      %g: %llu links; %llu dropped to keep different people apart;"
                 " human decisions %llu same, %llu different\n",
            s->threshold, (unsigned long long)s->links, (unsigned long long)s->conflicts_split,
            (unsigned long long)s->must_links, (unsigned long long)s->cannot_links);
    fprintf(out, "persons        %llu: %llu new, %llu unchanged, %llu grown or shrunk, %llu merged,"
                 " %llu split, %llu removed\n",
            (unsigned long long)s->persons, (unsigned long long)s->persons_new,
            (unsigned long long)s->persons_unchanged, (unsigned long long)s->persons_grown,
            (unsigned long long)s->persons_merged, (unsigned long long)s->persons_split,
            (unsigned long long)s->persons_removed);
    fprintf(out, "time           ");
    for (int p = 0; p < AM_LP__COUNT; p++)
        fprintf(out, "%s %.2f s, ", am_link_phase_name(p), s->seconds[p]);
    fprintf(out, "total %.2f s\n", s->seconds_total);
}

int am_cmd_link(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    struct am_link_options opt = {0};
    enum am_out_format fmt = AM_OUT_TABLE;
    int verbose = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threshold") == 0) {
            if (i + 1 >= argc)
                return am_cli_usage_error(err, usage, "--threshold needs a probability");
            if (parse_threshold(argv[++i], &opt.threshold) < 0)
                return am_cli_usage_error(err, usage,
                                          "--threshold '%s' is not a probability strictly "
                                          "between 0 and 1",
                                          argv[i]);
        } else if (strcmp(argv[i], "--verbose") == 0) {
            verbose = 1;
        } else if (strcmp(argv[i], "--json") == 0) {
            fmt = AM_OUT_JSON;
        } else
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
    }
    opt.log = stderr;
    opt.progress = cli->progress || verbose;
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    struct am_link_summary s;
    int rc = am_link_run(store, &opt, &s, err);
    am_store_close(store);
    if (rc < 0)
        return -1;
    if (verbose) {
        for (int p = 0; p < AM_LP__COUNT; p++)
            fprintf(stderr, "amnistia: link: %-14s %.3f s\n", am_link_phase_name(p), s.seconds[p]);
        fprintf(stderr, "amnistia: link: %-14s %.3f s\n", "total", s.seconds_total);
    }
    if (fmt == AM_OUT_JSON)
        print_json(&s, cli->out);
    else
        print_text(&s, cli->out);
    return 0;
}

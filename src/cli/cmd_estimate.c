/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia estimate: how many people no list has found. Reads capture histories from the
 * registry (or a plain table), runs the estimate module's methods and prints the
 * estimates side by side with their intervals and warnings, or all of it as JSON. The
 * statistics and the warning rules live in src/estimate/.
 */
#include "commands.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "amnistia/estimate.h"

static const char usage[] =
    "usage: amnistia estimate [--sources A,B,C] [--population detained-on:DATE|period:FROM..TO]\n"
    "                         [--by state|period|sex|category] [--table FILE]\n"
    "                         [--method loglinear|lcmcr|dga|all] [--model M] [--seed S] [--json]\n"
    "                         [--classes K] [--burnin N] [--samples N] [--thinning N]\n"
    "                         [--draws FILE]\n"
    "\n"
    "Multiple systems estimation: from how much the lists overlap, how many people no list\n"
    "has found. Capture histories come from linked persons in the registry (a person is seen\n"
    "by a source when one of their records comes from it), or from --table FILE.csv (one 0/1\n"
    "column per list, then `count`).\n"
    "\n"
    "  --sources A,B,C   the 2-6 sources to use as lists (default: all, if 2-6)\n"
    "  --population P    detained-on:YYYY-MM-DD (status detained or disappeared that day) or\n"
    "                    period:FROM..TO (arrested in the period); default: everyone linked\n"
    "  --by S            estimates per stratum and their total (posterior draws summed)\n"
    "  --method M        loglinear (Rcapture), lcmcr (latent classes), dga (graph averaging)\n"
    "                    or all (default)\n"
    "  --model M         a log-linear model in bracket notation, e.g. [123,14,34]; default:\n"
    "                    independence and the AIC- and BIC-best hierarchical models\n"
    "  --seed S          LCMCR seed (default 20250101)\n"
    "  --classes K, --burnin N, --samples N, --thinning N\n"
    "                    LCMCR settings (default 10, 10000, 10000, 10)\n"
    "  --draws FILE      write the LCMCR draws of N (the total's, with --by)\n"
    "  --json            every figure with its method and settings\n";

struct args {
    const char *sources, *population, *by, *table, *method, *model, *draws;
    const char *seed, *classes, *burnin, *samples, *thinning;
    int json;
};

static int parse_long(const char *flag, const char *v, long lo, long hi, long *out,
                      struct am_err *err)
{
    int64_t x;
    if (am_parse_int64(v, &x) != 0 || x < lo || x > hi)
        return am_cli_usage_error(err, usage, "%s '%s' is not a whole number from %ld to %ld",
                                  flag, v, lo, hi);
    *out = (long)x;
    return 0;
}

static int parse_args(int argc, char **argv, struct args *a, struct am_err *err)
{
    memset(a, 0, sizeof(*a));
    static const struct {
        const char *flag;
        size_t off;
    } opts[] = {
        {"--sources", offsetof(struct args, sources)},
        {"--population", offsetof(struct args, population)},
        {"--by", offsetof(struct args, by)},
        {"--table", offsetof(struct args, table)},
        {"--method", offsetof(struct args, method)},
        {"--model", offsetof(struct args, model)},
        {"--draws", offsetof(struct args, draws)},
        {"--seed", offsetof(struct args, seed)},
        {"--classes", offsetof(struct args, classes)},
        {"--burnin", offsetof(struct args, burnin)},
        {"--samples", offsetof(struct args, samples)},
        {"--thinning", offsetof(struct args, thinning)},
    };
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--json") == 0) {
            a->json = 1;
            continue;
        }
        int matched = 0;
        for (size_t o = 0; o < sizeof(opts) / sizeof(opts[0]); o++) {
            size_t fl = strlen(opts[o].flag);
            if (strncmp(arg, opts[o].flag, fl) != 0 || (arg[fl] != '\0' && arg[fl] != '='))
                continue;
            const char *v;
            if (arg[fl] == '=') {
                v = arg + fl + 1;
            } else {
                if (i + 1 >= argc)
                    return am_cli_usage_error(err, usage, "%s needs a value", opts[o].flag);
                v = argv[++i];
            }
            *(const char **)((char *)a + opts[o].off) = v;
            matched = 1;
            break;
        }
        if (!matched)
            return am_cli_usage_error(err, usage, "unknown argument '%s'", arg);
    }
    if (a->table && (a->sources || a->population || a->by))
        return am_cli_usage_error(err, usage,
                                  "--table gives the capture histories itself; leave out "
                                  "--sources, --population and --by");
    return 0;
}

struct stratum {
    const char *label;
    struct am_mse_report report;
};

static void fmt_num(char *out, size_t n, double v, int decimals)
{
    if (isnan(v))
        snprintf(out, n, "-");
    else if (isinf(v))
        snprintf(out, n, v > 0 ? "inf" : "-inf");
    else
        snprintf(out, n, "%.*f", decimals, v);
}

static void json_num(struct am_buf *b, double v)
{
    if (!isfinite(v))
        am_buf_adds(b, "null");
    else
        am_buf_addf(b, "%.10g", v);
}

static void json_report(struct am_buf *b, const char *label, const struct am_mse_report *r)
{
    am_buf_adds(b, "{\"stratum\":");
    am_buf_add_json_string(b, label);
    am_buf_addf(b, ",\"people_seen\":%.0f,\"cells\":{", r->table.n);
    for (int c = 1; c < (1 << r->table.k); c++) {
        if (c > 1)
            am_buf_addc(b, ',');
        am_buf_addc(b, '"');
        for (int j = 0; j < r->table.k; j++)
            am_buf_addc(b, (c >> j & 1) ? '1' : '0');
        am_buf_addf(b, "\":%.0f", r->table.count[c]);
    }
    am_buf_adds(b, "},\"estimates\":[");
    for (size_t i = 0; i < r->estimates.n; i++) {
        const struct am_mse_estimate *e = &r->estimates.v[i];
        if (i)
            am_buf_addc(b, ',');
        am_buf_adds(b, "{\"method\":");
        am_buf_add_json_string(b, e->method);
        am_buf_adds(b, ",\"model\":");
        am_buf_add_json_string(b, e->model);
        am_buf_adds(b, ",\"role\":");
        am_buf_add_json_string(b, e->role);
        am_buf_addf(b, ",\"exists\":%s,\"N\":", e->exists ? "true" : "false");
        json_num(b, e->N);
        am_buf_adds(b, ",\"lo\":");
        json_num(b, e->lo);
        am_buf_adds(b, ",\"hi\":");
        json_num(b, e->hi);
        am_buf_adds(b, ",\"interval\":");
        am_buf_add_json_string(b, e->interval);
        am_buf_adds(b, ",\"se\":");
        json_num(b, e->se);
        am_buf_adds(b, ",\"mean\":");
        json_num(b, e->mean);
        if (strcmp(e->method, "loglinear") == 0 && strcmp(e->role, "strata total") != 0) {
            am_buf_adds(b, ",\"aic\":");
            json_num(b, e->aic);
            am_buf_adds(b, ",\"bic\":");
            json_num(b, e->bic);
            am_buf_addf(b, ",\"df\":%d,\"wald_lo\":", e->df);
            json_num(b, e->wald_lo);
            am_buf_adds(b, ",\"wald_hi\":");
            json_num(b, e->wald_hi);
            am_buf_adds(b, ",\"profile_mle\":");
            json_num(b, e->profile_mle);
        }
        am_buf_addc(b, '}');
    }
    am_buf_adds(b, "]");
    if (r->have_lcmcr) {
        const struct am_lcmcr_result *l = &r->lcmcr;
        am_buf_addf(b,
                    ",\"lcmcr\":{\"K\":%d,\"burnin\":%ld,\"samples\":%ld,\"thinning\":%ld,"
                    "\"seed\":%lu,\"iterations\":%ld,\"a_alpha\":%g,\"b_alpha\":%g,"
                    "\"rng\":\"%s\",\"median\":",
                    l->settings.K, l->settings.burnin, l->settings.samples, l->settings.thinning,
                    l->settings.seed, l->iterations, l->settings.a_alpha, l->settings.b_alpha,
                    l->rng ? l->rng : "?");
        json_num(b, l->summary.median);
        am_buf_adds(b, ",\"mean\":");
        json_num(b, l->summary.mean);
        am_buf_adds(b, ",\"lo\":");
        json_num(b, l->summary.lo);
        am_buf_adds(b, ",\"hi\":");
        json_num(b, l->summary.hi);
        am_buf_adds(b, ",\"ess\":");
        json_num(b, l->summary.ess);
        am_buf_adds(b, ",\"seconds\":");
        json_num(b, l->seconds);
        am_buf_addc(b, '}');
    }
    if (r->have_dga) {
        const struct am_dga_result *d = &r->dga;
        char top[96];
        am_dga_graph_name(d->k, d->graph_edges[d->top_graph], top, sizeof(top));
        am_buf_addf(b, ",\"dga\":{\"delta\":%.10g,\"prior\":\"1/N\",\"graphs\":%d,\"nmax\":%ld,"
                       "\"median\":",
                    d->delta, d->ngraphs, d->nmax);
        json_num(b, d->median);
        am_buf_adds(b, ",\"mean\":");
        json_num(b, d->mean);
        am_buf_adds(b, ",\"mode\":");
        json_num(b, d->mode);
        am_buf_adds(b, ",\"lo\":");
        json_num(b, d->lo);
        am_buf_adds(b, ",\"hi\":");
        json_num(b, d->hi);
        am_buf_adds(b, ",\"top_graph\":");
        am_buf_add_json_string(b, top);
        am_buf_adds(b, ",\"top_graph_weight\":");
        json_num(b, d->graph_weight[d->top_graph]);
        am_buf_adds(b, ",\"tail_mass\":");
        json_num(b, d->tail_mass);
        am_buf_addc(b, '}');
    }
    if (r->maxorder)
        am_buf_addf(b, ",\"loglinear\":{\"search_maxorder\":%d,\"models_searched\":%zu}",
                    r->maxorder, r->models_searched);
    am_buf_adds(b, ",\"warnings\":[");
    for (size_t i = 0; i < r->warnings.n; i++) {
        if (i)
            am_buf_addc(b, ',');
        am_buf_add_json_string(b, r->warnings.v[i]);
    }
    am_buf_adds(b, "]}");
}

static void add_rows(struct am_table *t, const char *label, const struct am_mse_report *r)
{
    for (size_t i = 0; i < r->estimates.n; i++) {
        const struct am_mse_estimate *e = &r->estimates.v[i];
        int dec = strcmp(e->method, "loglinear") == 0 ? 1 : 0;
        char N[32], lo[32], hi[32];
        fmt_num(N, sizeof(N), e->N, dec);
        fmt_num(lo, sizeof(lo), e->lo, dec);
        fmt_num(hi, sizeof(hi), e->hi, dec);
        if (!e->exists) {
            snprintf(N, sizeof(N), "none");
            snprintf(lo, sizeof(lo), "-");
            snprintf(hi, sizeof(hi), "-");
        }
        const char *cells[] = {label, e->method, e->model, e->role, N, lo, hi, e->interval};
        am_table_add_row(t, cells);
    }
}

static void print_settings(FILE *out, const struct am_mse_report *r, int strata)
{
    if (r->have_lcmcr) {
        const struct am_lcmcr_result *l = &r->lcmcr;
        fprintf(out,
                "lcmcr: K=%d, alpha ~ Gamma(%g, %g), burn-in %ld, %ld draws thinned by %ld "
                "(%ld iterations), seed %lu%s, RNG %s (gsl_rng), effective sample size %.0f, "
                "%.2f s\n",
                l->settings.K, l->settings.a_alpha, l->settings.b_alpha, l->settings.burnin,
                l->settings.samples, l->settings.thinning, l->iterations, l->settings.seed,
                strata ? " (+ i for the i-th stratum)" : "", l->rng ? l->rng : "?",
                l->summary.ess, l->seconds);
    }
    if (r->have_dga) {
        char top[96];
        am_dga_graph_name(r->dga.k, r->dga.graph_edges[r->dga.top_graph], top, sizeof(top));
        fprintf(out,
                "dga: %d decomposable graphs, delta = 2^-%d, prior 1/N, N from %.0f to %.0f; "
                "top graph %s (posterior %.3f)\n",
                r->dga.ngraphs, r->dga.k, r->table.n, r->table.n + (double)r->dga.nmax, top,
                r->dga.graph_weight[r->dga.top_graph]);
    }
    if (r->maxorder)
        fprintf(out, "loglinear: %zu hierarchical models up to %d-way terms searched\n",
                r->models_searched, r->maxorder);
}

int am_cmd_estimate(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    struct args a;
    if (parse_args(argc, argv, &a, err) != 0)
        return -1;
    struct am_mse_options opt;
    am_mse_options_default(&opt);
    if (a.method) {
        if (strcmp(a.method, "loglinear") == 0)
            opt.methods = AM_MSE_LOGLINEAR;
        else if (strcmp(a.method, "lcmcr") == 0)
            opt.methods = AM_MSE_LCMCR;
        else if (strcmp(a.method, "dga") == 0)
            opt.methods = AM_MSE_DGA;
        else if (strcmp(a.method, "all") == 0)
            opt.methods = AM_MSE_ALL;
        else
            return am_cli_usage_error(err, usage,
                                      "--method '%s' is not known; use loglinear, lcmcr, dga "
                                      "or all",
                                      a.method);
    }
    if (a.model && !(opt.methods & AM_MSE_LOGLINEAR))
        return am_cli_usage_error(err, usage, "--model is a log-linear model; use it with "
                                              "--method loglinear or all");
    opt.model = a.model;
    long v = 0;
    if (a.seed) {
        if (parse_long("--seed", a.seed, 0, 4294967295L, &v, err))
            return -1;
        opt.lcmcr.seed = (unsigned long)v;
    }
    if (a.classes) {
        if (parse_long("--classes", a.classes, 2, 64, &v, err))
            return -1;
        opt.lcmcr.K = (int)v;
    }
    if (a.burnin && parse_long("--burnin", a.burnin, 0, 100000000L, &opt.lcmcr.burnin, err))
        return -1;
    if (a.samples && parse_long("--samples", a.samples, 1, 10000000L, &opt.lcmcr.samples, err))
        return -1;
    if (a.thinning && parse_long("--thinning", a.thinning, 1, 10000, &opt.lcmcr.thinning, err))
        return -1;
    struct am_mse_population pop = {0};
    enum am_mse_stratum by = AM_MSE_BY_NONE;
    if (a.population && am_mse_population_parse(a.population, &pop, err))
        return -1;
    if (a.by && am_mse_stratum_parse(a.by, &by, err))
        return -1;

    struct am_mse_histories h;
    memset(&h, 0, sizeof(h));
    if (a.table) {
        if (am_mse_table_load(a.table, &h.all, err) != 0)
            return -1;
    } else {
        struct am_store *store = am_cli_open_store(cli, err);
        if (!store)
            return -1;
        int rc = am_mse_histories_load(store, a.sources, &pop, by, &h, err);
        am_store_close(store);
        if (rc != 0)
            return -1;
        if (h.all.n <= 0) {
            am_mse_histories_release(&h);
            return AM_FAIL(err, AM_EINPUT,
                           "no linked person in the population was seen by these sources; "
                           "import and link lists first, or widen --population");
        }
    }

    /* one report per stratum (or one overall), then the total */
    size_t ns = by != AM_MSE_BY_NONE ? h.nstrata : 1;
    struct stratum *st = am_calloc(ns, sizeof(*st));
    int rc = 0;
    for (size_t i = 0; i < ns && rc == 0; i++) {
        st[i].label = by != AM_MSE_BY_NONE ? h.labels[i] : "all";
        const struct am_mse_table *t = by != AM_MSE_BY_NONE ? &h.strata[i] : &h.all;
        /* one seed per stratum (seed + i): chains of strata that share random numbers
         * would be correlated, and their summed draws would misstate the total's spread */
        struct am_mse_options so = opt;
        so.lcmcr.seed = opt.lcmcr.seed + i;
        rc = am_mse_report_run(t, &so, &st[i].report, err);
    }
    struct am_mse_report total;
    memset(&total, 0, sizeof(total));
    int have_total = 0;
    if (rc == 0 && by != AM_MSE_BY_NONE) {
        struct am_mse_report *reps = am_calloc(ns, sizeof(*reps));
        for (size_t i = 0; i < ns; i++)
            reps[i] = st[i].report;
        rc = am_mse_report_total(reps, ns, opt.lcmcr.seed, &total, err);
        am_free(reps);
        have_total = rc == 0;
    }
    const struct am_mse_report *main_rep = have_total ? &total : &st[0].report;
    if (rc == 0 && a.draws) {
        if (!main_rep->have_lcmcr)
            rc = am_cli_usage_error(err, usage, "--draws writes LCMCR draws; run --method lcmcr "
                                                "or all on 3 or more lists");
        else
            rc = am_mse_draws_write(a.draws, main_rep->lcmcr.draws, main_rep->lcmcr.ndraws, err);
    }
    if (rc == 0) {
        const struct am_mse_table *t = &h.all;
        if (a.json) {
            struct am_buf b;
            am_buf_init(&b);
            am_buf_adds(&b, "{\"lists\":[");
            for (int j = 0; j < t->k; j++) {
                if (j)
                    am_buf_addc(&b, ',');
                am_buf_add_json_string(&b, t->names[j]);
            }
            am_buf_adds(&b, "],\"population\":");
            am_buf_add_json_string(&b, a.table ? "table" : a.population ? a.population : "all");
            am_buf_adds(&b, ",\"by\":");
            if (a.by)
                am_buf_add_json_string(&b, a.by);
            else
                am_buf_adds(&b, "null");
            am_buf_addf(&b, ",\"persons_outside\":%ld,\"strata\":[", h.persons_outside);
            for (size_t i = 0; i < ns; i++) {
                if (i)
                    am_buf_addc(&b, ',');
                json_report(&b, st[i].label, &st[i].report);
            }
            am_buf_adds(&b, "]");
            if (have_total) {
                am_buf_adds(&b, ",\"total\":");
                json_report(&b, "total", &total);
            }
            am_buf_adds(&b, "}\n");
            fputs(b.ptr, cli->out);
            am_buf_release(&b);
        } else {
            fprintf(cli->out, "%d lists:", t->k);
            for (int j = 0; j < t->k; j++)
                fprintf(cli->out, " %d=%s", j + 1, t->names[j]);
            fprintf(cli->out, "; %.0f people seen", t->n);
            if (!a.table)
                fprintf(cli->out, " (%s)",
                        pop.kind == AM_MSE_POP_DETAINED_ON ? "detained on the date"
                        : pop.kind == AM_MSE_POP_PERIOD    ? "arrested in the period"
                                                           : "every linked person");
            fputs("\n\n", cli->out);
            static const char *const cols[] = {"stratum", "method", "model", "role",
                                               "N",       "lo",     "hi",    "interval (95%)"};
            struct am_table tab;
            am_table_init(&tab, cols, 8);
            for (size_t i = 0; i < ns; i++)
                add_rows(&tab, st[i].label, &st[i].report);
            if (have_total)
                add_rows(&tab, "total", &total);
            am_table_print(&tab, AM_OUT_TABLE, cli->out);
            am_table_release(&tab);
            fputc('\n', cli->out);
            print_settings(cli->out, &st[0].report, by != AM_MSE_BY_NONE);
            int nw = 0;
            for (size_t i = 0; i < ns; i++)
                for (size_t w = 0; w < st[i].report.warnings.n; w++) {
                    if (!nw++)
                        fputs("\nwarnings:\n", cli->out);
                    if (by != AM_MSE_BY_NONE)
                        fprintf(cli->out, "  - %s: %s\n", st[i].label, st[i].report.warnings.v[w]);
                    else
                        fprintf(cli->out, "  - %s\n", st[i].report.warnings.v[w]);
                }
            for (size_t w = 0; have_total && w < total.warnings.n; w++)
                fprintf(cli->out, "  - total: %s\n", total.warnings.v[w]);
            if (have_total)
                fputs("\nStrata totals add posterior draws per iteration (LCMCR, dga) and "
                      "standard errors as independent (log-linear).\n",
                      cli->out);
        }
    }
    for (size_t i = 0; i < ns; i++)
        am_mse_report_release(&st[i].report);
    am_free(st);
    if (have_total)
        am_mse_report_release(&total);
    am_mse_histories_release(&h);
    return rc;
}

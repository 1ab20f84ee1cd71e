/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * am_synth_run: generates the population, selects and writes the lists, and writes the
 * truth files (people, events, links, padding), the manifest and the official list's
 * mapping file. Every file goes through a big buffer to DIR/.NAME.tmp and is renamed only
 * when all of them are written, so a failed run leaves the directory as it was.
 */
#include "synth_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int am_synth_profile_from_name(const char *name)
{
    if (name && strcmp(name, "default") == 0)
        return AM_SYNTH_DEFAULT;
    if (name && strcmp(name, "heavy") == 0)
        return AM_SYNTH_HEAVY;
    return -1;
}

const char *am_synth_profile_name(enum am_synth_profile profile)
{
    return profile == AM_SYNTH_HEAVY ? "heavy" : "default";
}

/* ---- buffered output ----------------------------------------------------------------------- */

#define FLUSH_AT (4u << 20)

int am__synth_out_open(struct am__synth_out *o, const char *dir, const char *name, int cp1252,
                       struct am_err *err)
{
    memset(o, 0, sizeof(*o));
    am_buf_init(&o->buf);
    am_buf_init(&o->conv);
    o->cp1252 = cp1252;
    if ((size_t)snprintf(o->path, sizeof(o->path), "%s/%s", dir, name) >= sizeof(o->path))
        return AM_FAIL(err, AM_EUSAGE,
                       "output directory name is too long; choose a shorter "
                       "path");
    snprintf(o->tmp, sizeof(o->tmp), "%s/.%s.tmp", dir, name);
    o->f = fopen(o->tmp, "wb");
    if (!o->f)
        return AM_FAIL(err, AM_EIO, "cannot create %s: %s; check the directory's permissions",
                       o->tmp, strerror(errno));
    am_buf_grow(&o->buf, FLUSH_AT + 65536);
    return 0;
}

int am__synth_out_flush(struct am__synth_out *o, int force, struct am_err *err)
{
    if (!o->f || (!force && o->buf.len < FLUSH_AT))
        return 0;
    const char *data = o->buf.ptr;
    size_t len = o->buf.len;
    if (o->cp1252) {
        am_buf_reset(&o->conv);
        am__synth_to_cp1252(&o->conv, o->buf.ptr, o->buf.len);
        data = o->conv.ptr;
        len = o->conv.len;
    }
    if (len && fwrite(data, 1, len, o->f) != len)
        return AM_FAIL(err, AM_EIO, "cannot write %s: %s; is the disk full?", o->tmp,
                       strerror(errno));
    am_buf_reset(&o->buf);
    return 0;
}

int am__synth_out_close(struct am__synth_out *o, struct am_err *err)
{
    if (!o->f)
        return 0;
    int rc = am__synth_out_flush(o, 1, err);
    if (fclose(o->f) != 0 && rc == 0)
        rc =
            AM_FAIL(err, AM_EIO, "cannot write %s: %s; is the disk full?", o->tmp, strerror(errno));
    o->f = NULL;
    return rc;
}

int am__synth_out_commit(struct am__synth_out *o, struct am_err *err)
{
    if (rename(o->tmp, o->path) != 0)
        return AM_FAIL(err, AM_EIO, "cannot rename %s to %s: %s", o->tmp, o->path, strerror(errno));
    o->tmp[0] = 0;
    return 0;
}

void am__synth_out_abandon(struct am__synth_out *o)
{
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    if (o->tmp[0])
        unlink(o->tmp);
    am_buf_release(&o->buf);
    am_buf_release(&o->conv);
}

/* ---- truth ------------------------------------------------------------------------------ */

static void add_date(struct am_buf *b, int32_t days)
{
    if (days)
        am__synth_render_date(b, days, 0);
}

/* Appends s, after a ';' unless it is the first item (*n counts them). */
static void sep_add(struct am_buf *b, int *n, const char *s)
{
    if ((*n)++)
        am_buf_addc(b, ';');
    am_buf_adds(b, s);
}

static void write_person(struct am__synth_ctx *ctx, size_t i, struct am_buf *b, struct am_buf *t)
{
    const struct am__synth_person *p = &ctx->people[i];
    const struct am__synth_catalog *cat = &ctx->cat;
    const struct am__synth_names *gt = p->sex == 'F' ? &cat->female : &cat->male;
    static const char *const kinds[] = {"political", "common", "never_detained"};
    am_buf_addc(b, 'P');
    am__synth_add_uint(b, i + 1, 7);
    am_buf_addc(b, ',');
    am_buf_adds(b, kinds[p->kind]);
    am_buf_addc(b, ',');
    am_buf_reset(t);
    am_buf_adds(t, gt->v[p->given[0]].text);
    if (p->given[1] != AM__SYNTH_NONE) {
        am_buf_addc(t, ' ');
        am_buf_adds(t, gt->v[p->given[1]].text);
    }
    am_buf_add_csv_field(b, t->ptr);
    am_buf_addc(b, ',');
    am_buf_reset(t);
    am_buf_adds(t, cat->surnames.v[p->sur[0]].text);
    if (p->sur[1] != AM__SYNTH_NONE) {
        am_buf_addc(t, ' ');
        am_buf_adds(t, cat->surnames.v[p->sur[1]].text);
    }
    am_buf_add_csv_field(b, t->ptr);
    am_buf_addc(b, ',');
    if (p->married != AM__SYNTH_NONE)
        am_buf_add_csv_field(b, cat->surnames.v[p->married].text);
    am_buf_addc(b, ',');
    if (p->cedula) {
        am_buf_addc(b, p->foreign ? 'E' : 'V');
        am__synth_add_uint(b, p->cedula, 0);
    }
    am_buf_addc(b, ',');
    add_date(b, p->birth);
    am_buf_addc(b, ',');
    am_buf_addc(b, (char)p->sex);
    am_buf_addc(b, ',');
    am_buf_adds(b, am__synth_nationality_names[p->nationality]);
    am_buf_adds(b, p->adolescent ? ",1," : ",0,");
    am_buf_adds(b, (p->categories >> AM__CAT_MILITARY) & 1 ? "1," : "0,");
    for (int k = 0, n = 0; k < AM__SYNTH_N_CATEGORIES; k++)
        if (p->categories & (1u << k))
            sep_add(b, &n, am__synth_category_names[k]);
    am_buf_addc(b, ',');
    am_buf_reset(t);
    for (int k = 0; k < p->n_charges; k++) {
        if (k)
            am_buf_addc(t, ';');
        am_buf_adds(t, cat->charge[p->charges[k]].text);
    }
    am_buf_add_csv_field(b, t->ptr);
    am_buf_addc(b, ',');
    unsigned cls = am__synth_charge_classes(p, cat);
    for (int k = 0, n = 0; k < AM__CL__COUNT; k++)
        if (cls & (1u << k))
            sep_add(b, &n, am__synth_class_names[k]);
    int32_t arrest = am__synth_first_arrest(p);
    am_buf_adds(b, arrest ? ",1," : ",0,");
    am_buf_adds(b, am__synth_is_political(p, cat) && arrest ? "1," : "0,");
    add_date(b, arrest);
    am_buf_addc(b, ',');
    am_buf_add_csv_field(b, cat->state[p->state].name);
    am_buf_addc(b, ',');
    if (p->facility != 0xFF)
        am_buf_add_csv_field(b, cat->facility[p->facility].name);
    am_buf_addc(b, ',');
    if (p->agency != 0xFF)
        am_buf_add_csv_field(b, cat->agency[p->agency]);
    int32_t since, released;
    enum am_status st = am__synth_status_at(p, ctx->dates.end, &since, &released);
    am_buf_addc(b, ',');
    am_buf_adds(b, am_status_name(st));
    am_buf_addc(b, ',');
    add_date(b, since);
    am_buf_addc(b, ',');
    add_date(b, released);
    am_buf_addc(b, ',');
    am_buf_reset(t);
    if (st == AM_STATUS_RELEASED_WITH_MEASURES || st == AM_STATUS_HOUSE_ARREST) {
        unsigned m = st == AM_STATUS_HOUSE_ARREST ? 1u << 5 : p->measures & 0x1Fu;
        for (int k = 0; k < AM__SYNTH_N_MEASURES; k++)
            if (m & (1u << k)) {
                if (t->len)
                    am_buf_addc(t, ';');
                am_buf_adds(t, am__synth_measure_names[k]);
            }
    }
    am_buf_add_csv_field(b, t->ptr);
    am_buf_addc(b, ',');
    am_buf_adds(b, am__synth_sensitivity_names[p->sensitivity]);
    am_buf_addc(b, ',');
    for (int l = 0, n = 0; l < AM_SYNTH__LIST_COUNT; l++)
        if (ctx->lists_of[i] & (1u << l))
            sep_add(b, &n, am__synth_list_source[l]);
    am_buf_addc(b, '\n');
}

/* The official list's mapping, in the format of docs/mapping.md (branch import). */
static const char map_text[] =
    "# amnistia mapping file for official.csv, the ministry's release list (synthetic).\n"
    "# Written by `amnistia synth`; see docs/synth.md and docs/mapping.md. The file is\n"
    "# Windows-1252: import it with --encoding latin1 (manifest.csv says so).\n"
    "order surnames_first\n"
    "dates dmy\n"
    "column \"N\xc2\xb0\" -> list_id\n"
    "column \"APELLIDOS Y NOMBRES\" -> full_name\n"
    "column \"C.I.\" -> cedula\n"
    "column \"FECHA DE EXCARCELACION\" -> release_date\n"
    "column \"CENTRO\" -> facility\n"
    "column \"DELITO\" -> charges\n"
    "column \"ESTADO\" -> state\n"
    "set status = released\n";

enum {
    O_LIST0,
    O_LINKS = AM_SYNTH__LIST_COUNT,
    O_PADDING,
    O_PEOPLE,
    O_EVENTS,
    O_MANIFEST,
    O_MAP,
    O_PROCESS,
    O_COUNT
};

int am_synth_run(const struct am_synth_options *opt, struct am_synth_summary *sum,
                 struct am_err *err)
{
    if (!opt->out_dir || !*opt->out_dir)
        return AM_FAIL(err, AM_EUSAGE, "no output directory; give --out DIR");
    if (opt->people < 1 || opt->people > AM_SYNTH_MAX_PEOPLE)
        return AM_FAIL(err, AM_EUSAGE, "--people %zu is out of range; give 1 to %u", opt->people,
                       AM_SYNTH_MAX_PEOPLE);
    struct stat stt;
    if (stat(opt->out_dir, &stt) != 0) {
        if (mkdir(opt->out_dir, 0777) != 0)
            return AM_FAIL(err, AM_EIO,
                           "cannot create directory %s: %s; create its parent "
                           "first",
                           opt->out_dir, strerror(errno));
    } else if (!S_ISDIR(stt.st_mode)) {
        return AM_FAIL(err, AM_EUSAGE, "%s is not a directory; give --out a directory",
                       opt->out_dir);
    }

    struct am__synth_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.profile = opt->profile;
    ctx.seed = opt->seed;
    ctx.n = opt->people;
    if (am__synth_catalog_load(&ctx.cat, err) != 0) {
        am__synth_catalog_release(&ctx.cat);
        return -1;
    }
    am__synth_dates_init(&ctx.dates);
    ctx.people = am_malloc(ctx.n * sizeof(*ctx.people));
    ctx.lists_of = am_calloc(ctx.n, 1);
    struct am__synth_rng rng;
    am__synth_rng_seed(&rng, opt->seed, 1);
    am__synth_population(ctx.people, ctx.n, &ctx.cat, &ctx.dates, &rng);
    am__synth_select(&ctx);

    struct am__synth_out out[O_COUNT];
    memset(out, 0, sizeof(out));
    static const char *const names[O_COUNT] = {
        "ngo.csv",         "family.csv",        "press.csv",           "official.csv",
        "truth_links.csv", "truth_padding.csv", "truth_people.csv",    "truth_events.csv",
        "manifest.csv",    "official.map",      "official_process.txt"};
    int rc = 0;
    for (int k = 0; k < O_COUNT && rc == 0; k++)
        rc = am__synth_out_open(&out[k], opt->out_dir, names[k], k == AM_SYNTH_OFFICIAL, err);
    struct am_buf t;
    am_buf_init(&t);
    if (rc == 0) {
        am_buf_adds(&out[O_LINKS].buf, "source,list_id,person_id\n");
        for (int l = 0; l < AM_SYNTH__LIST_COUNT && rc == 0; l++)
            rc = am__synth_write_list(&ctx, (enum am_synth_list)l, &out[l], &out[O_LINKS],
                                      l == AM_SYNTH_OFFICIAL ? &out[O_PADDING] : NULL, err);
    }
    if (rc == 0) {
        struct am_buf *b = &out[O_PEOPLE].buf;
        am_buf_adds(b, "person_id,kind,given_names,surnames,married_surname,cedula,birth_date,"
                       "sex,nationality,adolescent,military,categories,charges,charge_classes,"
                       "ever_detained,political_detainee,first_arrest_date,state,facility,agency,"
                       "status,status_date,release_date,measures,sensitivity,lists\n");
        am_buf_adds(&out[O_EVENTS].buf, "person_id,type,date\n");
        for (size_t i = 0; i < ctx.n && rc == 0; i++) {
            write_person(&ctx, i, b, &t);
            const struct am__synth_person *p = &ctx.people[i];
            for (int e = 0; e < p->n_ev; e++) {
                struct am_buf *eb = &out[O_EVENTS].buf;
                am_buf_addc(eb, 'P');
                am__synth_add_uint(eb, i + 1, 7);
                am_buf_addc(eb, ',');
                am_buf_adds(eb, am_event_name((enum am_event_type)p->ev_type[e]));
                am_buf_addc(eb, ',');
                add_date(&out[O_EVENTS].buf, p->ev_date[e]);
                am_buf_addc(&out[O_EVENTS].buf, '\n');
            }
            if (am__synth_out_flush(&out[O_PEOPLE], 0, err) != 0 ||
                am__synth_out_flush(&out[O_EVENTS], 0, err) != 0)
                rc = -1;
        }
    }
    char ps[11];
    am_format_date(ctx.dates.process_start, ps);
    if (rc == 0) {
        struct am_buf *b = &out[O_MANIFEST].buf;
        am_buf_adds(b, "file,source,kind,as_of,map,encoding\n");
        for (int l = 0; l < AM_SYNTH__LIST_COUNT; l++) {
            char d[11];
            am_format_date(ctx.dates.as_of[l], d);
            am_buf_addf(b, "%s,%s,%s,%s,%s,%s\n", am__synth_list_file[l], am__synth_list_source[l],
                        am__synth_list_kind[l], d, l == AM_SYNTH_OFFICIAL ? "official.map" : "",
                        l == AM_SYNTH_OFFICIAL ? "latin1" : "utf8");
        }
        am_buf_adds(&out[O_MAP].buf, map_text);
        am_buf_addf(&out[O_PROCESS].buf, "%s\n", ps);
    }
    for (int k = 0; k < O_COUNT && rc == 0; k++)
        rc = am__synth_out_close(&out[k], err);
    for (int k = 0; k < O_COUNT && rc == 0; k++)
        rc = am__synth_out_commit(&out[k], err);
    for (int k = 0; k < O_COUNT; k++)
        am__synth_out_abandon(&out[k]);

    if (rc == 0 && sum) {
        memset(sum, 0, sizeof(*sum));
        sum->people = ctx.n;
        memcpy(sum->process_start, ps, sizeof(ps));
        uint8_t *seen = am_calloc(ctx.n, 1);
        for (size_t i = 0; i < ctx.n; i++) {
            const struct am__synth_person *p = &ctx.people[i];
            int32_t a = am__synth_first_arrest(p);
            sum->ever_detained += a != 0;
            sum->political_detained += a != 0 && am__synth_is_political(p, &ctx.cat);
            enum am_status st = am__synth_status_at(p, ctx.dates.end, NULL, NULL);
            sum->detained_now += st == AM_STATUS_DETAINED || st == AM_STATUS_DISAPPEARED ||
                                 st == AM_STATUS_HOUSE_ARREST;
        }
        for (int l = 0; l < AM_SYNTH__LIST_COUNT; l++) {
            sum->lists[l].file = am__synth_list_file[l];
            sum->lists[l].source = am__synth_list_source[l];
            sum->lists[l].kind = am__synth_list_kind[l];
            am_format_date(ctx.dates.as_of[l], sum->lists[l].as_of);
            sum->lists[l].rows = ctx.rows[l].n;
            memset(seen, 0, ctx.n);
            for (size_t k = 0; k < ctx.rows[l].n; k++) {
                uint32_t who = ctx.rows[l].v[k].person;
                sum->lists[l].persons += !seen[who];
                seen[who] = 1;
                if (l == AM_SYNTH_OFFICIAL) {
                    am_buf_reset(&t);
                    am__synth_padding_reasons(&ctx, &ctx.people[who], ctx.rows[l].v[k].dup, &t);
                    sum->official_padding += strcmp(t.ptr, "genuine") != 0;
                }
            }
        }
        am_free(seen);
    }
    am_buf_release(&t);
    for (int l = 0; l < AM_SYNTH__LIST_COUNT; l++)
        AM_VEC_FREE(&ctx.rows[l]);
    am_free(ctx.people);
    am_free(ctx.lists_of);
    am__synth_catalog_release(&ctx.cat);
    return rc;
}

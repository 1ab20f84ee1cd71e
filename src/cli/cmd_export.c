/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia export: the whole registry for programs. --json: one document per person (as
 * `show --json`), in an array. --csv: one row per record in the canonical columns, with
 * the person it belongs to and that person's derived status, ready to import elsewhere.
 */
#include "commands.h"

#include "amnistia/registry.h"

static const char usage[] =
    "usage: amnistia export --json|--csv\n"
    "\n"
    "--json  an array of persons, each with records, events, charges, measures, categories\n"
    "--csv   one row per record: person_id, person_status, source, then the canonical\n"
    "        columns (docs/columns.md)\n";

struct export_ctx {
    FILE *out;
    struct am_store *store;
    struct am_person_reader *reader;
    struct am_buf buf;
    AM_VEC(int64_t) ids;
    AM_VEC(unsigned char) status; /* parallel to ids */
    size_t cursor;
    long n;
    struct am_err *err;
};

static int collect(const struct am_person_row *p, void *ctx)
{
    struct export_ctx *c = ctx;
    AM_VEC_PUSH(&c->ids, p->id);
    AM_VEC_PUSH(&c->status, (unsigned char)p->status);
    return 0;
}

static int write_csv_row(const struct am_record_row *r, void *ctx)
{
    struct export_ctx *c = ctx;
    /* Both walks are in person order, so a cursor finds the status without a search. */
    while (c->cursor < c->ids.n && c->ids.v[c->cursor] < r->person_id)
        c->cursor++;
    enum am_status st = c->cursor < c->ids.n && c->ids.v[c->cursor] == r->person_id
                            ? (enum am_status)c->status.v[c->cursor]
                            : AM_STATUS_UNKNOWN;
    struct am_buf *b = &c->buf;
    am_buf_reset(b);
    am_buf_addf(b, "%lld,%s,", (long long)r->person_id, am_status_name(st));
    am_buf_add_csv_field(b, r->source);
    for (int f = 0; f < AM_CANONICAL_COLUMN_COUNT; f++) {
        am_buf_addc(b, ',');
        am_buf_add_csv_field(b, r->fields[f]);
    }
    am_buf_adds(b, "\r\n");
    fwrite(b->ptr, 1, b->len, c->out);
    return 0;
}

static int write_json_person(const struct am_person_row *p, void *ctx)
{
    struct export_ctx *c = ctx;
    am_buf_reset(&c->buf);
    am_buf_adds(&c->buf, c->n++ ? ",\n" : "\n");
    if (am_person_reader_json(c->reader, p->id, &c->buf, c->err))
        return 1;
    fwrite(c->buf.ptr, 1, c->buf.len, c->out);
    return 0;
}

int am_cmd_export(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    enum am_out_format fmt = AM_OUT_TABLE;
    for (int i = 1; i < argc; i++)
        if (!am_cli_format_flag(argv[i], &fmt))
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
    if (fmt == AM_OUT_TABLE)
        return am_cli_usage_error(err, usage, "say --json or --csv");
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    struct export_ctx c = {.out = cli->out, .store = store, .err = err};
    am_buf_init(&c.buf);
    struct am_people_filter all = {.status = -1};
    int rc;
    if (fmt == AM_OUT_JSON) {
        c.reader = am_person_reader_new(store, err);
        fputs("[", cli->out);
        rc = c.reader ? am_registry_people(store, &all, write_json_person, &c, err) : -1;
        fputs(c.n ? "\n]\n" : "]\n", cli->out);
        am_person_reader_free(c.reader);
    } else {
        rc = am_registry_people(store, &all, collect, &c, err);
        if (rc == 0) {
            fputs("person_id,person_status,source", cli->out);
            for (int f = 0; f < AM_CANONICAL_COLUMN_COUNT; f++)
                fprintf(cli->out, ",%s", am_canonical_columns[f]);
            fputs("\r\n", cli->out);
            rc = am_registry_records(store, write_csv_row, &c, err);
        }
    }
    if (am_err_is_set(err))
        rc = -1;
    am_buf_release(&c.buf);
    AM_VEC_FREE(&c.ids);
    AM_VEC_FREE(&c.status);
    am_store_close(store);
    return rc;
}

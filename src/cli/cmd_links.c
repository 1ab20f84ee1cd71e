/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* amnistia links: which person each record belongs to (source, list_id, person_id). */
#include "commands.h"

#include "amnistia/registry.h"

static const char usage[] =
    "usage: amnistia links [--csv|--json]\n"
    "\n"
    "One row per record: source,list_id,person_id (and record and snapshot ids in --json\n"
    "and the terminal table). Records with the same person_id are one person.\n";

struct links_ctx {
    enum am_out_format fmt;
    FILE *out;
    struct am_buf line;
    long n;
};

/* Streams: a million records print without holding them. */
static int print_link(const struct am_link_row *l, void *ctx)
{
    struct links_ctx *c = ctx;
    struct am_buf *b = &c->line;
    am_buf_reset(b);
    if (c->fmt == AM_OUT_CSV) {
        am_buf_add_csv_field(b, l->source);
        am_buf_addc(b, ',');
        am_buf_add_csv_field(b, l->list_id ? l->list_id : "");
        am_buf_addf(b, ",%lld\r\n", (long long)l->person_id);
    } else if (c->fmt == AM_OUT_JSON) {
        am_buf_adds(b, c->n ? ",\n {\"source\": " : "\n {\"source\": ");
        am_buf_add_json_string(b, l->source);
        am_buf_adds(b, ", \"list_id\": ");
        if (l->list_id)
            am_buf_add_json_string(b, l->list_id);
        else
            am_buf_adds(b, "null");
        am_buf_addf(b, ", \"person_id\": %lld, \"record_id\": %lld, \"snapshot_id\": %lld}",
                    (long long)l->person_id, (long long)l->record_id, (long long)l->snapshot_id);
    } else {
        am_buf_addf(b, "%-10lld %-10lld %-24s %-16s %lld\n", (long long)l->record_id,
                    (long long)l->snapshot_id, l->source, l->list_id ? l->list_id : "",
                    (long long)l->person_id);
    }
    fwrite(b->ptr, 1, b->len, c->out);
    c->n++;
    return 0;
}

int am_cmd_links(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    struct links_ctx c = {.fmt = AM_OUT_TABLE, .out = cli->out};
    for (int i = 1; i < argc; i++)
        if (!am_cli_format_flag(argv[i], &c.fmt))
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    am_buf_init(&c.line);
    if (c.fmt == AM_OUT_CSV)
        fputs("source,list_id,person_id\r\n", cli->out);
    else if (c.fmt == AM_OUT_JSON)
        fputs("[", cli->out);
    else
        fprintf(cli->out, "%-10s %-10s %-24s %-16s %s\n", "record", "snapshot", "source",
                "list_id", "person_id");
    int rc = am_registry_links(store, print_link, &c, err);
    if (c.fmt == AM_OUT_JSON)
        fputs(c.n ? "\n]\n" : "]\n", cli->out);
    am_buf_release(&c.line);
    am_store_close(store);
    return rc;
}

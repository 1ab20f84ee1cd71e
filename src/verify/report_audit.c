/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The audit written out for programs: one JSON array with an object per row, and a
 * one-line text of a flag's evidence for tables and CSV. Judging happens in audit.c.
 */
#include "verify_int.h"

static void json_str_or_null(struct am_buf *out, const char *s)
{
    if (s)
        am_buf_add_json_string(out, s);
    else
        am_buf_adds(out, "null");
}

void am_audit_write_json(const struct am_audit *audit, struct am_buf *out)
{
    am_buf_adds(out, "[");
    for (size_t i = 0; i < audit->n_rows; i++) {
        const struct am_audit_row *r = &audit->rows[i];
        am_buf_adds(out, i ? ",\n {" : "\n {");
        am_buf_adds(out, "\"list_id\": ");
        json_str_or_null(out, r->list_id);
        am_buf_addf(out,
                    ", \"row\": %lld, \"record_id\": %lld, \"person_id\": ", (long long)r->row_no,
                    (long long)r->record_id);
        if (r->person_id)
            am_buf_addf(out, "%lld", (long long)r->person_id);
        else
            am_buf_adds(out, "null");
        am_buf_adds(out, ", \"name\": ");
        json_str_or_null(out, r->name);
        am_buf_addf(out, ", \"released\": %s, \"release_date\": ", r->released ? "true" : "false");
        json_str_or_null(out, r->release_date);
        am_buf_addf(out, ", \"verdict\": \"%s\", \"sources\": [",
                    r->verified ? "verified" : "flagged");
        for (size_t k = 0; k < r->n_sources; k++) {
            if (k)
                am_buf_adds(out, ", ");
            am_buf_add_json_string(out, r->sources[k]);
        }
        am_buf_adds(out, "], \"match\": ");
        if (r->match_person) {
            am_buf_addf(out, "{\"person_id\": %lld, \"record_id\": %lld, \"source\": ",
                        (long long)r->match_person, (long long)r->match_record);
            json_str_or_null(out, r->match_source);
            am_buf_adds(out, ", \"how\": ");
            json_str_or_null(out, r->match_how);
            am_buf_adds(out, "}");
        } else {
            am_buf_adds(out, "null");
        }
        am_buf_adds(out, ", \"flags\": [");
        for (size_t k = 0; k < r->n_flags; k++) {
            const struct am_audit_flag *f = &r->flags[k];
            am_buf_adds(out, k ? ", {\"flag\": " : "{\"flag\": ");
            am_buf_add_json_string(out, am_flag_name(f->flag));
            am_buf_adds(out, ", \"why\": ");
            json_str_or_null(out, f->why);
            am_buf_adds(out, ", \"evidence\": [");
            for (size_t e = 0; e < f->n_evidence; e++) {
                const struct am_evidence *ev = &f->evidence[e];
                am_buf_adds(out, e ? ", {\"record_id\": " : "{\"record_id\": ");
                if (ev->record_id)
                    am_buf_addf(out, "%lld", (long long)ev->record_id);
                else
                    am_buf_adds(out, "null");
                am_buf_adds(out, ", \"source\": ");
                json_str_or_null(out, ev->source);
                am_buf_adds(out, ", \"date\": ");
                json_str_or_null(out, ev->date);
                am_buf_adds(out, ", \"what\": ");
                json_str_or_null(out, ev->what);
                am_buf_adds(out, "}");
            }
            am_buf_adds(out, "]}");
        }
        am_buf_adds(out, "]}");
    }
    am_buf_adds(out, audit->n_rows ? "\n]\n" : "]\n");
}

void am_audit_flag_evidence_text(const struct am_audit_flag *flag, struct am_buf *out)
{
    for (size_t e = 0; e < flag->n_evidence; e++) {
        const struct am_evidence *ev = &flag->evidence[e];
        if (e)
            am_buf_adds(out, "; ");
        am_buf_adds(out, ev->source ? ev->source : "manual entry");
        if (ev->record_id)
            am_buf_addf(out, " r%lld", (long long)ev->record_id);
        if (ev->date)
            am_buf_addf(out, " %s", ev->date);
        if (ev->what)
            am_buf_addf(out, " %s", ev->what);
    }
}

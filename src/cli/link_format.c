/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Printing what link/ explains: a pair's field-by-field waterfall as text for a terminal
 * or as a JSON object, shared by `review` and `explain`. Formatting only; the weights come
 * from the link module.
 */
#include "commands.h"

#include <math.h>

static void add_number(struct am_buf *b, double v)
{
    if (isfinite(v))
        am_buf_addf(b, "%.6g", v);
    else
        am_buf_adds(b, "null");
}

void am_cli_explanation_json(const struct am_link_explanation *e, struct am_buf *b)
{
    am_buf_addf(b, "{\"a\":%lld,\"b\":%lld,\"a_name\":", (long long)e->a, (long long)e->b);
    am_buf_add_json_string(b, e->a_name);
    am_buf_adds(b, ",\"b_name\":");
    am_buf_add_json_string(b, e->b_name);
    am_buf_adds(b, ",\"a_source\":");
    am_buf_add_json_string(b, e->a_source);
    am_buf_adds(b, ",\"b_source\":");
    am_buf_add_json_string(b, e->b_source);
    am_buf_adds(b, ",\"rule\":");
    am_buf_add_json_string(b, e->rule);
    am_buf_adds(b, ",\"prior_weight\":");
    add_number(b, e->prior_weight);
    am_buf_adds(b, ",\"fields\":[");
    for (int f = 0; f < AM_LF__COUNT; f++) {
        const struct am_link_field_explain *x = &e->fields[f];
        if (f)
            am_buf_addc(b, ',');
        am_buf_adds(b, "{\"field\":");
        am_buf_add_json_string(b, am_link_field_name(x->field));
        am_buf_adds(b, ",\"level\":");
        am_buf_add_json_string(b, am_link_level_name(x->level));
        am_buf_adds(b, ",\"meaning\":");
        am_buf_add_json_string(b, am_link_level_meaning(x->field, x->level));
        am_buf_adds(b, ",\"a\":");
        am_buf_add_json_string(b, x->a_value);
        am_buf_adds(b, ",\"b\":");
        am_buf_add_json_string(b, x->b_value);
        am_buf_adds(b, ",\"m\":");
        add_number(b, x->m);
        am_buf_adds(b, ",\"u\":");
        add_number(b, x->u);
        am_buf_adds(b, ",\"weight\":");
        add_number(b, x->weight);
        am_buf_adds(b, ",\"tf_adjust\":");
        add_number(b, x->tf_adjust);
        am_buf_addc(b, '}');
    }
    am_buf_adds(b, "],\"weight\":");
    add_number(b, e->weight);
    am_buf_adds(b, ",\"probability\":");
    add_number(b, e->probability);
    am_buf_adds(b, ",\"decision\":");
    if (e->decision)
        am_buf_add_json_string(b, e->decision);
    else
        am_buf_adds(b, "null");
    am_buf_addc(b, '}');
}

void am_cli_explanation_text(const struct am_link_explanation *e, FILE *out)
{
    fprintf(out, "records %lld and %lld: probability %.4f (weight %+.2f bits)%s%s\n",
            (long long)e->a, (long long)e->b, e->probability, e->weight,
            e->decision ? "; a human decided: " : "", e->decision ? e->decision : "");
    fprintf(out, "  %lld  %s  [%s]\n", (long long)e->a, e->a_name, e->a_source);
    fprintf(out, "  %lld  %s  [%s]\n", (long long)e->b, e->b_name, e->b_source);
    fprintf(out, "  blocking rule: %s\n", e->rule);
    fprintf(out, "  %-12s %-9s %-26s %-26s %8s %6s\n", "field", "level", "a", "b", "weight",
            "tf");
    fprintf(out, "  %-12s %-9s %-26s %-26s %+8.2f\n", "prior", "", "", "", e->prior_weight);
    double run = e->prior_weight;
    for (int f = 0; f < AM_LF__COUNT; f++) {
        const struct am_link_field_explain *x = &e->fields[f];
        run += x->weight + x->tf_adjust;
        char tf[16] = "";
        if (x->tf_adjust != 0)
            snprintf(tf, sizeof(tf), "%+.2f", x->tf_adjust);
        fprintf(out, "  %-12s %-9s %-26.26s %-26.26s %+8.2f %6s  (%s)\n",
                am_link_field_name(x->field), am_link_level_name(x->level),
                x->a_value[0] ? x->a_value : "-", x->b_value[0] ? x->b_value : "-", x->weight,
                tf, am_link_level_meaning(x->field, x->level));
    }
    fprintf(out, "  %-12s %-9s %-26s %-26s %+8.2f  = probability %.4f\n", "total", "", "", "",
            run, e->probability);
}

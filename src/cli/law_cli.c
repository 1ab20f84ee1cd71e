/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Helpers shared by the law commands: loading a rule file with every diagnostic printed,
 * parsing --as-of and --status, and choosing the reason a table row shows. No rule is
 * decided here.
 */
#include "law_cli.h"

#include <string.h>

struct am_law *am_cli_law_load(const char *path, struct am_err *err)
{
    struct am_buf text;
    am_buf_init(&text);
    if (am_buf_read_file(&text, path, err) != 0) {
        am_buf_release(&text);
        return NULL;
    }
    struct am_law_diags diags = {0};
    struct am_err perr = AM_ERR_INIT;
    struct am_law *law = am_law_parse(path, text.ptr, text.len, &diags, &perr);
    if (!law) {
        am_law_diags_print(&diags, path, text.ptr, text.len, stderr);
        AM_FAIL(err, AM_EINPUT, "%zu error%s in %s; fix the rule file (see docs/laws.md)",
                diags.v.n, diags.v.n == 1 ? "" : "s", path);
    }
    am_law_diags_release(&diags);
    am_buf_release(&text);
    return law;
}

int am_cli_as_of(const char *value, const char *usage, int32_t *days, struct am_err *err)
{
    if (!value || am_law_date_parse(value, strlen(value), days) != 0)
        return am_cli_usage_error(err, usage, "--as-of takes a date YYYY-MM-DD, not '%s'",
                                  value ? value : "");
    return 0;
}

int am_cli_status(const char *value, const char *usage, int *status, struct am_err *err)
{
    static const char *const names[] = {
#define AM_X(e, s) s,
        AM_STATUS_TABLE(AM_X)
#undef AM_X
    };
    for (size_t i = 0; value && i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i], value) == 0) {
            *status = (int)i;
            return 0;
        }
    return am_cli_usage_error(err, usage,
                              "unknown status '%s' (detained, disappeared, house_arrest, "
                              "released_with_measures, released, exiled, in_hiding, deceased, "
                              "unknown)",
                              value ? value : "");
}

int am_cli_pick_reason(const struct am_law_verdict *v)
{
    /* The default says little by itself: show why the rule that would have decided
     * otherwise does not apply. */
    for (int i = 0; v->decider == 0 && i < v->n; i++)
        if (v->reasons[i].role == AM_REASON_FAILED)
            return i;
    /* A rule that applies has one reason per condition: show the most telling one (an
     * episode, a reviewer's mark, a charge), not the date window. */
    int pick = 0, best = -1;
    for (int i = 0; i < v->n; i++) {
        const struct am_law_reason *r = &v->reasons[i];
        if (r->rule != v->reasons[0].rule || r->role != v->reasons[0].role)
            break;
        int score = r->episode >= 0 ? 3 : r->fact >= AM_FACT_REVIEWER ? 2 : r->charge >= 0 ? 1 : 0;
        if (score > best) {
            best = score;
            pick = i;
        }
    }
    return pick;
}

void am_cli_first_reason(const struct am_law *law, const struct am_law_person *p,
                         const struct am_law_verdict *v, struct am_buf *out)
{
    if (v->n)
        am_law_reason_text(law, &p->facts, &v->reasons[am_cli_pick_reason(v)], out);
}

void am_cli_all_reasons(const struct am_law *law, const struct am_law_person *p,
                        const struct am_law_verdict *v, struct am_buf *out)
{
    for (int i = 0; i < v->n; i++) {
        if (i)
            am_buf_adds(out, " | ");
        am_law_reason_text(law, &p->facts, &v->reasons[i], out);
    }
}

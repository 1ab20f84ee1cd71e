/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Fuzz target for the rule-file parser: any bytes must give a law or diagnostics, never
 * a crash, a leak or undefined behaviour. A law that parses is then evaluated on a few
 * fixed people and explained, so the evaluator sees whatever the parser accepts.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "amnistia/law.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct am_law_diags diags = {0};
    struct am_err err = AM_ERR_INIT;
    struct am_law *law = am_law_parse("fuzz.law", (const char *)data, size, &diags, &err);
    if (!law) {
        FILE *sink = fopen("/dev/null", "w");
        if (sink) {
            am_law_diags_print(&diags, "fuzz.law", (const char *)data, size, sink);
            fclose(sink);
        }
    } else {
        struct am_law_facts f[3];
        for (int i = 0; i < 3; i++)
            am_law_facts_init(&f[i]);
        f[1].act_date = f[1].arrest_date = am_days_from_civil(2017, 5, 3);
        f[1].birth_date = am_days_from_civil(2001, 1, 1);
        f[1].status = AM_STATUS_EXILED;
        f[1].categories = 1u << AM_CAT_JOURNALIST;
        f[1].n_charges = 2;
        f[1].charges[0] = (struct am_law_charge){"Rebelión militar", "rebelion militar",
                                                 AM_CC_POLITICAL, 0};
        f[1].charges[1] = (struct am_law_charge){"x", NULL, AM_CC_UNKNOWN, 1};
        f[1].marks[AM_RF_ARMED_ACTION] = AM_MARK_UNCERTAIN;
        f[2] = f[1];
        f[2].act_date = am_days_from_civil(2014, 2, 1);
        f[2].charges[1] = (struct am_law_charge){"homicidio", "homicidio", AM_CC_HOMICIDE, 0};
        f[2].nationality = AM_NAT_FOREIGN;
        f[2].status = AM_STATUS_DECEASED;
        struct am_buf b;
        am_buf_init(&b);
        for (int i = 0; i < 3; i++) {
            struct am_law_verdict v;
            am_law_eval(law, &f[i], &v);
            am_law_explain(law, &f[i], &v, &b);
            am_law_verdict_json(law, &f[i], &v, &b);
            am_buf_reset(&b);
            struct am_law_event ev[2] = {{AM_EV_AMNESTY_REQUESTED, f[1].act_date},
                                         {AM_EV_CASE_DISMISSED, f[1].act_date + 3}};
            for (size_t d = 0; d < am_law_deadline_count(law); d++) {
                struct am_law_deadline_status s;
                am_law_deadline_eval(law, d, ev, 2, am_days_from_civil(2026, 11, 29), &s);
            }
        }
        am_buf_release(&b);
        am_law_free(law);
    }
    am_law_diags_release(&diags);
    return 0;
}

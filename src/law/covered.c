/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Who a law covers, as a plain list of person ids: the selection `publish --law` signs.
 * Only `covered` counts; a person left in doubt is never published as a beneficiary.
 */
#include "amnistia/law.h"

int am_law_covered_persons(struct am_store *store, const struct am_law *law, int32_t as_of,
                           int64_t **ids, size_t *n, struct am_err *err)
{
    struct am_law_population pop;
    if (am_law_population_load(store, as_of, &pop, err))
        return -1;
    AM_VEC(int64_t) covered = {0};
    for (size_t i = 0; i < pop.n; i++) {
        struct am_law_verdict v;
        am_law_eval(law, &pop.v[i].facts, &v);
        if (v.outcome == AM_OUTCOME_COVERED)
            AM_VEC_PUSH(&covered, pop.v[i].id);
    }
    am_law_population_release(&pop);
    *ids = covered.v;
    *n = covered.n;
    return 0;
}

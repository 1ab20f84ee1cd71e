/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Internal to the amnistia command: what the law commands share (loading a rule file
 * with its diagnostics printed, --as-of and --status parsing). Formatting only.
 */
#ifndef AMNISTIA_LAW_CLI_H
#define AMNISTIA_LAW_CLI_H

#include "cli.h"

#include "amnistia/law.h"

/* Loads a law; on errors prints every diagnostic to stderr and sets err (exit 2). */
struct am_law *am_cli_law_load(const char *path, struct am_err *err);
/* Parses --as-of's value; usage error on a bad date. */
int am_cli_as_of(const char *value, const char *usage, int32_t *days, struct am_err *err);
/* Parses --status's value into an enum am_status; usage error when unknown. */
int am_cli_status(const char *value, const char *usage, int *status, struct am_err *err);
/* Which reason a one-line report shows: for the default, why the rule that would have
 * decided otherwise does not apply; for a rule, its most telling condition. */
int am_cli_pick_reason(const struct am_law_verdict *v);
/* That reason's text. */
void am_cli_first_reason(const struct am_law *law, const struct am_law_person *p,
                         const struct am_law_verdict *v, struct am_buf *out);
/* Every reason, joined with " | " (for CSV). */
void am_cli_all_reasons(const struct am_law *law, const struct am_law_person *p,
                        const struct am_law_verdict *v, struct am_buf *out);

#endif

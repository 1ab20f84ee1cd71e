/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Internal: one declaration per subcommand, each defined in cmd_<name>.c. */
#ifndef AMNISTIA_COMMANDS_H
#define AMNISTIA_COMMANDS_H

#include "cli.h"

int am_cmd_import(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_estimate(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_sources(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_snapshots(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_people(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_show(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_links(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_export(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_synth(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_keys(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_publish(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_verify(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_log(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_compare(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_audit(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_reconcile(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_flow(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_laws(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_eligibility(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_diff_laws(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_deadlines(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_event(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_facts(struct am_cli *cli, int argc, char **argv, struct am_err *err);
/* `explain PERSON --law FILE`: not in the table; the `explain` command dispatches here. */
int am_cmd_explain_law(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_link(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_review(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_explain_pair(struct am_cli *cli, int argc, char **argv, struct am_err *err);

/* link_format.c: a pair's explanation as a terminal waterfall or a JSON object. */
#include "amnistia/link.h"
void am_cli_explanation_text(const struct am_link_explanation *e, FILE *out);
void am_cli_explanation_json(const struct am_link_explanation *e, struct am_buf *b);

int am_cmd_explain(struct am_cli *cli, int argc, char **argv, struct am_err *err);

#endif

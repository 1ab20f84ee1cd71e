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
int am_cmd_keys(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_publish(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_verify(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_log(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_laws(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_eligibility(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_diff_laws(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_deadlines(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_event(struct am_cli *cli, int argc, char **argv, struct am_err *err);
int am_cmd_facts(struct am_cli *cli, int argc, char **argv, struct am_err *err);
/* `explain PERSON --law FILE`: not in the table; the `explain` command dispatches here. */
int am_cmd_explain_law(struct am_cli *cli, int argc, char **argv, struct am_err *err);

#endif

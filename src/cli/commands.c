/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The subcommand table (git's commands[]): one line per command, in help order. */
#include "cli.h"
#include "commands.h"

const struct am_command am_commands[] = {
    {"import", "import list files (CSV or JSON Lines) as snapshots of a source", am_cmd_import},
    {"sources", "list the sources of the registry", am_cmd_sources},
    {"link", "decide which records are the same person", am_cmd_link},
    {"review", "list uncertain pairs; record a human decision", am_cmd_review},
    {"explain", "explain why two records are or are not the same person", am_cmd_explain_pair},
};

const size_t am_command_count = sizeof(am_commands) / sizeof(am_commands[0]);

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The subcommand table (git's commands[]): one line per command, in help order. */
#include "cli.h"
#include "commands.h"

const struct am_command am_commands[] = {
    {"import", "import list files (CSV or JSON Lines) as snapshots of a source", am_cmd_import},
    {"sources", "list the sources of the registry", am_cmd_sources},
};

const size_t am_command_count = sizeof(am_commands) / sizeof(am_commands[0]);

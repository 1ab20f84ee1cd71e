/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The subcommand table (git's commands[]): one line per command, in help order. */
#include "cli.h"
#include "commands.h"

const struct am_command am_commands[] = {
    {"sources", "list the sources of the registry", am_cmd_sources},
    {"synth", "write a synthetic population, its lists and the truth", am_cmd_synth},
};

const size_t am_command_count = sizeof(am_commands) / sizeof(am_commands[0]);

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The subcommand table (git's commands[]): one line per command, in help order. */
#include "cli.h"
#include "commands.h"

const struct am_command am_commands[] = {
    {"sources", "list the sources of the registry", am_cmd_sources},
    {"keys", "make the key that signs publications", am_cmd_keys},
    {"publish", "publish a redacted, signed list to the transparency log", am_cmd_publish},
    {"verify", "check a publication from its files alone", am_cmd_verify},
    {"log", "list publications; diff two of them", am_cmd_log},
};

const size_t am_command_count = sizeof(am_commands) / sizeof(am_commands[0]);

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The subcommand table (git's commands[]): one line per command, in help order. */
#include "commands.h"

const struct am_command am_commands[] = {
    {"import", "import list files (CSV or JSON Lines) as snapshots of a source", am_cmd_import},
    {"sources", "list the sources of the registry", am_cmd_sources},
    {"snapshots", "list the lists received (snapshots)", am_cmd_snapshots},
    {"people", "list persons with their derived status", am_cmd_people},
    {"show", "show one person, with every record and event behind it", am_cmd_show},
    {"links", "which person each record belongs to", am_cmd_links},
    {"export", "the whole registry as JSON or CSV", am_cmd_export},
    {"estimate", "how many people no list has found (multiple systems estimation)",
     am_cmd_estimate},
};

const size_t am_command_count = sizeof(am_commands) / sizeof(am_commands[0]);

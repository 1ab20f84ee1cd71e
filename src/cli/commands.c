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
    {"synth", "write a synthetic population, its lists and the truth", am_cmd_synth},
    {"link", "decide which records are the same person", am_cmd_link},
    {"review", "list uncertain pairs; record a human decision", am_cmd_review},
    {"explain", "explain why two records are or are not the same person", am_cmd_explain_pair},
};

const size_t am_command_count = sizeof(am_commands) / sizeof(am_commands[0]);

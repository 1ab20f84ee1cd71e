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
    {"link", "decide which records are the same person", am_cmd_link},
    {"review", "list uncertain pairs; record a human decision", am_cmd_review},
    {"explain", "explain a pair of records (link) or a person's verdict (--law)", am_cmd_explain},
    {"compare", "compare two lists person by person", am_cmd_compare},
    {"audit", "audit a list row by row: verified or flagged, with evidence", am_cmd_audit},
    {"reconcile", "the competing counts side by side", am_cmd_reconcile},
    {"flow", "new arrests and releases per week or month (the revolving door)", am_cmd_flow},
    {"laws", "check amnesty rule files (laws/*.law)", am_cmd_laws},
    {"eligibility", "each person's verdict under a law, with reasons", am_cmd_eligibility},
    {"diff-laws", "compare two laws or drafts person by person", am_cmd_diff_laws},
    {"deadlines", "obligations a law creates for covered people", am_cmd_deadlines},
    {"event", "add a dated event to a person (event add ...)", am_cmd_event},
    {"facts", "record a reviewer's fact about a person (facts set ...)", am_cmd_facts},
    {"estimate", "how many people no list has found (multiple systems estimation)",
     am_cmd_estimate},
    {"keys", "make the key that signs publications", am_cmd_keys},
    {"publish", "publish a redacted, signed list to the transparency log", am_cmd_publish},
    {"verify", "check a publication from its files alone", am_cmd_verify},
    {"log", "list publications; diff two of them", am_cmd_log},
    {"synth", "write a synthetic population, its lists and the truth", am_cmd_synth},
};

const size_t am_command_count = sizeof(am_commands) / sizeof(am_commands[0]);

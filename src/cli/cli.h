/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Internal to the amnistia command: the command table, the shared context, and output
 * as terminal tables, CSV or JSON. Commands parse arguments, call modules and format;
 * domain rules never live here.
 */
#ifndef AMNISTIA_CLI_H
#define AMNISTIA_CLI_H

#include "amnistia/core.h"
#include "amnistia/store.h"

enum am_out_format { AM_OUT_TABLE, AM_OUT_JSON, AM_OUT_CSV };

struct am_cli {
    const char *db_path; /* --db, $AMNISTIA_DB, or ./amnistia.db */
    FILE *out;           /* stdout */
    int progress;        /* stderr is a terminal: show progress on long work */
};

/* Every command: parse argv (argv[0] is the command name), do the work, print. */
typedef int (*am_command_fn)(struct am_cli *cli, int argc, char **argv, struct am_err *err);

struct am_command {
    const char *name;
    const char *summary;
    am_command_fn run;
};

extern const struct am_command am_commands[];
extern const size_t am_command_count;

/* Opens the registry named by cli->db_path (read-write, migrating). */
struct am_store *am_cli_open_store(struct am_cli *cli, struct am_err *err);

/*
 * Argument parsing shared by commands: returns 1 and prints usage to stdout when argv
 * asks for --help; the command then returns 0.
 */
int am_cli_help_requested(int argc, char **argv, const char *usage);
/* Sets a usage error that repeats the command's usage line. Returns -1. */
int am_cli_usage_error(struct am_err *err, const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * A table of strings printed as an aligned terminal table, CSV (header + rows) or a JSON
 * array of objects (one per row; columns marked numeric are printed as numbers, boolean
 * ones as true/false, NULL cells as null). The table owns copies of everything added.
 */
struct am_table {
    size_t ncols;
    char **cols;
    unsigned char *numeric; /* 1 numeric, 2 boolean */
    AM_VEC(char *) cells; /* row-major, NULL for missing */
    struct am_arena arena;
};
void am_table_init(struct am_table *t, const char *const *cols, size_t ncols);
void am_table_release(struct am_table *t);
void am_table_set_numeric(struct am_table *t, size_t col);
/* A column of "true"/"false": JSON booleans (not the strings "true"/"false", which a
 * program would read as true both), left-aligned on a terminal. */
void am_table_set_boolean(struct am_table *t, size_t col);
/* Adds one row of ncols cells (NULL allowed). */
void am_table_add_row(struct am_table *t, const char *const *cells);
size_t am_table_rows(const struct am_table *t);
void am_table_print(const struct am_table *t, enum am_out_format fmt, FILE *out);

/* Parses --json / --csv style flags into fmt; returns 1 when argv[i] was one of them. */
int am_cli_format_flag(const char *arg, enum am_out_format *fmt);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * amnistia: main() reads the global options, finds the subcommand in the table, runs it,
 * and turns its error into a message and an exit status (DESIGN §7).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: amnistia [--db FILE] COMMAND [ARGS]\n"
    "\n"
    "The registry of political prisoners and amnesty verification.\n"
    "The registry file is --db, else $AMNISTIA_DB, else ./amnistia.db.\n"
    "Every command takes --help.\n"
    "\n"
    "commands:\n";

static void print_usage(FILE *f)
{
    fputs(usage, f);
    for (size_t i = 0; i < am_command_count; i++)
        fprintf(f, "  %-14s %s\n", am_commands[i].name, am_commands[i].summary);
    fputs("\nexit status: 0 ok, 1 usage, 2 bad input (nothing written), 3 I/O or internal "
          "error\n",
          f);
}

struct am_store *am_cli_open_store(struct am_cli *cli, struct am_err *err)
{
    return am_store_open(cli->db_path, err);
}

int main(int argc, char **argv)
{
    struct am_cli cli = {0};
    cli.out = stdout;
    cli.progress = isatty(STDERR_FILENO);
    cli.db_path = getenv("AMNISTIA_DB");
    if (!cli.db_path || !*cli.db_path)
        cli.db_path = "amnistia.db";

    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            cli.db_path = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            cli.db_path = argv[i] + 5;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            print_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "amnistia: unknown option '%s'; see amnistia --help\n", argv[i]);
            return 1;
        }
    }
    if (i >= argc) {
        print_usage(stderr);
        return 1;
    }
    const struct am_command *cmd = NULL;
    for (size_t c = 0; c < am_command_count; c++)
        if (strcmp(am_commands[c].name, argv[i]) == 0)
            cmd = &am_commands[c];
    if (!cmd) {
        fprintf(stderr, "amnistia: unknown command '%s'; see amnistia --help\n", argv[i]);
        return 1;
    }
    struct am_err err = AM_ERR_INIT;
    int rc = cmd->run(&cli, argc - i, argv + i, &err);
    if (fflush(stdout) != 0 && rc == 0)
        rc = AM_FAIL(&err, AM_EIO, "cannot write the output");
    if (rc != 0) {
        if (!am_err_is_set(&err))
            AM_FAIL(&err, AM_EINTERNAL, "command failed without saying why; please report");
        am_err_print(&err, stderr);
        return am_code_exit_status(err.code);
    }
    return 0;
}

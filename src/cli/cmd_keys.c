/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* amnistia keys new: makes the Ed25519 key that signs the log's checkpoints. */
#include "commands.h"

#include "amnistia/publish.h"

#include <string.h>

static const char usage[] =
    "usage: amnistia keys new NAME --out FILE\n"
    "\n"
    "Makes a signing key named NAME (e.g. example.org/amnistia; no spaces, no '+').\n"
    "FILE gets the signing key (mode 0600: keep it secret, keep a backup);\n"
    "FILE.pub gets the verifier key, which readers need to check publications.\n"
    "Existing files are never overwritten.\n";

int am_cmd_keys(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    if (argc < 2 || strcmp(argv[1], "new") != 0)
        return am_cli_usage_error(err, usage, "expected `keys new`");
    const char *name = NULL, *out = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] != '-' && !name)
            name = argv[i];
        else
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
    }
    if (!name || !out)
        return am_cli_usage_error(err, usage, "keys new needs NAME and --out FILE");
    struct am_buf vkey;
    am_buf_init(&vkey);
    int rc = am_note_keys_write(name, out, &vkey, err);
    if (rc == 0)
        fprintf(cli->out,
                "signing key:  %s (secret, mode 0600)\n"
                "verifier key: %s.pub\n"
                "%s\n",
                out, out, vkey.ptr);
    am_buf_release(&vkey);
    return rc;
}

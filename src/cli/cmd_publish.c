/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* amnistia publish: a redacted, signed list appended to the registry's transparency log. */
#include "commands.h"
#include "law_cli.h"

#include "amnistia/law.h"
#include "amnistia/publish.h"

#include <limits.h>
#include <string.h>

static const char usage[] =
    "usage: amnistia publish (--law FILE [--as-of DATE] | --snapshot ID | --status S)\n"
    "                        --title T --key SKEY --out DIR [--row-commitments [--salts FILE]]\n"
    "\n"
    "Publishes the persons a law covers (as of DATE, default today), the persons of a\n"
    "snapshot, or those with a derived status, who are marked public\n"
    "(restricted and sealed persons are never published). DIR (new or empty) receives\n"
    "list.json, list.csv, manifest.json, proof.tlog-proof, checkpoint.note and\n"
    "consistency/ proofs from every earlier checkpoint; see docs/publication.md.\n"
    "--row-commitments adds a salted commitment per row; the salts go to FILE (default:\n"
    "private/<DIR name>.salts.csv beside the registry), mode 0600, never into DIR.\n";

int am_cmd_publish(struct am_cli *cli, int argc, char **argv, struct am_err *err)
{
    if (am_cli_help_requested(argc, argv, usage))
        return 0;
    struct am_publish_options o = {0};
    const char *snapshot = NULL, *key = NULL, *law_file = NULL, *as_of_arg = NULL;
    int kinds = 0;
    for (int i = 1; i < argc; i++) {
        int more = i + 1 < argc;
        if (strcmp(argv[i], "--snapshot") == 0 && more) {
            snapshot = argv[++i];
            kinds++;
        } else if (strcmp(argv[i], "--law") == 0 && more) {
            law_file = argv[++i];
            kinds++;
        } else if (strcmp(argv[i], "--as-of") == 0 && more) {
            as_of_arg = argv[++i];
        } else if (strcmp(argv[i], "--status") == 0 && more) {
            o.kind = AM_PUBLISH_STATUS;
            o.status = argv[++i];
            kinds++;
        } else if (strcmp(argv[i], "--title") == 0 && more) {
            o.title = argv[++i];
        } else if (strcmp(argv[i], "--key") == 0 && more) {
            key = argv[++i];
        } else if (strcmp(argv[i], "--out") == 0 && more) {
            o.out_dir = argv[++i];
        } else if (strcmp(argv[i], "--salts") == 0 && more) {
            o.salts_path = argv[++i];
        } else if (strcmp(argv[i], "--row-commitments") == 0) {
            o.row_commitments = 1;
        } else {
            return am_cli_usage_error(err, usage, "unknown argument '%s'", argv[i]);
        }
    }
    if (kinds != 1)
        return am_cli_usage_error(err, usage, "give exactly one of --law, --snapshot or --status");
    int32_t as_of = am_today();
    if (as_of_arg && !law_file)
        return am_cli_usage_error(err, usage, "--as-of goes with --law");
    if (as_of_arg && am_cli_as_of(as_of_arg, usage, &as_of, err))
        return -1;
    if (!o.title || !key || !o.out_dir)
        return am_cli_usage_error(err, usage, "publish needs --title, --key and --out");
    if (snapshot) {
        o.kind = AM_PUBLISH_SNAPSHOT;
        if (am_parse_int64(snapshot, &o.snapshot_id))
            return am_cli_usage_error(err, usage, "--snapshot takes a snapshot id, not '%s'",
                                      snapshot);
    }
    char salts[PATH_MAX];
    if (o.row_commitments && !o.salts_path) {
        const char *db = cli->db_path, *slash = strrchr(db, '/');
        const char *out = o.out_dir;
        size_t n = strlen(out);
        while (n > 1 && out[n - 1] == '/')
            n--;
        const char *base = out;
        for (size_t k = 0; k < n; k++)
            if (out[k] == '/')
                base = out + k + 1;
        snprintf(salts, sizeof(salts), "%.*sprivate/%.*s.salts.csv",
                 slash ? (int)(slash - db + 1) : 0, db, (int)(out + n - base), base);
        o.salts_path = salts;
    }
    struct am_note_signer signer;
    if (am_note_signer_load(key, &signer, err))
        return -1;
    o.signer = &signer;
    struct am_store *store = am_cli_open_store(cli, err);
    if (!store)
        return -1;
    struct am_publish_result res;
    struct am_law *law = NULL;
    int64_t *covered = NULL;
    char label[160];
    int rc = 0;
    if (law_file) {
        /* The covered persons are the selection; the law's id and date say which. */
        law = am_cli_law_load(law_file, err);
        rc = law ? am_law_covered_persons(store, law, as_of, &covered, &o.n_person_ids, err) : -1;
        if (rc == 0) {
            char day[11];
            am_format_date(as_of, day);
            snprintf(label, sizeof(label), "law:%s v%d covered as of %s", am_law_id(law),
                     am_law_version(law), day);
            o.kind = AM_PUBLISH_PERSONS;
            o.person_ids = covered;
            o.selection_label = label;
        }
    }
    if (rc == 0)
        rc = am_publish(store, &o, &res, err);
    am_free(covered);
    am_law_free(law);
    am_store_close(store);
    memset(signer.secret, 0, sizeof(signer.secret));
    if (rc)
        return -1;
    fprintf(cli->out,
            "published %zu persons (%zu withheld: not public) to %s\n"
            "log entry %llu, signed checkpoint of %llu entries by %s\n"
            "manifest sha256 %s\n",
            res.published, res.withheld, o.out_dir, (unsigned long long)res.index,
            (unsigned long long)res.tree_size, o.signer->name, res.manifest_sha256);
    if (o.row_commitments)
        fprintf(cli->out, "salts (private, give each person only their own): %s\n", o.salts_path);
    return 0;
}

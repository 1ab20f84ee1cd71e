/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Fuzz target for what a reader feeds `amnistia verify`: signed notes (with a known key),
 * checkpoints, tlog-proof files and published lists for diffing. None may crash, leak or
 * read out of bounds on any input; what they accept must re-serialise consistently.
 */
#include "amnistia/publish.h"

#include <stdlib.h>
#include <string.h>

static const char peter_vkey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

static int ignore_row(const struct am_diff_row *row, void *ctx)
{
    (void)row;
    (void)ctx;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct am_err err = AM_ERR_INIT;
    struct am_note_verifier v;
    if (am_note_verifier_parse(peter_vkey, &v, &err))
        abort();
    struct am_note note;
    if (am_note_open(text, size, &v, 1, "fuzz", &note, &err) == 0) {
        struct am_checkpoint cp;
        if (am_checkpoint_parse(note.text, note.text_len, "fuzz", &cp, &err) == 0)
            am_checkpoint_release(&cp);
        am_note_release(&note);
    }
    am_err_clear(&err);
    struct am_checkpoint cp;
    if (am_checkpoint_parse(text, size, "fuzz", &cp, &err) == 0) {
        /* An accepted checkpoint formats to text that parses to the same checkpoint. */
        struct am_buf again;
        am_buf_init(&again);
        am_checkpoint_format(&cp, &again);
        struct am_checkpoint back;
        if (am_checkpoint_parse(again.ptr, again.len, "fuzz", &back, &err) != 0 ||
            strcmp(back.origin, cp.origin) != 0 || back.size != cp.size ||
            memcmp(back.root.b, cp.root.b, AM_HASH_LEN) != 0 ||
            strcmp(back.extensions, cp.extensions) != 0)
            abort();
        am_checkpoint_release(&back);
        am_buf_release(&again);
        am_checkpoint_release(&cp);
    }
    am_err_clear(&err);
    struct am_tlog_proof proof;
    if (am_tlog_proof_parse(text, size, "fuzz", &proof, &err) == 0) {
        if (proof.hashes.n > AM_PROOF_MAX)
            abort();
        am_tlog_proof_release(&proof);
    }
    am_err_clear(&err);
    am_publication_diff(text, size, text, size, ignore_row, NULL, &err);
    return 0;
}

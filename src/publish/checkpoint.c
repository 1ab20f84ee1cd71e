/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The two C2SP text formats a reader meets: the tlog-checkpoint note text (origin, tree
 * size, base64 root hash, optional extension lines) and the tlog-proof file
 * (c2sp.org/tlog-proof@v1, optional extra, index, inclusion hashes, blank line, signed
 * checkpoint). Parsing is strict and names the line at fault; signatures are note.c's.
 */
#include "amnistia/publish.h"

#include <string.h>

#define BAD(line, ...) AM_FAIL_AT(err, AM_EINPUT, path ? path : "", line, 0, __VA_ARGS__)

/* Decimal with no leading zeros (unless "0"), fitting 64 bits. */
static int parse_u64(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int parse_hash(const char *s, size_t n, struct am_hash *out)
{
    struct am_buf raw;
    am_buf_init(&raw);
    struct am_err ignore = AM_ERR_INIT;
    int rc = am_base64_decode(s, n, &raw, &ignore);
    if (rc == 0 && raw.len == AM_HASH_LEN)
        memcpy(out->b, raw.ptr, AM_HASH_LEN);
    else
        rc = -1;
    am_buf_release(&raw);
    return rc;
}

void am_checkpoint_release(struct am_checkpoint *cp)
{
    if (!cp)
        return;
    am_free(cp->origin);
    am_free(cp->extensions);
    memset(cp, 0, sizeof(*cp));
}

/* The next line of text[*pos..len): its start and length; -1 when no '\n' ends it. */
static int next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *n)
{
    if (*pos >= len)
        return -1;
    const char *nl = memchr(text + *pos, '\n', len - *pos);
    if (!nl)
        return -1;
    *line = text + *pos;
    *n = (size_t)(nl - *line);
    *pos = (size_t)(nl - text) + 1;
    return 0;
}

int am_checkpoint_parse(const char *text, size_t len, const char *path, struct am_checkpoint *out,
                        struct am_err *err)
{
    memset(out, 0, sizeof(*out));
    long at_line = 1;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n')
            at_line++;
        else if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
            return BAD(at_line, "checkpoint: a control character in the text");
    }
    size_t pos = 0, n;
    const char *l;
    if (next_line(text, len, &pos, &l, &n) || n == 0)
        return BAD(1, "checkpoint: the first line must be the log's origin");
    char *origin = am_strndup(l, n);
    uint64_t size;
    if (next_line(text, len, &pos, &l, &n) || parse_u64(l, n, &size)) {
        am_free(origin);
        return BAD(2, "checkpoint: the second line must be the tree size in decimal, without "
                      "leading zeros");
    }
    struct am_hash root;
    if (next_line(text, len, &pos, &l, &n) || parse_hash(l, n, &root)) {
        am_free(origin);
        return BAD(3, "checkpoint: the third line must be the base64 of a 32-byte root hash");
    }
    size_t ext_start = pos;
    for (long line = 4; pos < len; line++) {
        if (next_line(text, len, &pos, &l, &n) || n == 0) {
            am_free(origin);
            return BAD(line, "checkpoint: extension lines must be non-empty and end with a "
                             "newline");
        }
    }
    out->origin = origin;
    out->size = size;
    out->root = root;
    out->extensions = am_strndup(text + ext_start, len - ext_start);
    return 0;
}

void am_checkpoint_format(const struct am_checkpoint *cp, struct am_buf *out)
{
    am_buf_addf(out, "%s\n%llu\n", cp->origin, (unsigned long long)cp->size);
    am_base64_encode(cp->root.b, AM_HASH_LEN, out);
    am_buf_addc(out, '\n');
    if (cp->extensions)
        am_buf_adds(out, cp->extensions);
}

void am_tlog_proof_release(struct am_tlog_proof *proof)
{
    if (!proof)
        return;
    AM_VEC_FREE(&proof->hashes);
    am_buf_release(&proof->extra);
    am_free(proof->checkpoint);
    memset(proof, 0, sizeof(*proof));
}

static const char proof_header[] = "c2sp.org/tlog-proof@v1";

int am_tlog_proof_parse(const char *text, size_t len, const char *path, struct am_tlog_proof *out,
                        struct am_err *err)
{
    memset(out, 0, sizeof(*out));
    am_buf_init(&out->extra);
    size_t pos = 0, n;
    const char *l;
    long line = 1;
    if (next_line(text, len, &pos, &l, &n) || n != strlen(proof_header) ||
        memcmp(l, proof_header, n) != 0)
        return BAD(1, "not a transparency log proof: the first line must be %s", proof_header);
    line++;
    if (next_line(text, len, &pos, &l, &n))
        return BAD(line, "tlog-proof: the file ends before the index line");
    if (n >= 6 && memcmp(l, "extra ", 6) == 0) {
        struct am_err ignore = AM_ERR_INIT;
        if (am_base64_decode(l + 6, n - 6, &out->extra, &ignore)) {
            am_tlog_proof_release(out);
            return BAD(line, "tlog-proof: the extra data is not base64");
        }
        out->has_extra = 1;
        line++;
        if (next_line(text, len, &pos, &l, &n)) {
            am_tlog_proof_release(out);
            return BAD(line, "tlog-proof: the file ends before the index line");
        }
    }
    if (n < 7 || memcmp(l, "index ", 6) != 0 || parse_u64(l + 6, n - 6, &out->index)) {
        am_tlog_proof_release(out);
        return BAD(line, "tlog-proof: expected `index N` (decimal, no leading zeros)");
    }
    for (;;) {
        line++;
        if (next_line(text, len, &pos, &l, &n)) {
            am_tlog_proof_release(out);
            return BAD(line, "tlog-proof: no blank line before the checkpoint");
        }
        if (n == 0)
            break;
        struct am_hash h;
        if (parse_hash(l, n, &h)) {
            am_tlog_proof_release(out);
            return BAD(line, "tlog-proof: a proof line must be the base64 of a 32-byte hash");
        }
        if (out->hashes.n >= AM_PROOF_MAX) {
            am_tlog_proof_release(out);
            return BAD(line, "tlog-proof: more than %d proof hashes", AM_PROOF_MAX);
        }
        AM_VEC_PUSH(&out->hashes, h);
    }
    if (pos >= len) {
        am_tlog_proof_release(out);
        return BAD(line + 1, "tlog-proof: the signed checkpoint is missing after the blank "
                             "line");
    }
    out->checkpoint_len = len - pos;
    out->checkpoint = am_strndup(text + pos, out->checkpoint_len);
    return 0;
}

void am_tlog_proof_format(uint64_t index, const struct am_hash *hashes, size_t n,
                          const char *checkpoint_note, size_t note_len, struct am_buf *out)
{
    am_buf_addf(out, "%s\nindex %llu\n", proof_header, (unsigned long long)index);
    for (size_t i = 0; i < n; i++) {
        am_base64_encode(hashes[i].b, AM_HASH_LEN, out);
        am_buf_addc(out, '\n');
    }
    am_buf_addc(out, '\n');
    am_buf_add(out, checkpoint_note, note_len);
}

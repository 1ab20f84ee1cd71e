/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * C2SP signed notes with Ed25519 (libsodium), byte for byte as Go's golang.org/x/mod/
 * sumdb/note writes and reads them: key names, key ids, verifier and signer key texts,
 * signing, and opening a note with its malformed-note rules. Base64 lives here too since
 * only this module may use libsodium. Checkpoints and proofs are in checkpoint.c.
 */
#include "amnistia/publish.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char sig_prefix[] = "\xe2\x80\x94 "; /* U+2014 EM DASH and a space */
#define SIG_PREFIX_LEN 4
#define MAX_SIGS 100

static void sodium_ready(void)
{
    if (sodium_init() < 0)
        AM_ASSERT(!"libsodium cannot start");
}

void am_base64_encode(const void *data, size_t len, struct am_buf *out)
{
    size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    am_buf_grow(out, n);
    sodium_bin2base64(out->ptr + out->len, n, data, len, sodium_base64_VARIANT_ORIGINAL);
    out->len += n - 1;
}

int am_base64_decode(const char *text, size_t len, struct am_buf *out, struct am_err *err)
{
    size_t max = len / 4 * 3 + 3, got = 0;
    const char *end = NULL;
    /* libsodium's decoder lets some bytes above 0x7f through as digits: check first. */
    size_t pad = 0;
    while (pad < 2 && pad < len && text[len - 1 - pad] == '=')
        pad++;
    for (size_t i = 0; i < len - pad; i++) {
        char c = text[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/'))
            return AM_FAIL(err, AM_EINPUT, "not valid base64 (RFC 4648 with padding)");
    }
    am_buf_grow(out, max);
    if (len % 4 != 0 ||
        sodium_base642bin((unsigned char *)out->ptr + out->len, max, text, len, NULL, &got, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != text + len)
        return AM_FAIL(err, AM_EINPUT, "not valid base64 (RFC 4648 with padding)");
    out->len += got;
    out->ptr[out->len] = '\0';
    return 0;
}

/* Decodes one UTF-8 code point; returns its length, or 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t c, min;
    if ((s[0] & 0xe0) == 0xc0)
        len = 2, c = s[0] & 0x1f, min = 0x80;
    else if ((s[0] & 0xf0) == 0xe0)
        len = 3, c = s[0] & 0x0f, min = 0x800;
    else if ((s[0] & 0xf8) == 0xf0)
        len = 4, c = s[0] & 0x07, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

/* Unicode White_Space, as Go's unicode.IsSpace sees it. */
static int is_unicode_space(uint32_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
           c == 0x205f || c == 0x3000;
}

static int name_valid_n(const char *name, size_t n)
{
    if (n == 0 || n >= AM_NOTE_NAME_MAX)
        return 0;
    const unsigned char *p = (const unsigned char *)name;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t k = utf8_decode(p + i, n - i, &c);
        if (k == 0 || c == '+' || c < 0x20 || c == 0x7f || is_unicode_space(c))
            return 0;
        i += k;
    }
    return 1;
}

int am_note_name_valid(const char *name)
{
    return name && name_valid_n(name, strlen(name));
}

uint32_t am_note_key_id(const char *name, const uint8_t pubkey[32])
{
    struct am_sha256_ctx ctx;
    uint8_t h[AM_SHA256_LEN];
    static const uint8_t sep[2] = {0x0a, 0x01};
    am_sha256_init(&ctx);
    am_sha256_update(&ctx, name, strlen(name));
    am_sha256_update(&ctx, sep, 2);
    am_sha256_update(&ctx, pubkey, 32);
    am_sha256_final(&ctx, h);
    return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

static void add_key_text(struct am_buf *out, const char *prefix, const char *name, uint32_t id,
                         const uint8_t key[32])
{
    uint8_t data[33];
    data[0] = 0x01; /* algorithm: Ed25519 */
    memcpy(data + 1, key, 32);
    am_buf_addf(out, "%s%s+%08x+", prefix, name, id);
    am_base64_encode(data, sizeof(data), out);
    sodium_memzero(data, sizeof(data));
}

int am_note_key_generate(const char *name, struct am_buf *skey, struct am_buf *vkey,
                         struct am_err *err)
{
    if (!am_note_name_valid(name))
        return AM_FAIL(err, AM_EINPUT,
                       "'%s' is not a valid key name; use a non-empty name without spaces or "
                       "'+', such as example.org/amnistia",
                       name ? name : "");
    sodium_ready();
    uint8_t seed[32], pk[32], sk[64];
    randombytes_buf(seed, sizeof(seed));
    crypto_sign_seed_keypair(pk, sk, seed);
    uint32_t id = am_note_key_id(name, pk);
    add_key_text(skey, "PRIVATE+KEY+", name, id, seed);
    add_key_text(vkey, "", name, id, pk);
    sodium_memzero(seed, sizeof(seed));
    sodium_memzero(sk, sizeof(sk));
    return 0;
}

void am_note_signer_vkey(const struct am_note_signer *signer, struct am_buf *out)
{
    add_key_text(out, "", signer->name, signer->key_id, signer->pubkey);
}

/* Splits "name+hex8+base64" (after any prefix); fills name, id and the 32 key bytes. */
static int parse_key_text(const char *text, const char *what, char name[AM_NOTE_NAME_MAX],
                          uint32_t *id, uint8_t key[32], struct am_err *err)
{
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
        len--;
    /* Names never hold '+', base64 may: split from the left. */
    const char *plus1 = memchr(text, '+', len);
    const char *plus2 = plus1 ? memchr(plus1 + 1, '+', (size_t)(text + len - plus1 - 1)) : NULL;
    if (!plus2)
        return AM_FAIL(err, AM_EINPUT,
                       "not a %s key: expected name+keyid+base64; use the file `amnistia keys "
                       "new` wrote",
                       what);
    size_t nlen = (size_t)(plus1 - text);
    if (!name_valid_n(text, nlen))
        return AM_FAIL(err, AM_EINPUT, "the %s key has an invalid key name", what);
    memcpy(name, text, nlen);
    name[nlen] = '\0';
    const char *hex = plus1 + 1;
    if (plus2 - hex != 8)
        return AM_FAIL(err, AM_EINPUT, "the %s key's id must be 8 hex digits", what);
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        char c = hex[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return AM_FAIL(err, AM_EINPUT, "the %s key's id must be 8 lowercase hex digits", what);
        v = v << 4 | (uint32_t)d;
    }
    *id = v;
    struct am_buf raw;
    am_buf_init(&raw);
    const char *b64 = plus2 + 1;
    struct am_err ignore = AM_ERR_INIT;
    int rc = am_base64_decode(b64, (size_t)(text + len - b64), &raw, &ignore);
    if (rc != 0 || raw.len != 33 || (uint8_t)raw.ptr[0] != 0x01) {
        int alg = rc == 0 && raw.len > 0 ? (uint8_t)raw.ptr[0] : -1;
        sodium_memzero(raw.ptr, raw.len);
        am_buf_release(&raw);
        if (alg >= 0 && alg != 0x01)
            return AM_FAIL(err, AM_EINPUT,
                           "the %s key uses algorithm %d; only Ed25519 (1) is supported", what,
                           alg);
        return AM_FAIL(err, AM_EINPUT, "the %s key's data is not base64 of 0x01 and 32 key bytes",
                       what);
    }
    memcpy(key, raw.ptr + 1, 32);
    sodium_memzero(raw.ptr, raw.len);
    am_buf_release(&raw);
    return 0;
}

int am_note_verifier_parse(const char *text, struct am_note_verifier *out, struct am_err *err)
{
    memset(out, 0, sizeof(*out));
    if (strncmp(text, "PRIVATE+", 8) == 0)
        return AM_FAIL(err, AM_EINPUT,
                       "this is a signing (private) key; verify with the .pub verifier key");
    if (parse_key_text(text, "verifier", out->name, &out->key_id, out->pubkey, err))
        return -1;
    if (am_note_key_id(out->name, out->pubkey) != out->key_id)
        return AM_FAIL(err, AM_EINPUT,
                       "the verifier key's id %08x does not match its name and key; the key "
                       "text was altered",
                       out->key_id);
    return 0;
}

int am_note_signer_parse(const char *text, struct am_note_signer *out, struct am_err *err)
{
    memset(out, 0, sizeof(*out));
    if (strncmp(text, "PRIVATE+KEY+", 12) != 0)
        return AM_FAIL(err, AM_EINPUT,
                       "not a signing key (it must start with PRIVATE+KEY+); use the file "
                       "`amnistia keys new` wrote, not the .pub");
    uint8_t seed[32];
    if (parse_key_text(text + 12, "signing", out->name, &out->key_id, seed, err))
        return -1;
    sodium_ready();
    crypto_sign_seed_keypair(out->pubkey, out->secret, seed);
    sodium_memzero(seed, sizeof(seed));
    if (am_note_key_id(out->name, out->pubkey) != out->key_id) {
        sodium_memzero(out->secret, sizeof(out->secret));
        return AM_FAIL(err, AM_EINPUT,
                       "the signing key's id %08x does not match its name and key; the key "
                       "text was altered",
                       out->key_id);
    }
    return 0;
}

/* Valid note text: UTF-8, no control character but '\n'. Sets *line of the fault. */
static int text_chars_valid(const char *msg, size_t len, long *line, long *col, const char **why)
{
    const unsigned char *p = (const unsigned char *)msg;
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t k = utf8_decode(p + i, len - i, &c);
        if (k == 0) {
            *why = "it is not valid UTF-8";
            return 0;
        }
        if (c < 0x20 && c != '\n') {
            *why = "it holds a control character";
            return 0;
        }
        if (c == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
        i += k;
    }
    return 1;
}

int am_note_sign(const char *text, size_t len, const struct am_note_signer *signers,
                 size_t nsigners, struct am_buf *out, struct am_err *err)
{
    long line, col;
    const char *why;
    if (len == 0 || text[len - 1] != '\n')
        return AM_FAIL(err, AM_EINPUT, "note text must end with a newline");
    if (!text_chars_valid(text, len, &line, &col, &why))
        return AM_FAIL(err, AM_EINPUT, "cannot sign note text: %s (line %ld)", why, line);
    if (nsigners == 0)
        return AM_FAIL(err, AM_EINPUT, "a note needs at least one signer");
    sodium_ready();
    am_buf_add(out, text, len);
    am_buf_addc(out, '\n');
    for (size_t i = 0; i < nsigners; i++) {
        uint8_t sig[4 + crypto_sign_BYTES];
        uint32_t id = signers[i].key_id;
        sig[0] = (uint8_t)(id >> 24);
        sig[1] = (uint8_t)(id >> 16);
        sig[2] = (uint8_t)(id >> 8);
        sig[3] = (uint8_t)id;
        crypto_sign_detached(sig + 4, NULL, (const unsigned char *)text, len, signers[i].secret);
        am_buf_adds(out, sig_prefix);
        am_buf_adds(out, signers[i].name);
        am_buf_addc(out, ' ');
        am_base64_encode(sig, sizeof(sig), out);
        am_buf_addc(out, '\n');
    }
    return 0;
}

void am_note_release(struct am_note *note)
{
    if (!note)
        return;
    am_free(note->text);
    for (size_t i = 0; i < note->sigs.n; i++)
        am_free(note->sigs.v[i].name);
    AM_VEC_FREE(&note->sigs);
    memset(note, 0, sizeof(*note));
}

#define MALFORMED(line, ...) AM_FAIL_AT(err, AM_EINPUT, path ? path : "", line, 0, __VA_ARGS__)

int am_note_open(const char *msg, size_t len, const struct am_note_verifier *known, size_t nknown,
                 const char *path, struct am_note *out, struct am_err *err)
{
    memset(out, 0, sizeof(*out));
    long line, col;
    const char *why;
    if (!text_chars_valid(msg, len, &line, &col, &why))
        return AM_FAIL_AT(err, AM_EINPUT, path ? path : "", line, col,
                          "malformed note: %s; a signed note is UTF-8 text", why);
    /* The signatures follow the last blank line. */
    size_t split = len;
    for (size_t i = len; i >= 2; i--)
        if (msg[i - 2] == '\n' && msg[i - 1] == '\n') {
            split = i - 2;
            break;
        }
    if (split == len)
        return MALFORMED(0, "malformed note: no blank line before the signatures");
    long sig_line = 1;
    for (size_t i = 0; i <= split; i++)
        sig_line += msg[i] == '\n';
    sig_line++; /* the blank line */
    const char *sigs = msg + split + 2;
    size_t sigs_len = len - split - 2;
    if (sigs_len == 0)
        return MALFORMED(sig_line, "malformed note: no signature lines after the blank line");
    if (sigs[sigs_len - 1] != '\n')
        return MALFORMED(sig_line, "malformed note: the last signature line does not end "
                                   "with a newline");
    size_t nsig = 0;
    struct am_note note = {0};
    note.text_len = split + 1;
    note.text = am_strndup(msg, note.text_len);
    int rc = 0;
    for (size_t pos = 0; pos < sigs_len && rc == 0; sig_line++) {
        const char *l = sigs + pos;
        size_t ll = (size_t)((const char *)memchr(l, '\n', sigs_len - pos) - l);
        pos += ll + 1;
        if (ll < SIG_PREFIX_LEN || memcmp(l, sig_prefix, SIG_PREFIX_LEN) != 0) {
            rc = MALFORMED(sig_line,
                           "malformed note: a line after the blank line is not a signature "
                           "(\xe2\x80\x94 name base64)");
            break;
        }
        const char *name = l + SIG_PREFIX_LEN;
        const char *sp = memchr(name, ' ', ll - SIG_PREFIX_LEN);
        size_t nlen = sp ? (size_t)(sp - name) : ll - SIG_PREFIX_LEN;
        const char *b64 = sp ? sp + 1 : name + nlen;
        size_t blen = (size_t)(l + ll - b64);
        struct am_buf sig;
        am_buf_init(&sig);
        struct am_err ignore = AM_ERR_INIT;
        if (!sp || !name_valid_n(name, nlen) || blen == 0 ||
            am_base64_decode(b64, blen, &sig, &ignore) != 0 || sig.len < 5) {
            am_buf_release(&sig);
            rc = MALFORMED(sig_line,
                           "malformed signature line: expected \xe2\x80\x94, a key name without "
                           "spaces, one space and a base64 signature");
            break;
        }
        if (++nsig > MAX_SIGS) {
            am_buf_release(&sig);
            rc = MALFORMED(sig_line, "malformed note: more than %d signatures", MAX_SIGS);
            break;
        }
        const uint8_t *s = (const uint8_t *)sig.ptr;
        uint32_t id = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 8 | s[3];
        char *sname = am_strndup(name, nlen);
        const struct am_note_verifier *v = NULL;
        for (size_t k = 0; k < nknown; k++)
            if (known[k].key_id == id && strcmp(known[k].name, sname) == 0)
                v = &known[k];
        int dup = 0;
        for (size_t k = 0; k < note.sigs.n; k++)
            if (note.sigs.v[k].key_id == id && strcmp(note.sigs.v[k].name, sname) == 0)
                dup = 1;
        if (dup) {
            am_free(sname);
        } else if (!v) {
            struct am_note_sig ns = {sname, id, 0};
            AM_VEC_PUSH(&note.sigs, ns);
        } else {
            sodium_ready();
            if (sig.len != 4 + crypto_sign_BYTES ||
                crypto_sign_verify_detached(s + 4, (const unsigned char *)note.text, note.text_len,
                                            v->pubkey) != 0) {
                rc = AM_FAIL_AT(err, AM_EVERIFY, path ? path : "", sig_line, 0,
                                "the signature by %s (key %08x) is not valid for this text: "
                                "the text or the signature was altered",
                                sname, id);
                am_free(sname);
            } else {
                struct am_note_sig ns = {sname, id, 1};
                AM_VEC_PUSH(&note.sigs, ns);
                note.verified++;
            }
        }
        am_buf_release(&sig);
    }
    if (rc == 0 && note.verified == 0) {
        struct am_buf who;
        am_buf_init(&who);
        for (size_t k = 0; k < note.sigs.n; k++)
            am_buf_addf(&who, "%s%s (key %08x)", k ? ", " : "", note.sigs.v[k].name,
                        note.sigs.v[k].key_id);
        rc = AM_FAIL_AT(err, AM_EVERIFY, path ? path : "", 0, 0,
                        "no signature by a known key: the note is signed by %s; check that you "
                        "have the publisher's verifier key",
                        who.ptr);
        am_buf_release(&who);
    }
    if (rc != 0) {
        am_note_release(&note);
        return -1;
    }
    *out = note;
    return 0;
}

static int write_new(const char *path, const char *text, size_t len, int mode, struct am_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0)
        return AM_FAIL_AT(err, errno == EEXIST ? AM_EINPUT : AM_EIO, path, 0, 0,
                          errno == EEXIST ? "%s; a key is never overwritten, choose another "
                                            "file name"
                                          : "cannot create: %s",
                          strerror(errno));
    ssize_t w = write(fd, text, len);
    int bad = w < 0 || (size_t)w != len || fsync(fd) != 0;
    bad |= close(fd) != 0;
    if (bad) {
        unlink(path);
        return AM_FAIL_AT(err, AM_EIO, path, 0, 0, "cannot write the key: %s", strerror(errno));
    }
    return 0;
}

int am_note_keys_write(const char *name, const char *path, struct am_buf *vkey, struct am_err *err)
{
    struct am_buf skey, pub, pub_path;
    am_buf_init(&skey);
    am_buf_init(&pub);
    am_buf_init(&pub_path);
    am_buf_addf(&pub_path, "%s.pub", path);
    int rc = am_note_key_generate(name, &skey, &pub, err);
    if (rc == 0 && access(pub_path.ptr, F_OK) == 0)
        rc = AM_FAIL_AT(err, AM_EINPUT, pub_path.ptr, 0, 0,
                        "the file exists; a key is never overwritten, choose another file name");
    if (rc == 0) {
        am_buf_addc(&skey, '\n');
        rc = write_new(path, skey.ptr, skey.len, 0600, err);
    }
    if (rc == 0) {
        size_t n = pub.len;
        am_buf_addc(&pub, '\n');
        rc = write_new(pub_path.ptr, pub.ptr, pub.len, 0644, err);
        if (rc)
            unlink(path);
        else
            am_buf_add(vkey, pub.ptr, n);
    }
    sodium_memzero(skey.ptr, skey.len);
    am_buf_release(&skey);
    am_buf_release(&pub);
    am_buf_release(&pub_path);
    return rc;
}

static int load_key_text(const char *path, struct am_buf *text, struct am_err *err)
{
    if (am_buf_read_file(text, path, err))
        return -1;
    if (memchr(text->ptr, '\0', text->len))
        return AM_FAIL_AT(err, AM_EINPUT, path, 1, 0, "not a key file (binary data)");
    return 0;
}

int am_note_signer_load(const char *path, struct am_note_signer *out, struct am_err *err)
{
    struct am_buf text;
    am_buf_init(&text);
    int rc = load_key_text(path, &text, err);
    if (rc == 0) {
        struct am_err e = AM_ERR_INIT;
        rc = am_note_signer_parse(text.ptr, out, &e);
        if (rc)
            AM_FAIL_AT(err, e.code, path, 1, 0, "%s", e.msg);
    }
    struct stat st;
    if (rc == 0 && stat(path, &st) == 0 && (st.st_mode & 077)) {
        sodium_memzero(out->secret, sizeof(out->secret));
        rc = AM_FAIL_AT(err, AM_EINPUT, path, 0, 0,
                        "the signing key is readable by others; chmod 600 %s, and consider it "
                        "exposed if others could read it",
                        path);
    }
    sodium_memzero(text.ptr, text.len);
    am_buf_release(&text);
    return rc;
}

int am_note_verifier_load(const char *path, struct am_note_verifier *out, struct am_err *err)
{
    struct am_buf text;
    am_buf_init(&text);
    int rc = load_key_text(path, &text, err);
    if (rc == 0) {
        struct am_err e = AM_ERR_INIT;
        rc = am_note_verifier_parse(text.ptr, out, &e);
        if (rc)
            AM_FAIL_AT(err, e.code, path, 1, 0, "%s", e.msg);
    }
    am_buf_release(&text);
    return rc;
}

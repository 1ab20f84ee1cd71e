/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * publish: lists anyone can verify. A Merkle log per RFC 9162 §2.1 kept in the registry,
 * checkpoints in the C2SP tlog-checkpoint format signed as C2SP signed notes (Ed25519),
 * inclusion proofs in the C2SP tlog-proof format, and the redacted public lists
 * themselves (canonical JSON and CSV, a manifest that is the log entry). Verification
 * needs only the published files and a verifier key, never the registry.
 */
#ifndef AMNISTIA_PUBLISH_H
#define AMNISTIA_PUBLISH_H

#include "amnistia/core.h"
#include "amnistia/store.h"

/* ---- Merkle hashing and proofs (RFC 9162 §2.1) ----------------------------------- */

#define AM_HASH_LEN 32
/* Longest inclusion or consistency proof for any 64-bit tree size. */
#define AM_PROOF_MAX 130

struct am_hash {
    uint8_t b[AM_HASH_LEN];
};

/* SHA-256(0x00 || entry): the hash of a leaf. */
void am_merkle_leaf_hash(const void *entry, size_t len, struct am_hash *out);
/* SHA-256(0x01 || left || right): the hash of an interior node. */
void am_merkle_node_hash(const struct am_hash *left, const struct am_hash *right,
                         struct am_hash *out);
/* MTH over n leaf hashes (SHA-256 of the empty string when n is 0). */
void am_merkle_root(const struct am_hash *leaves, uint64_t n, struct am_hash *out);

/*
 * Verifies an inclusion proof (RFC 9162 §2.1.3.2): the leaf hash at index is in the tree
 * of `size` leaves whose root is root. 0 when it holds; -1 and AM_EVERIFY with the reason
 * otherwise (index outside the tree, proof too short or too long, root mismatch).
 */
int am_merkle_verify_inclusion(uint64_t index, uint64_t size, const struct am_hash *leaf,
                               const struct am_hash *proof, size_t nproof,
                               const struct am_hash *root, struct am_err *err);

/*
 * Verifies a consistency proof (RFC 9162 §2.1.4.2): the tree of size1 leaves with root1
 * is a prefix of the tree of size2 leaves with root2. Roots are given with their length
 * because equal sizes compare the roots byte for byte, whatever they hold; different
 * sizes need 32-byte roots. A proof from the empty tree proves nothing and is refused,
 * as is size1 > size2. 0 when it holds; -1 and AM_EVERIFY with the reason otherwise.
 */
int am_merkle_verify_consistency(uint64_t size1, uint64_t size2, const uint8_t *root1,
                                 size_t root1_len, const uint8_t *root2, size_t root2_len,
                                 const struct am_hash *proof, size_t nproof, struct am_err *err);

/*
 * An in-memory Merkle tree that keeps every complete subtree hash (level by level), so a
 * root, an inclusion proof or a consistency proof for any earlier size costs O(log n)
 * lookups and at most O(log n) hashes. Append-only; truncation exists only to undo an
 * append whose transaction failed.
 */
struct am_tree;
struct am_tree *am_tree_new(void);
void am_tree_free(struct am_tree *tree); /* NULL is fine */
void am_tree_append(struct am_tree *tree, const struct am_hash *leaf_hash);
uint64_t am_tree_size(const struct am_tree *tree);
void am_tree_truncate(struct am_tree *tree, uint64_t size);
/* The leaf hash at index (index < size). */
const struct am_hash *am_tree_leaf(const struct am_tree *tree, uint64_t index);
/* Root of the first `size` leaves. AM_EINPUT when size exceeds the tree. */
int am_tree_root(const struct am_tree *tree, uint64_t size, struct am_hash *out,
                 struct am_err *err);
/*
 * Inclusion proof of leaf index in the tree of the first `size` leaves: writes up to
 * AM_PROOF_MAX hashes into proof and their count into *n. AM_EINPUT when index >= size
 * or size exceeds the tree.
 */
int am_tree_inclusion_proof(const struct am_tree *tree, uint64_t index, uint64_t size,
                            struct am_hash *proof, size_t *n, struct am_err *err);
/* Consistency proof from size1 to size2 (0 < size1 <= size2 <= tree size). */
int am_tree_consistency_proof(const struct am_tree *tree, uint64_t size1, uint64_t size2,
                              struct am_hash *proof, size_t *n, struct am_err *err);

/* ---- base64 (RFC 4648 §4, with padding) ------------------------------------------ */

void am_base64_encode(const void *data, size_t len, struct am_buf *out);
/* Decodes whole text of length len into out (appended). -1 (AM_EINPUT) on bad base64. */
int am_base64_decode(const char *text, size_t len, struct am_buf *out, struct am_err *err);

/* ---- signed notes (c2sp.org/signed-note, Ed25519) -------------------------------- */

#define AM_NOTE_NAME_MAX 256

/* A verifier key: `name+hex(keyid)+base64(0x01||pubkey)`. */
struct am_note_verifier {
    char name[AM_NOTE_NAME_MAX];
    uint32_t key_id;
    uint8_t pubkey[32];
};

/* A signer key: `PRIVATE+KEY+name+hex(keyid)+base64(0x01||seed)` (Go's sumdb/note). */
struct am_note_signer {
    char name[AM_NOTE_NAME_MAX];
    uint32_t key_id;
    uint8_t pubkey[32];
    uint8_t secret[64]; /* libsodium's seed||pubkey form */
};

/* A valid key name: non-empty UTF-8 with no Unicode space, no '+', no control character. */
int am_note_name_valid(const char *name);
/* The key id: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || pubkey), big-endian. */
uint32_t am_note_key_id(const char *name, const uint8_t pubkey[32]);

/*
 * Makes a new Ed25519 key named name: the signer key text into skey and the verifier key
 * text into vkey (both appended, no newline). AM_EINPUT for an invalid name.
 */
int am_note_key_generate(const char *name, struct am_buf *skey, struct am_buf *vkey,
                         struct am_err *err);
/* Parses key texts (surrounding whitespace and a final newline allowed). AM_EINPUT with
 * what is wrong: the form, the algorithm, the key id that does not match the key. */
int am_note_verifier_parse(const char *text, struct am_note_verifier *out, struct am_err *err);
int am_note_signer_parse(const char *text, struct am_note_signer *out, struct am_err *err);
/* Writes the verifier key text of a signer into out. */
void am_note_signer_vkey(const struct am_note_signer *signer, struct am_buf *out);

/*
 * `amnistia keys new`: makes a key named name, writes the signer key to path (created,
 * never overwritten, mode 0600) and the verifier key to path.pub (mode 0644), each text
 * followed by a newline. The verifier key text is appended to vkey. AM_EINPUT for a bad
 * name or an existing file (nothing written), AM_EIO when a file cannot be written.
 */
int am_note_keys_write(const char *name, const char *path, struct am_buf *vkey, struct am_err *err);
/* Reads and parses a key file; errors name the file. A signing key file that group or
 * others may read is refused (AM_EINPUT), as ssh refuses such private keys. */
int am_note_signer_load(const char *path, struct am_note_signer *out, struct am_err *err);
int am_note_verifier_load(const char *path, struct am_note_verifier *out, struct am_err *err);

/*
 * Signs text (which must be valid note text: UTF-8, no control characters but newline,
 * ending in a newline) with each signer and appends the whole note to out:
 * text, a blank line, one `— name base64(keyid||sig)` line per signer. Ed25519 is
 * deterministic, so the same text and key give the same bytes.
 */
int am_note_sign(const char *text, size_t len, const struct am_note_signer *signers,
                 size_t nsigners, struct am_buf *out, struct am_err *err);

struct am_note_sig {
    char *name;
    uint32_t key_id;
    int verified; /* 1: by a known key; 0: unknown key, ignored */
};

/* An opened note: its text (ending in a newline) and its signatures. */
struct am_note {
    char *text;
    size_t text_len;
    AM_VEC(struct am_note_sig) sigs;
    size_t verified;
};
void am_note_release(struct am_note *note);

/*
 * Opens a signed note: checks the form as Go's sumdb/note does (valid UTF-8, no control
 * character but newline, a blank line before the signatures, each signature line
 * `— name base64`, nothing after them, at most 100 signatures) and verifies each
 * signature by a known key; signatures by unknown keys are kept unverified and ignored.
 * Fails with AM_EINPUT for a malformed note (message says which rule), AM_EVERIFY for a
 * bad signature by a known key or when no known key signed it. path (may be NULL) names
 * the file in messages; the line of the fault is given where there is one.
 */
int am_note_open(const char *msg, size_t len, const struct am_note_verifier *known, size_t nknown,
                 const char *path, struct am_note *out, struct am_err *err);

/* ---- checkpoints (c2sp.org/tlog-checkpoint) and proofs (c2sp.org/tlog-proof) ------ */

struct am_checkpoint {
    char *origin;
    uint64_t size;
    struct am_hash root;
    char *extensions; /* extension lines, each ending in '\n', or "" */
};
void am_checkpoint_release(struct am_checkpoint *cp);
/* Parses checkpoint note text (without signatures). AM_EINPUT with the line at fault. */
int am_checkpoint_parse(const char *text, size_t len, const char *path, struct am_checkpoint *out,
                        struct am_err *err);
/* Appends the note text of a checkpoint. */
void am_checkpoint_format(const struct am_checkpoint *cp, struct am_buf *out);

struct am_tlog_proof {
    uint64_t index;
    AM_VEC(struct am_hash) hashes;
    struct am_buf extra; /* decoded extra data, empty when absent */
    int has_extra;
    char *checkpoint; /* the signed checkpoint note, verbatim */
    size_t checkpoint_len;
};
void am_tlog_proof_release(struct am_tlog_proof *proof);
/* Parses a c2sp.org/tlog-proof@v1 file. AM_EINPUT with the line at fault. */
int am_tlog_proof_parse(const char *text, size_t len, const char *path, struct am_tlog_proof *out,
                        struct am_err *err);
/* Appends the tlog-proof text for index, hashes and the signed checkpoint note. */
void am_tlog_proof_format(uint64_t index, const struct am_hash *hashes, size_t n,
                          const char *checkpoint_note, size_t note_len, struct am_buf *out);

/* ---- the log in the registry -------------------------------------------------------- */

/*
 * The registry's append-only log: entries (the manifests) with their leaf hashes in
 * table log_entry, signed checkpoints in table checkpoint, and the tree in memory.
 * Opening reads every entry, recomputes its leaf hash and refuses (AM_EINPUT) a log whose
 * stored hashes or latest checkpoint root disagree with its entries.
 */
struct am_log;
struct am_log *am_log_open(struct am_store *store, struct am_err *err);
void am_log_close(struct am_log *log); /* NULL is fine; does not close the store */
uint64_t am_log_size(const struct am_log *log);
const struct am_tree *am_log_tree(const struct am_log *log);
/* The origin of the log (from its latest checkpoint), or NULL for a log never signed. */
const char *am_log_origin(const struct am_log *log);
/*
 * Appends one entry; *index receives its leaf index. Must run inside a store transaction
 * the caller opened; if the caller rolls back it must call am_log_rollback(log, old_size).
 */
int am_log_append(struct am_log *log, const void *entry, size_t len, const char *title,
                  const char *at, uint64_t *index, struct am_err *err);
void am_log_rollback(struct am_log *log, uint64_t size);
/*
 * Signs a checkpoint of the current tree with signer (origin = the signer's key name;
 * AM_ECONFLICT when the log already has another origin) and stores it. The signed note
 * is appended to note. Inside the caller's transaction, like am_log_append.
 */
int am_log_checkpoint(struct am_log *log, const struct am_note_signer *signer, const char *at,
                      struct am_buf *note, struct am_err *err);

/* ---- publications ------------------------------------------------------------------- */

/* The published fields, in CSV column order (a contract: docs/publication.md). */
extern const char *const am_publish_fields[];
extern const size_t am_publish_field_count;

enum am_publish_kind {
    AM_PUBLISH_SNAPSHOT, /* every person with a record in snapshot_id */
    AM_PUBLISH_STATUS,   /* every person whose derived status is `status` */
    AM_PUBLISH_PERSONS,  /* exactly person_ids (the hook for laws: the covered persons) */
};

struct am_publish_options {
    enum am_publish_kind kind;
    int64_t snapshot_id;
    const char *status;
    const int64_t *person_ids;
    size_t n_person_ids;
    const char *selection_label; /* for AM_PUBLISH_PERSONS, e.g. "law:ley-2026" */
    const char *title;
    const char *out_dir; /* created; must not exist or be empty */
    int row_commitments;
    const char *salts_path; /* where salts go (mode 0600); required with row_commitments */
    const struct am_note_signer *signer;
};

struct am_publish_result {
    uint64_t index;     /* leaf index of the manifest */
    uint64_t tree_size; /* size of the signed checkpoint */
    size_t published;   /* persons in the list */
    size_t withheld;    /* selected but not public (restricted or sealed) */
    char manifest_sha256[65];
};

/*
 * Publishes a redacted list: selects persons, keeps only those with sensitivity
 * 'public', writes list.json, list.csv, manifest.json, proof.tlog-proof, checkpoint.note
 * and consistency/<size>.proof for every earlier checkpoint into out_dir, appends the
 * manifest to the log and signs a checkpoint, all in one transaction. On any error
 * nothing stays in the registry and out_dir is removed if this call created it.
 */
int am_publish(struct am_store *store, const struct am_publish_options *opt,
               struct am_publish_result *res, struct am_err *err);

/* One check of a verification, in plain words. */
struct am_check {
    int ok;
    char *what;
};
struct am_verify_report {
    AM_VEC(struct am_check) checks;
    size_t failed;
    uint64_t index, size;
    char *origin;
};
void am_verify_report_release(struct am_verify_report *rep);

/* A person's claim that their row is in a list published with --row-commitments. */
struct am_row_claim {
    int64_t person_id;
    const char *salt_hex; /* the 64 hex digits of the salt the publisher gave them */
};

/*
 * Verifies a publication directory with a verifier key, without any registry: the
 * signed checkpoint, the manifest's inclusion, the SHA-256 of each list file, the
 * lists' form (canonical, sorted, counts as the manifest says) and, when since_path names
 * an older checkpoint (a checkpoint note, a .tlog-proof or a publication directory), the
 * consistency proof that the log only grew. With a row claim (may be NULL), also that
 * the person's row carries the commitment SHA-256(salt || canonical row). Every check
 * lands in rep. Returns 0 when all hold, -1 with AM_EVERIFY when any failed.
 */
int am_publication_verify(const char *dir, const struct am_note_verifier *key,
                          const char *since_path, const struct am_row_claim *row,
                          struct am_verify_report *rep, struct am_err *err);

/* One publication as `amnistia log` lists it. */
struct am_publication_row {
    uint64_t index;
    const char *at;
    const char *title;
    const char *selection;
    int64_t persons;
    const char *manifest_sha256;
};
typedef int (*am_publication_cb)(const struct am_publication_row *row, void *ctx);
/* Calls cb per publication in log order, after re-checking the log (as am_log_open). */
int am_publication_list(struct am_store *store, am_publication_cb cb, void *ctx,
                        struct am_err *err);
/* Loads list.json of publication index (its exact bytes) into out. AM_ENOTFOUND. */
int am_publication_list_json(struct am_store *store, uint64_t index, struct am_buf *out,
                             struct am_err *err);

/* One difference between two published lists. */
struct am_diff_row {
    int64_t person_id;
    const char *change; /* "added", "removed", "changed" */
    const char *name;
    const char *detail; /* "status: detained -> released; facility: ..." */
};
typedef int (*am_diff_cb)(const struct am_diff_row *row, void *ctx);
/*
 * Compares two list.json documents by person id and calls cb per added, removed or
 * changed person, in person id order. AM_EINPUT when either is not a published list.
 */
int am_publication_diff(const char *a, size_t alen, const char *b, size_t blen, am_diff_cb cb,
                        void *ctx, struct am_err *err);

#endif

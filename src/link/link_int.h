/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Internal to link/: the records as struct-of-arrays with interned tokens, the field
 * comparisons, blocking, the Fellegi-Sunter model and clustering. Shared by the files of
 * src/link/ and by tests/link/; nothing else should include it.
 */
#ifndef AMNISTIA_LINK_INT_H
#define AMNISTIA_LINK_INT_H

#include "amnistia/link.h"

#define AM__LINK_MISSING_DATE INT32_MIN
#define AM__LINK_NGIVEN 3
#define AM__LINK_NSUR 3 /* two surnames and the married one */

/* Interned normalised tokens: id 0 means none. */
struct am__link_tokens {
    struct am_strmap map; /* token -> id */
    AM_VEC(const char *) str; /* id -> token (in map's key arena) */
    AM_VEC(uint32_t) phon;    /* id -> phonetic key id (in phon_map) */
    AM_VEC(uint8_t) len;      /* id -> length in bytes (capped at 255) */
    AM_VEC(uint32_t) count;   /* id -> records using it */
    struct am_strmap phon_map;
    uint32_t n_phon;
};

/* Whole-name keys (sorted tokens joined) with the number of records using each. */
struct am__link_keytab {
    struct am_strmap map;
    AM_VEC(uint32_t) count; /* id -> records; id 0 is "none" */
    AM_VEC(const char *) str;
    uint64_t known;         /* records with a key */
};

/* Records as parallel arrays (index = position in load order, ascending record id). */
struct am__link_records {
    size_t n, cap;
    struct am_arena strs;  /* interned strings (tokens, keys, places) */
    int64_t *id;
    int64_t *old_person;   /* 0 when not linked yet */
    uint8_t *reviewed;     /* record_person.decided_by = 'review' */
    /* The record's row of record_person as loaded, for the write (a row that does not
     * change keeps its weight and decided_at): AM__LINK_RP_* flags, the weight, and
     * decided_at as an index in rp_at_str (interned in strs; 0 is ""). */
    uint8_t *rp_flags;
    double *rp_weight;
    uint32_t *rp_at;
    struct am_strmap rp_at_map;
    AM_VEC(const char *) rp_at_str;
    uint32_t *source;      /* source id */
    uint32_t *snap;        /* the list (snapshot id); the source id for records added by
                            * am__link_records_add until the loader sets it */
    uint32_t (*given)[AM__LINK_NGIVEN];
    uint8_t *n_given;
    uint32_t (*sur)[AM__LINK_NSUR]; /* [0],[1] surnames, [2] married name */
    uint8_t *n_sur;                 /* surnames without the married one */
    uint32_t (*words)[5];  /* the name's words as written, when nobody stated the order */
    uint8_t *n_words;      /* 0 when the order was stated (comma, case, columns) */
    uint32_t *given_key;   /* interned given names joined, for term frequency */
    uint32_t *sur_key;     /* interned surnames sorted and joined */
    uint32_t *cedula;      /* number, 0 when none */
    char *cedula_kind;     /* 'V', 'E', 0 */
    uint32_t *nationality; /* interned in `nats` as written, 0 when none */
    uint8_t *cedula_len;   /* digits */
    int32_t *birth;        /* days since 1970, AM__LINK_MISSING_DATE when none */
    char *sex;             /* 'F', 'M', 0 */
    uint32_t *state;       /* interned in `places`, 0 when none */
    uint32_t *facility;
    uint8_t *sensitivity;  /* 0 public, 1 restricted, 2 sealed */
    int32_t *arrest;       /* arrest date, days since 1970 or AM__LINK_MISSING_DATE; NULL
                            * until am__link_arrest_load (then in the arena strs) */
    uint32_t *name_off;    /* offset of the display name in names */
    struct am_buf names;   /* display names, NUL-separated */
    struct am__link_tokens tok;
    struct am__link_keytab gkeys, skeys; /* given_key, sur_key */
    struct am_strmap places, nats;
    AM_VEC(const char *) nat_str;
    AM_VEC(const char *) place_str;
};

void am__link_records_init(struct am__link_records *r);
void am__link_records_release(struct am__link_records *r);
/* Loads every record of the registry (ascending id). */
int am__link_records_load(struct am__link_records *r, struct am_store *store, struct am_err *err);

/* rp_flags: the record has a row; its weight is not NULL; decided_by (AM__LINK_BY_*) in
 * the bits AM__LINK_RP_BY. */
#define AM__LINK_RP_PRESENT 1u
#define AM__LINK_RP_WEIGHT 2u
#define AM__LINK_RP_BY_SHIFT 2
#define AM__LINK_RP_BY (3u << AM__LINK_RP_BY_SHIFT)
enum { AM__LINK_BY_AUTO, AM__LINK_BY_REVIEW, AM__LINK_BY_IMPORT, AM__LINK_BY_OTHER };

/* Notes record i's row of record_person (weight NULL when !has_weight; decided_by and
 * decided_at may be NULL, kept as "other" and ""). Strings are copied. */
void am__link_records_set_row(struct am__link_records *r, size_t i, int has_weight,
                              double weight, const char *decided_by, const char *decided_at);

/* Adds one record from its raw fields (used by the loader and by tests). Strings may be
 * NULL. name_order is "given_first", "surnames_first", "split" or NULL. */
void am__link_records_add(struct am__link_records *r, int64_t id, uint32_t source,
                          int64_t old_person, int reviewed, const char *given_names,
                          const char *surnames, const char *full_name, const char *name_order,
                          const char *cedula_kind, const char *cedula, const char *sex,
                          const char *birth_date, const char *nationality, const char *state, const char *facility, const char *sensitivity,
                          struct am_arena *scratch);
/* Loads every record's arrest date (record.arrest_date) into r->arrest, allocated in
 * r->strs (freed with the records). Call after am__link_records_load. */
int am__link_arrest_load(struct am__link_records *r, struct am_store *store, struct am_err *err);
/* Sets record i's arrest date from text (ISO or day-first; NULL or unreadable: missing),
 * allocating r->arrest for r->n records when needed: for tests and the loader. Call only
 * once every record is added. */
void am__link_arrest_set(struct am__link_records *r, size_t i, const char *date);
/* Index of record id, or -1. Records are sorted by id. */
long am__link_records_find(const struct am__link_records *r, int64_t id);

/* ---- comparison ------------------------------------------------------------------- */

/* A comparison vector packed 3 bits per field. */
typedef uint32_t am__link_pattern;
#define AM__LINK_PATTERN_BITS 3
#define AM__LINK_NPATTERNS (1u << (AM__LINK_PATTERN_BITS * AM_LF__COUNT))
static inline int am__link_level_of(am__link_pattern p, int f)
{
    return (int)((p >> (AM__LINK_PATTERN_BITS * f)) & 7u);
}

am__link_pattern am__link_compare(const struct am__link_records *r, uint32_t a, uint32_t b);

/* One reading of a record's name (given names, surnames, married name), with the given
 * names and surnames also in ascending token order so that "the same set" is three
 * integer compares, and each token's position in its record's word list (crec.t) so
 * that a pair's token comparisons are made once and looked up for every reading. */
struct am__link_view {
    uint32_t g[AM__LINK_NGIVEN];
    uint32_t gs[AM__LINK_NGIVEN];
    uint32_t s[2];
    uint32_t ss[2];
    uint32_t married;
    uint8_t ng, ns;
    uint8_t gi[AM__LINK_NGIVEN], si[2], mi;
};

/* What the pair loop reads of one record, packed in about 100 bytes: blocking gathers
 * the members of a block into one of these each, so comparing a block's pairs touches
 * a small contiguous buffer instead of fifteen arrays of a million records. Dates carry
 * their year, month and day (y << 9 | m << 5 | d, year offset by 32768) so that
 * comparing them divides nothing. */
struct am__link_crec {
    struct am__link_view v;   /* the parser's reading */
    /* The name's words: in written order when nobody stated the order (nw > 0, then
     * nt == nw), else the given names, surnames and married name of v. */
    uint32_t t[6];
    /* Of each word t[k]: its phonetic key, its letters as a set of bits (byte & 31) and
     * its length in bytes (capped at 255) and first byte, so that comparing two words
     * reads neither the token tables nor the strings unless one edit is possible. */
    uint32_t ph[6];
    uint32_t lm[6];
    uint8_t tl[6];
    char c0[6];
    uint8_t nt, nw;
    char sex;
    uint32_t cedula;
    int32_t birth, arrest;    /* days, AM__LINK_MISSING_DATE when none */
    uint32_t birth_ymd, arrest_ymd;
    uint32_t state, facility;
};

/* Every reading of a record's name (the parser's first), computed when a pair first
 * needs them: n == 0 until then. Blocking keeps one per member of the block at hand. */
struct am__link_views {
    int n;
    struct am__link_view v[5];
};

void am__link_crec_fill(const struct am__link_records *r, uint32_t i, struct am__link_crec *c);
/* The same as am__link_compare for records a < b filled by am__link_crec_fill. */
am__link_pattern am__link_compare_c(const struct am__link_records *r,
                                    const struct am__link_crec *a,
                                    const struct am__link_crec *b);
/* The same, keeping each record's readings in xa and xb (n == 0: not yet known) for its
 * next pairs. */
am__link_pattern am__link_compare_cv(const struct am__link_records *r,
                                     const struct am__link_crec *a,
                                     const struct am__link_crec *b, struct am__link_views *xa,
                                     struct am__link_views *xb);
/* Levels a field can take (others never occur). */
int am__link_level_used(int field, int level);

/* The reading of both names (given names, surnames) that the comparison used, as text
 * appended to the four buffers: what an explanation shows. */
void am__link_name_reading(const struct am__link_records *r, uint32_t a, uint32_t b,
                           struct am_buf *given_a, struct am_buf *sur_a, struct am_buf *given_b,
                           struct am_buf *sur_b);
/* Comparison of the parts, exposed for unit tests. */
int am__link_cmp_cedula(uint32_t a, uint8_t alen, uint32_t b, uint8_t blen);
int am__link_cmp_birth(int32_t a, int32_t b);
int am__link_cmp_arrest(int32_t a, int32_t b);

/* ---- blocking --------------------------------------------------------------------- */

struct am__link_pair {
    uint32_t a, b;
    am__link_pattern pattern;
    float weight; /* bits, filled by scoring */
};

struct am__link_pairs {
    struct am__link_pair *v;
    size_t n, cap;
};

struct am__link_block_out {
    struct am__link_pairs pairs;    /* every compared pair, a < b */
    uint64_t *pattern_count;        /* AM__LINK_NPATTERNS counts */
    uint64_t *pattern_count_dated;  /* the same for the rules keyed on a cédula or date */
    /* The same for the rules before the first whose key holds the field
     * AM__LINK_FREE_FIELDS[k] (arrest date, cédula, birth date): a rule keyed on the exact
     * arrest date never compares a pair whose dates differ by a day, and a later rule
     * never compares a pair an earlier one took, so only those pairs tell how often a
     * match's dates differ. */
    uint64_t *pattern_count_free[3];
    size_t n_rules;
    struct am_link_rule_stats rules[AM_LINK_MAX_RULES];
    /* Per record, per rule, KEYS (3) slots, record-major (block.c's KIX): 0 = no key;
     * pos: the slot's position within a capped block, -1 when not capped. */
    uint64_t *keys;
    int32_t *pos;
    struct am__link_crec *crec;     /* every record packed (kept for sampling u, clustering) */
};

int am__link_block(const struct am__link_records *r, const struct am_link_options *opt,
                   struct am__link_block_out *out, struct am_err *err);
void am__link_block_release(struct am__link_block_out *out);
/* Name of the first rule pairing a and b, or NULL. */
const char *am__link_block_rule_of(const struct am__link_block_out *out, uint32_t a, uint32_t b);

/* ---- model ------------------------------------------------------------------------ */

struct am__link_model {
    double m[AM_LF__COUNT][AM_LL__COUNT];
    double u[AM_LF__COUNT][AM_LL__COUNT];
    double w[AM_LF__COUNT][AM_LL__COUNT];
    double lambda;
    double prior;          /* log2 prior odds */
    /* The prior for two records of one list and of two lists (by_list: estimated, see
     * am__link_model_lists); else both are prior. */
    double prior_same, prior_cross;
    int by_list;
    double m_same_list, u_same_list; /* share of matches / of random pairs within a list */
    double ub[AM_LF__COUNT][AM_LL__COUNT]; /* EM's level frequencies among blocked non-matches */
    int iterations, converged;
    int em_refit;          /* EM's first answer was not about names: refit with names fixed */
    double u_given_exact, u_sur_exact; /* for term-frequency adjustment */
    /* Records per arrest date (by day number modulo 65536: dates 179 years apart share a
     * slot) and how many records give one: the term frequency of an arrest date. */
    uint32_t arrest_count[65536];
    uint64_t arrest_known;
};

/* u from random pairs (and exact levels from value frequencies). */
void am__link_model_u(struct am__link_model *model, const struct am__link_records *r,
                      uint64_t seed);
/* The same, reading the records packed by blocking (out.crec): the same answer, without
 * gathering two records from the arrays for each of the 400,000 random pairs. */
void am__link_model_u_packed(struct am__link_model *model, const struct am__link_records *r,
                             const struct am__link_crec *crec, uint64_t seed);
/* The prior (log2 odds) of records a and b: within one list or across two. */
static inline double am__link_prior_of(const struct am__link_model *model,
                                       const struct am__link_records *r, uint32_t a,
                                       uint32_t b)
{
    if (!model->by_list)
        return model->prior;
    return r->snap[a] == r->snap[b] ? model->prior_same : model->prior_cross;
}

/* EM's probability that a pair with pattern p is one person (no term frequencies). */
double am__link_pattern_posterior(const struct am__link_model *model, am__link_pattern p);
/* The prior by list: a list names a person twice only by mistake, while lists of the same
 * prisoners overlap, so two records of one list are far less often one person than two
 * records of two lists. With same_g the sum of am__link_pattern_posterior over the
 * compared pairs within one list and all_g over all compared pairs, m_same = same_g /
 * all_g is the share of matches within a list; u_same, the share of all pairs of records
 * within a list, comes from the records per list. prior_same = prior + log2(m_same /
 * u_same), prior_cross = prior + log2((1 - m_same) / (1 - u_same)). Left off (by_list 0)
 * when every record is in one list, every list has one record, or all_g is below 1. */
void am__link_model_lists(struct am__link_model *model, const struct am__link_records *r,
                          double same_g, double all_g);

/* m and lambda by EM over the pattern counts of the compared pairs; then weights and the
 * prior (n_pairs compared out of all pairs of n records). */
void am__link_model_em(struct am__link_model *model, const uint64_t *pattern_count,
                       uint64_t n_pairs, uint64_t n_records);
/* m from EM over the pairs of the rules keyed on a cédula or a date (fit_count): there
 * matches are common and the name-only rule's flood of namesakes does not swamp them;
 * then lambda (and the prior) from all compared pairs with m held. */
void am__link_model_em_fit(struct am__link_model *model, const uint64_t *fit_count,
                           const uint64_t *pattern_count, uint64_t n_pairs,
                           uint64_t n_records);
/* The fields whose m is learnt again, after am__link_model_em_fit's fit, from the pairs of
 * the rules whose key does not hold them. */
#define AM__LINK_NFREE 3
extern const int AM__LINK_FREE_FIELDS[AM__LINK_NFREE];
/* am__link_model_em_fit, then for each field of AM__LINK_FREE_FIELDS its m again by EM
 * over free_count[k] (NULL: not done) with every other field's m held (the other fields tell matches from
 * the rest; only this field's levels among matches are learnt), when those pairs give
 * the field on both sides at least 100 times; then lambda and the prior as before. */
void am__link_model_em_fit_free(struct am__link_model *model, const uint64_t *fit_count,
                                const uint64_t *const *free_count,
                                const uint64_t *pattern_count, uint64_t n_pairs,
                                uint64_t n_records);
/* Term-frequency adjustment in bits for the field (0 unless names agree exactly). */
double am__link_tf_adjust(const struct am__link_model *model, const struct am__link_records *r,
                          int field, int level, uint32_t a, uint32_t b);
/* Total weight in bits of a pair: prior + field weights + adjustments. */
double am__link_pair_weight(const struct am__link_model *model, const struct am__link_records *r,
                            uint32_t a, uint32_t b, am__link_pattern p);
/* Each record's term-frequency adjustment of an exact given name, surname and arrest
 * date, worked out once so that weighing millions of pairs takes no logarithm. */
struct am__link_tfrec {
    double given, sur, arrest; /* exact levels */
    /* A close name where the record's single given name (surname) is among the other's:
     * that name's adjustment (0 for records with more names). */
    double close_given, close_sur;
    uint32_t g[AM__LINK_NGIVEN], s[2]; /* the record's given names and surnames */
    uint8_t ng, ns, married, guessed; /* guessed: the name's word order was a guess */
};
/* One line of 64 bytes per record: weighing a pair reads one line of each record. */
struct am__link_tfcache {
    struct am__link_tfrec *rec;
};
void am__link_tfcache_init(struct am__link_tfcache *c, const struct am__link_model *model,
                           const struct am__link_records *r);
void am__link_tfcache_release(struct am__link_tfcache *c);
/* The same value as am__link_pair_weight, bit for bit. */
double am__link_pair_weight_cached(const struct am__link_model *model,
                                   const struct am__link_records *r,
                                   const struct am__link_tfcache *c, uint32_t a, uint32_t b,
                                   am__link_pattern p);
double am__link_probability(double weight_bits);
double am__link_weight_of_probability(double p);

/* ---- clustering ------------------------------------------------------------------- */

/* Set in a compared pair's pattern by the driver when the pair is clearly two people. */
#define AM__LINK_CONFLICT_BIT (1u << 31)
#define AM__LINK_CHECK_SIZE 128

struct am__link_cluster_in {
    size_t n;                          /* records */
    const struct am__link_pair *pairs; /* compared pairs with weights and conflict bits */
    size_t n_pairs;
    double threshold_weight;           /* a pair at or above this is a link */
    const uint32_t (*must)[2];         /* human "same" */
    size_t n_must;
    const uint32_t (*cannot)[2];       /* human "different" */
    size_t n_cannot;
    /* Is the pair (never compared by blocking) clearly two people? Asked for the pairs
     * of components of up to AM__LINK_CHECK_SIZE records. */
    int (*conflict)(void *ctx, uint32_t a, uint32_t b);
    void *ctx;
};

struct am__link_cluster_out {
    uint32_t *label;      /* per record: smallest record index of its cluster */
    float *best;          /* per record: weight of its strongest kept link, NAN if none */
    uint64_t links;       /* pairs at or above the threshold */
    uint64_t dropped;     /* links dropped to keep clearly different records apart */
};

/* Fills out (arrays allocated here; free with am__link_cluster_release). */
void am__link_cluster(const struct am__link_cluster_in *in, struct am__link_cluster_out *out);
void am__link_cluster_release(struct am__link_cluster_out *out);

/* ---- persisting ------------------------------------------------------------------- */

/* Writes record_person, person, and moves event/charge/measure/category rows, in one
 * transaction. by_review[i] marks records whose cluster a human decision shaped. */
int am__link_write(struct am_store *store, const struct am__link_records *r,
                   const struct am__link_cluster_out *c, const uint8_t *by_review,
                   struct am_link_summary *summary, struct am_err *err);

double am__link_now(void);

#endif

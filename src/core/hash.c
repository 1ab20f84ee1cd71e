/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Hashing: SHA-256 for file identity and the transparency log, and FNV-1a for hash tables.
 * SHA-256 uses the processor's SHA instructions (x86-64 SHA-NI) when it has them, about
 * ten times faster than portable code on the files an import hashes, and libsodium
 * otherwise; both give the same digest. Signatures and keys are not here; they belong to
 * publish/.
 */
#include "amnistia/core.h"
#include "hash_int.h"

#include <sodium.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define AM_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static int force_portable;

/* The context: libsodium's state, or this file's own (for the SHA instructions). */
struct sha_own {
    uint32_t h[8];
    uint64_t bytes;
    uint8_t buf[64];
};
struct sha_ctx {
    union {
        crypto_hash_sha256_state lib;
        struct sha_own own;
    } u;
    int ni; /* 1: own state with the SHA instructions */
};
_Static_assert(sizeof(struct sha_ctx) <= sizeof(struct am_sha256_ctx),
               "am_sha256_ctx too small for the SHA-256 state");

#ifdef AM_SHA_NI
static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

static int sha_ni_available(void)
{
    static _Atomic int known = -1; /* the same answer for every thread */
    if (known < 0) {
        unsigned a, b, c, d;
        int ok = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSSE3) && (c & bit_SSE4_1);
        ok = ok && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
        known = ok;
    }
    return known;
}

/* The compression function over whole 64-byte blocks, with the SHA instructions: 16
 * groups of four rounds; the message schedule is computed four words at a time. */
__attribute__((target("sha,sse4.1,ssse3"))) static void sha_ni_blocks(uint32_t h[8],
                                                                      const uint8_t *data,
                                                                      size_t blocks)
{
    const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128((const __m128i *)(const void *)&h[0]);
    __m128i s1 = _mm_loadu_si128((const __m128i *)(const void *)&h[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xB1);         /* CDAB */
    s1 = _mm_shuffle_epi32(s1, 0x1B);           /* EFGH */
    __m128i s0 = _mm_alignr_epi8(tmp, s1, 8);   /* ABEF */
    s1 = _mm_blend_epi16(s1, tmp, 0xF0);        /* CDGH */
    for (; blocks; blocks--, data += 64) {
        __m128i save0 = s0, save1 = s1, m[4];
        for (int i = 0; i < 4; i++)
            m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(data + 16 * i)),
                                    mask);
        for (int g = 0; g < 16; g++) {
            __m128i cur = m[g & 3];
            __m128i msg =
                _mm_add_epi32(cur, _mm_loadu_si128((const __m128i *)(const void *)&sha_k[4 * g]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, msg);
            if (g >= 3 && g <= 14) {
                __m128i next = _mm_add_epi32(m[(g + 1) & 3], _mm_alignr_epi8(cur, m[(g + 3) & 3], 4));
                m[(g + 1) & 3] = _mm_sha256msg2_epu32(next, cur);
            }
            msg = _mm_shuffle_epi32(msg, 0x0E);
            s0 = _mm_sha256rnds2_epu32(s0, s1, msg);
            if (g >= 1 && g <= 12)
                m[(g + 3) & 3] = _mm_sha256msg1_epu32(m[(g + 3) & 3], cur);
        }
        s0 = _mm_add_epi32(s0, save0);
        s1 = _mm_add_epi32(s1, save1);
    }
    tmp = _mm_shuffle_epi32(s0, 0x1B);          /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xB1);           /* DCHG */
    s0 = _mm_blend_epi16(tmp, s1, 0xF0);        /* DCBA */
    s1 = _mm_alignr_epi8(s1, tmp, 8);           /* ABEF */
    _mm_storeu_si128((__m128i *)(void *)&h[0], s0);
    _mm_storeu_si128((__m128i *)(void *)&h[4], s1);
}

static void own_update(struct sha_own *o, const uint8_t *p, size_t len)
{
    size_t have = (size_t)(o->bytes & 63);
    o->bytes += len;
    if (have) {
        size_t take = 64 - have < len ? 64 - have : len;
        memcpy(o->buf + have, p, take);
        p += take;
        len -= take;
        if (have + take < 64)
            return;
        sha_ni_blocks(o->h, o->buf, 1);
    }
    if (len >= 64) {
        sha_ni_blocks(o->h, p, len / 64);
        p += len & ~(size_t)63;
        len &= 63;
    }
    if (len)
        memcpy(o->buf, p, len);
}

static void own_final(struct sha_own *o, uint8_t out[AM_SHA256_LEN])
{
    uint64_t bits = o->bytes * 8;
    uint8_t pad[72] = {0x80};
    size_t have = (size_t)(o->bytes & 63);
    size_t n = have < 56 ? 56 - have : 120 - have;
    for (int i = 0; i < 8; i++)
        pad[n + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
    own_update(o, pad, n + 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(o->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(o->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(o->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)o->h[i];
    }
}
#endif

int am__sha256_portable(int on)
{
    force_portable = on;
#ifdef AM_SHA_NI
    return sha_ni_available();
#else
    return 0;
#endif
}

void am_sha256_init(struct am_sha256_ctx *ctx)
{
    struct sha_ctx *c = (struct sha_ctx *)(void *)ctx->opaque;
    memset(c, 0, sizeof(*c));
#ifdef AM_SHA_NI
    if (!force_portable && sha_ni_available()) {
        static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
        memcpy(c->u.own.h, iv, sizeof(iv));
        c->ni = 1;
        return;
    }
#endif
    crypto_hash_sha256_init(&c->u.lib);
}

void am_sha256_update(struct am_sha256_ctx *ctx, const void *data, size_t len)
{
    struct sha_ctx *c = (struct sha_ctx *)(void *)ctx->opaque;
#ifdef AM_SHA_NI
    if (c->ni) {
        own_update(&c->u.own, data, len);
        return;
    }
#endif
    crypto_hash_sha256_update(&c->u.lib, data, len);
}

void am_sha256_final(struct am_sha256_ctx *ctx, uint8_t out[AM_SHA256_LEN])
{
    struct sha_ctx *c = (struct sha_ctx *)(void *)ctx->opaque;
#ifdef AM_SHA_NI
    if (c->ni) {
        own_final(&c->u.own, out);
        return;
    }
#endif
    crypto_hash_sha256_final(&c->u.lib, out);
}

void am_sha256(const void *data, size_t len, uint8_t out[AM_SHA256_LEN])
{
    struct am_sha256_ctx ctx;
    am_sha256_init(&ctx);
    am_sha256_update(&ctx, data, len);
    am_sha256_final(&ctx, out);
}

void am_hex(const uint8_t *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

uint64_t am_hash64(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

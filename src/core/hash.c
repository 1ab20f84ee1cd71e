/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Hashing: SHA-256 (libsodium) for file identity and the transparency log, and FNV-1a for
 * hash tables. Signatures and keys are not here; they belong to publish/.
 */
#include "amnistia/core.h"

#include <sodium.h>

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(struct am_sha256_ctx),
               "am_sha256_ctx too small for libsodium's state");

void am_sha256(const void *data, size_t len, uint8_t out[AM_SHA256_LEN])
{
    crypto_hash_sha256(out, data, len);
}

void am_sha256_init(struct am_sha256_ctx *ctx)
{
    crypto_hash_sha256_init((crypto_hash_sha256_state *)ctx->opaque);
}

void am_sha256_update(struct am_sha256_ctx *ctx, const void *data, size_t len)
{
    crypto_hash_sha256_update((crypto_hash_sha256_state *)ctx->opaque, data, len);
}

void am_sha256_final(struct am_sha256_ctx *ctx, uint8_t out[AM_SHA256_LEN])
{
    crypto_hash_sha256_final((crypto_hash_sha256_state *)ctx->opaque, out);
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

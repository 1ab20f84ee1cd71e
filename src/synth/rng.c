/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The generator's random numbers: xoshiro256** (Blackman and Vigna) seeded through
 * splitmix64, one independent stream per purpose. Only integer arithmetic and exact
 * double operations, so the same seed gives the same bytes on every machine; rand() and
 * the clock are never used.
 */
#include "synth_int.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void am__synth_rng_seed(struct am__synth_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
        r->s[0] = 1;
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t am__synth_u64(struct am__synth_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double am__synth_unit(struct am__synth_rng *r)
{
    return (double)(am__synth_u64(r) >> 11) * 0x1.0p-53;
}

uint32_t am__synth_below(struct am__synth_rng *r, uint32_t n)
{
    /* Lemire's multiply-shift; the tiny bias is irrelevant for a simulation and keeps it
     * one draw per call, which keeps streams aligned. */
    return (uint32_t)(((am__synth_u64(r) >> 32) * (uint64_t)n) >> 32);
}

int32_t am__synth_between(struct am__synth_rng *r, int32_t lo, int32_t hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int32_t)am__synth_below(r, (uint32_t)(hi - lo) + 1u);
}

int am__synth_chance(struct am__synth_rng *r, double p)
{
    return am__synth_unit(r) < p;
}

double am__synth_normal(struct am__synth_rng *r)
{
    double s = 0;
    for (int i = 0; i < 12; i++)
        s += am__synth_unit(r);
    return s - 6.0;
}

size_t am__synth_pick(const uint64_t *cum, size_t n, struct am__synth_rng *r)
{
    uint64_t total = cum[n - 1];
    uint64_t x = (uint64_t)(am__synth_unit(r) * (double)total);
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

double am__synth_ln(double x)
{
    /* Argument reduction to [0.5, 1) and the atanh series: plain IEEE arithmetic, the same
     * on every C library (libm's log may differ in the last bit between versions). */
    if (!(x > 0))
        return -745.0;
    int k = 0;
    while (x < 0.5) {
        x *= 2;
        k--;
    }
    while (x >= 1.0) {
        x *= 0.5;
        k++;
    }
    double y = (x - 1) / (x + 1), y2 = y * y, term = y, sum = 0;
    for (int n = 0; n < 40; n++) {
        sum += term / (2 * n + 1);
        term *= y2;
    }
    return 2 * sum + k * 0.69314718055994530942;
}

int am__synth_logit_chance(struct am__synth_rng *r, double x)
{
    /* u < 1 / (1 + e^-x)  <=>  ln(u / (1 - u)) < x, without exp(). */
    double u = am__synth_unit(r);
    if (u <= 0)
        return 1;
    return am__synth_ln(u / (1.0 - u)) < x;
}

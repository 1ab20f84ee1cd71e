/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Benchmark: evaluates laws over 1,000,000 synthetic persons' facts generated in memory
 * (in chunks, so memory stays small; generation is not timed) and prints persons per
 * second per law. Usage: bench_eligibility LAW.law... [--persons N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amnistia/law.h"

#define CHUNK 65536

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

struct charge_kind {
    const char *raw, *fold;
    uint8_t cls, uncertain;
};
static const struct charge_kind kinds[] = {
    {"Instigación pública", "instigacion publica", AM_CC_POLITICAL, 0},
    {"Terrorismo", "terrorismo", AM_CC_POLITICAL, 0},
    {"Traición a la patria", "traicion a la patria", AM_CC_POLITICAL, 0},
    {"Rebelión militar", "rebelion militar", AM_CC_POLITICAL, 0},
    {"Asociación para delinquir", "asociacion para delinquir", AM_CC_POLITICAL, 1},
    {"Homicidio intencional", "homicidio intencional", AM_CC_HOMICIDE, 0},
    {"Tráfico de drogas", "trafico de drogas", AM_CC_DRUGS, 0},
    {"Robo", "robo", AM_CC_COMMON, 0},
    {"Resistencia a la autoridad", "resistencia a la autoridad", AM_CC_COMMON, 0},
    {"Ultraje a la Fuerza Armada", "ultraje a la fuerza armada", AM_CC_MILITARY, 0},
    {"Delito no catalogado", "delito no catalogado", AM_CC_UNKNOWN, 0},
};

static void person(struct am_law_facts *f, int64_t id)
{
    am_law_facts_init(f);
    f->person_id = id;
    int32_t lo = am_days_from_civil(2000, 1, 1), hi = am_days_from_civil(2026, 1, 30);
    if (next() % 20) /* 5% without an arrest date */
        f->arrest_date = lo + (int32_t)(next() % (uint32_t)(hi - lo));
    f->act_date = f->arrest_date;
    if (next() % 3)
        f->birth_date = am_days_from_civil(1950 + (int)(next() % 55), 1 + (int)(next() % 12),
                                           1 + (int)(next() % 28));
    static const uint8_t statuses[] = {AM_STATUS_DETAINED, AM_STATUS_DETAINED,
                                       AM_STATUS_RELEASED_WITH_MEASURES, AM_STATUS_RELEASED,
                                       AM_STATUS_EXILED, AM_STATUS_HOUSE_ARREST,
                                       AM_STATUS_DISAPPEARED, AM_STATUS_DECEASED,
                                       AM_STATUS_IN_HIDING, AM_STATUS_UNKNOWN};
    f->status = statuses[next() % 10];
    f->nationality = (uint8_t)(next() % 3);
    if (next() % 4)
        f->categories = (uint16_t)(1u << (next() % AM__CAT_COUNT));
    f->n_charges = (uint8_t)(next() % 4);
    for (int i = 0; i < f->n_charges; i++) {
        const struct charge_kind *k = &kinds[next() % (sizeof(kinds) / sizeof(kinds[0]))];
        f->charges[i] = (struct am_law_charge){k->raw, k->fold, k->cls, k->uncertain};
    }
    if (next() % 50 == 0)
        f->marks[AM_RF_ARMED_ACTION] = AM_MARK_TRUE;
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long persons = 1000000;
    struct am_law *laws[8];
    int nlaws = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--persons") == 0 && i + 1 < argc) {
            persons = strtol(argv[++i], NULL, 10);
            continue;
        }
        struct am_err err = AM_ERR_INIT;
        if (nlaws == 8 || !(laws[nlaws] = am_law_load(argv[i], NULL, &err))) {
            fprintf(stderr, "bench: %s: %s\n", argv[i], err.msg);
            return 2;
        }
        nlaws++;
    }
    if (nlaws == 0 || persons <= 0) {
        fprintf(stderr, "usage: bench_eligibility LAW.law... [--persons N]\n");
        return 1;
    }
    struct am_law_facts *chunk = malloc(CHUNK * sizeof(*chunk));
    if (!chunk)
        return 3;
    double seconds[8] = {0}, cpu[8] = {0};
    long counts[8][3];
    memset(counts, 0, sizeof(counts));
    for (long done = 0; done < persons; done += CHUNK) {
        long n = persons - done < CHUNK ? persons - done : CHUNK;
        for (long i = 0; i < n; i++)
            person(&chunk[i], done + i + 1);
        for (int l = 0; l < nlaws; l++) {
            double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
            for (long i = 0; i < n; i++) {
                struct am_law_verdict v;
                am_law_eval(laws[l], &chunk[i], &v);
                counts[l][v.outcome]++;
            }
            seconds[l] += clock_s(CLOCK_MONOTONIC) - t0;
            cpu[l] += clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        }
    }
    /* Wall time counts the moments another process had the CPU; CPU time does not.
     * Both are printed: on a shared machine the second is the engine's speed. */
    printf("eligibility: %ld synthetic persons, facts generated in memory, one thread\n",
           persons);
    for (int l = 0; l < nlaws; l++) {
        printf("  %-20s %9.0f persons/s wall (%.3f s), %9.0f persons/s CPU (%.3f s);"
               " covered %ld, excluded %ld, needs_review %ld\n",
               am_law_id(laws[l]), (double)persons / seconds[l], seconds[l],
               (double)persons / cpu[l], cpu[l], counts[l][0], counts[l][1], counts[l][2]);
        am_law_free(laws[l]);
    }
    free(chunk);
    return 0;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Measures the text functions linkage and import call per record or per pair: name
 * normalisation and parsing per record, the phonetic key, Jaro-Winkler, Damerau-Levenshtein
 * and token-set similarity per pair. Prints calls per second; run by bench/text.sh.
 */
#include "amnistia/text.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const given[] = {"María", "José", "Yuleisy", "Luis Ángel", "Ana",
                                    "Jesús", "Carlos", "Génesis", "Wuilmer", "Inés"};
static const char *const surname[] = {"González", "Pérez", "Rodríguez", "De La Cruz", "Núñez",
                                      "Hernández", "García", "Da Silva", "Zambrano", "Mora"};
static const char *const ascii_names[] = {"MARIA JOSE GONZALEZ PEREZ", "LUIS RODRIGUEZ",
                                          "YULEISY HERNANDEZ MORA", "JUAN DE LA CRUZ"};

int main(void)
{
    enum { RECORDS = 1000000, PAIRS = 10000000 };
    struct am_buf b;
    am_buf_init(&b);
    size_t sink = 0;

    /* 1000 distinct accented full names, built before the clock starts. */
    static char names[1000][128];
    for (int i = 0; i < 1000; i++)
        snprintf(names[i], sizeof(names[i]), "%s %s %s", given[i % 10], surname[(i / 10) % 10],
                 surname[(i / 100) % 10]);
    double t = now();
    for (int i = 0; i < RECORDS; i++) {
        am_buf_reset(&b);
        am_name_normalize(names[i % 1000], &b);
        sink += b.len;
    }
    double accented = now() - t;
    t = now();
    for (int i = 0; i < RECORDS; i++) {
        am_buf_reset(&b);
        am_name_normalize(ascii_names[i & 3], &b);
        sink += b.len;
    }
    double ascii = now() - t;
    printf("am_name_normalize: 1M accented names %.3f s, 1M ASCII names %.3f s\n", accented,
           ascii);

    struct am_arena arena;
    am_arena_init(&arena);
    t = now();
    for (int i = 0; i < RECORDS; i++) {
        struct am_name n;
        am_name_parse(names[i % 1000], AM_ORDER_UNKNOWN, &arena, &n);
        sink += (size_t)n.n_surnames;
        if (i % 10000 == 0) {
            am_arena_release(&arena);
            am_arena_init(&arena);
        }
    }
    am_arena_release(&arena);
    printf("am_name_parse: 1M names %.3f s\n", now() - t);

    static const char *const tokens[] = {"gonzalez", "gonsales", "rodriguez", "rodirguez",
                                         "yuleisy",  "yuleisi",  "hernandez", "fernandez",
                                         "maria",    "mariela",  "de la cruz", "cruz",
                                         "zambrano", "sambrano", "wuilmer",   "wilmer"};
    am_buf_grow(&b, 64);
    t = now();
    for (int i = 0; i < PAIRS; i++) {
        am_buf_reset(&b);
        am_phonetic_key(tokens[i & 15], &b);
        sink += b.len;
    }
    double pk = now() - t;
    t = now();
    double acc = 0;
    for (int i = 0; i < PAIRS; i++)
        acc += am_jaro_winkler(tokens[i & 15], tokens[(i >> 4) & 15]);
    double jw = now() - t;
    t = now();
    for (int i = 0; i < PAIRS; i++)
        sink += (size_t)am_damerau_levenshtein(tokens[i & 15], tokens[(i >> 4) & 15]);
    double dl = now() - t;
    static const char *const full[] = {"maria jose gonzalez perez", "gonzalez perez maria",
                                       "maria perez de gonzalez", "jose luis rodriguez",
                                       "luis rodirguez", "juan de la cruz mora",
                                       "yuleisi hernandez", "yuleisy fernandez"};
    t = now();
    for (int i = 0; i < PAIRS / 10; i++)
        acc += am_token_set_similarity(full[i & 7], full[(i >> 3) & 7]);
    double ts = now() - t;
    printf("am_phonetic_key: %.1f M tokens/s\n", PAIRS / pk / 1e6);
    printf("am_jaro_winkler: %.1f M pairs/s\n", PAIRS / jw / 1e6);
    printf("am_damerau_levenshtein: %.1f M pairs/s\n", PAIRS / dl / 1e6);
    printf("am_token_set_similarity: %.1f M pairs/s (full names)\n", PAIRS / 10 / ts / 1e6);
    am_buf_release(&b);
    return (sink == 42 && acc < 0) ? 1 : 0; /* keeps the loops from being optimised out */
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Nicknames: "Chuo" is Jesús and "Pepe" is José. The table lives in data/nicknames.csv,
 * is read once on first use (thread-safe) and searched by binary search. This file maps
 * one token to one given name; deciding whether two records share a person is link's job.
 */
#include "amnistia/text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct nick {
    const char *nickname, *canonical;
};

static struct nick *table;
static size_t table_n;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static int by_nickname(const void *a, const void *b)
{
    return strcmp(((const struct nick *)a)->nickname, ((const struct nick *)b)->nickname);
}

/* Normalises s into a heap string the table keeps for the life of the process. */
static char *normalized_dup(const char *s, size_t n)
{
    struct am_buf raw, norm;
    am_buf_init(&raw);
    am_buf_init(&norm);
    am_buf_add(&raw, s, n);
    am_name_normalize(raw.ptr, &norm);
    am_buf_release(&raw);
    return am_buf_detach(&norm);
}

static void load_table(void)
{
    struct am_buf data;
    struct am_err err = AM_ERR_INIT;
    am_buf_init(&data);
    if (am_data_load("nicknames.csv", &data, &err) != 0) {
        am_buf_release(&data);
        return; /* no table: no nickname is known, which is the honest answer */
    }
    size_t cap = 0;
    int header = 1;
    for (char *line = data.ptr; line && *line;) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        char *comma = memchr(line, ',', n);
        if (line[0] != '#' && comma) {
            if (header) {
                header = 0; /* the first non-comment line names the columns */
            } else {
                if (table_n == cap) {
                    cap = cap ? 2 * cap : 128;
                    table = am_realloc(table, cap * sizeof(*table));
                }
                char *nick = normalized_dup(line, (size_t)(comma - line));
                char *canon = normalized_dup(comma + 1, n - (size_t)(comma - line) - 1);
                if (*nick && *canon) {
                    table[table_n].nickname = nick;
                    table[table_n].canonical = canon;
                    table_n++;
                } else {
                    am_free(nick);
                    am_free(canon);
                }
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    am_buf_release(&data);
    if (table_n)
        qsort(table, table_n, sizeof(*table), by_nickname);
}

const char *am_nickname_canonical(const char *token)
{
    if (!token || !*token)
        return NULL;
    pthread_once(&table_once, load_table);
    struct nick key = {token, NULL};
    const struct nick *hit =
        table_n ? bsearch(&key, table, table_n, sizeof(*table), by_nickname) : NULL;
    return hit ? hit->canonical : NULL;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A string-to-int64 hash map with open addressing and linear probing. Keys live in the
 * map's arena; there is no delete, which keeps probing simple (catalogs and counters
 * only grow).
 */
#include "amnistia/core.h"

#include <string.h>

struct am_strmap_slot {
    const char *key; /* NULL when empty */
    uint64_t hash;
    int64_t value;
};

void am_strmap_init(struct am_strmap *map)
{
    map->slots = NULL;
    map->cap = 0;
    map->count = 0;
    am_arena_init(&map->keys);
}

void am_strmap_release(struct am_strmap *map)
{
    am_free(map->slots);
    am_arena_release(&map->keys);
    map->slots = NULL;
    map->cap = map->count = 0;
}

static struct am_strmap_slot *find(const struct am_strmap *map, const char *key, uint64_t h)
{
    size_t mask = map->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct am_strmap_slot *s = &map->slots[i];
        if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
            return s;
    }
}

static void grow(struct am_strmap *map)
{
    size_t old_cap = map->cap;
    struct am_strmap_slot *old = map->slots;
    map->cap = old_cap ? old_cap * 2 : 64;
    map->slots = am_calloc(map->cap, sizeof(*map->slots));
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key)
            *find(map, old[i].key, old[i].hash) = old[i];
    am_free(old);
}

int am_strmap_get(const struct am_strmap *map, const char *key, int64_t *value)
{
    if (!map->cap)
        return 0;
    struct am_strmap_slot *s = find(map, key, am_hash64(key, strlen(key)));
    if (!s->key)
        return 0;
    if (value)
        *value = s->value;
    return 1;
}

static struct am_strmap_slot *slot_for_insert(struct am_strmap *map, const char *key)
{
    if ((map->count + 1) * 4 > map->cap * 3)
        grow(map);
    uint64_t h = am_hash64(key, strlen(key));
    struct am_strmap_slot *s = find(map, key, h);
    if (!s->key) {
        s->key = am_arena_strdup(&map->keys, key);
        s->hash = h;
        s->value = 0;
        map->count++;
    }
    return s;
}

void am_strmap_put(struct am_strmap *map, const char *key, int64_t value)
{
    slot_for_insert(map, key)->value = value;
}

int64_t am_strmap_add(struct am_strmap *map, const char *key, int64_t delta)
{
    struct am_strmap_slot *s = slot_for_insert(map, key);
    s->value += delta;
    return s->value;
}

int am_strmap_next(const struct am_strmap *map, size_t *iter, const char **key, int64_t *value)
{
    while (*iter < map->cap) {
        const struct am_strmap_slot *s = &map->slots[(*iter)++];
        if (s->key) {
            if (key)
                *key = s->key;
            if (value)
                *value = s->value;
            return 1;
        }
    }
    return 0;
}

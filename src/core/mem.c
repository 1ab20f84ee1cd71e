/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Memory: allocation that aborts on exhaustion, arenas, and the byte buffer. Callers never
 * check for NULL from these; running out of memory is not an input error to recover from.
 */
#include "amnistia/core.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void out_of_memory(size_t size)
{
    fprintf(stderr, "amnistia: out of memory allocating %zu bytes\n", size);
    abort();
}

void *am_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void *am_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *am_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

char *am_strdup(const char *s) { return s ? am_strndup(s, strlen(s)) : NULL; }

char *am_strndup(const char *s, size_t n)
{
    char *p = am_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void am_free(void *ptr) { free(ptr); }

/* ---- arena ---- */

struct am_arena_block {
    struct am_arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

void am_arena_init(struct am_arena *arena)
{
    arena->head = NULL;
    arena->block_size = 64 * 1024;
}

void am_arena_release(struct am_arena *arena)
{
    struct am_arena_block *b = arena->head;
    while (b) {
        struct am_arena_block *next = b->next;
        free(b);
        b = next;
    }
    arena->head = NULL;
}

/* Memory from the arena, not zeroed: for copies that write every byte they use. */
static void *arena_raw(struct am_arena *arena, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    struct am_arena_block *b = arena->head;
    if (!b || b->size - b->used < size) {
        if (arena->block_size == 0)
            arena->block_size = 64 * 1024;
        size_t want = size > arena->block_size / 4 ? size : arena->block_size;
        b = am_malloc(sizeof(*b) + want);
        b->size = want;
        b->used = 0;
        if (want == size && arena->head) {
            /* A big allocation gets its own block behind the current one, so the
             * current block's free space is not wasted. */
            b->next = arena->head->next;
            arena->head->next = b;
        } else {
            b->next = arena->head;
            arena->head = b;
        }
    }
    void *p = b->data + b->used;
    b->used += size;
    return p;
}

void *am_arena_alloc(struct am_arena *arena, size_t size)
{
    void *p = arena_raw(arena, size);
    memset(p, 0, size);
    return p;
}

char *am_arena_strndup(struct am_arena *arena, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = arena_raw(arena, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *am_arena_strdup(struct am_arena *arena, const char *s)
{
    return s ? am_arena_strndup(arena, s, strlen(s)) : NULL;
}

char *am_arena_printf(struct am_arena *arena, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = arena_raw(arena, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

/* ---- buffer ---- */

static char empty_buf[1];

void am_buf_init(struct am_buf *buf)
{
    buf->ptr = empty_buf;
    buf->len = buf->cap = 0;
}

void am_buf_release(struct am_buf *buf)
{
    if (buf->cap)
        free(buf->ptr);
    am_buf_init(buf);
}

char *am_buf_detach(struct am_buf *buf)
{
    char *p = buf->cap ? buf->ptr : am_strdup("");
    am_buf_init(buf);
    return p;
}

void am_buf_reset(struct am_buf *buf)
{
    buf->len = 0;
    if (buf->cap)
        buf->ptr[0] = '\0';
}

void am_buf_grow(struct am_buf *buf, size_t extra)
{
    if (buf->len + extra + 1 <= buf->cap)
        return;
    size_t cap = buf->cap ? buf->cap : 64;
    while (cap < buf->len + extra + 1)
        cap *= 2;
    if (buf->cap) {
        buf->ptr = am_realloc(buf->ptr, cap);
    } else {
        buf->ptr = am_malloc(cap);
        buf->ptr[0] = '\0';
    }
    buf->cap = cap;
}

void am_buf_add(struct am_buf *buf, const void *data, size_t len)
{
    am_buf_grow(buf, len);
    memcpy(buf->ptr + buf->len, data, len);
    buf->len += len;
    buf->ptr[buf->len] = '\0';
}

void am_buf_adds(struct am_buf *buf, const char *s) { am_buf_add(buf, s, strlen(s)); }

void am_buf_addc(struct am_buf *buf, char c)
{
    am_buf_grow(buf, 1);
    buf->ptr[buf->len++] = c;
    buf->ptr[buf->len] = '\0';
}

void am_buf_vaddf(struct am_buf *buf, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    am_buf_grow(buf, (size_t)n);
    vsnprintf(buf->ptr + buf->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    buf->len += (size_t)n;
}

void am_buf_addf(struct am_buf *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    am_buf_vaddf(buf, fmt, ap);
    va_end(ap);
}

void am_buf_add_json_string(struct am_buf *buf, const char *s)
{
    am_buf_addc(buf, '"');
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p) {
        /* A run of bytes that need no escape is copied at once. */
        const unsigned char *run = p;
        while (*p >= 0x20 && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            am_buf_add(buf, (const char *)run, (size_t)(p - run));
        if (!*p)
            break;
        switch (*p) {
        case '"': am_buf_adds(buf, "\\\""); break;
        case '\\': am_buf_adds(buf, "\\\\"); break;
        case '\n': am_buf_adds(buf, "\\n"); break;
        case '\r': am_buf_adds(buf, "\\r"); break;
        case '\t': am_buf_adds(buf, "\\t"); break;
        default: am_buf_addf(buf, "\\u%04x", *p);
        }
        p++;
    }
    am_buf_addc(buf, '"');
}

void am_buf_add_csv_field(struct am_buf *buf, const char *s)
{
    if (!s)
        return;
    if (!s[strcspn(s, ",\"\r\n;")]) {
        am_buf_adds(buf, s);
        return;
    }
    am_buf_addc(buf, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            am_buf_addc(buf, '"');
        am_buf_addc(buf, *p);
    }
    am_buf_addc(buf, '"');
}

int am_buf_read_file(struct am_buf *buf, const char *path, struct am_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return AM_FAIL_AT(err, AM_EIO, path, 0, 0, "cannot open: %s; check the path",
                          strerror(errno));
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        am_buf_add(buf, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return AM_FAIL_AT(err, AM_EIO, path, 0, 0, "read error; check the file");
    return 0;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* core: errors, arena, buffers, maps, hashing, calendar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amnistia/core.h"
#include "core/hash_int.h"

static void test_first_error_wins(void **state)
{
    (void)state;
    struct am_err err = AM_ERR_INIT;
    assert_int_equal(AM_FAIL_AT(&err, AM_EINPUT, "a.csv", 3, 7, "bad date '%s'", "31/02/2020"), -1);
    assert_int_equal(AM_FAIL(&err, AM_EIO, "later"), -1);
    assert_int_equal(err.code, AM_EINPUT);
    assert_string_equal(err.msg, "bad date '31/02/2020'");
    assert_string_equal(err.input_file, "a.csv");
    assert_int_equal(err.input_line, 3);
    assert_int_equal(err.input_col, 7);
    assert_int_equal(am_code_exit_status(err.code), 2);
    assert_int_equal(am_code_exit_status(AM_EUSAGE), 1);
    assert_int_equal(am_code_exit_status(AM_EIO), 3);
    assert_int_equal(am_code_http_status(AM_ENOTFOUND), 404);
    assert_string_equal(am_code_name(AM_EDB), "AM_EDB");
}

static void test_arena(void **state)
{
    (void)state;
    struct am_arena a;
    am_arena_init(&a);
    char *big = am_arena_alloc(&a, 1 << 20);
    big[(1 << 20) - 1] = 1;
    for (int i = 0; i < 10000; i++) {
        char *s = am_arena_printf(&a, "row %d", i);
        assert_true(((uintptr_t)s & 15) == 0);
        assert_int_equal(strncmp(s, "row ", 4), 0);
    }
    assert_null(am_arena_strdup(&a, NULL));
    assert_string_equal(am_arena_strndup(&a, "Pérez", 3), "Pé");
    am_arena_release(&a);
}

static void test_buf(void **state)
{
    (void)state;
    struct am_buf b;
    am_buf_init(&b);
    assert_string_equal(b.ptr, "");
    am_buf_addf(&b, "%d-%s", 42, "x");
    am_buf_addc(&b, '!');
    assert_string_equal(b.ptr, "42-x!");
    am_buf_reset(&b);
    am_buf_add_json_string(&b, "a\"b\\c\n\x01Ñ");
    assert_string_equal(b.ptr, "\"a\\\"b\\\\c\\n\\u0001Ñ\"");
    am_buf_reset(&b);
    am_buf_add_csv_field(&b, "GONZÁLEZ, MARÍA \"la flaca\"");
    assert_string_equal(b.ptr, "\"GONZÁLEZ, MARÍA \"\"la flaca\"\"\"");
    am_buf_reset(&b);
    am_buf_add_csv_field(&b, "plain");
    assert_string_equal(b.ptr, "plain");
    char *s = am_buf_detach(&b);
    assert_string_equal(s, "plain");
    assert_int_equal(b.len, 0);
    am_free(s);
    am_buf_release(&b);
}

static void test_strmap(void **state)
{
    (void)state;
    struct am_strmap m;
    am_strmap_init(&m);
    char key[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        am_strmap_put(&m, key, i);
    }
    assert_int_equal(m.count, 5000);
    int64_t v = -1;
    assert_true(am_strmap_get(&m, "k4321", &v));
    assert_int_equal(v, 4321);
    assert_false(am_strmap_get(&m, "nope", &v));
    assert_int_equal(am_strmap_add(&m, "gonzalez", 1), 1);
    assert_int_equal(am_strmap_add(&m, "gonzalez", 1), 2);
    size_t it = 0, seen = 0;
    const char *k;
    while (am_strmap_next(&m, &it, &k, &v))
        seen++;
    assert_int_equal(seen, 5001);
    am_strmap_release(&m);
}

static void test_sha256(void **state)
{
    (void)state;
    uint8_t out[AM_SHA256_LEN];
    char hex[65];
    am_sha256("abc", 3, out);
    am_hex(out, sizeof(out), hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    struct am_sha256_ctx ctx;
    am_sha256_init(&ctx);
    am_sha256_update(&ctx, "a", 1);
    am_sha256_update(&ctx, "bc", 2);
    uint8_t out2[AM_SHA256_LEN];
    am_sha256_final(&ctx, out2);
    assert_memory_equal(out, out2, sizeof(out));
}

static void sha_hex(const void *data, size_t len, char hex[65])
{
    uint8_t out[AM_SHA256_LEN];
    am_sha256(data, len, out);
    am_hex(out, sizeof(out), hex);
}

/* Known digests (FIPS 180-2 examples), through whichever implementation this processor
 * uses, and the same for the portable one. */
static void test_sha256_vectors(void **state)
{
    (void)state;
    char hex[65];
    for (int portable = 0; portable < 2; portable++) {
        am__sha256_portable(portable);
        sha_hex("", 0, hex);
        assert_string_equal(hex,
                            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        sha_hex(two, strlen(two), hex);
        assert_string_equal(hex,
                            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        char *million = am_malloc(1000000);
        memset(million, 'a', 1000000);
        sha_hex(million, 1000000, hex);
        assert_string_equal(hex,
                            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        am_free(million);
    }
    am__sha256_portable(0);
}

/* Both implementations agree on every length around the block size, fed whole or in
 * pieces of varying sizes. */
static void test_sha256_paths_agree(void **state)
{
    (void)state;
    uint8_t data[1100];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof(data); i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (uint8_t)(x >> 16);
    }
    for (size_t len = 0; len <= sizeof(data); len += (len < 200 ? 1 : 37)) {
        uint8_t a[AM_SHA256_LEN], b[AM_SHA256_LEN];
        am__sha256_portable(1);
        am_sha256(data, len, a);
        am__sha256_portable(0);
        struct am_sha256_ctx ctx;
        am_sha256_init(&ctx);
        size_t off = 0, step = 1;
        while (off < len) {
            size_t n = step < len - off ? step : len - off;
            am_sha256_update(&ctx, data + off, n);
            off += n;
            step = step * 3 % 97 + 1;
        }
        am_sha256_final(&ctx, b);
        assert_memory_equal(a, b, sizeof(a));
    }
}

static void test_calendar(void **state)
{
    (void)state;
    assert_int_equal(am_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(am_days_from_civil(2000, 3, 1), 11017);
    char s[11];
    for (int32_t d = -800000; d < 800000; d += 997) {
        int y, m, dd;
        am_civil_from_days(d, &y, &m, &dd);
        assert_int_equal(am_days_from_civil(y, m, dd), d);
    }
    am_format_date(am_days_from_civil(2026, 2, 19), s);
    assert_string_equal(s, "2026-02-19");
    assert_int_equal(am_today(), am_days_from_civil(2026, 11, 29)); /* AMNISTIA_TODAY */
    /* Pinned, today stays what it was until the last unpin, whatever the variable says. */
    const char *was = getenv("AMNISTIA_TODAY");
    char saved[32];
    snprintf(saved, sizeof(saved), "%s", was ? was : "");
    am_today_pin();
    am_today_pin();
    setenv("AMNISTIA_TODAY", "2030-01-02", 1);
    assert_int_equal(am_today(), am_days_from_civil(2026, 11, 29));
    am_today_unpin();
    assert_int_equal(am_today(), am_days_from_civil(2026, 11, 29));
    am_today_unpin();
    assert_int_equal(am_today(), am_days_from_civil(2030, 1, 2));
    am_today_unpin(); /* one too many: harmless */
    assert_int_equal(am_today(), am_days_from_civil(2030, 1, 2));
    if (was)
        setenv("AMNISTIA_TODAY", saved, 1);
    else
        unsetenv("AMNISTIA_TODAY");
    assert_int_equal(am_today(), am_days_from_civil(2026, 11, 29));
}

static void test_iso_date(void **state)
{
    (void)state;
    int32_t d = 0;
    assert_int_equal(am_iso_date_parse("2026-02-19", 10, &d), 0);
    assert_int_equal(d, am_days_from_civil(2026, 2, 19));
    assert_int_equal(am_iso_date_parse("2024-02-29", 10, &d), 0);
    assert_int_equal(am_iso_date_parse("2025-02-29", 10, &d), -1);
    assert_int_equal(am_iso_date_parse("2025-04-31", 10, &d), -1);
    assert_int_equal(am_iso_date_parse("2025-13-01", 10, &d), -1);
    assert_int_equal(am_iso_date_parse("2025-1-01", 9, &d), -1);
    assert_int_equal(am_iso_date_parse("19/02/2026", 10, &d), -1);
    assert_int_equal(am_iso_date_parse("2026-02-19T00", 10, &d), 0); /* only len bytes */
    assert_int_equal(am_iso_date_parse(NULL, 10, &d), -1);
}

static void test_parse_int(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(am_parse_int64("12345678", &v), 0);
    assert_int_equal(v, 12345678);
    assert_int_equal(am_parse_int64("12a", &v), -1);
    assert_int_equal(am_parse_int64("", &v), -1);
    assert_int_equal(am_parse_int64("99999999999999999999", &v), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_error_wins), cmocka_unit_test(test_arena),
        cmocka_unit_test(test_buf),              cmocka_unit_test(test_strmap),
        cmocka_unit_test(test_sha256), cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_sha256_paths_agree),           cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_parse_int),        cmocka_unit_test(test_iso_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

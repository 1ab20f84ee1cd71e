/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* publish tests: the one main() of test_publish and the helpers every group shares. */
#include "tests.h"

#include <string.h>
#include <unistd.h>

void read_vector(const char *rel, struct am_buf *buf)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/vectors/tlog/%s", AM_SOURCE_DIR, rel);
    struct am_err err = AM_ERR_INIT;
    am_buf_reset(buf);
    if (am_buf_read_file(buf, path, &err) != 0)
        fail_msg("cannot read vector %s: %s", path, err.msg);
}

void scratch_path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/publish-test-%s-%d", AM_BINARY_DIR, name, (int)getpid());
}

int unhex(const char *hex, uint8_t *out, size_t max)
{
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > max)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return (int)(n / 2);
}

int b64_hash(const char *b64, struct am_hash *out)
{
    struct am_buf raw;
    am_buf_init(&raw);
    struct am_err err = AM_ERR_INIT;
    int rc = am_base64_decode(b64, strlen(b64), &raw, &err);
    if (rc == 0 && raw.len == AM_HASH_LEN)
        memcpy(out->b, raw.ptr, AM_HASH_LEN);
    else
        rc = -1;
    am_buf_release(&raw);
    return rc;
}

int main(void)
{
    int failed = 0;
    failed += run_merkle_tests();
    failed += run_note_tests();
    failed += run_log_tests();
    failed += run_publication_tests();
    failed += run_status_tests();
    return failed ? 1 : 0;
}

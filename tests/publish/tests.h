/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Shared by the publish tests: cmocka, the group runners each file defines, and small
 * helpers to read vector files and scratch paths. Not used outside tests/publish/.
 */
#ifndef AM_TESTS_PUBLISH_H
#define AM_TESTS_PUBLISH_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the headers above first. */
#include <cmocka.h>

#include "amnistia/core.h"
#include "amnistia/publish.h"

int run_merkle_tests(void);
int run_note_tests(void);
int run_log_tests(void);
int run_publication_tests(void);
int run_status_tests(void);

/* Reads tests/vectors/tlog/REL into buf (NUL-terminated); fails the test if absent. */
void read_vector(const char *rel, struct am_buf *buf);
/* A fresh scratch path under the build directory: AM_BINARY_DIR/publish-test-NAME-PID. */
void scratch_path(char *out, size_t n, const char *name);
/* Hex to bytes; returns the length or -1. */
int unhex(const char *hex, uint8_t *out, size_t max);
/* Base64 to a 32-byte hash; -1 when it is not exactly 32 bytes of base64. */
int b64_hash(const char *b64, struct am_hash *out);

#endif

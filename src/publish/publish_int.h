/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Internal to publish/: what the module's files share and the tests reach into. Nothing
 * here is a contract; the public interface is include/amnistia/publish.h.
 */
#ifndef AMNISTIA_PUBLISH_INT_H
#define AMNISTIA_PUBLISH_INT_H

#include "amnistia/publish.h"

/* SHA-256(0x01 || left || right) over children of any length (RFC 6962 test vectors). */
void am__merkle_hash_children(const void *left, size_t llen, const void *right, size_t rlen,
                              struct am_hash *out);

/* Sizes of every signed checkpoint of the log, ascending; the caller frees *sizes. */
struct am_log;
int am__log_checkpoint_sizes(struct am_log *log, uint64_t **sizes, size_t *n, struct am_err *err);

#endif

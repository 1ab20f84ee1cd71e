/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Internals of hash.c for its tests: the portable SHA-256 (libsodium) can be forced on a
 * processor that has the SHA instructions, so that both paths are checked against each
 * other. Not for use outside tests.
 */
#ifndef AM_CORE_HASH_INT_H
#define AM_CORE_HASH_INT_H

/* With on != 0, contexts initialised afterwards use libsodium even where the SHA
 * instructions exist; returns whether the SHA instructions are available at all. */
int am__sha256_portable(int on);

#endif

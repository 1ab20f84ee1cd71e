/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Internals shared by the files of src/text/: a length-bounded normaliser, so callers
 * holding a slice of a longer string need not copy it first. Not part of the public API.
 */
#ifndef AMNISTIA_TEXT_INT_H
#define AMNISTIA_TEXT_INT_H

#include "amnistia/text.h"

/* am_name_normalize over s[0..len) (which need not be NUL-terminated). */
void am__text_normalize_n(const char *s, size_t len, struct am_buf *out);

#endif

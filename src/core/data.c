/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Bundled data files: the catalogs and name lists of data/, compiled in by
 * cmake/embed.cmake, or read from $AMNISTIA_DATA when set. Parsing them is the job of the
 * module that uses them.
 */
#include "amnistia/core.h"

#include <stdlib.h>
#include <string.h>

struct am__embedded_file {
    const char *name;
    const unsigned char *bytes;
    size_t size;
};
extern const struct am__embedded_file am__embedded[];

int am_data_load(const char *name, struct am_buf *out, struct am_err *err)
{
    const char *dir = getenv("AMNISTIA_DATA");
    if (dir && *dir) {
        struct am_buf path;
        am_buf_init(&path);
        am_buf_addf(&path, "%s/%s", dir, name);
        int rc = am_buf_read_file(out, path.ptr, err);
        am_buf_release(&path);
        return rc;
    }
    for (const struct am__embedded_file *f = am__embedded; f->name; f++) {
        if (strcmp(f->name, name) == 0) {
            am_buf_add(out, f->bytes, f->size);
            return 0;
        }
    }
    return AM_FAIL(err, AM_ENOTFOUND, "data file '%s' is not bundled; reinstall amnistia or "
                   "set AMNISTIA_DATA to a directory holding it", name);
}

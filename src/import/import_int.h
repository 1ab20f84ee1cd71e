/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Internal to import/: the shapes of a parsed mapping and of a header plan, shared by
 * mapping.c (which builds them), row.c (which reads rows through them) and import.c.
 * Nothing outside src/import/ includes this.
 */
#ifndef AMNISTIA_IMPORT_INT_H
#define AMNISTIA_IMPORT_INT_H

#include "amnistia/import.h"

#define AM__JOIN_MAX 8

/* One source column name as the mapping wrote it, and its normalised key. */
struct am__map_name {
    char *name;
    char *key;
    long line, col; /* in the mapping file */
};

struct am__map_rename {
    struct am__map_name from;
    int target;
};

struct am__map_join {
    struct am__map_name parts[AM__JOIN_MAX];
    int n;
    int target;
};

struct am_mapping {
    char *path;
    enum am_name_order order;
    enum am_date_order dates;
    AM_VEC(struct am__map_rename) renames;
    AM_VEC(struct am__map_join) joins;
    AM_VEC(struct am__map_name) ignores;
    char *set_value[AM__COL_COUNT]; /* fixed values, NULL when none */
    long fed_line[AM__COL_COUNT];   /* mapping line that feeds a column, 0 when none */
    struct am_strmap status_words;  /* normalised word -> enum am_status */
    struct am_strmap category_words; /* normalised word -> index in am__categories */
};

struct am__plan_col {
    char *name;
    int target; /* canonical column it feeds, or -1 */
    int join;   /* join it is part of, or -1 */
    int part;
    int ignored; /* named by an ignore directive */
};

struct am_plan {
    const struct am_mapping *map;
    AM_VEC(struct am__plan_col) cols;
    struct am_strmap keys;             /* normalised name -> column index (JSON Lines) */
    int feed[AM__COL_COUNT];           /* column index feeding each canonical, -1 */
    int join_cols[16][AM__JOIN_MAX];   /* per mapping join: the column of each part, -1 */
    enum am_name_order order;          /* the mapping's, or what the name column's header
                                          says ("APELLIDOS Y NOMBRES": surnames first) */
};

/* The DESIGN §2 categories, NULL-terminated. */
extern const char *const am__categories[];

/* Date parsing honouring the mapping's day/month order; writes YYYY-MM-DD to out. */
int am__date_parse(const char *s, enum am_date_order order, char out[11], char *why,
                   size_t why_len);

#endif

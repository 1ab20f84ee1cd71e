/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Dates as lists write them: ISO YYYY-MM-DD, or day first (DD/MM/YYYY, DD-MM-YYYY,
 * DD.MM.YYYY, one-digit days and months allowed). Month-first American dates are not
 * guessed: 07/29/2024 is refused as month 29, never silently read as 29 July. Reasons are
 * short and say what is wrong, for the importer to quote with the row and column.
 */
#include "amnistia/text.h"

#include <string.h>

static const char *const month_names[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Reads 1..max digits at *p; returns the count read (0 when none) and the value. */
static int read_digits(const char **p, int max, int *value)
{
    int n = 0, v = 0;
    while (**p >= '0' && **p <= '9') {
        if (n == max) {
            *value = v;
            return max + 1;
        } /* too many digits: the caller refuses the shape */
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *value = v;
    return n;
}

static int fail(char *why, size_t why_len, const char *reason, int a, int b)
{
    if (why && why_len)
        snprintf(why, why_len, reason, a, b);
    return -1;
}

#define SHAPE_REASON "expected YYYY-MM-DD or DD/MM/YYYY"

int am_date_parse(const char *s, int32_t *days, char *why, size_t why_len)
{
    if (!s)
        s = "";
    while (*s == ' ' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0)
        return fail(why, why_len, "date is empty", 0, 0);

    const char *p = s, *end = s + len;
    int a = 0, b = 0, c = 0, y, m, d;
    int na = read_digits(&p, 4, &a);
    if (na == 0 || p == end || (*p != '-' && *p != '/' && *p != '.'))
        return fail(why, why_len, SHAPE_REASON, 0, 0);
    char sep = *p++;
    int nb = read_digits(&p, 2, &b);
    if (nb == 0 || nb > 2 || p == end || *p != sep)
        return fail(why, why_len, SHAPE_REASON, 0, 0);
    p++;
    int nc = read_digits(&p, 4, &c);
    if (nc == 0 || nc > 4 || p != end)
        return fail(why, why_len, SHAPE_REASON, 0, 0);
    if (na == 4) { /* year first: only ISO order, with '-' (or '/', as some exports do) */
        if (sep == '.' || nc > 2)
            return fail(why, why_len, SHAPE_REASON, 0, 0);
        y = a, m = b, d = c;
    } else if (na <= 2 && nc == 4) {
        d = a, m = b, y = c;
    } else if (na <= 2 && nc == 2) {
        return fail(why, why_len, "two-digit year is ambiguous; write the year with four digits",
                    0, 0);
    } else {
        return fail(why, why_len, SHAPE_REASON, 0, 0);
    }

    if (m < 1 || m > 12)
        return fail(why, why_len, "month %d does not exist", m, 0);
    if (d < 1)
        return fail(why, why_len, "day 0 does not exist", 0, 0);
    if (d > days_in_month(y, m)) {
        if (why && why_len)
            snprintf(why, why_len, "day %d does not exist in %s %d", d, month_names[m - 1], y);
        return -1;
    }
    if (y < 1900)
        return fail(why, why_len, "year %d is before 1900", y, 0);
    int32_t v = am_days_from_civil(y, m, d);
    if (v > am_today())
        return fail(why, why_len, "date is in the future", 0, 0);
    *days = v;
    return 0;
}

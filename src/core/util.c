/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Small helpers every module needs: whole-string integer parsing and calendar arithmetic.
 * Parsing dates as users write them is text/'s job; this file only counts days.
 */
#include "amnistia/core.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int am_parse_int64(const char *s, int64_t *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s)
        return -1;
    *out = v;
    return 0;
}

int32_t am_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int)doe - 719468;
}

void am_civil_from_days(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int yy = (int)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yy + (*m <= 2);
}

void am_format_date(int32_t days, char out[11])
{
    int y, m, d;
    am_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = 0; /* outside what any list can hold; never printed for valid dates */
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

int am_iso_date_parse(const char *s, size_t len, int32_t *days)
{
    if (!s || len != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    int yy, mm, dd;
    int32_t z = am_days_from_civil(y, m, d);
    am_civil_from_days(z, &yy, &mm, &dd);
    if (yy != y || mm != m || dd != d)
        return -1; /* 31 April, 29 February of a common year */
    *days = z;
    return 0;
}

static _Thread_local int today_pins;
static _Thread_local int32_t today_pinned;

void am_today_pin(void)
{
    if (today_pins == 0)
        today_pinned = am_today();
    today_pins++;
}

void am_today_unpin(void)
{
    if (today_pins > 0)
        today_pins--;
}

int32_t am_today(void)
{
    if (today_pins)
        return today_pinned;
    /* Called for every date a list gives (no date may be in the future): the parse of
     * AMNISTIA_TODAY is remembered while the variable keeps its value. */
    static _Thread_local char seen[16];
    static _Thread_local int32_t seen_days;
    const char *fixed = getenv("AMNISTIA_TODAY");
    if (fixed && seen[0] && strncmp(fixed, seen, sizeof(seen)) == 0)
        return seen_days;
    int y, m, d;
    if (fixed && sscanf(fixed, "%4d-%2d-%2d", &y, &m, &d) == 3) {
        int32_t days = am_days_from_civil(y, m, d);
        if (strlen(fixed) < sizeof(seen)) {
            memcpy(seen, fixed, strlen(fixed) + 1);
            seen_days = days;
        }
        return days;
    }
    return (int32_t)(time(NULL) / 86400);
}

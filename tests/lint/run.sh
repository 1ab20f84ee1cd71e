#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# House rules that the compiler cannot check: banned functions (git's banned.h list),
# sqlite3.h only in src/store/, sodium.h only in src/publish/ and core hashing, and an
# SPDX line opening every source file.
set -u
cd "${AM_SOURCE_DIR:?}"
fail=0
banned=$(grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok)[[:space:]]*\(' \
         src include fuzz 2>/dev/null | grep -v 'banned:' |
         grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*|//)' )
if [ -n "$banned" ]; then echo "banned functions:"; echo "$banned"; fail=1; fi
sql=$(grep -rln '#include <sqlite3.h>' src include | grep -v '^src/store/')
if [ -n "$sql" ]; then echo "sqlite3.h outside src/store/: $sql"; fail=1; fi
na=$(grep -rln '#include <sodium.h>' src include | grep -vE '^src/(publish/|core/hash.c)')
if [ -n "$na" ]; then echo "sodium.h outside src/publish/: $na"; fail=1; fi
for f in $(find src include fuzz tests -name '*.[ch]'); do
    head -1 "$f" | grep -q 'SPDX-License-Identifier' || { echo "no SPDX line: $f"; fail=1; }
done
[ $fail = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail

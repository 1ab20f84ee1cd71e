#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Transparency-log benchmark: appends 1,000,000 leaves to a scratch registry and prints
# appends per second and the time of an inclusion and a consistency proof at that size.
# Targets: >= 100,000 appends/s, proofs under 100 us. Run on a Release build:
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build && sh bench/log.sh
set -eu
build=${AM_BUILD_DIR:-build}
leaves=${1:-1000000}
bin="$build/bench_log_bench"
[ -x "$bin" ] || { echo "log.sh: $bin not found; build the Release tree first" >&2; exit 3; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" "$leaves" "$tmp/log_bench.db"

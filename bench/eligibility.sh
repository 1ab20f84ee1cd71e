#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Evaluates the enacted law and the mothers' committee draft over 1,000,000 synthetic
# persons and prints persons per second per law (target: >= 1,000,000 once loaded).
# Builds the Release tree in build/ when needed.
set -eu
cd "$(dirname "$0")/.."
if [ ! -x build/bench_eligibility ]; then
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build -j2 --target bench_eligibility >/dev/null
fi
build/bench_eligibility laws/ley-amnistia-2026.law laws/comite-madres-2026.law --persons 1000000

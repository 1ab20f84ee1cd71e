#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Builds the Release library and bench/estimate_bench.c against it, then prints the speed
# of multiple systems estimation: microseconds per LCMCR iteration for 3, 4 and 5 lists at
# K = 10, and the time of a full two-way log-linear model search (1024 models) for 5
# lists, beside the R packages' figures from tests/vectors/mse/README.md.
# Usage: bench/estimate.sh   (from the source directory; takes about a minute)
set -eu
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2 --target amnistia_lib >/dev/null
cc -O2 -std=c17 -D_POSIX_C_SOURCE=200809L -Iinclude bench/estimate_bench.c build/libamnistia.a \
   $(pkg-config --libs gsl sqlite3 libutf8proc jansson libsodium) -lpthread -lm \
   -o build/estimate_bench
./build/estimate_bench "$(pwd)/tests/vectors/mse"

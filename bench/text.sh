#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Builds the Release library and bench/text_bench.c against it, then prints how fast the
# text functions run: names normalised and parsed per second, pairs compared per second.
# Usage: bench/text.sh   (from the source directory; takes about half a minute)
set -eu
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2 --target amnistia_lib >/dev/null
cc -O2 -std=c17 -D_POSIX_C_SOURCE=200809L -Iinclude bench/text_bench.c build/libamnistia.a \
   $(pkg-config --libs libutf8proc libsodium) -lpthread -lm -o build/text_bench
./build/text_bench

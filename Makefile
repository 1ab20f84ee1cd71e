# SPDX-License-Identifier: AGPL-3.0-or-later
# A thin wrapper over CMake: the README's two commands, install and fuzzing.
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60

.PHONY: all build deps demo check test fuzz install bench clean

all: build

deps:
	@sh scripts/deps.sh

build/Makefile: CMakeLists.txt
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DAM_TESTS=OFF -DCMAKE_INSTALL_PREFIX=$(PREFIX)

build: deps build/Makefile
	cmake --build build -j $(JOBS)

demo: build
	sh scripts/demo.sh

# Tests build separately, with ASan and UBSan, so a sanitizer finding fails the run.
check: deps
	cmake -S . -B build-check -DCMAKE_BUILD_TYPE=Debug -DAM_SANITIZE=ON
	cmake --build build-check -j $(JOBS)
	cd build-check && ctest --output-on-failure -j $(JOBS)

test: check

fuzz: deps
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DAM_FUZZ=ON -DAM_TESTS=OFF \
	    -DAM_SANITIZE=ON
	cmake --build build-fuzz -j $(JOBS)
	sh scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

install: build
	cmake --install build --prefix $(PREFIX)

bench: build
	for b in bench/*.sh; do sh $$b || exit 1; done

clean:
	rm -rf build build-check build-fuzz

#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# README command 2: install dependencies, build, and run the whole test suite:
# unit and end-to-end tests, the unit tests again under ASan/UBSan, then the
# fuzzers (libFuzzer, clang) for a bounded time each, then the kprobe lane (a
# stock kernel with kprobes under qemu, scripts/test-kprobe-kernel.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh -DNWT_BUILD_TESTS=ON
(cd build && ctest --output-on-failure --timeout 300 -LE kprobe-vm)
BUILD_DIR=build-sanitize scripts/build.sh -DNWT_SANITIZE=ON
(cd build-sanitize && ctest --output-on-failure -L unit)
BUILD_DIR=build-fuzz scripts/build.sh -DCMAKE_C_COMPILER=clang -DNWT_BUILD_FUZZERS=ON \
  -DNWT_BUILD_TESTS=OFF
(cd build-fuzz && ctest --output-on-failure -L fuzz)
(cd build && ctest --output-on-failure -L kprobe-vm)

#!/usr/bin/env bash
# README command 2: install dependencies, build, and run the whole test suite:
# unit and end-to-end tests, the unit tests again under ASan/UBSan, then the
# kprobe lane (a stock kernel with kprobes under qemu, scripts/test-kprobe-kernel.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh -DNWT_BUILD_TESTS=ON
(cd build && ctest --output-on-failure --timeout 300 -LE kprobe-vm)
BUILD_DIR=build-sanitize scripts/build.sh -DNWT_SANITIZE=ON
(cd build-sanitize && ctest --output-on-failure -L unit)
(cd build && ctest --output-on-failure -L kprobe-vm)

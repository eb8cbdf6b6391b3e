#!/usr/bin/env bash
# README command 2: install dependencies, build, and run the whole test suite:
# unit and end-to-end tests, then the unit tests again under ASan/UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh
(cd build && ctest --output-on-failure --timeout 300)
BUILD_DIR=build-sanitize scripts/build.sh -DNWT_SANITIZE=ON
(cd build-sanitize && ctest --output-on-failure -L unit)

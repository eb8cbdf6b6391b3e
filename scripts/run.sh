#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# README command 1: install dependencies, build, and start tracing (args go to nwtrace).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Tests need cmocka, which only the test setup installs.
scripts/build.sh -DNWT_BUILD_TESTS=OFF
exec build/nwtrace "$@"

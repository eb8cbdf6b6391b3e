#!/usr/bin/env bash
# README command 1: install dependencies, build, and start tracing (args go to nwtrace).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/nwtrace "$@"

#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite (ctest). This is the README's test command
# and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install_deps.sh
deploy/build.sh "$@"
cd build
ctest --output-on-failure -j 2 --timeout 600

#!/usr/bin/env bash
# Configures and builds ctg-platform into build/ with Ninja (2 jobs: the target machines have
# 2 cores). Extra arguments go to cmake's configure step, e.g. -DCTG_WERROR=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja --log-level=WARNING "$@"
cmake --build build -j "${CTG_BUILD_JOBS:-2}"

#!/usr/bin/env bash
# From a fresh clone to a running ctgd: installs the Debian packages, builds, then starts the
# server in dev mode (plaintext on loopback only) on an embedded store under ./var/ctg, with
# the demo département of the fictional Caf de Valmont loaded through the API on first start,
# and a token for each demo role in ./var/ctg/dev/tokens/. It prints how to use the CLI.
# Stop it with Ctrl-C (SIGTERM/SIGINT drain and close the store). Extra arguments go to ctgd,
# e.g. --listen=127.0.0.1:7555 or --data_dir=/tmp/ctg.
# Usage: deploy/quickstart.sh [ctgd flags]
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install_deps.sh
deploy/build.sh
exec build/bin/ctgd --dev --data_dir=./var/ctg "$@"

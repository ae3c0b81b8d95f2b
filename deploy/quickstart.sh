#!/usr/bin/env bash
# From a fresh clone to a running demo: installs the Debian packages, builds, then runs the
# event-store demo in ./var/demo (backups in ./var/demo-backups). Run it again to see the
# appends replayed idempotently. Extra arguments go to the demo, e.g. --dir=/tmp/ctg-demo.
# Usage: deploy/quickstart.sh [--dir=DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install_deps.sh
deploy/build.sh
exec build/bin/eventstore_demo --dir=./var/demo "$@"

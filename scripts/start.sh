#!/usr/bin/env bash
# Sets everything up and opens the desktop app on the default database, filling it with the
# synthetic demo team first if it has no clients yet.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ddcase demo --if-empty
exec .venv/bin/ddcase "$@"

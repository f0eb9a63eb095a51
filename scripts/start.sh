#!/usr/bin/env bash
# Sets everything up and opens the desktop app. With no log yet (no --db, no DDCASE_DB, no
# ddcase.sqlite3 in the data folder), it opens the synthetic demo team in a file of its own
# (ddcase-demo.sqlite3 beside where your log will be), filling it the first time; "Leave the demo"
# in the app then starts your own log. Your log is never filled with the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "$#" -eq 0 ] && [ -z "${DDCASE_DB:-}" ]; then
    demo="$(.venv/bin/python -c 'from ddcase.paths import default_db, demo_db; print("" if default_db().exists() else demo_db())')"
    if [ -n "$demo" ]; then
        mkdir -p "$(dirname "$demo")"
        .venv/bin/ddcase --db "$demo" demo --if-empty
        exec .venv/bin/ddcase --db "$demo"
    fi
fi
exec .venv/bin/ddcase "$@"

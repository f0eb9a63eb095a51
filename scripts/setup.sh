#!/usr/bin/env bash
# Sets up a fresh machine for ddcase: system libraries Qt needs (when run as root on Debian or
# Ubuntu), a virtual environment in .venv, and ddcase installed into it (editable).
# Usage: bash scripts/setup.sh [test]   ("test" adds the test tools and servers)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=${1:-}

# shellcheck source=scripts/apt_install.sh
. scripts/apt_install.sh

if command -v dpkg >/dev/null 2>&1; then
  # Qt's platform plugins (offscreen and xcb) and fonts.
  apt_install libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 fonts-dejavu-core || true
  if [ "$want_test" = test ]; then
    # pdftoppm renders report pages; PostgreSQL for the team-database tests; Xvfb for xcb runs;
    # desktop-file-validate checks the Linux menu entry.
    apt_install poppler-utils postgresql xvfb xauth desktop-file-utils || true
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "$want_test" = test ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi

#!/usr/bin/env bash
# Sets up a fresh machine for ddcase: system libraries Qt needs (when run as root on Debian or
# Ubuntu), a virtual environment in .venv, and ddcase installed into it (editable).
# Usage: bash scripts/setup.sh [test]   ("test" adds the test tools and servers)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=${1:-}

apt_install() {
  # Install only what is missing; quietly skip where apt-get is not ours to use.
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: ${missing[*]}"
    if [ ! -f /tmp/.ddcase-apt-updated ]; then
      apt-get update -qq && touch /tmp/.ddcase-apt-updated
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Please install these system packages first: ${missing[*]}" >&2
  fi
}

if command -v dpkg >/dev/null 2>&1; then
  # Qt's platform plugins (offscreen and xcb) and fonts.
  apt_install libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 fonts-dejavu-core
  if [ "$want_test" = test ]; then
    # pdftoppm renders report pages; PostgreSQL for the team-database tests; Xvfb for xcb runs;
    # desktop-file-validate checks the Linux menu entry.
    apt_install poppler-utils postgresql xvfb xauth desktop-file-utils
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

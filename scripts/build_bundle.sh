#!/usr/bin/env bash
# Builds the one-folder app for this OS with PyInstaller (packaging/ddcase.spec), in its own
# virtual environment .venv-build, and prints the folder's size. Fails if the folder is larger
# than the budget (DDCASE_BUNDLE_BUDGET_MB: 160 MB, or 175 MB on Linux, whose Qt carries 35 MB of
# ICU data that Windows and macOS take from the system; encryption at rest adds about 9 MB of
# SQLCipher everywhere and, on Linux only, 12 MB of `cryptography` that keyring's Secret Service
# backend needs).
# Usage: bash scripts/build_bundle.sh
#   Linux, Windows: dist/ddcase/   macOS: dist/ddcase.app   (then: bash scripts/smoke_bundle.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
default_budget=160
[ "$(uname -s)" = Linux ] && default_budget=175
budget_mb=${DDCASE_BUNDLE_BUDGET_MB:-$default_budget}
started=$SECONDS

mkdir -p build
PYTHON=${PYTHON:-python3}
if [ ! -x .venv-build/bin/python ]; then
  "$PYTHON" -m venv .venv-build
fi
# ddcase with the PostgreSQL driver (a shared team database) and encryption at rest (SQLCipher,
# keyring), and the pinned build tools.
if ! { .venv-build/bin/python -m pip install -q --upgrade pip &&
  .venv-build/bin/python -m pip install -q -e ".[postgresql,encryption]" -r packaging/requirements-build.txt; } \
  >build/pip.log 2>&1; then
  tail -20 build/pip.log >&2
  echo "build_bundle: installing the build tools failed; the whole log is build/pip.log" >&2
  exit 1
fi

echo "Building the bundle with PyInstaller..."
# The spec's own messages (what it left out) start with "ddcase.spec:"; the rest goes to a log.
if ! .venv-build/bin/pyinstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build packaging/ddcase.spec >build/pyinstaller.log 2>&1; then
  tail -40 build/pyinstaller.log >&2
  echo "build_bundle: PyInstaller failed; the whole log is build/pyinstaller.log" >&2
  exit 1
fi
grep '^ddcase.spec:' build/pyinstaller.log || true

bundle=dist/ddcase
[ -d dist/ddcase.app ] && bundle=dist/ddcase.app
size_mb=$(du -sm --apparent-size "$bundle" 2>/dev/null | cut -f1 || du -sm "$bundle" | cut -f1)
files=$(find "$bundle" -type f | wc -l)
echo "Bundle: $bundle, ${size_mb} MB in ${files} files, built in $((SECONDS - started)) s"
if [ "$size_mb" -gt "$budget_mb" ]; then
  echo "build_bundle: the bundle is ${size_mb} MB, over the ${budget_mb} MB budget" >&2
  exit 1
fi

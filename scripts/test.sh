#!/usr/bin/env bash
# Sets everything up and runs the whole test suite (widgets offscreen, real SQLite files, a real
# PostgreSQL server started by the tests on 127.0.0.1, PDFs rendered with pdftoppm).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
export QT_QPA_PLATFORM=offscreen
# Windows reads text in cp1252 unless told: warn at every open() without encoding= (pyproject's
# filterwarnings turns the warnings from ddcase and its tests into failures).
export PYTHONWARNDEFAULTENCODING=1
.venv/bin/ruff check src tests
.venv/bin/mypy  # the files and strictness are in pyproject.toml [tool.mypy]
exec .venv/bin/python -m pytest "$@"

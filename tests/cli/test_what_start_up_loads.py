"""Start-up imports nothing a command does not use (issue 18): checked by the modules a fresh
process has loaded, not by timing. `python -X importtime` shows what each costs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

NEVER_FOR_A_COMMAND = ("PySide6", "reportlab", "alembic", "pypdf", "matplotlib")


def loaded(script: str) -> set[str]:
    """The top-level packages a fresh interpreter has loaded after `script`."""
    code = f"import sys, json\n{script}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    return {name.split(".")[0] for name in json.loads(result.stdout.splitlines()[-1])}


def test_the_command_line_module_loads_no_library():
    """Parsing the arguments and `--help` need none of the database, the window or the PDF."""
    found = loaded("import ddcase.cli")
    assert not found & {*NEVER_FOR_A_COMMAND, "sqlalchemy", "sqlmodel", "pydantic"}


@pytest.mark.parametrize("command", [["figures", "--json"], ["series", "--json"], ["measures", "--json"]])
def test_a_read_only_command_on_a_current_file_loads_no_window_pdf_nor_migrations(
    demo_template, tmp_path, command
):
    db = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, db)
    name, *rest = command
    months = ["--from", "2026-01", "--to", "2026-10"] if name == "series" else ["--month", "2026-10"]
    args = [name, "--db", str(db), *months, *rest]
    for _ in range(2):  # the first run may make the day's backup; the second is the usual start
        found = loaded(
            "import contextlib, io\nfrom ddcase.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n    assert main({args!r}) == 0"
        )
    assert not found & set(NEVER_FOR_A_COMMAND), found & set(NEVER_FOR_A_COMMAND)


def test_the_window_module_loads_no_pdf_maker_nor_migrations():
    """The desktop app loads ReportLab only to print and Alembic only to migrate."""
    found = loaded("import ddcase.ui.app")
    assert not found & {"reportlab", "alembic", "pypdf", "matplotlib"}


def test_the_window_module_loads_nothing_of_the_database_side():
    """Issue 18: the app's opening window shows before the log is opened, so `ui/app.py` imports
    neither SQLAlchemy, SQLModel nor pydantic (they come with the services, after the paint)."""
    found = loaded("import ddcase.ui.app")
    assert not found & {"sqlalchemy", "sqlmodel", "pydantic"}, found & {"sqlalchemy", "sqlmodel", "pydantic"}


def test_the_measures_summary_loads_no_pdf_maker_nor_what_only_its_sections_use(demo_template, tmp_path):
    """Issue 18: the measures × teams summary (the Measures page's, the meeting PDF's first
    pages) reads the report's values without ReportLab, nor `xml.sax.saxutils` (which loads
    `urllib.request` and `http.client`): only the PDF's sections escape their text."""
    db = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, db)
    for _ in range(2):  # the first run may make the day's backup; the second is the usual start
        found = loaded(
            "from ddcase.cli import open_services\nfrom ddcase.domain import Month\n"
            f"app = open_services({str(db)!r})\nassert app.reporting.measures(Month(2026, 10), None)[0]\n"
            "app.close()\nlate = [m for m in sys.modules if m.split('.')[0] in ('xml', 'http') or m == 'urllib.request']\n"
            "assert not late, late"
        )
    assert not found & set(NEVER_FOR_A_COMMAND), found & set(NEVER_FOR_A_COMMAND)

"""`ddcase figures --json` on a recently checked file reads through sqlite3 alone: the process
never imports SQLAlchemy, SQLModel or pydantic (issue 18), and prints what the app's own
`FiguresService.month()` gives. When opening has anything to do (no recent whole check, the day's
backup not made), the command opens the log as every command does, and prints the same."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ddcase.cli import main
from ddcase.domain import Month
from ddcase.services.demo import DemoService
from ddcase.services.figures import FiguresService
from ddcase.services.output import month_json
from ddcase.storage.opening import recently_checked, stamp_path
from tests.safety.helpers import open_app

SRC = Path(__file__).resolve().parents[2] / "src"
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic")
# Runs `ddcase figures` as its own process, then says on stderr which heavy packages it imported.
RUN = (
    "import sys; sys.path.insert(0, sys.argv[1]); from ddcase.cli import main; code = main(sys.argv[2:]); "
    f"print('IMPORTED', *[m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr); sys.exit(code)"
)
OCT = Month(2026, 10)
TEAM = "Luton South CMHT"

pytestmark = pytest.mark.sqlite_only


@pytest.fixture(scope="module")
def log_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("driver") / "case.sqlite3"
    app = open_app(path)
    try:
        DemoService(app.context).fill(seed=3)
    finally:
        app.close()
    return path


def in_process(path: Path, team: str | None) -> dict[str, object]:
    app = open_app(path)
    try:
        figures = FiguresService(app.context)
        return month_json(figures.month(OCT, team), provisional=figures.is_provisional(OCT))
    finally:
        app.wait_for_opening_check()  # its stamp written before the test changes it
        app.close()


def figures_process(path: Path, team: str | None) -> tuple[dict[str, object], list[str]]:
    argv = ["figures", "--month", str(OCT), "--json", "--db", str(path)] + (["--team", team] if team else [])
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(SRC), *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    imported = next(line for line in done.stderr.splitlines() if line.startswith("IMPORTED")).split()[1:]
    return json.loads(done.stdout), imported


@pytest.mark.parametrize("team", [None, TEAM])
def test_figures_on_a_recently_checked_file_import_no_sqlalchemy_and_print_the_services_figures(
    log_file, team
):
    expected = in_process(log_file, team)
    assert main(["figures", "--month", str(OCT), "--json", "--db", str(log_file)]) == 0  # checks, backs up
    assert recently_checked(log_file)
    printed, imported = figures_process(log_file, team)
    assert imported == []
    assert printed == expected
    assert printed["mutual_clients"]  # the demo log has clients to count
    assert recently_checked(log_file)  # read, not changed


def test_figures_open_the_log_in_full_when_no_recent_check_stands(log_file):
    expected = in_process(log_file, None)
    stamp_path(log_file).unlink()
    printed, imported = figures_process(log_file, None)
    assert "sqlalchemy" in imported  # checked and opened as every command opens a log
    assert printed == expected
    assert recently_checked(log_file)  # the check it ran marks the file again
    printed, imported = figures_process(log_file, None)
    assert imported == [] and printed == expected


def test_a_quick_read_that_fails_at_the_database_opens_the_log_in_full_and_prints_the_figures(
    log_file, monkeypatch, capsys
):
    """A database error in the read through sqlite3 alone (the file busy, or damaged since its
    check) is not shown as 'something unexpected': the command opens the log as every command
    does, whose check and messages say what is wrong, and prints nothing half-read."""
    import sqlite3

    from ddcase.storage import driver

    expected = in_process(log_file, None)
    assert main(["figures", "--month", str(OCT), "--json", "--db", str(log_file)]) == 0
    capsys.readouterr()
    assert recently_checked(log_file)
    quick_reads = []

    def failing_read(self):
        quick_reads.append(self.path)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(driver.FileReads, "read", failing_read)
    assert main(["figures", "--month", str(OCT), "--json", "--db", str(log_file)]) == 0
    printed = capsys.readouterr()
    assert quick_reads == [log_file]  # the quick read was tried, and failed
    assert json.loads(printed.out) == expected  # then read in full: the same figures, once
    assert "unexpected" not in printed.err

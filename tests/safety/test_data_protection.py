"""Data protection by default: owner-only files, no client identifiers in the log, everything
held about one person on request, and anonymising old records without moving any figure."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from ddcase.cli import main
from ddcase.domain import Month
from tests.safety.helpers import execute, make_db

SRC = Path(__file__).resolve().parents[2] / "src"
pytestmark = pytest.mark.skipif(os.name != "posix", reason="Unix permissions (Windows relies on the profile)")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    assert main(["demo", "--db", str(path), "--seed", "4"]) == 0
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path, capsys) -> Path:
    capsys.readouterr()
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, path)
    return path


def _run_ddcase(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    """ddcase as a user starts it, with its log folder under `home`."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "XDG_STATE_HOME": str(home / "state"), "HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "ddcase", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_database_backups_exports_and_logs_are_owner_only(tmp_path):
    db = tmp_path / "data" / "case.sqlite3"
    done = _run_ddcase(["figures", "--db", str(db), "--month", "2026-10"], tmp_path)
    assert done.returncode == 0, done.stderr
    make_db(db, ["P1"], with_history=True)
    done = _run_ddcase(["export", "--db", str(db), "--client", "P1", str(tmp_path / "sar")], tmp_path)
    assert done.returncode == 0, done.stderr
    assert _mode(db) == 0o600 and _mode(db.parent) == 0o700
    for side in ("-wal", "-shm"):
        if Path(f"{db}{side}").exists():
            assert _mode(Path(f"{db}{side}")) == 0o600
    backups = db.parent / "backups"
    assert _mode(backups) == 0o700 and all(_mode(p) == 0o600 for p in backups.iterdir())
    assert _mode(tmp_path / "sar") == 0o700 and all(_mode(p) == 0o600 for p in (tmp_path / "sar").iterdir())
    logs = list((tmp_path / "state").rglob("ddcase.log"))
    assert logs and all(_mode(p) == 0o600 and _mode(p.parent) == 0o700 for p in logs)


def test_the_log_never_holds_client_identifiers_even_after_an_error(tmp_path):
    from ddcase.services.demo_data import generate

    db = tmp_path / "case.sqlite3"
    make_db(db, [])
    # A fault the app does not expect, in the middle of writing client records.
    execute(
        db, "CREATE TRIGGER fault BEFORE INSERT ON client BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
    )
    done = _run_ddcase(["demo", "--db", str(db), "--seed", "1"], tmp_path)
    assert done.returncode == 1 and "details are in" in done.stderr and "Traceback" not in done.stderr
    log_text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "state").rglob("*.log*"))
    assert "injected fault" in log_text  # the error was logged...
    data = generate(1, date.today())
    identifiers = {c.client_ref for c in data.clients} | {c.nhs_number for c in data.clients if c.nhs_number}
    identifiers |= {c.date_of_birth.isoformat() for c in data.clients if c.date_of_birth}
    leaked = sorted(i for i in identifiers if i in log_text)
    assert leaked == []  # ...without any client's data


def test_export_for_one_client_holds_everything_about_them_and_is_audited(demo_db, tmp_path, capsys):
    from tests.safety.helpers import open_app

    app = open_app(demo_db)
    try:
        client = next(c for c in app.casework.clients() if len(app.casework.contacts(c.client_ref)) > 3)
        episodes, contacts = (
            app.casework.episodes(client.client_ref),
            app.casework.contacts(client.client_ref),
        )
        history = app.audit_trail.history(client.client_ref)
    finally:
        app.close()
    folder = tmp_path / "sar"
    assert main(["export", "--db", str(demo_db), "--client", client.client_ref, str(folder)]) == 0
    assert "Everything held" in capsys.readouterr().out
    everything = json.loads((folder / "subject-access.json").read_text(encoding="utf-8"))
    assert everything["client"]["client_ref"] == client.client_ref
    assert everything["client"]["nhs_number"] == client.nhs_number
    assert len(everything["episodes"]) == len(episodes) and len(everything["contacts"]) == len(contacts)
    assert len(everything["audit_trail"]) == len(history)
    assert (folder / "contacts.csv").read_bytes().count(b"\r\n") == len(contacts) + 1
    # The export is itself in the client's history, and a second export never overwrites.
    app = open_app(demo_db)
    try:
        last = app.audit_trail.history(client.client_ref)[-1]
        assert (last.action, last.after["kind"]) == ("export", "subject_access")
    finally:
        app.close()
    assert main(["export", "--db", str(demo_db), "--client", client.client_ref, str(folder)]) == 2
    assert main(["export", "--db", str(demo_db), "--client", "NOSUCH", str(tmp_path / "x")]) == 2


def test_purge_anonymises_old_clients_and_leaves_every_months_figures_unchanged(demo_db, capsys):
    from tests.safety.helpers import open_app

    today = date.today()
    first, last = Month.of(today - timedelta(days=800)), Month.of(today)

    def all_figures(app):  # type: ignore[no-untyped-def]
        out = {}
        # Every client's verdict and teams, month by month: team figures are made of these.
        for figures in app.figures.months(first, last):
            out[str(figures.month)] = (
                figures.mutual_clients,
                figures.jointly_worked,
                [(c.client_ref, c.teams, c.jointly_worked, c.failed_criteria) for c in figures.clients],
                [(e.client_ref, e.excluded) for e in figures.excluded],
            )
        return out

    app = open_app(demo_db)
    try:
        before = all_figures(app)
        cutoff = today - timedelta(days=180)
        due = app.retention.due(cutoff)
    finally:
        app.close()
    assert len(due) > 10
    assert main(["purge", "--db", str(demo_db), "--before", cutoff.isoformat()]) == 0
    assert f"Anonymised {len(due)} clients" in capsys.readouterr().out
    app = open_app(demo_db)
    try:
        assert all_figures(app) == before
        for ref in due[:: max(1, len(due) // 10)]:  # a sample in detail; the counts below cover all
            client = app.casework.client(ref)
            assert (client.initials, client.nhs_number, client.date_of_birth, client.ethnicity) == (
                "XX",
                None,
                None,
                None,
            )
            assert all(c.note is None for c in app.casework.contacts(ref))
            assert app.audit_trail.history(ref)[-1].action == "purge"
        assert app.retention.due(cutoff) == []
        assert app.maintenance.check().ok
    finally:
        app.close()
    with sqlite3.connect(f"{demo_db.as_uri()}?mode=ro", uri=True) as conn:
        purged = conn.execute("SELECT count(*) FROM client WHERE purged_on IS NOT NULL").fetchone()[0]
    assert purged == len(due)
    assert main(["purge", "--db", str(demo_db), "--before", (today + timedelta(days=1)).isoformat()]) == 2

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
from tests.safety.helpers import make_db

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


def _run_ddcase(
    args: list[str], home: Path, *, python_path: tuple[Path, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """ddcase as a user starts it, with its log folder (and its default data folder) under `home`."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(str(p) for p in (SRC, *python_path)),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_DATA_HOME": str(home / "share"),
        "HOME": str(home),
    }
    env.pop("DDCASE_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "ddcase", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        encoding="utf-8",
    )


def test_database_backups_exports_and_logs_are_owner_only(tmp_path):
    # The default log's folder is made by ddcase (a folder named with --db must exist already).
    db = tmp_path / "share" / "ddcase" / "ddcase.sqlite3"
    done = _run_ddcase(["figures", "--month", "2026-10"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert db.exists()
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


FAULT = """
import contextlib
from sqlalchemy import event
from sqlalchemy.engine import Engine

@event.listens_for(Engine, "connect")
def _fault(dbapi_connection, _record):
    with contextlib.suppress(Exception):
        dbapi_connection.execute(
            "CREATE TEMP TRIGGER IF NOT EXISTS fault BEFORE INSERT ON main.client "
            "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
        )
"""


def test_the_log_never_holds_client_identifiers_even_after_an_error(tmp_path):
    from ddcase.services.demo_data import generate

    db = tmp_path / "case.sqlite3"
    make_db(db, [])
    # A fault the app does not expect, in the middle of writing client records: a TEMP trigger
    # on every connection (one in the file would be refused as not ddcase's, storage/shape.py).
    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(FAULT, encoding="utf-8")
    done = _run_ddcase(["demo", "--db", str(db), "--seed", "1"], tmp_path, python_path=(inject,))
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


def test_purge_removes_the_clients_values_from_the_audit_trail_and_the_file(tmp_path, capsys):
    """The trail recorded the client's NHS number, initials and a note; after a purge neither the
    trail nor any byte of the database file or its write-ahead log holds them, and the chain
    still verifies. Another client's entries keep their values."""
    from dataclasses import replace

    from ddcase.domain import Client, Contact, ContactKind, ContactMode, Episode, Service, Worker
    from tests.safety.helpers import open_app

    path = tmp_path / "purge.sqlite3"
    nhs, note, initials = "9434765919", "MARKER-ZEBRA-4711 rang the hostel", "QZ"
    app = open_app(path)
    try:
        app.casework.save_worker(Worker("Ann Care", "CMHT Luton", Service.MENTAL_HEALTH))
        app.casework.save_worker(Worker("Bob Key", "ResoLUTiONs", Service.SUBSTANCE_MISUSE))
        for ref, ends in (("OLD1", date(2023, 3, 31)), ("KEEP1", None)):
            client = app.casework.save_client(
                Client(ref, initials, nhs_number=nhs, date_of_birth=date(1979, 5, 6))
            )
            app.casework.save_client(replace(client, initials="QY"))
            for service, org, worker in (
                (Service.MENTAL_HEALTH, "CMHT Luton", "Ann Care"),
                (Service.SUBSTANCE_MISUSE, "ResoLUTiONs", "Bob Key"),
            ):
                app.casework.save_episode(
                    Episode(ref, service, org, date(2022, 1, 1), ends, team="Luton North", worker=worker)
                )
            app.casework.save_contact(
                Contact(
                    ref, date(2022, 6, 1), ContactKind.LIAISON, ContactMode.TELEPHONE, note=f"{ref} {note}"
                )
            )
        before = {e.seq for e in app.audit_trail.history("OLD1")}
        kept = app.audit_trail.history("KEEP1")
    finally:
        app.close()
    assert main(["purge", "--db", str(path), "--before", "2024-01-01"]) == 0
    assert "Anonymised 1 clients" in capsys.readouterr().out
    app = open_app(path)
    try:
        history = app.audit_trail.history("OLD1")
        earlier = [e for e in history if e.seq in before]
        assert len(earlier) == len(before) >= 5
        assert all(e.redacted and e.before is None and e.after is None for e in earlier)
        redaction, purge = history[-2:]
        assert (redaction.action, purge.action) == ("redact", "purge")
        assert redaction.after["entries"] == sorted(before)
        assert purge.after["audit_entries_redacted"] == len(before)
        assert app.audit_trail.history("KEEP1") == kept  # someone else's values are untouched
        assert any(nhs in json.dumps(e.after) for e in kept)
        assert app.audit_trail.verify().intact
        assert app.maintenance.check().ok
    finally:
        app.close()
    # Nothing of OLD1's removed values is left anywhere in the file (KEEP1 still has its own
    # NHS number, so look for what only OLD1 had: its note).
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("purge.sqlite3*") if p.is_file())
    assert b"OLD1 MARKER-ZEBRA" not in raw
    assert b"KEEP1 MARKER-ZEBRA" in raw


def test_a_redaction_that_names_an_entry_is_needed_for_its_values_to_be_missing(tmp_path, capsys):
    """Removing a redaction entry's own values (which list what it redacted) is caught."""
    from tests.safety.helpers import add_clients, open_app

    path = tmp_path / "r.sqlite3"
    app = open_app(path)
    try:
        add_clients(app, ["R1"], with_history=True)
    finally:
        app.close()
    with sqlite3.connect(path) as conn:  # a connection of ddcase's (revision 0008's triggers)
        conn.create_function("ddcase_session", 0, lambda: 1)
        conn.execute("UPDATE episode SET end_date = '2024-06-30'")
    assert main(["purge", "--db", str(path), "--before", "2025-01-01"]) == 0
    capsys.readouterr()
    with sqlite3.connect(path) as conn:
        seq = conn.execute("SELECT seq FROM audit_event WHERE action = 'redact'").fetchone()[0]
        conn.execute("DELETE FROM audit_value WHERE seq = ?", (seq,))
    app = open_app(path)
    try:
        report = app.audit_trail.verify()
    finally:
        app.close()
    assert not report.intact and "removed without a redaction" in report.problem

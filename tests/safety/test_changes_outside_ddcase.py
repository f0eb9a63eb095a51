"""Changes made outside ddcase leave a trace (issue 14, hole 4). On a log file a change to a
client, episode, contact or definition version not made through ddcase is refused by the file's
own triggers (a file without them is refused as not whole, storage/shape.py); on a team database
the server records it in the audit trail with the role that made it and the values before and
after, and `ddcase check` reports it. A definition version is never changed in place, and one in
force is never withdrawn, on both backends."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from ddcase.cli import main, open_services
from tests.safety.helpers import make_db
from tests.services.test_team_database import a_client_with_episodes, add_person, as_user, team_db

__all__ = ["team_db"]  # the fixture, used by name


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "case.sqlite3", ["A1"], with_history=True)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE contact SET date = '2024-03-01'",
        "DELETE FROM contact",
        "UPDATE client SET consent_to_share_on = '2020-01-01'",
        "DELETE FROM episode",
        "INSERT INTO definition_version (number, first_month) VALUES (9, '2020-01')",
    ],
)
def test_a_change_to_a_log_file_outside_ddcase_is_refused(db, statement):
    conn = sqlite3.connect(db)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="ddcase_session|made through ddcase"):
            conn.execute(statement)
    finally:
        conn.close()


def test_a_definition_version_is_never_changed_in_place_on_a_log_file(db, capsys):
    """Even by someone who can call the function ddcase's connections have."""
    conn = sqlite3.connect(db)
    conn.create_function("ddcase_session", 0, lambda: 1)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="never changed in place"):
            conn.execute("UPDATE definition_version SET joint_contact_window_days = 365 WHERE number = 1")
        with pytest.raises(sqlite3.DatabaseError, match="in force is never withdrawn"):
            conn.execute("DELETE FROM definition_version WHERE number = 1")
    finally:
        conn.close()
    assert run(capsys, "check", "--db", str(db))[0] == 0


def test_a_log_file_whose_guards_were_dropped_is_refused(db, capsys):
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER contact_through_ddcase_update")
    conn.commit()
    conn.close()
    code, _, err = run(capsys, "check", "--db", str(db))
    assert code == 2 and "trigger contact_through_ddcase_update is missing" in err


# ---------------------------------------------------------------------- the team database


def raw(url: str):  # type: ignore[no-untyped-def]
    return create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.mark.postgresql
def test_a_coordinators_change_with_psql_is_recorded_and_reported(team_db):
    admin = open_services(team_db)
    a_client_with_episodes(admin)
    admin.close()
    name = add_person(team_db, "coordinator")
    engine = raw(as_user(team_db, name))
    try:
        with engine.connect() as conn:
            conn.execute(text("UPDATE episode SET start_date = '2025-05-01' WHERE service = 'mental_health'"))
    finally:
        engine.dispose()
    services = open_services(as_user(team_db, name))
    try:
        history = services.audit_trail.history("RT100001")
        outside = [e for e in history if e.action == "outside"]
        assert len(outside) == 1
        entry = outside[0]
        assert entry.entity == "episode" and entry.app_user == name
        assert entry.before["start_date"] == "2025-04-01" and entry.after["start_date"] == "2025-05-01"
        report = services.maintenance.check()
        assert not report.ok
        assert f"1 change made outside ddcase (the latest: episode of RT100001 by {name}" in report.text()
        assert "chain unbroken" in report.text()
    finally:
        services.close()


@pytest.mark.postgresql
def test_changes_made_through_ddcase_are_not_reported_as_outside(team_db):
    name = add_person(team_db, "coordinator")
    services = open_services(as_user(team_db, name))
    try:
        a_client_with_episodes(services)
        report = services.maintenance.check()
        assert report.ok, report.text()
        assert "Changes outside ddcase: none" in report.text()
    finally:
        services.close()


@pytest.mark.postgresql
def test_a_definition_version_is_never_changed_in_place_on_a_team_database(team_db):
    """Even by a manager with psql (it moved June 2026 from 14 to 26 jointly worked)."""
    name = add_person(team_db, "manager")
    engine = raw(as_user(team_db, name))
    try:
        with engine.connect() as conn:
            with pytest.raises(DBAPIError, match="never changed in place"):
                conn.execute(text("UPDATE definition_version SET joint_contact_window_days = 365"))
            with pytest.raises(DBAPIError, match="in force is never withdrawn"):
                conn.execute(text("DELETE FROM definition_version WHERE number = 1"))
    finally:
        engine.dispose()

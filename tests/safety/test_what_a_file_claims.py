"""A file is what it claims (issue 14, holes 5 and 6): a database with a table missing is refused
by the opening check, `check`, `backup` and `restore`, naming what is missing; a log emptied to 0
bytes is never taken as a new one; rotation keeps the last backup that held records; `--db`
into a folder that does not exist creates nothing."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from ddcase.cli import main
from ddcase.services.backup import list_backups, make_backup, rotate
from ddcase.storage import shape
from ddcase.storage.database import make_engine
from tests.safety.helpers import client_refs, execute, make_db, sha256


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "case.sqlite3", ["A1", "A2"], with_history=True)


def drop_contact(path: Path) -> None:
    execute(path, "PRAGMA foreign_keys = OFF", "DROP TABLE contact")


def test_the_pins_agree_with_the_migrations():
    """After a new revision: `python -m ddcase.storage.shape --write`."""
    from ddcase.storage.shape_pins import PINS

    assert shape.compute_pins() == PINS


def test_a_log_with_a_table_missing_is_refused_by_check_and_backup(capsys, db):
    drop_contact(db)
    before = sha256(db)
    backups = list_backups(db)
    for command in ("check", "backup"):
        code, out, err = run(capsys, command, "--db", str(db))
        assert code == 2, (command, out)
        assert "table contact is missing" in err and "Traceback" not in err
        assert "made and checked" not in out
    assert sha256(db) == before
    assert list_backups(db) == backups


def test_a_backup_with_a_table_missing_is_not_restored(capsys, db, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    assert run(capsys, "backup", "--db", str(db), "--to", str(copy))[0] == 0
    drop_contact(copy)
    before = sha256(db)
    code, out, err = run(capsys, "restore", "--db", str(db), str(copy))
    assert code == 2 and "table contact is missing" in err
    assert sha256(db) == before and client_refs(db) == {"A1", "A2"}


def test_a_missing_guard_trigger_is_named_too(capsys, db):
    execute(db, "DROP TRIGGER audit_event_no_delete")
    code, _, err = run(capsys, "check", "--db", str(db))
    assert code == 2 and "trigger audit_event_no_delete is missing" in err


@pytest.mark.postgresql
def test_check_names_a_missing_table_on_a_team_database(capsys, pg_database, pg_template):
    url = pg_database(pg_template)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE contact"))
    engine.dispose()
    code, out, _ = run(capsys, "check", "--db", url)
    assert code == 1 and "table contact is missing" in out


# ---------------------------------------------------------------------- hole 6: an emptied log


def test_a_log_emptied_to_nothing_is_refused_with_its_newest_backup_named(capsys, db):
    assert run(capsys, "backup", "--db", str(db))[0] == 0
    newest = list_backups(db)[0].path
    with open(db, "wb"):
        pass  # a sync tool or a failed copy leaves 0 bytes
    code, out, err = run(capsys, "figures", "--db", str(db), "--month", "2024-02")
    assert code == 2 and "0 bytes" in err and str(newest) in err
    assert db.stat().st_size == 0  # not taken as a new log
    assert list_backups(db)[0].path == newest


def test_an_emptied_log_without_backups_is_refused_when_its_stamp_says_it_held_data(capsys, db):
    with open(db, "wb"):
        pass
    code, _, err = run(capsys, "check", "--db", str(db))
    assert code == 2 and "0 bytes" in err
    assert db.stat().st_size == 0


def test_rotation_keeps_the_newest_backup_that_held_records(tmp_path):
    db = make_db(tmp_path / "case.sqlite3", ["A1"])
    now = datetime(2026, 11, 22, 9, 0)
    held = make_backup(db, kind="daily", now=now - timedelta(days=40))
    empty = tmp_path / "empty" / "case.sqlite3"
    empty.parent.mkdir()
    make_db(empty, [])
    for day in range(0, 36, 3):  # five weeks of backups of a log with nothing in it
        made = make_backup(empty, kind="daily", now=now - timedelta(days=day))
        made.path.rename(held.path.parent / made.path.name)
    rotate(db)
    kept = {b.path for b in list_backups(db)}
    assert held.path in kept
    with sqlite3.connect(held.path) as conn:
        assert conn.execute("SELECT count(*) FROM client").fetchone() == (1,)


def test_db_in_a_folder_that_does_not_exist_creates_nothing(capsys, tmp_path):
    target = tmp_path / "nope" / "x" / "db.sqlite3"
    code, _, err = run(capsys, "check", "--db", str(target))
    assert code == 2 and "does not exist" in err and str(target.parent) in err
    assert not (tmp_path / "nope").exists()


def test_db_naming_a_folder_is_a_clear_message(capsys, tmp_path):
    code, _, err = run(capsys, "check", "--db", str(tmp_path))
    assert code == 2 and "is a folder" in err

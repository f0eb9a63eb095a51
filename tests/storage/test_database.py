"""The engine's settings and migrations, on a real SQLite file."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import text

from ddcase.storage.database import Database, make_engine
from ddcase.storage.migrations import NewerDatabaseError, NotDdcaseDatabaseError, migrate, plan


@pytest.mark.sqlite_only
def test_every_connection_runs_wal_full_sync_and_foreign_keys(engine):
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_migration_creates_the_schema_with_definition_version_one(engine):
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT number, first_month, min_overlap_days FROM definition_version")
        ).all()
    assert rows == [(1, None, 14)]
    assert not plan(engine).needed


def test_migrating_twice_changes_nothing(engine):
    assert not migrate(engine).needed


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(engine, tmp_path):
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(NewerDatabaseError, match="newer version"):
        migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"


def test_a_database_that_is_not_ours_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE patients (id INTEGER PRIMARY KEY)")
    engine = make_engine(f"sqlite:///{path}")
    with pytest.raises(NotDdcaseDatabaseError):
        migrate(engine)
    engine.dispose()
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT name FROM sqlite_master").fetchall() == [("patients",)]


def test_two_writers_that_read_first_do_not_fail_with_busy_snapshot(engine):
    """BEGIN IMMEDIATE: a read-then-write transaction waits for the other writer instead of
    failing at once."""
    db = Database(engine)
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(20):
                with db.write() as session:
                    value = session.execute(text("SELECT count(*) FROM setting")).scalar()
                    session.execute(
                        text("INSERT INTO setting (key, value) VALUES (:k, 'x')"),
                        {"k": f"k{threading.get_ident()}-{value}-{_}"},
                    )
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=bump) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM setting")).scalar() == 40

"""A new SQLite file is given this version's schema without Alembic (`schema.create_if_new`,
issue 18), and it is exactly the schema that migrating it revision by revision gives: every table,
index and trigger in `sqlite_master`, in the same order and with the same text (the columns
revisions added, the sixth round's constraint order), and the same rows (the default definition,
the revision's stamp)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ddcase.storage import head_schema
from ddcase.storage.database import make_engine
from ddcase.storage.migrations import migrate, plan
from ddcase.storage.schema import (
    HEAD_REVISION,
    NotDdcaseDatabaseError,
    create_if_new,
    is_current,
    migrate_if_needed,
)
from ddcase.storage.shape import compute_head_schema, engine_problems


def constraints_in_any_order(sql: str | None) -> str | None:
    """A CREATE TABLE's text with its constraint lines sorted: the migration itself writes the
    contact table's foreign keys in a different order from one new file to the next (found in the
    seventh round: some batch rebuild's reflected constraints), and recreates that table's indexes
    in a different order too, so two migrated files differ there (the order of constraints, and of
    `sqlite_master`'s rows) and in nothing else. Every other line keeps its place and text."""
    if sql is None or not sql.startswith("CREATE TABLE"):
        return sql
    lines = [line.rstrip().rstrip(",") for line in sql.split("\n")]
    constraints = sorted(line for line in lines if line.lstrip().startswith("CONSTRAINT"))
    others = [line for line in lines if not line.lstrip().startswith("CONSTRAINT")]
    return "\n".join([*others[:-1], *constraints, others[-1]])


def described(engine) -> dict:
    """Everything a file's schema and rows are, read independently of `storage/shape.py`'s
    recording: `sqlite_master` in its order (the root pages aside), each table's columns, foreign
    keys and indexes as SQLite describes them, every row with each value's storage class."""
    with engine.connect() as conn:
        run = conn.exec_driver_sql
        master = run("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid").fetchall()
        tables = [name for kind, name, _, _ in master if kind == "table" and not name.startswith("sqlite_")]
        indexes = [name for kind, name, _, _ in master if kind == "index"]
        return {
            "master": sorted(
                (kind, name, table, constraints_in_any_order(sql)) for kind, name, table, sql in master
            ),
            "columns": {t: [tuple(r) for r in run(f'PRAGMA table_xinfo("{t}")')] for t in tables},
            "keys": {t: sorted(tuple(r)[2:] for r in run(f'PRAGMA foreign_key_list("{t}")')) for t in tables},
            "index columns": {i: [tuple(r) for r in run(f'PRAGMA index_xinfo("{i}")')] for i in indexes},
            "rows": {
                t: [(tuple(r), tuple(map(type, r))) for r in run(f'SELECT * FROM "{t}" ORDER BY rowid')]
                for t in tables
            },
            "user_version": run("PRAGMA user_version").scalar(),
        }


def test_a_new_file_has_exactly_the_schema_migrating_gives(tmp_path):
    migrated = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    created = make_engine(f"sqlite:///{tmp_path / 'created.sqlite3'}")
    try:
        assert migrate(migrated).pending  # Alembic, every revision from the first
        assert create_if_new(created)
        want, got = described(migrated), described(created)
        assert len(want["master"]) > 60 and want["rows"]["definition_version"]
        for part in want:
            assert got[part] == want[part], part
        assert is_current(created) and not plan(created).needed
        assert engine_problems(created) == []  # the opening check's shape agrees too
    finally:
        migrated.dispose()
        created.dispose()


def test_the_recording_is_what_migrating_gives_now():
    """Fails when a revision is added or changed (or a model and the revisions drift apart in what
    a migration makes) until `python -m ddcase.storage.shape --write` records it again."""
    assert head_schema.REVISION == HEAD_REVISION
    revision, statements, rows = compute_head_schema()
    assert (revision, rows) == (head_schema.REVISION, head_schema.ROWS)
    assert sorted(map(constraints_in_any_order, statements)) == sorted(
        map(constraints_in_any_order, head_schema.STATEMENTS)
    )


def test_a_file_with_any_schema_is_left_to_the_migrations(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    try:
        migrate_if_needed(engine)
        before = described(engine)
        assert not create_if_new(engine)  # current: nothing created twice
        assert described(engine) == before
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0013'")
        assert not create_if_new(engine)  # an older file is migrated, never replaced
    finally:
        engine.dispose()
    foreign = make_engine(f"sqlite:///{tmp_path / 'foreign.sqlite3'}")
    try:
        with foreign.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE notes (text VARCHAR)")
        assert not create_if_new(foreign)
        with pytest.raises(NotDdcaseDatabaseError):
            migrate_if_needed(foreign)
        with foreign.connect() as conn:
            names = [r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")]
        assert names == ["notes"]
    finally:
        foreign.dispose()


def test_a_recording_of_another_revision_is_not_used(tmp_path, monkeypatch):
    """After a revision is added and before the recording is written again, a new file is
    migrated as before."""
    monkeypatch.setattr(head_schema, "REVISION", "0013")
    engine = make_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    try:
        assert not create_if_new(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar() == 0
        migrate_if_needed(engine)
        assert is_current(engine)
    finally:
        engine.dispose()


def test_a_new_file_is_made_without_alembic(tmp_path):
    db = tmp_path / "new.sqlite3"
    code = (
        "import sys, json\nfrom ddcase.storage.database import make_engine\n"
        "from ddcase.storage.schema import is_current, migrate_if_needed\n"
        f"engine = make_engine({f'sqlite:///{db}'!r})\nmigrate_if_needed(engine)\n"
        "assert is_current(engine)\nengine.dispose()\nprint(json.dumps(sorted(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    loaded = {name.split(".")[0] for name in json.loads(result.stdout.splitlines()[-1])}
    assert "alembic" not in loaded and "mako" not in loaded

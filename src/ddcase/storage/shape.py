"""A database is what its Alembic revision says it is: the tables, columns, indexes and triggers
each revision should have are pinned in `storage/shape_pins.py`, and a file whose schema differs
(a table dropped, a guard trigger gone, a trigger added) is refused by the opening check, `ddcase
check`, backup verification and restore, naming what differs.

The pins are made by migrating an empty SQLite file revision by revision; after adding a
revision, write them again with `python -m ddcase.storage.shape --write` (a test checks that they
agree with the migrations). On PostgreSQL the tables and columns are compared (its indexes and
triggers are named by the server and by team-setup; the audit guards are checked on their own).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from pprint import pformat
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from ddcase.storage.schema import SchemaError

Shape = dict[str, Any]  # {"tables": {name: [columns]}, "indexes": [names], "triggers": [names]}

PINS_MODULE = Path(__file__).with_name("shape_pins.py")


class ShapeError(SchemaError):
    """The database's schema is not the one its revision should have; it was left untouched."""


def read_shape(connection: Connection) -> Shape:
    """The schema as it is: every table with its columns, and (SQLite) the named indexes and
    the triggers. SQLite's own tables and automatic indexes are left out."""
    if connection.dialect.name == "sqlite":
        objects = connection.exec_driver_sql(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
        tables = sorted(name for kind, name in objects if kind == "table")
        return {
            "tables": {
                table: sorted(row[1] for row in connection.exec_driver_sql(f'PRAGMA table_info("{table}")'))
                for table in tables
            },
            "indexes": sorted(name for kind, name in objects if kind == "index"),
            "triggers": sorted(name for kind, name in objects if kind == "trigger"),
        }
    columns: dict[str, list[str]] = {}
    rows = connection.execute(
        text(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t ON t.table_schema = c.table_schema "
            "AND t.table_name = c.table_name "
            "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
        )
    )
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return {"tables": {table: sorted(names) for table, names in sorted(columns.items())}}


def differences(found: Shape, expected: Shape) -> list[str]:
    """What differs, in words ("table contact is missing"), missing things first. Pure."""
    missing: list[str] = []
    extra: list[str] = []
    found_tables, expected_tables = found["tables"], expected["tables"]
    for table in sorted(expected_tables):
        if table not in found_tables:
            missing.append(f"table {table} is missing")
            continue
        have = set(found_tables[table])
        missing += [f"column {table}.{c} is missing" for c in expected_tables[table] if c not in have]
        want = set(expected_tables[table])
        extra += [f"column {table}.{c} is not ddcase's" for c in found_tables[table] if c not in want]
    extra += [f"table {t} is not ddcase's" for t in sorted(found_tables) if t not in expected_tables]
    for kind in ("index", "trigger"):
        if f"{kind}es" not in expected and f"{kind}s" not in expected:
            continue
        key = "indexes" if kind == "index" else "triggers"
        have_names, want_names = set(found.get(key, [])), set(expected.get(key, []))
        missing += [f"{kind} {n} is missing" for n in sorted(want_names - have_names)]
        extra += [f"{kind} {n} is not ddcase's" for n in sorted(have_names - want_names)]
    return missing + extra


def expected_shape(revision: str, dialect: str) -> Shape | None:
    """The schema `revision` should have on `dialect`, or None for a revision not pinned."""
    from ddcase.storage.shape_pins import PINS

    pinned: Shape | None = PINS.get(revision)
    if pinned is None:
        return None
    if dialect == "sqlite":
        return pinned
    # PostgreSQL: the tables and columns (alembic_version included).
    return {"tables": pinned["tables"]}


def revision_of(connection: Connection) -> str | None:
    try:
        stamped = [row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")]
    except DBAPIError:
        return None
    return stamped[0] if len(stamped) == 1 else None


def problems(connection: Connection) -> list[str]:
    """How this database's schema differs from the one its revision should have ([] when it
    agrees, or when its revision is not one this version knows: migrations refuse those)."""
    revision = revision_of(connection)
    if revision is None:
        return []
    expected = expected_shape(revision, connection.dialect.name)
    if expected is None:
        return []
    return differences(read_shape(connection), expected)


def engine_problems(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return problems(connection)


def shape_message(where: str, found: list[str]) -> str:
    shown = "; ".join(found[:6]) + (f"; and {len(found) - 6} more" if len(found) > 6 else "")
    return (
        f"{where} is not a whole ddcase database: its schema differs from the one its version "
        f"should have ({shown}). Nothing was changed."
    )


def refuse_if_changed(engine: Engine, where: str) -> None:
    """Raise ShapeError naming what differs, if the schema is not what its revision says."""
    found = engine_problems(engine)
    if found:
        raise ShapeError(shape_message(where, found))


# ---------------------------------------------------------------------- writing the pins


def compute_pins() -> dict[str, Shape]:
    """Migrate an empty SQLite file one revision at a time and read its shape after each."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from ddcase.storage.database import make_engine
    from ddcase.storage.migrations import alembic_config

    config = alembic_config()
    revisions = [rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()]
    pins: dict[str, Shape] = {}
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'pins.sqlite3'}")
        try:
            for revision in reversed(revisions):
                with engine.begin() as conn:
                    config.attributes["connection"] = conn
                    command.upgrade(config, revision)
                with engine.connect() as conn:
                    pins[revision] = read_shape(conn)
        finally:
            engine.dispose()
    return pins


def write_pins() -> Path:
    pins = compute_pins()
    body = pformat(pins, width=100, sort_dicts=True, compact=True)
    PINS_MODULE.write_text(
        '"""The schema each Alembic revision should have (storage/shape.py). Written by\n'
        '`python -m ddcase.storage.shape --write`; do not edit by hand."""\n\n'
        "from typing import Any\n\n"
        f"PINS: dict[str, Any] = {body}\n",
        encoding="utf-8",
    )
    return PINS_MODULE


# ---------------------------------------------------------------------- a new file's schema

HEAD_SCHEMA_MODULE = Path(__file__).with_name("head_schema.py")

#: A recording of a migrated file: its revision, `sqlite_master`'s statements in their order (the
#: automatic indexes, which have none, come with their tables), and each table's rows that are not
#: empty, as (table, columns, rows).
HeadSchema = tuple[str, tuple[str, ...], tuple[tuple[str, tuple[str, ...], tuple[tuple[Any, ...], ...]], ...]]


def read_head_schema(connection: Connection) -> HeadSchema:
    """What `schema.create_if_new` replays, read from an SQLite file (one migrated, or one it made)."""
    (revision,) = connection.exec_driver_sql("SELECT version_num FROM alembic_version").one()
    statements = tuple(
        row[0]
        for row in connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
        )
    )
    tables = [
        row[0]
        for row in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        )
    ]
    rows = []
    for table in tables:
        result = connection.exec_driver_sql(f'SELECT * FROM "{table}" ORDER BY rowid')
        found = tuple(tuple(row) for row in result)
        if found:
            rows.append((table, tuple(result.keys()), found))
    return str(revision), statements, tuple(rows)


def compute_head_schema() -> HeadSchema:
    """Migrate an empty SQLite file to the head revision, as ddcase migrates, and record it."""
    from ddcase.storage.database import make_engine
    from ddcase.storage.migrations import migrate

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'head.sqlite3'}")
        try:
            migrate(engine)
            with engine.connect() as conn:
                return read_head_schema(conn)
        finally:
            engine.dispose()


def write_head_schema() -> Path:
    revision, statements, rows = compute_head_schema()
    HEAD_SCHEMA_MODULE.write_text(
        '"""A new SQLite file\'s schema: what migrating an empty file to REVISION leaves in\n'
        "`sqlite_master` (its statements in their order) and in its tables (storage/schema.py,\n"
        "`create_if_new`). Written by `python -m ddcase.storage.shape --write` (then `ruff format`);\n"
        "do not edit by hand.\n"
        '"""\n\n'
        "from typing import Any\n\n"
        f"REVISION = {revision!r}\n\n"
        f"STATEMENTS: tuple[str, ...] = {pformat(statements, width=100)}\n\n"
        "ROWS: tuple[tuple[str, tuple[str, ...], tuple[tuple[Any, ...], ...]], ...] = "
        f"{pformat(rows, width=100, compact=True)}\n",
        encoding="utf-8",
    )
    return HEAD_SCHEMA_MODULE


if __name__ == "__main__":  # pragma: no cover - a developer's tool
    if sys.argv[1:] != ["--write"]:
        print("usage: python -m ddcase.storage.shape --write", file=sys.stderr)
        raise SystemExit(2)
    print(f"wrote {write_pins()}")
    print(f"wrote {write_head_schema()}")

"""An import's result as one hash (issue 18: speed never costs a figure): the folder imported into a
new SQLite file with a fixed clock and user, then every table's rows hashed in rowid order (their
values and, through `repr`, their storage classes), with the schema and `PRAGMA foreign_key_check`.
Run it with two trees' `PYTHONPATH`s on the same folder and compare the last line.

    PYTHONPATH=src python benchmarks/import_hash.py NEW.sqlite3 FOLDER

Two things differ between any two imports and are left out: the audit entry's random salt (and
the hashes over it), and the order of the contact table's constraints in its schema text, which
the migration's batch rebuild writes in a set's order (it differs between runs of one tree): the
schema's lines are compared sorted. The child is spawned, so nothing runs at import time."""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import time
from datetime import UTC, date, datetime

#: The audit tables' columns compared (not the salt, nor the hashes and signature over it).
_AUDIT_COLUMNS = {
    "audit_value": "seq, before_json, after_json",
    "audit_event": "seq, at_utc, os_user, app_user, action, entity, entity_key, before_json, after_json, chain",
}


def import_folder(database: str, folder: str) -> None:
    from ddcase.services.base import Context
    from ddcase.services.transfer import TransferService
    from ddcase.storage.database import Database, make_engine
    from ddcase.storage.migrations import migrate

    engine = make_engine(f"sqlite:///{database}")
    try:
        migrate(engine)
        context = Context(
            Database(engine),
            user="Benchmark",
            today=lambda: date(2026, 11, 22),
            now=lambda: datetime(2026, 11, 22, 10, 42, tzinfo=UTC),
        )
        wall, cpu = time.perf_counter(), time.process_time()
        summary = TransferService(context).import_folder(folder)
        print(
            f"imported in {time.perf_counter() - wall:.2f} s ({time.process_time() - cpu:.2f} s CPU): "
            f"contacts {summary.contacts}"
        )
    finally:
        engine.dispose()


def database_hash(database: str) -> str:
    connection = sqlite3.connect(database)
    try:
        total = hashlib.sha256()
        for name, sql in connection.execute("SELECT name, sql FROM sqlite_master ORDER BY type, name"):
            lines = sorted(line.strip() for line in (sql or "").replace(",", "").splitlines())
            total.update(repr((name, lines)).encode())
        tables = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
        for (name,) in tables:
            table = hashlib.sha256()
            count = 0
            columns = _AUDIT_COLUMNS.get(name, "*")
            for row in connection.execute(f'SELECT {columns} FROM "{name}" ORDER BY rowid'):
                table.update(repr(row).encode())
                count += 1
            total.update(table.digest())
            if count:
                print(f"  {name:30s} {count:8d} rows  {table.hexdigest()[:16]}")
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        print(f"  foreign_key_check: {len(broken)} rows")
        return total.hexdigest()
    finally:
        connection.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: import_hash.py NEW.sqlite3 FOLDER")
    import_folder(sys.argv[1], sys.argv[2])
    print("all tables:", database_hash(sys.argv[1]))

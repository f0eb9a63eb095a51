"""The import's floor at the present schema (issue 18, ninth round): SQLite's own work in a first
import of the trust, with no parsing, checking or per-row Python, each step timed apart.

    PYTHONPATH=src python benchmarks/import_floor.py NEW.sqlite3 TRUST.sqlite3 [--threads N]
        [--fingerprint text|blob|int64] [--skip INDEX ...]

NEW.sqlite3 is made and migrated to the current schema by ddcase's own migration (as the import
makes a new file), then written through plain `sqlite3` with the import's settings: the
journal in DELETE mode (`bulk_load.new_file_journal`), `synchronous = FULL`, the foreign keys off
and checked once before the commit (`PRAGMA foreign_key_check`, as `Database.write(
keys_checked_at_commit=True)`), one `BEGIN IMMEDIATE` transaction. As the import does
(`bulk_load.write_records`, `ContactWriter`): the episode and contact tables' indexes and insert
guards are dropped first; the organisations, workers and clients go in (their guards kept), then
the episodes, each episode index built, then the contacts `CONTACT_CHUNK` rows to an
`executemany` with the three shared columns as literals and the cache at `LOAD_CACHE_KIB`, then
the fingerprint's unique index and the other contact indexes, one at a time, at
`INDEX_BUILD_CACHE_KIB` and `PRAGMA threads = N` (the import's `sorter_threads()`: 1 on two
cores), then the guards, the key check and the commit.

The rows are the trust's own (TRUST.sqlite3, as generated: the same values the import of its CSV
folder writes), read a batch at a time from TRUST.sqlite3 outside the timed calls: only
SQLite's `executemany` is timed for the inserts. Each step: wall clock, this thread's CPU
(`time.thread_time`, the import's critical path) and the process's CPU (all threads: the
sorter's helpers included).

`--fingerprint blob` stores each contact's fingerprint as its 32 bytes instead of 64 hexadecimal
characters, `int64` as its first 8 bytes as an integer (not a unique key in general: for
measuring only); `--skip` leaves an index unbuilt. Neither is the present schema: both measure
what a narrower key or a smaller index set would save. Run by hand; never a timed test.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ddcase.storage.bulk_load import DROPPABLE_INDEXES, TRIGGERS, is_insert_guard  # noqa: E402
from ddcase.storage.driver_values import CONTACT_VALUE_COLUMNS  # noqa: E402

#: The columns the import writes (bulk_load's insert), the fingerprint with them.
CONTACT_COLUMNS = (*CONTACT_VALUE_COLUMNS, "fingerprint")


class Steps:
    """Each step's wall clock, this thread's CPU and the process's CPU, in order."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, float]] = []

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        wall, cpu, process = time.perf_counter(), time.thread_time(), _process_cpu()
        try:
            yield
        finally:
            self.add(label, time.perf_counter() - wall, time.thread_time() - cpu, _process_cpu() - process)

    def add(self, label: str, wall: float, cpu: float, process: float) -> None:
        for i, (name, w, c, p) in enumerate(self.rows):
            if name == label:
                self.rows[i] = (name, w + wall, c + cpu, p + process)
                return
        self.rows.append((label, wall, cpu, process))

    def report(self) -> None:
        print(f"{'step':48s} {'wall':>8s} {'thread':>8s} {'process':>8s}")
        for name, wall, cpu, process in self.rows:
            print(f"{name:48s} {wall:8.3f} {cpu:8.3f} {process:8.3f}")
        total = [sum(r[i] for r in self.rows) for i in (1, 2, 3)]
        print(f"{'in all':48s} {total[0]:8.3f} {total[1]:8.3f} {total[2]:8.3f}")


def _process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _migrated(path: Path) -> None:
    from ddcase.storage.database import database_url, make_engine
    from ddcase.storage.migrations import migrate

    engine = make_engine(database_url(path))
    try:
        migrate(engine)
    finally:
        engine.dispose()


def _dropped(conn: sqlite3.Connection, table: str) -> tuple[dict[str, str], list[str]]:
    """As `bulk_load.drop_indexes` and `drop_insert_guards`: the table's indexes and its insert
    guard dropped, and the statements that make them again."""
    indexes = conn.execute(DROPPABLE_INDEXES, (table,)).fetchall()
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    triggers = conn.execute(TRIGGERS, (table,)).fetchall()
    guards = [(name, sql) for name, sql in triggers if is_insert_guard(sql)]
    for name, _sql in guards:
        conn.execute(f'DROP TRIGGER "{name}"')
    return dict(indexes), [sql for _name, sql in guards]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _copy_table(
    steps: Steps, label: str, source: sqlite3.Connection, conn: sqlite3.Connection, table: str
) -> int:
    columns = _columns(conn, table)
    rows = source.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id").fetchall()
    marks = ", ".join("?" * len(columns))
    with steps.step(label):
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    return len(rows)


def _fingerprint_as(kind: str) -> Callable[[str], Any] | None:
    if kind == "text":
        return None
    if kind == "blob":
        return bytes.fromhex
    return lambda fingerprint: int.from_bytes(bytes.fromhex(fingerprint[:16]), "big", signed=True)


def main(argv: list[str]) -> int:
    from ddcase.services.transfer.service import CONTACT_CHUNK
    from ddcase.storage.bulk_load import FINGERPRINT_INDEX, INDEX_BUILD_CACHE_KIB, LOAD_CACHE_KIB
    from ddcase.storage.driver import mark_as_ddcase

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("new", type=Path)
    parser.add_argument("trust", type=Path)
    parser.add_argument("--threads", type=int, default=1, help="PRAGMA threads for the contact builds")
    parser.add_argument("--fingerprint", choices=("text", "blob", "int64"), default="text")
    parser.add_argument("--skip", nargs="*", default=[], help="contact indexes left unbuilt")
    args = parser.parse_args(argv)
    if args.new.exists():
        sys.exit(f"{args.new} exists: give a new file")

    steps = Steps()
    with steps.step("new file migrated (ddcase's migration)"):
        _migrated(args.new)
    source = sqlite3.connect(f"file:{args.trust}?mode=ro", uri=True)
    conn = sqlite3.connect(args.new)
    conn.isolation_level = None
    mark_as_ddcase(conn)
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = OFF")  # checked once before the commit

    conn.execute("BEGIN IMMEDIATE")
    conn.execute("PRAGMA cache_size = -65536")  # bulk_load.IMPORT_CACHE_KIB, the import's session
    episode_indexes, episode_guards = _dropped(conn, "episode")
    contact_indexes, contact_guards = _dropped(conn, "contact")
    for table in ("organisation", "worker", "client"):
        _copy_table(steps, "organisations, workers, clients inserted", source, conn, table)
    _copy_table(steps, "episodes inserted", source, conn, "episode")
    conn.execute(f"PRAGMA cache_size = -{INDEX_BUILD_CACHE_KIB}")
    for name, sql in episode_indexes.items():
        with steps.step(f"episode index {name}"):
            conn.execute(sql)
    for sql in episode_guards:
        conn.execute(sql)
    conn.execute("PRAGMA cache_size = -65536")

    conn.execute(f"PRAGMA cache_size = -{LOAD_CACHE_KIB}")
    convert = _fingerprint_as(args.fingerprint)
    stamp = "1, '2026-11-01 09:00:00.000000', 'benchmark'"
    insert = (
        f"INSERT INTO contact ({', '.join(CONTACT_COLUMNS)}, version, updated_at, updated_by) "
        f"VALUES ({', '.join('?' * len(CONTACT_COLUMNS))}, {stamp})"
    )
    cursor = source.execute(f"SELECT {', '.join(CONTACT_COLUMNS)} FROM contact ORDER BY id")
    contacts = 0
    while batch := cursor.fetchmany(CONTACT_CHUNK):
        if convert is not None:
            batch = [(*row[:10], convert(row[10])) for row in batch]
        with steps.step("contacts inserted (executemany only)"):
            conn.executemany(insert, batch)
        contacts += len(batch)
    source.close()

    conn.execute(f"PRAGMA cache_size = -{INDEX_BUILD_CACHE_KIB}")
    conn.execute(f"PRAGMA threads = {args.threads}")
    order = sorted(contact_indexes, key=lambda name: name != FINGERPRINT_INDEX)  # the fingerprint's first
    for name in order:
        if name in args.skip:
            continue
        with steps.step(f"contact index {name}"):
            conn.execute(contact_indexes[name])
    conn.execute("PRAGMA threads = 0")
    for sql in contact_guards:
        conn.execute(sql)
    with steps.step("foreign key check"):
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    with steps.step("commit"):
        conn.execute("COMMIT")
    conn.close()

    print(
        f"{contacts:,} contacts; fingerprint {args.fingerprint}; threads {args.threads}; "
        f"skipped {args.skip or 'none'}; broken keys {len(broken)}"
    )
    steps.report()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

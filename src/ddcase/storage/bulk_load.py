"""The bulk load of a CSV import (services/transfer): the records an import found new inserted
set-based, those it found changed updated through the ORM (so each one's version goes up), and an
empty episode table's indexes built once after its rows are in.

The contacts are written a batch at a time by `ContactWriter`, straight from the stream of
contacts.csv (services/transfer/contacts.py); `drop_indexes`, `drop_insert_guards` and
`create_indexes` serve both. `sqlite_import_cache` sizes SQLite's cache for the import and its
index builds, and `new_file_journal` writes a first import into a new file without WAL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, col

from ddcase.cores import usable_cores
from ddcase.domain import Client, Episode, Worker
from ddcase.storage import repository
from ddcase.storage.database import Database, Stamp
from ddcase.storage.driver_values import CONTACT_VALUE_COLUMNS
from ddcase.storage.tables import ClientRow, ContactRow, EpisodeRow, WorkerRow, table_of

_CHUNK = 500  # ids per IN (...) list, well under every backend's parameter limit
#: SQLite's page cache while an import inserts (a million new contacts update their tables).
IMPORT_CACHE_KIB = 64 * 1024
#: ... and while a first load inserts contacts into a table whose indexes it dropped: each row is
#: appended, so nothing is read back but the table's last page and the few clients and workers the
#: rows name (a trust's 20,000 clients: about 2 MB). The trust's million contacts went in with the
#: same CPU time as with 64 MB, and the import's two processes peaked 21 MB lower.
LOAD_CACHE_KIB = 8 * 1024
#: ... and while it builds the indexes it dropped: SQLite's own default (2,000 KiB). SQLite's
#: sorter holds up to a cache's worth of keys in memory before it writes a sorted run to a
#: temporary file, on top of the page cache itself, so the 64 MB cache cost 128 MB at the peak;
#: and small runs sort faster (they fit in the CPU's caches): the trust's five contact indexes
#: took 2.8 s of CPU with this, 3.0 s with 4 MB, 3.5 s with 16 MB, 3.8-4.1 s with 64 MB.
INDEX_BUILD_CACHE_KIB = 2000
#: At most this many threads of SQLite's sorter (`PRAGMA threads`) beside the importing one while
#: a load's contact indexes are built after the last row (`ContactWriter.finish`), one a core
#: besides the importing thread's (`sorter_threads`). By then the child that read contacts.csv has
#: ended and its core is free: the sorter's threads sort and write its runs there while the
#: importing thread reads the table on. The trust's five contact index builds (a copy, loaded
#: machine): the importing thread's CPU 3.4-3.8 s without, 2.5-2.6 s with one thread, 2.1 s with
#: two; the CPU of all threads together 0.5-0.9 s more. The episodes' builds, while the child
#: still reads, add none.
SORTER_THREADS = 2


@contextmanager
def sqlite_import_cache(session: Session, kib: int = IMPORT_CACHE_KIB) -> Iterator[None]:
    """SQLite's page cache at `kib` KiB for this session's connection during the block, then as
    it was (a smaller cache frees the pages beyond it). Memory only: durability is unchanged.
    Nothing elsewhere than SQLite."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = _set_sqlite_cache(connection, -int(kib))
    try:
        yield
    finally:
        with suppress(SQLAlchemyError):  # never in the way of the error that ended the block
            _set_sqlite_cache(connection, before)


def _set_sqlite_cache(connection: Connection, setting: int) -> int:
    """Set SQLite's page cache (PRAGMA cache_size's own terms: negative, in KiB; positive, in
    pages) and return the setting it had."""
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size = {int(setting)}")
    return before


def sorter_threads() -> int:
    """Threads SQLite's sorter may add for an index build: one a core this process may run on
    besides the importing thread's, at most `SORTER_THREADS` (0 on one core)."""
    return max(0, min(SORTER_THREADS, usable_cores() - 1))


@contextmanager
def _sqlite_sorter_threads(connection: Connection, threads: int) -> Iterator[None]:
    """`PRAGMA threads` at `threads` on this connection during the block, then as it was (so that
    no pooled connection keeps them). Nothing elsewhere than SQLite, or with no thread to add."""
    if connection.dialect.name != "sqlite" or threads < 1:
        yield
        return
    before = int(connection.exec_driver_sql("PRAGMA threads").scalar_one())
    connection.exec_driver_sql(f"PRAGMA threads = {int(threads)}")
    try:
        yield
    finally:
        with suppress(SQLAlchemyError):  # never in the way of the error that ended the block
            connection.exec_driver_sql(f"PRAGMA threads = {before}")


#: The tables a log holds records in: a file with none of them is new (a first import's).
_RECORD_TABLES = ("worker", "client", "episode", "contact")


@contextmanager
def new_file_journal(db: Database) -> Iterator[bool]:
    """An import into a new SQLite file (no worker, client, episode or contact yet, and no other
    connection open to it) writes its one transaction with a rollback journal instead of the
    write-ahead log, and the file is put back in WAL mode afterwards, whether the import
    committed or not. Yields whether it did.

    In WAL mode every page of the load (380 MB for a trust) is written twice, to the -wal file and
    then by the checkpoint at the end into the file itself; with a rollback journal it is written
    once, straight into the file, and the journal keeps only the few pages the new file held
    before (pages past its old end need no copy). That is as safe: `synchronous = FULL` still
    holds, the transaction is still all or nothing, and a crash part-way leaves a hot journal
    that SQLite plays back at the next opening, putting the file back as it was. What WAL adds
    is readers working beside the writer, which nobody needs in a file that holds nothing yet.
    An encrypted file is treated alike (SQLCipher encrypts the journal as it does the file). A log
    that holds records keeps WAL throughout, and so does a file another connection has open
    (SQLite refuses to leave WAL then). Nothing is read or changed before the opening check has
    passed (an empty write waits for it first)."""
    if not db.is_sqlite or db.path is None:
        yield False
        return
    # A write that writes nothing, first: it waits, as every write does, for the opening check
    # (storage/opening.py), so that nothing here reads or changes a file not yet found sound.
    with db.write():
        pass
    if not _is_new(db):
        yield False
        return
    switched = _set_journal_mode(db, "delete") == "delete"
    try:
        yield switched
    finally:
        if switched:
            _set_journal_mode(db, "wal")  # if even this failed, the next opening sets WAL


def _is_new(db: Database) -> bool:
    with db.engine.connect() as connection:
        for table in _RECORD_TABLES:
            if connection.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first() is not None:
                return False
    return True


def _set_journal_mode(db: Database, mode: str) -> str | None:
    """Outside any transaction, on a connection of the pool (the one the import's session
    takes next): the journal mode now, or None when SQLite refused the change."""
    with db.engine.connect() as connection:
        driver = connection.connection.driver_connection
        if driver is None:
            return None
        try:
            row = driver.execute(f"PRAGMA journal_mode = {mode}").fetchone()
        except db.engine.dialect.loaded_dbapi.OperationalError:  # another connection has the file
            return None
        return str(row[0]).lower() if row else None


@dataclass(frozen=True, slots=True)
class RecordChange:
    """One record an import changed: the fields that changed, before and after (with the
    fields that say which record it is), for its own audit entry."""

    entity: str
    key: str
    before: dict[str, Any]
    after: dict[str, Any]


_NOT_RECORDED = frozenset({"id", "version", "updated_at", "updated_by"})


def _values(row: Any) -> dict[str, Any]:
    values = {}
    for column in row.__table__.columns:
        if column.name in _NOT_RECORDED:
            continue
        value = getattr(row, column.name)
        values[column.name] = value.isoformat() if isinstance(value, dt.date) else value
    return values


def _change(
    entity: str, key: str, before: dict[str, Any], row: Any, keep: tuple[str, ...]
) -> RecordChange | None:
    after = _values(row)
    changed = sorted(name for name in after if before.get(name) != after[name])
    if not changed:
        return None
    which = {name: after[name] for name in keep}
    return RecordChange(
        entity,
        key,
        {**which, **{name: before.get(name) for name in changed}},
        {**which, **{name: after[name] for name in changed}},
    )


def write_records(
    session: Session,
    *,
    new_workers: Sequence[Worker],
    new_clients: Sequence[Client],
    new_episodes: Sequence[Episode],
    changed_workers: Sequence[tuple[int, Worker]],
    changed_clients: Sequence[tuple[int, Client]],
    changed_episodes: Sequence[tuple[int, Episode]],
    stamp: Stamp,
    people_written: Callable[[], None] | None = None,
) -> list[RecordChange]:
    """Bulk inserts of what is new, then ORM updates of what changed (by id). Into an empty
    episode table (a first import), its indexes are built once after the rows are in. Returns
    what each changed record held before and holds now (issue 14: an import's updates keep
    their before values, one audit entry per record). `people_written`, if given, is called
    once the new workers and clients are in (their ids are known) and before the episodes go in.
    """
    empty = session.scalars(select(col(EpisodeRow.id)).limit(1)).first() is None
    dropped = drop_indexes(session, "episode") if empty and new_episodes else {}
    guards = drop_insert_guards(session, "episode") if empty and new_episodes else []
    # Every organisation first, in the order one call would make them (the workers', the new
    # episodes', then the changed records'), so that their ids do not depend on the split.
    repository.insert_new(
        session,
        new_workers,
        new_clients,
        [],
        [],
        stamp=stamp,
        organisations=[(e.organisation, e.service) for e in new_episodes]
        + [(w.organisation, w.service) for _, w in changed_workers]
        + [(e.organisation, e.service) for _, e in changed_episodes],
    )
    if people_written is not None:
        people_written()
    repository.insert_new(session, [], [], new_episodes, [], stamp=stamp)
    create_indexes(session, [*dropped.values(), *guards])
    org_ids = repository.organisation_ids(session)
    worker_ids = repository.worker_ids(session)
    changes: list[RecordChange | None] = []
    for row, w in _rows_by_id(session, WorkerRow, changed_workers):
        before = _values(row)
        row.organisation_id = org_ids[w.organisation]
        row.role = w.role.value if w.role else None
        row.email = w.email
        row.phone = w.phone
        row.updated_at, row.updated_by = stamp["updated_at"], stamp["updated_by"]
        changes.append(_change("worker", row.name, before, row, ("service",)))
    for row, c in _rows_by_id(session, ClientRow, changed_clients):
        before = _values(row)
        repository.apply_client(row, c)
        row.updated_at, row.updated_by = stamp["updated_at"], stamp["updated_by"]
        changes.append(_change("client", row.client_ref, before, row, ()))
    episode_rows = list(_rows_by_id(session, EpisodeRow, changed_episodes))
    episode_refs = _client_refs(session, {row.client_id for row, _ in episode_rows})
    for row, e in episode_rows:
        before = _values(row)
        row.team = e.team
        row.worker_id = worker_ids[(e.service.value, e.worker)] if e.worker else None
        row.end_date = e.end_date
        row.updated_at, row.updated_by = stamp["updated_at"], stamp["updated_by"]
        keep = ("service", "organisation_id", "start_date")
        changes.append(_change("episode", episode_refs.get(row.client_id, ""), before, row, keep))
    session.flush()
    return [change for change in changes if change is not None]


def _client_refs(session: Session, ids: set[int]) -> dict[int, str]:
    refs: dict[int, str] = {}
    chosen = sorted(ids)
    for start in range(0, len(chosen), _CHUNK):
        query = select(ClientRow).where(col(ClientRow.id).in_(chosen[start : start + _CHUNK]))
        refs.update((row.id, row.client_ref) for row in session.scalars(query) if row.id is not None)
    return refs


def _rows_by_id(
    session: Session, table: Any, changes: Sequence[tuple[int, Any]]
) -> Iterator[tuple[Any, Any]]:
    """The rows to update, loaded a chunk of ids at a time rather than one query per row."""
    by_id = dict(changes)
    ids = list(by_id)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for row in session.scalars(select(table).where(table.id.in_(chunk))):
            yield row, by_id[row.id]


# ---------------------------------------------------------------------- contacts, a batch at a time


#: The columns `ContactWriter.write` takes, in this order, for each row.
CONTACT_INSERT_COLUMNS = (*CONTACT_VALUE_COLUMNS, "fingerprint")
_ID_CHUNK = 500  # values per IN (...) list, well under every backend's parameter limit


#: The contact fingerprint's unique index (revision 0006: an index, so that a load can build it).
FINGERPRINT_INDEX = "uq_contact_fingerprint"


class ContactValues:
    """How the driver takes each contact column's values: as the column's type would send them
    (for SQLite, a date becomes 'YYYY-MM-DD')."""

    def __init__(self, connection: Connection) -> None:
        dialect = connection.dialect
        self.processors = {
            c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in table_of(ContactRow).c
        }

    def value(self, column: str, value: object) -> object:
        processor = self.processors[column]
        return value if value is None or processor is None else processor(value)


def contact_values(session: Session) -> ContactValues:
    """How the driver of `session` takes each contact column's values."""
    return ContactValues(session.connection())


class ContactWriter:
    """Writes new contacts a batch at a time, inside the caller's write transaction, straight
    through the driver's `executemany` (SQLAlchemy's Core insert costs several microseconds a row
    in parameter processing; a trust's import is a million rows).

    A contact already stored is skipped by the unique index on its fingerprint
    (`INSERT ... ON CONFLICT (fingerprint) DO NOTHING`, on SQLite and PostgreSQL alike), and so is a
    repeat within the import. `created` counts the rows really inserted; `unchanged` the distinct
    contacts that were already stored before this writer started (told apart from repeats within
    the import by their id: rows stored before have an id up to the largest id seen at the start).

    A load (`load=True`) into an empty contact table on SQLite drops the table's indexes, the
    fingerprint's unique index included, and `finish` builds them again from the loaded rows:
    building an index once is several times cheaper than keeping it up to date row by row, above
    all the unique index of a random 64-character key. Meanwhile rows go in with a plain INSERT,
    and without the table's insert guard (`drop_insert_guards`, made again by `finish`),
    so a repeat within the import is stored twice until `finish` removes every copy but the first
    (the lowest id, the row ON CONFLICT would have kept) and takes the copies off `created`. DDL is
    transactional on SQLite: a rolled-back load gets its indexes back with everything else.

    Values go to the driver as the column's type would send them: the caller passes each distinct
    value of a column through `value` once and reuses the result.
    """

    def __init__(self, session: Session, *, stamp: Stamp, load: bool = False) -> None:
        self._session = session
        self._connection = session.connection()
        dialect = self._connection.dialect
        self._values = ContactValues(self._connection)
        self._processors = self._values.processors
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        # The three columns every row shares go into the statement as literals on SQLite (binding
        # them cost 0.2 µs of a row's 1.6); elsewhere, or for a value no plain literal says,
        # `write` adds them to each row.
        shared = (
            self.value("version", 1),
            self.value("updated_at", stamp["updated_at"]),
            self.value("updated_by", stamp["updated_by"]),
        )
        literals = [_sqlite_literal(value) for value in shared] if dialect.name == "sqlite" else []
        tail = [literal for literal in literals if literal is not None]
        self._tail: tuple[object, ...] = ()
        if not literals or len(tail) < len(literals):
            tail, self._tail = [mark] * len(shared), shared
        columns = (*CONTACT_INSERT_COLUMNS, "version", "updated_at", "updated_by")
        marks = [mark] * len(CONTACT_INSERT_COLUMNS)
        insert = f"INSERT INTO contact ({', '.join(columns)}) VALUES ({', '.join([*marks, *tail])})"
        # Only the note and fingerprint are not passed through `value` by the caller (they differ
        # on every row); neither column's type has a bind processor today, but if one ever does,
        # it is applied here.
        self._per_row = [
            (CONTACT_INSERT_COLUMNS.index(name), processor)
            for name in ("note", "fingerprint")
            if (processor := self._processors[name]) is not None
        ]
        self._max_id_before = self._connection.exec_driver_sql("SELECT max(id) FROM contact").scalar() or 0
        self._matched = bytearray(self._max_id_before // 8 + 1)
        self.created = 0
        self.unchanged = 0
        loading = load and self.table_was_empty
        self._dropped = drop_indexes(session, "contact") if loading else {}
        self._guards = drop_insert_guards(session, "contact") if loading else []
        # Without the unique index, ON CONFLICT has nothing to go by: repeats are removed by `finish`.
        self._unique_after = self._dropped.get(FINGERPRINT_INDEX)
        self._sql = insert if self._unique_after else f"{insert} ON CONFLICT (fingerprint) DO NOTHING"
        # A load's rows go in with the smaller cache, and `finish` puts the caller's back.
        self._cache_after = _set_sqlite_cache(self._connection, -LOAD_CACHE_KIB) if self._dropped else None

    @property
    def table_was_empty(self) -> bool:
        return self._max_id_before == 0

    def value(self, column: str, value: object) -> object:
        """`value` as the driver gets it for `column` (`ContactValues`)."""
        return self._values.value(column, value)

    def write(self, rows: list[tuple[object, ...]]) -> None:
        """Insert `rows` (each the values of CONTACT_INSERT_COLUMNS), skipping those already
        stored."""
        if not rows:
            return
        if self._per_row:
            rows = [self._processed(row) for row in rows]
        if self._tail:
            tail = self._tail
            rows = [row + tail for row in rows]
        inserted = self._connection.exec_driver_sql(self._sql, rows).rowcount
        self.created += inserted
        if inserted < len(rows) and self._max_id_before:
            self._count_stored(rows)

    def finish(self) -> None:
        """After the last `write`: build the indexes a load dropped, the fingerprint's first (its
        repeats removed), then the others from what is left; then the insert guard again. The
        builds may use SQLite's sorter threads (`SORTER_THREADS`)."""
        threads = sorter_threads() if self._dropped else 0
        with _sqlite_sorter_threads(self._connection, threads):
            if self._unique_after:
                with sqlite_import_cache(self._session, INDEX_BUILD_CACHE_KIB):
                    try:
                        self._connection.exec_driver_sql(self._unique_after)
                    except IntegrityError:
                        # Repeats within the import (SQLite undoes just the failed statement): keep
                        # the first of each, as ON CONFLICT DO NOTHING would have, and build it again.
                        removed = self._connection.exec_driver_sql(
                            "DELETE FROM contact WHERE id NOT IN (SELECT min(id) FROM contact GROUP BY fingerprint)"
                        ).rowcount
                        self.created -= removed
                        self._connection.exec_driver_sql(self._unique_after)
            create_indexes(
                self._session, [sql for name, sql in self._dropped.items() if name != FINGERPRINT_INDEX]
            )
        create_indexes(self._session, self._guards)
        if self._cache_after is not None:
            _set_sqlite_cache(self._connection, self._cache_after)
            self._cache_after = None
        self._dropped = {}
        self._guards = []
        self._unique_after = None

    def _processed(self, row: tuple[object, ...]) -> tuple[object, ...]:
        cells = list(row)
        for position, processor in self._per_row:
            if cells[position] is not None:
                cells[position] = processor(cells[position])
        return tuple(cells)

    def _count_stored(self, rows: list[tuple[object, ...]]) -> None:
        fingerprints = list({row[10] for row in rows})
        matched = self._matched
        for start in range(0, len(fingerprints), _ID_CHUNK):
            chunk = fingerprints[start : start + _ID_CHUNK]
            found = select(col(ContactRow.id)).where(
                col(ContactRow.id) <= self._max_id_before, col(ContactRow.fingerprint).in_(chunk)
            )
            for (row_id,) in self._connection.execute(found):
                byte, bit = divmod(cast(int, row_id), 8)  # an id read back is never None
                if not matched[byte] & (1 << bit):
                    matched[byte] |= 1 << bit
                    self.unchanged += 1


def _sqlite_literal(value: object) -> str | None:
    """`value` (as the driver would take it) as an SQLite literal of the same storage class, or
    None when it is not a plain integer or text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


#: A table's indexes that a load may drop and build again (SQLite's own, for a UNIQUE constraint or
#: a primary key, have no statement), by name with the statement that makes each; and its
#: triggers, among which `is_insert_guard` finds revision 0008's guard. Both take the table's name.
DROPPABLE_INDEXES = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name"
TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name"


def drop_indexes(session: Session, table: str) -> dict[str, str]:
    """On SQLite, drop the table's indexes (not those SQLite makes itself for a UNIQUE
    constraint or a primary key) and return, by name, the statements that make them again,
    exactly as they were: after a bulk load, building an index from sorted rows is several times
    faster than keeping it up to date row by row. DDL is transactional on SQLite, so a
    rolled-back import gets its indexes back. Elsewhere nothing is dropped and the result is
    empty: on PostgreSQL, DROP INDEX would lock the table against every reader of the team
    database until the import commits."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return {}
    indexes = connection.exec_driver_sql(DROPPABLE_INDEXES, (table,)).all()
    for name, _sql in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    return {name: sql for name, sql in indexes}


def drop_insert_guards(session: Session, table: str) -> list[str]:
    """On SQLite, drop the table's INSERT guard (revision 0008: a trigger that refuses a row
    from any connection without ddcase's `ddcase_session()`) and return the statements that make
    it again, for `create_indexes`. Only inside a write transaction of ddcase's own connection,
    which the guard never refuses and which no other connection can write beside; the guard is
    back, exactly as it was, before the transaction ends (or rolls back with it). Run once per
    row, it cost about 0.6 µs of a contact's insert, a fifth of SQLite's work. Any other trigger
    is kept. Elsewhere nothing is dropped."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return []
    triggers = connection.exec_driver_sql(TRIGGERS, (table,)).all()
    guards = [(name, sql) for name, sql in triggers if is_insert_guard(sql)]
    for name, _sql in guards:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    return [sql for _name, sql in guards]


def is_insert_guard(sql: str) -> bool:
    """Whether a trigger's statement is revision 0008's INSERT guard (`drop_insert_guards`)."""
    text = sql.upper()
    return " BEFORE INSERT ON " in text and "WHEN DDCASE_SESSION() IS NOT 1" in text


def create_indexes(session: Session, statements: Iterable[str]) -> None:
    """Make again the indexes `drop_indexes` dropped (or the guards `drop_insert_guards` did),
    with SQLite's cache (and so its sorter's memory) held to `INDEX_BUILD_CACHE_KIB` meanwhile."""
    statements = list(statements)
    if not statements:
        return
    connection = session.connection()
    with sqlite_import_cache(session, INDEX_BUILD_CACHE_KIB):
        for sql in statements:
            connection.exec_driver_sql(sql)

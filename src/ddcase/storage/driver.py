"""Reading through the database's own driver (DB-API: sqlite3, sqlcipher3, psycopg), without
SQLAlchemy: the figures' read side (figures_read.py) is SQL text run on a `Reader`, so that
`ddcase figures --json` never imports SQLAlchemy, SQLModel or pydantic (issue 18), and the app runs
the very same text on its session's connection (`reader_of`).

Each dialect's small differences live here, once: the placeholder (`?` for SQLite, `%s` for
psycopg), dates as the parameters SQLite stores them (ISO text), date arithmetic (`Reader.plus_days`),
and a set of ids as one value (`Reader.among`). Importing this module imports no database library."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from concurrent.futures import Future

    from sqlalchemy.orm import Session

#: SQLite's busy timeout (ms) for each try of a write, and so for a read that waits on a lock.
BUSY_TIMEOUT_MS = 5000
#: The SQL function only ddcase's own connections to a log file have: revision 0008's triggers
#: refuse a change to a client, episode, contact or definition version on any other connection.
SESSION_FUNCTION = "ddcase_session"


class DbapiConnection(Protocol):
    """What a `Reader` asks of a DB-API connection."""

    def cursor(self) -> Any: ...

    def rollback(self) -> Any: ...


class Reader:
    """One read transaction's connection, as its driver gives rows (plain tuples): `rows` runs
    SQL text written with `?` placeholders on either database."""

    def __init__(self, connection: DbapiConnection, dialect: str) -> None:
        self.connection = connection
        self.on_sqlite = dialect == "sqlite"

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The statement's rows (`statement` puts it in the driver's dialect)."""
        cursor = self.connection.cursor()
        try:
            cursor.execute(*self.statement(sql, params))
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run a statement that gives no rows."""
        cursor = self.connection.cursor()
        try:
            cursor.execute(*self.statement(sql, params))
        finally:
            cursor.close()

    def statement(self, sql: str, params: Sequence[Any] = ()) -> tuple[str, list[Any]]:
        """SQL text written with `?` placeholders, and its parameters, as the driver takes them:
        dates as SQLite stores them (ISO text); psycopg's `%s`, which adapts dates itself."""
        if self.on_sqlite:
            return sql, [v.isoformat() if isinstance(v, date) else v for v in params]
        return sql.replace("?", "%s"), list(params)

    def days_of(self, column: str, condition: str) -> str:
        """An aggregate of the `column` values of a group's rows for which `condition` holds, as
        one value (`split_days` lists them): SQLite's `group_concat`, PostgreSQL's `array_agg`."""
        aggregate = "group_concat" if self.on_sqlite else "array_agg"
        return f"{aggregate}({column}) FILTER (WHERE {condition})"

    def split_days(self, value: Any) -> Sequence[Any]:
        """The values of one `days_of` aggregate (NULL when no row held)."""
        return value.split(",") if self.on_sqlite else value  # type: ignore[no-any-return]  # text or a list

    def plus_days(self, column: str, days: int) -> str:
        """The date `column` `days` days later (earlier, when negative), as SQL: SQLite's `date()`
        (ISO text, as it keeps dates), PostgreSQL's date + integer."""
        if self.on_sqlite:
            return f"date({column}, '{days:+d} days')"
        return f"({column} + {days:d})"

    def among(self, column: str, ids: set[int]) -> tuple[str, list[Any]]:
        """`column` is one of `ids`, however many, as one parameter: a JSON array on SQLite (an
        `IN` list would need a parameter each), an array on PostgreSQL."""
        if self.on_sqlite:
            return f"{column} IN (SELECT value FROM json_each(?))", [_json_ids(ids)]
        return f"{column} = ANY(?)", [sorted(ids)]

    def every_client(self, column: str) -> list[tuple[str, list[Any]]]:
        """Conditions (none, or one) that have a read of a table's rows by date go client by
        client instead, `column` (a client id) searched for every client: on SQLite, `column IN
        (SELECT client.id FROM client)`, which holds for every row, makes it search a
        client-led index (`ix_contact_client`) a client at a time, in client order, where it
        would read the date's run and sort it for a `GROUP BY` of the client. Nothing on
        PostgreSQL, whose planner would hash the list against the rows (the date's run stays)."""
        if self.on_sqlite:
            return [(f"{column} IN (SELECT client.id FROM client)", [])]
        return []

    def at_once(self, sql: str) -> str:
        """A `SELECT` that does all its work before its first row comes back: on SQLite, a
        materialized table expression (SQLite 3.35). A grouped read that SQLite streams (a
        group a step) needs Python's lock back at every row, which a busy thread beside holds
        for up to its switch interval (5 ms) at a time: read in another thread while this one
        runs Python, such a read is starved to a crawl; made whole in its first step, it is done
        with the lock released. PostgreSQL sends the whole result before the first row: as is."""
        if self.on_sqlite:
            return f"WITH whole AS MATERIALIZED ({sql}) SELECT * FROM whole"
        return sql

    def among_texts(self, column: str, texts: set[str]) -> tuple[str, list[Any]]:
        """`column` is one of `texts` (client references, say), however many, as one parameter,
        as `among` does for ids: a JSON array of strings on SQLite, an array on PostgreSQL."""
        if self.on_sqlite:
            return f"{column} IN (SELECT value FROM json_each(?))", [json.dumps(sorted(texts))]
        return f"{column} = ANY(?)", [sorted(texts)]


def reader_of(source: Session | Reader) -> Reader:
    """A `Reader` on a session's own connection (its transaction, its snapshot): the app's
    services read the figures through the same SQL text as `ddcase figures`."""
    if isinstance(source, Reader):
        return source
    connection = source.connection()
    return Reader(connection.connection, connection.dialect.name)


@dataclass(frozen=True, slots=True)
class Beside:
    """A second connection's `Reader` that sees the very snapshot of a first one (`begin_twin`),
    and how to run a read on it in another thread (`submit`, an executor's): the database does
    that read while the first connection's reads and Python go on (issue 18: the figures' contacts
    beside their episodes)."""

    reader: Reader
    submit: Callable[..., Future[Any]]

    def rows(self, sql: str, params: Sequence[Any] = ()) -> Future[list[tuple[Any, ...]]]:
        """`Reader.rows` on the second connection, begun now in the other thread."""
        return self.submit(self.reader.rows, sql, params)


#: What `pg_export_snapshot()` gives (hex words and dashes), checked before it is put in SQL
#: (`SET TRANSACTION SNAPSHOT` takes no parameter).
_PG_SNAPSHOT = re.compile(r"[0-9A-Fa-f-]+")


def begin_twin(main: Reader, twin: Reader) -> bool:
    """Begin a read transaction on `twin` (a second connection, not in a transaction) that sees
    the same snapshot as `main`'s, whose transaction must not have read anything yet. True when
    it does; False when that cannot be made sure (`twin` is then not in a transaction, and the
    caller reads on `main` alone).

    PostgreSQL: `main`'s transaction is made REPEATABLE READ (`one_snapshot`), its snapshot exported
    (`pg_export_snapshot`) and imported by `twin`'s (`SET TRANSACTION SNAPSHOT`).

    SQLite (WAL): a connection's snapshot is taken at its transaction's first read, and Python's
    sqlite3 cannot hand it to another connection. So `twin` reads `PRAGMA data_version` before
    `main`'s snapshot is taken and again as the first read of its own transaction: the two are
    equal only when no other connection committed in between (SQLite's documented guarantee),
    and then both snapshots are of the same moment. A change (or anything else that moves the
    number: a checkpoint's reset) gives False."""
    if main.on_sqlite:
        (before,) = twin.rows("PRAGMA data_version")[0]
        main.rows("PRAGMA data_version")  # `main`'s snapshot: its transaction's first read
        return _twin_begins(twin, before)
    one_snapshot(main)
    ((snapshot,),) = main.rows("SELECT pg_export_snapshot()")  # its first query: its snapshot
    if not _PG_SNAPSHOT.fullmatch(snapshot):
        raise ValueError(f"unexpected snapshot name {snapshot!r}")
    return _twin_begins(twin, snapshot)


def one_snapshot(main: Reader) -> None:
    """Make `main`'s transaction, which has read nothing yet, read one snapshot in all its
    queries, as the figures need (their episodes and their contacts of one moment). SQLite's
    read transaction is one already; PostgreSQL's is made REPEATABLE READ (a session is
    otherwise READ COMMITTED: a snapshot a statement, so a write committed between two of its
    queries would be half seen)."""
    if not main.on_sqlite:
        main.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def _twin_begins(twin: Reader, mark: Any) -> bool:
    """`begin_twin`'s second half, once the first connection's snapshot is taken: `twin`'s
    transaction begins on `mark` (SQLite: the `data_version` read before; PostgreSQL: the
    exported snapshot's name). A write committed just before this is what the guard is for
    (tests/storage/test_figures_beside.py commits one here)."""
    if twin.on_sqlite:
        twin.execute("BEGIN")
        (after,) = twin.rows("PRAGMA data_version")[0]  # `twin`'s snapshot
        if after == mark:
            return True
        twin.execute("ROLLBACK")
        return False
    twin.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    twin.execute(f"SET TRANSACTION SNAPSHOT '{mark}'")
    return True


def end_twin(twin: Reader) -> None:
    """End the read transaction `begin_twin` began on `twin` (nothing was written)."""
    if twin.on_sqlite:
        twin.execute("ROLLBACK")
    else:
        twin.connection.rollback()


def _json_ids(ids: set[int]) -> str:
    return "[" + ",".join(map(str, sorted(ids))) + "]"


def in_list(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """`column IN (?, ...)` (or `=` for one value) with its parameters."""
    if len(values) == 1:
        return f"{column} = ?", [values[0]]
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)


def file_of(path_or_url: str) -> Path | None:
    """The SQLite file `--db` names (None for a URL): a path, made absolute."""
    if "://" in path_or_url:
        return None
    return Path(path_or_url).expanduser().resolve()


def mark_as_ddcase(dbapi_connection: Any) -> None:
    """Give an SQLite connection (sqlite3 or sqlcipher3) ddcase's session function."""
    try:
        dbapi_connection.create_function(SESSION_FUNCTION, 0, _one, deterministic=True)
    except (TypeError, NotImplementedError):  # an SQLite too old for deterministic functions
        dbapi_connection.create_function(SESSION_FUNCTION, 0, _one)


def _one() -> int:
    return 1


def prepare_sqlite(
    dbapi_connection: Any,
    *,
    foreign_keys: bool = True,
    encrypted: bool = False,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> None:
    """ddcase's settings on a new SQLite connection (every engine's and `open_sqlite`'s). The
    driver must not issue its own BEGIN: ours is IMMEDIATE for writes and makes DDL transactional
    (a failed migration then rolls back whole). sqlcipher3 refuses the `autocommit=` argument, so
    this is the way for both drivers."""
    dbapi_connection.isolation_level = None
    mark_as_ddcase(dbapi_connection)
    cursor = dbapi_connection.cursor()
    if encrypted:  # already keyed by the dialect; nothing has been read yet
        cursor.execute("PRAGMA cipher_log_level = NONE")
    cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
    mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    if mode not in ("wal", "memory"):
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
        except Exception:  # noqa: BLE001 - a read-only file keeps its mode; reads still work
            import logging

            logging.getLogger(__name__).warning("could not switch the database to WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    if sys.platform == "darwin":
        cursor.execute("PRAGMA fullfsync = ON")
    cursor.close()


class FileReads:
    """Read transactions on a plain SQLite file through sqlite3 alone, one connection for the
    process (a read-only command's): what `ddcase figures` needs when a recent whole check of the
    file stands (bootstrap.open_read_only)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None

    @contextmanager
    def read(self) -> Iterator[Reader]:
        """One read transaction (one snapshot of the file for every query in it), as
        `Database.read` gives a session: the figures' reads take either."""
        if self._connection is None:
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
            prepare_sqlite(connection)
            self._connection = connection
        connection = self._connection
        connection.execute("BEGIN")
        try:
            yield Reader(connection, "sqlite")
        finally:
            connection.execute("ROLLBACK")  # nothing was written: a read ends the same either way

    @contextmanager
    def twin(self, reader: Reader, *, wanted: bool = True) -> Iterator[Reader | None]:
        """No second connection (`Database.twin`'s): a one-threaded command reads on its one
        (one snapshot: a read transaction of SQLite's)."""
        yield None

    def dispose(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

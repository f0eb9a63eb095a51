"""The engine and its sessions, for SQLite (the default) and PostgreSQL.

SQLite is set up as the notes on durability found safe: WAL, synchronous=FULL, foreign keys on,
a busy timeout, and BEGIN IMMEDIATE for every write transaction (a deferred BEGIN that reads and
then writes fails at once with SQLITE_BUSY_SNAPSHOT if another connection wrote in between).
When several processes save to one file at once, the BEGIN IMMEDIATE that waited out its busy
timeout is tried again after a short random back-off, a bounded number of times (WRITE_ATTEMPTS):
only the start of a write transaction, before anything of it has run, is ever retried.
PostgreSQL connections come from a small bounded pool per person (POOL_SIZE + POOL_OVERFLOW).
Python's sqlite3 module is told to leave transactions alone, so DDL is transactional too.
No engine exists at import; `make_engine` builds one. An encrypted SQLite file (storage/cipher.py)
gets the same settings through SQLCipher's `sqlite+pysqlcipher` dialect, keyed on every connection.
"""

from __future__ import annotations

import getpass
import logging
import os
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

from sqlalchemy import URL, create_engine, event
from sqlalchemy import Engine as Engine  # re-exported: a service may hold one, never build SQL on it
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.exc import IntegrityError as IntegrityError  # re-exported: what the database refused
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import QueuePool
from sqlmodel import Session as Session  # re-exported: what a service hands to storage

from ddcase.domain import ConflictError
from ddcase.storage.cipher import EXTRA_MESSAGE, DatabaseKey
from ddcase.storage.driver import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from ddcase.storage.driver import SESSION_FUNCTION as SESSION_FUNCTION
from ddcase.storage.driver import (
    Reader,
    begin_twin,
    end_twin,
    file_of,
    one_snapshot,
    prepare_sqlite,
    reader_of,
)
from ddcase.storage.driver import mark_as_ddcase as mark_as_ddcase
from ddcase.storage.errors import StorageError as StorageError  # re-exported: its home is errors.py

log = logging.getLogger(__name__)

_WRITE_OPTION = "ddcase_write"


def write_options() -> dict[str, bool]:
    """The execution options of a write transaction (SQLite: begun by BEGIN IMMEDIATE), for a
    connection taken outside `Database.write` (a new file's schema: storage/schema.py)."""
    return {_WRITE_OPTION: True}


#: SQLite: a write transaction begun with the connection's foreign keys off, checked whole before
#: its commit (`Database.write(keys_checked_at_commit=True)`); the pool turns them back on when
#: the connection comes back (`_KEYS_OFF`, marked on the connection's record).
_KEYS_AT_COMMIT_OPTION = "ddcase_keys_at_commit"
_KEYS_OFF = "ddcase_foreign_keys_off"
#: SQLite: how many times a write transaction's BEGIN IMMEDIATE is tried before "busy" is shown
#: (each try waits up to the busy timeout), and the back-off before the next try, doubled each
#: time, plus up to as much again at random so that waiting processes do not retry in step.
WRITE_ATTEMPTS = 4
WRITE_BACKOFF_S = 0.05
#: PostgreSQL: connections one person's ddcase keeps open (the caseload, a save and a report can
#: overlap in the app's threads), how many more it may open for a moment, and how long a request
#: waits for one before the person is told the database is busy.
POOL_SIZE = 2
POOL_OVERFLOW = 2
POOL_TIMEOUT_S = 30
# PostgreSQL: no statement may hold a shared team database for longer than this.
STATEMENT_TIMEOUT_MS = 120_000

PasswordPrompt = Callable[[str], "str | None"]


class Stamp(TypedDict):
    """Who last changed a row and when: the updated_at/updated_by columns of every record."""

    updated_at: datetime
    updated_by: str


class PermissionDeniedError(StorageError):
    """The team database refused: this person's role may not do that (docs/team-database.md)."""


class BrokenLinksError(StorageError):
    """A write checked at its commit (`Database.write(keys_checked_at_commit=True)`) would have
    left rows naming a record that is not there: it was rolled back, nothing was saved."""


def database_url(path_or_url: str | os.PathLike[str]) -> str:
    """A SQLAlchemy URL for `--db`: a URL is kept, anything else is a path to an SQLite file."""
    text = os.fspath(path_or_url)
    path = file_of(text)
    return text if path is None else f"sqlite:///{path}"


def engine_path(engine: Engine) -> Path | None:
    """The SQLite file behind an engine, plain or encrypted (without rendering its key)."""
    return sqlite_path(engine.url.set(password=None).render_as_string())


def location_of(url: str) -> str:
    """Where a log is, as its witness is named: an SQLite file's resolved path; a server's
    host, port and database (whoever connects: each person's witness is their own)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database or "")
    return f"postgresql://{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(
    url: str,
    *,
    foreign_keys: bool = True,
    password_prompt: PasswordPrompt | None = None,
    key: DatabaseKey | None = None,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    **kwargs: Any,
) -> Engine:
    """An engine for SQLite or PostgreSQL with ddcase's connection settings.

    SQLite with `key`: the file is encrypted with SQLCipher and every connection is keyed with it
    (the key rides in the URL's password, which SQLAlchemy never shows). The same pragmas and
    transaction handling apply; the pool is the same as plain SQLite's, since opening with a raw
    key costs about a millisecond.

    PostgreSQL: a password in the URL is used (tests and scripts only); otherwise libpq finds one
    in ~/.pgpass, PGPASSFILE or a service file, or needs none (certificates, GSSAPI). Only when the
    server still asks for one is `password_prompt` called (by default: getpass, when stdin is a
    terminal); the answer is kept in memory for this process's reconnections, never written.
    Its connections are pooled, at most POOL_SIZE + POOL_OVERFLOW at once (docs/team-database.md
    says how many a team's server needs); `busy_timeout_ms` is SQLite's, per try of a write."""
    parsed = make_url(url)
    # Error messages (and so the log) never carry the values of a statement: client data.
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            _prepare_folder(path.parent)
        if key is not None:
            if path is None:
                raise StorageError("Only a database file can be encrypted.")
            url = cipher_url(path, key)  # type: ignore[assignment]  # a URL object where the caller gave text; create_engine takes either
            kwargs.setdefault("poolclass", QueuePool)
            _require_cipher()
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000}, **kwargs)
        _configure_sqlite(
            engine, foreign_keys=foreign_keys, encrypted=key is not None, busy_timeout_ms=busy_timeout_ms
        )
        return engine
    if parsed.get_backend_name() == "postgresql":
        connect_args = {
            "application_name": "ddcase",
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
            **kwargs.pop("connect_args", {}),
        }
        if "poolclass" not in kwargs:
            kwargs.setdefault("pool_size", POOL_SIZE)
            kwargs.setdefault("max_overflow", POOL_OVERFLOW)
            kwargs.setdefault("pool_timeout", POOL_TIMEOUT_S)
        engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
        _configure_postgresql(engine, password_prompt or terminal_password_prompt)
        return engine
    return create_engine(url, **kwargs)


def cipher_url(path: Path, key: DatabaseKey) -> URL:
    """The SQLAlchemy URL of an encrypted file: its password is the raw key (shown as ***)."""
    return URL.create("sqlite+pysqlcipher", password=key.pragma, database=str(path))


def engine_key(engine: Engine) -> DatabaseKey | None:
    """The key an engine's connections are keyed with, or None for a plain database."""
    url = engine.url
    if url.get_driver_name() != "pysqlcipher" or not url.password:
        return None
    return DatabaseKey(str(url.password)[2:-1])


def _require_cipher() -> None:
    from ddcase.storage.cipher import available

    if not available():
        raise StorageError(EXTRA_MESSAGE)


def terminal_password_prompt(where: str) -> str | None:
    """Ask on the terminal; None (no prompt) when there is no terminal to ask on."""
    if not sys.stdin or not sys.stdin.isatty():
        return None
    return getpass.getpass(f"Password for {where}: ")


def _asks_for_password(error: Exception) -> bool:
    text = str(error).lower()
    return "no password supplied" in text or "password authentication failed" in text


def _configure_postgresql(engine: Engine, prompt: PasswordPrompt) -> None:
    remembered: dict[str, str] = {}
    url = engine.url
    where = f"{url.username or getpass.getuser()}@{url.host or 'localhost'}/{url.database or ''}"

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
        if "password" in remembered and not cparams.get("password"):
            cparams["password"] = remembered["password"]
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError as error:
            if cparams.get("password") or not _asks_for_password(error):
                raise
            answer = prompt(where)
            if not answer:
                raise
            cparams["password"] = answer
            connection = dialect.connect(*cargs, **cparams)
            remembered["password"] = answer
            return connection


def _prepare_folder(folder: Path) -> None:
    """Create the data folder readable by its owner only."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)


def _configure_sqlite(
    engine: Engine, *, foreign_keys: bool, encrypted: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        prepare_sqlite(
            dbapi_connection, foreign_keys=foreign_keys, encrypted=encrypted, busy_timeout_ms=busy_timeout_ms
        )

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get(_WRITE_OPTION, False):
            if options.get(_KEYS_AT_COMMIT_OPTION, False) and foreign_keys:
                # Before BEGIN: inside a transaction the pragma does nothing. Marked first, so
                # that the pool turns the keys back on however the transaction ends.
                conn.connection.info[_KEYS_OFF] = True
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
            begin_write(conn)
        else:
            conn.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "checkin")
    def _checkin(dbapi_connection: Any, record: Any) -> None:
        # After the pool's reset (the rollback of anything left open): outside any transaction,
        # where the pragma takes effect. A connection whose keys cannot be put back is discarded.
        if record.info.pop(_KEYS_OFF, False) and dbapi_connection is not None:
            try:
                dbapi_connection.execute("PRAGMA foreign_keys = ON")
            except Exception as error:  # noqa: BLE001 - never pooled again without its keys
                record.invalidate(error)


def begin_write(conn: Any, *, attempts: int | None = None, backoff_s: float | None = None) -> int:
    """Start an SQLite write transaction (BEGIN IMMEDIATE), trying again after a short random
    back-off while another process holds the write lock past the busy timeout, at most
    `attempts` times in all; then the "busy" error goes up as before. Only BEGIN is retried:
    nothing of the transaction has run yet, so trying again cannot save anything twice.
    Returns how many tries it took."""
    attempts = WRITE_ATTEMPTS if attempts is None else attempts
    backoff_s = WRITE_BACKOFF_S if backoff_s is None else backoff_s
    for attempt in range(1, attempts + 1):
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return attempt
        except OperationalError as error:
            if attempt == attempts or not is_busy(error):
                raise
            pause = backoff_s * 2 ** (attempt - 1)
            log.info("the database is busy; trying to start the save again (try %d)", attempt + 1)
            time.sleep(pause + random.uniform(0, pause))
    raise AssertionError("unreachable")  # pragma: no cover  (attempts >= 1)


def is_busy(error: DBAPIError) -> bool:
    """SQLite's SQLITE_BUSY ("database is locked"): another connection holds the write lock."""
    code = getattr(error.orig, "sqlite_errorcode", None)
    if code is not None:
        return int(code) & 0xFF == 5  # SQLITE_BUSY and its extended codes
    text = str(error.orig).lower()
    return "database is locked" in text or "database is busy" in text


def database_user(engine: Engine) -> str | None:
    """Who the database knows this person as: on a shared PostgreSQL database each person
    connects as their own role (docs/team-database.md), so that name is what the audit trail
    and "changed by" quote. None for SQLite, where the log's user is the computer's login."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT current_user").scalar()


class Database:
    """Sessions for the service layer: `read()` for queries, `write()` for one transaction that
    commits when the block ends and rolls back on any error."""

    def __init__(self, engine: Engine, trail: Any = None) -> None:
        self.engine = engine
        self._write_engine = engine.execution_options(**{_WRITE_OPTION: True})
        # The audit trail's keeper (storage/witness.TrailKeeper): its key and witness live
        # outside the database; None (tests, tools) keeps the trail unsigned and unwitnessed.
        self.trail = trail

    @property
    def url(self) -> str:
        if self.key is not None:  # the password is the key: not even its *** is worth showing
            return self.engine.url.set(password=None).render_as_string()
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def key(self) -> DatabaseKey | None:
        """The key of an encrypted SQLite database (for its backups), else None."""
        return engine_key(self.engine)

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        return engine_path(self.engine)

    def _info(self) -> dict[str, Any]:
        return {} if self.trail is None else {"ddcase_trail_keeper": self.trail}

    @contextmanager
    def read(self) -> Iterator[Session]:
        with translate_errors(), Session(self.engine, expire_on_commit=False, info=self._info()) as session:
            yield session

    @contextmanager
    def twin(self, session: Session, *, wanted: bool = True) -> Iterator[Reader | None]:
        """A `Reader` on a second connection that sees the very snapshot `session` does (a
        session of `read()` that has read nothing yet: its snapshot is taken here), for a read
        run in another thread beside the session's (`driver.Beside`); None when not `wanted`, no
        connection is free this moment or one snapshot cannot be made sure (a write committed
        as the two began: `driver.begin_twin`), and the caller reads on the session alone, in
        one snapshot all the same (`driver.one_snapshot`). Its transaction ends, and the
        connection goes back to the pool, when the block ends: a read begun in another thread
        must have ended before."""
        main = reader_of(session)
        if (
            not wanted
            or self.engine.dialect.name not in ("sqlite", "postgresql")
            or not _free_connection(self.engine)
        ):
            with translate_errors():
                one_snapshot(main)
            yield None
            return
        with translate_errors():
            pooled = self.engine.raw_connection()
        try:
            twin = Reader(pooled.dbapi_connection, self.engine.dialect.name)  # type: ignore[arg-type]  # a DB-API connection while checked out
            with translate_errors():
                shared = begin_twin(main, twin)
            try:
                yield twin if shared else None
            finally:
                if shared:
                    end_twin(twin)
        finally:
            pooled.close()  # back to the pool

    @contextmanager
    def write(self, *, keys_checked_at_commit: bool = False) -> Iterator[Session]:
        """One write transaction. `keys_checked_at_commit` (SQLite; elsewhere the keys are checked
        row by row as always): the transaction runs with the connection's foreign keys off, and
        every table's are checked once before the commit (`PRAGMA foreign_key_check`), a broken
        link rolling it all back (BrokenLinksError). For a bulk load into a log that holds no
        records (an import's first load): a million contacts' three keys looked up row by row
        cost SQLite more than one check of them all at the end. With the keys off, nothing
        cascades: a transaction that deletes a record with children must not ask for it. The
        connection gets its keys back when it returns to the pool, however the block ends."""
        engine = self._write_engine
        if keys_checked_at_commit and self.is_sqlite:
            engine = engine.execution_options(**{_KEYS_AT_COMMIT_OPTION: True})
        else:
            keys_checked_at_commit = False
        with (
            translate_errors(),
            _one_writer_per_file(self.path),
            Session(engine, expire_on_commit=False, info=self._info()) as session,
        ):
            with session.begin():
                yield session
                if keys_checked_at_commit:
                    session.flush()
                    check_foreign_keys(session)
            head = session.info.get("ddcase_trail_head")
            if head is not None and self.trail is not None:  # committed: the witness moves on
                self.trail.saw(*head, at=datetime.now(UTC))

    def dispose(self) -> None:
        self.engine.dispose()


def check_foreign_keys(session: Session) -> None:
    """SQLite: every foreign key of every table checked at once (`PRAGMA foreign_key_check`);
    BrokenLinksError, naming the tables, if any row names a record that is not there."""
    broken = session.connection().exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        tables = ", ".join(sorted({str(row[0]) for row in broken}))
        raise BrokenLinksError(
            f"The save would have left {len(broken)} rows ({tables}) naming a record that is not "
            "there; nothing was saved."
        )


def _free_connection(engine: Engine) -> bool:
    """Whether the engine's pool can give a connection without waiting for one (a second
    connection for a read beside is only worth it then: PostgreSQL's pool is a person's few)."""
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return True
    overflow = getattr(pool, "_max_overflow", 0)  # QueuePool keeps its limit private
    return pool.checkedin() > 0 or overflow < 0 or pool.checkedout() < pool.size() + overflow


BUSY_MESSAGE = (
    "The database is busy (another copy of ddcase is saving); nothing was saved. Try again in a moment."
)
_file_writers: dict[str, threading.RLock] = {}
_file_writers_guard = threading.Lock()


def file_key(path: Path) -> str:
    """One key per file however its path is spelt: made absolute, with `..` and links resolved,
    and in one case where the file system ignores it (Windows; os.path.normcase)."""
    return os.path.normcase(os.path.realpath(path))


@contextmanager
def _one_writer_per_file(path: Path | None) -> Iterator[None]:
    """SQLite: the threads of one process that write one file take turns here, in the process,
    before BEGIN IMMEDIATE. Only one of them at a time then waits on the file's lock, which
    SQLite's busy handler grants to whichever waiter polls first, so a crowd of waiting threads
    makes the other processes' writers wait all the longer (issue 18's load). The turn is
    waited for as long as SQLite's tries would wait (a long import in another thread), then the
    save is refused as busy, as SQLite would refuse it. The turn is the file's, however its
    path is spelt (file_key)."""
    if path is None:
        yield
        return
    with _file_writers_guard:
        writer = _file_writers.setdefault(file_key(path), threading.RLock())
    if not writer.acquire(timeout=WRITE_ATTEMPTS * BUSY_TIMEOUT_MS / 1000):
        raise StorageError(BUSY_MESSAGE)
    try:
        yield
    finally:
        writer.release()


@contextmanager
def translate_errors() -> Iterator[None]:
    """Turn driver errors a user can meet into StorageError with a plain message."""
    try:
        yield
    except StaleDataError as error:
        raise ConflictError(
            "Someone else changed this record since you opened it; nothing was saved. "
            "Reload it and try again."
        ) from error
    except OperationalError as error:
        raise StorageError(describe_operational_error(error)) from error
    except PoolTimeoutError as error:
        # Every connection this person may open is in use (a report and a save at once, say).
        raise StorageError(
            "The team database is busy (all of this computer's connections are in use); "
            "nothing was saved. Try again in a moment."
        ) from error
    except ProgrammingError as error:
        if _sqlstate(error) == "42501" or "permission denied" in str(error.orig).lower():
            raise PermissionDeniedError(describe_permission_error(error)) from error
        raise
    except IntegrityError as error:
        if _sqlstate(error) == "23505" or "unique constraint failed" in str(error.orig).lower():
            # Two people saved the same new record at the same moment: the checks before the
            # INSERT both passed, the database's unique key refused the second.
            raise ConflictError(
                "Someone else saved the same record at the same moment; nothing was saved. "
                "Reload and try again."
            ) from error
        raise
    except DBAPIError as error:
        if error.connection_invalidated:
            raise StorageError("The connection to the database was lost; nothing was saved.") from error
        raise


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


# What each table holds, in the words of "You do not have permission to ...".
_TABLE_ACTIONS = {
    "definition_version": "change the operational definition",
    "annotation": "change the chart notes",
    "measure_settings": "change the team's aim and baseline",
    "manual_measure": "define the measures entered by hand",
    "manual_measure_value": "enter the values of a measure",
    "setting": "change the team settings",
    "client": "record or edit clients",
    "episode": "record or edit episodes",
    "contact": "record or edit contacts",
    "worker": "record or edit workers",
    "organisation": "record or edit organisations",
    "audit_event": "write to the audit trail",
    "report_snapshot": "record a report",
}


def describe_permission_error(error: DBAPIError) -> str:
    text = str(error.orig)
    action = "do that"
    for table, words in _TABLE_ACTIONS.items():
        if f"table {table}" in text or f"sequence {table}_" in text:
            action = words
            break
    return (
        f"You do not have permission to {action} in this team database; nothing was saved. "
        "Ask your team's manager or the database administrator if you need to."
    )


def describe_operational_error(error: DBAPIError) -> str:
    text = str(error.orig).lower()
    if "password authentication failed" in text or "no password supplied" in text:
        return (
            "The team database did not accept the password (or none was given). "
            "See docs/team-database.md: passwords belong in a .pgpass file or are asked for."
        )
    if "connection refused" in text or "could not connect" in text or "timeout expired" in text:
        return "The team database server could not be reached; check the network and the address."
    if "does not exist" in text and ("database" in text or "role" in text):
        return f"The team database refused the connection: {error.orig}"
    if "statement timeout" in text:
        return "The team database took too long to answer; nothing was saved. Try again later."
    if "database or disk is full" in text or "disk full" in text:
        return "The disk is full: nothing was saved. Free some space and try again."
    if "locked" in text or "busy" in text:
        return BUSY_MESSAGE
    if "readonly" in text or "read-only" in text:
        return "The database is read-only here: nothing was saved."
    if "unable to open" in text:
        return "The database file could not be opened: check the folder exists and you may write to it."
    if "not a database" in text or "malformed" in text:
        return "The database file is damaged or is not a ddcase database."
    return f"The database reported a problem: {error.orig}"

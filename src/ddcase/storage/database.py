"""The engine and its sessions, for SQLite (the default) and PostgreSQL.

SQLite is set up as the notes on durability found safe: WAL, synchronous=FULL, foreign keys on,
a busy timeout, and BEGIN IMMEDIATE for every write transaction (a deferred BEGIN that reads and
then writes fails at once with SQLITE_BUSY_SNAPSHOT if another connection wrote in between).
Python's sqlite3 module is told to leave transactions alone, so DDL is transactional too.
No engine exists at import; `make_engine` builds one.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from ddcase.domain import ConflictError, DomainError

log = logging.getLogger(__name__)

_WRITE_OPTION = "ddcase_write"
BUSY_TIMEOUT_MS = 5000


class StorageError(DomainError):
    """The database could not do what was asked; the message says why in plain words."""


def database_url(path_or_url: str | os.PathLike[str]) -> str:
    """A SQLAlchemy URL for `--db`: a URL is kept, anything else is a path to an SQLite file."""
    text = os.fspath(path_or_url)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(url: str, *, foreign_keys: bool = True, **kwargs: Any) -> Engine:
    """An engine for SQLite or PostgreSQL with ddcase's connection settings."""
    parsed = make_url(url)
    # Error messages (and so the log) never carry the values of a statement: client data.
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            _prepare_folder(path.parent)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **kwargs)
        _configure_sqlite(engine, foreign_keys=foreign_keys)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    return create_engine(url, **kwargs)


def _prepare_folder(folder: Path) -> None:
    """Create the data folder readable by its owner only."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)


def _configure_sqlite(engine: Engine, *, foreign_keys: bool) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver must not issue its own BEGIN; ours below is IMMEDIATE for writes and makes
        # DDL transactional (a failed migration then rolls back whole).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode not in ("wal", "memory"):
            try:
                cursor.execute("PRAGMA journal_mode = WAL")
            except Exception:  # a read-only file keeps its mode; reads still work
                log.warning("could not switch the database to WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        if sys.platform == "darwin":
            cursor.execute("PRAGMA fullfsync = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Database:
    """Sessions for the service layer: `read()` for queries, `write()` for one transaction that
    commits when the block ends and rolls back on any error."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._write_engine = engine.execution_options(**{_WRITE_OPTION: True})

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.engine.url.render_as_string(hide_password=False))

    @contextmanager
    def read(self) -> Iterator[Session]:
        with translate_errors(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with translate_errors(), Session(self._write_engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def dispose(self) -> None:
        self.engine.dispose()


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
    except DBAPIError as error:
        if error.connection_invalidated:
            raise StorageError("The connection to the database was lost; nothing was saved.") from error
        raise


def describe_operational_error(error: DBAPIError) -> str:
    text = str(error.orig).lower()
    if "database or disk is full" in text or "disk full" in text:
        return "The disk is full: nothing was saved. Free some space and try again."
    if "locked" in text or "busy" in text:
        return (
            "The database is busy (another copy of ddcase is saving); nothing was saved. "
            "Try again in a moment."
        )
    if "readonly" in text or "read-only" in text:
        return "The database is read-only here: nothing was saved."
    if "unable to open" in text:
        return "The database file could not be opened: check the folder exists and you may write to it."
    if "not a database" in text or "malformed" in text:
        return "The database file is damaged or is not a ddcase database."
    return f"The database reported a problem: {error.orig}"

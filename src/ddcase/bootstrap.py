"""Opening a database, in one place for the command line and the desktop app alike (issue 13
item 5): resolve where it is (`--db`, DDCASE_DB or the default log), refuse a missing folder or a
network one, find an encrypted file's key, run the opening check, back up before migrating and
migrate, start the audit trail's witness, build the services, and take the day's backup.

`cli.main` hands `open_services` to the app (ui/app.py), which opens each log through it; the
UI never imports this module (tests/test_layers.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ddcase.domain import DomainError

if TYPE_CHECKING:
    from ddcase.services.figures import FiguresService
    from ddcase.services.registry import Services
    from ddcase.storage.driver import FileReads


def open_services(db_argument: str | None, *, daily_backup: bool = True, read_only: bool = False) -> Services:
    """Resolve the database, migrate it, and build the services. `daily_backup=False` leaves
    the day's backup to the caller (the desktop app takes it once its window shows).
    `read_only`: the caller only reads and prints (cli.READ_ONLY_COMMANDS), so a whole opening
    check that passed on exactly this file within 12 hours stands (docs/decisions.md, H33 in docs/clinical-safety.md)."""
    from ddcase.paths import resolve_db
    from ddcase.services.backup import backup_before_migration, check_before_opening
    from ddcase.services.base import Context
    from ddcase.services.registry import Services
    from ddcase.services.trail import with_keeper
    from ddcase.storage.database import (
        Database,
        database_url,
        database_user,
        make_engine,
        sqlite_path,
        translate_errors,
    )
    from ddcase.storage.opening import CheckedDatabase
    from ddcase.storage.schema import migrate_if_needed as migrate  # Alembic only when needed

    url = database_url(resolve_db(db_argument))
    path = sqlite_path(url)
    key = None
    check = None
    if path is not None:
        refuse_missing_folder(db_argument, path)
        from ddcase.services.encryption import key_for

        key = key_for(path)  # None for a plain file; an encrypted one needs its key at hand
        # Damaged, foreign or newer files are refused untouched. A file unchanged since ddcase
        # last closed it cleanly is checked in the background instead, and writes wait for it.
        check = check_before_opening(path, key, trust_recent_check=read_only)
    engine = make_engine(url, key=key)
    try:
        with translate_errors():
            before = backup_before_migration(engine, local_now())
            migrate(engine)
            user = database_user(engine)  # PostgreSQL: the person's own role; SQLite: None
        database = Database(engine) if check is None else CheckedDatabase(engine, check)
        with_keeper(database)  # the trail's key and witness, outside the database (issue 14)
        services = Services.build(Context(database, user=user))
        services.backup.after_start_up(before, daily=daily_backup)  # owner-only file, the day's backup
    except BaseException:
        engine.dispose()
        raise
    return services


@dataclass(frozen=True)
class ReadOnlyServices:
    """The figures of a log opened for reading only, through the driver alone (`open_read_only`):
    what `ddcase figures` needs of `Services`."""

    figures: FiguresService
    reads: FileReads

    def wait_for_opening_check(self) -> None:
        """Nothing to wait for: a whole check passed on exactly this file within 12 hours."""

    def close(self) -> None:
        self.reads.dispose()


def open_read_only(db_argument: str | None) -> ReadOnlyServices | None:
    """A read-only command's log (`ddcase figures`) read through sqlite3 alone, without
    SQLAlchemy, SQLModel or pydantic (issue 18), when opening it has nothing to do but read: a
    plain SQLite file (not encrypted) whose stamp says a whole opening check passed on exactly its
    present state, by this version, within 12 hours (`recently_checked`: the schema is then at
    this version's head, so there is nothing to migrate), already owner-only, with the day's backup
    made and no partial backup copies to tidy. Otherwise None: `open_services` opens it as every
    command does (checking, migrating, protecting and backing up as needed).

    The same checks as `open_services` come first: the file is in a folder that exists and is not
    a network or synced one."""
    from ddcase.paths import resolve_db
    from ddcase.storage.backup_files import backed_up_today, backups_folder, partial_copies
    from ddcase.storage.cipher import is_plain
    from ddcase.storage.driver import FileReads, file_of
    from ddcase.storage.file_modes import unprotected
    from ddcase.storage.stamp import recently_checked

    path = file_of(resolve_db(db_argument))
    if path is None:
        return None  # a team database on a server
    refuse_missing_folder(db_argument, path)
    if not path.is_file() or path.stat().st_size == 0 or not is_plain(path):
        return None
    if not recently_checked(path) or unprotected(path):
        return None
    if not backed_up_today(path, local_now().date()) or partial_copies(backups_folder(path)):
        return None
    from ddcase.services.base import Context
    from ddcase.services.figures import FiguresService

    reads = FileReads(path)
    # The figures' reads take a session or a Reader alike (storage/figures_read.py); FileReads
    # gives Readers, and every read of `month()` goes through one.
    return ReadOnlyServices(FiguresService(Context(reads)), reads)  # type: ignore[arg-type]  # a read-only stand-in for Database: month() only


def refuse_missing_folder(db_argument: str | None, path: Path) -> None:
    """`--db` (or DDCASE_DB) names a file in a folder that exists: a mistyped path never
    creates folders and a new empty log. Only the default log's own folder is made."""
    import os

    from ddcase.paths import DB_ENV
    from ddcase.storage.location import refuse_unsafe_place

    refuse_unsafe_place(path)  # a network folder is named as such, whether or not it exists
    if path.is_dir():
        raise DomainError(f"{path} is a folder: give --db the database file inside it.")
    if not (db_argument or os.environ.get(DB_ENV)) or path.parent.is_dir():
        return
    raise DomainError(
        f"The folder {path.parent} does not exist, so there is no log at {path}; ddcase has "
        "created nothing. Check the path, or create the folder first for a new log."
    )


def local_now() -> datetime:
    return datetime.now().astimezone()

"""The safety check before opening an SQLite file, without paying for it on every start-up.

`PRAGMA quick_check` reads every page: about 1.5 s for a trust-scale file (380 MB) on a loaded
2-core machine. It stays the rule that every opening is checked, but when the file is exactly as
ddcase left it after a clean check, the check need not hold up the start:

- **The stamp.** After a check passes, and again when ddcase closes the file cleanly (every
  connection closed, so SQLite has folded the -wal back in and removed it), ddcase records the
  file's state in `<database>.checked` beside it (owner-only): its size, modification and
  status-change times (nanoseconds), inode and device, and a SHA-256 of its first 64 KiB.
  Anything that touches the file afterwards changes at least one of these: a write (mtime and
  ctime), a crash mid-session (the file differs from the stamp, or a -wal with frames is left
  behind, which never matches), another program, a copy or a restore (a new inode), `os.utime` putting the old
  mtime back (ctime, which no ordinary program can set, still moves on POSIX).
- **Unchanged: the check runs in the background** (`OpeningCheck.start`), alongside building the
  window or the command's work, and nothing that depends on the file waits longer than the check:
  every write waits for it (`CheckedDatabase.write`), the command line prints nothing until it has
  passed, and the app closes with the damaged-file message if it fails. A fault of the disk that
  changes no metadata (a bad sector) is found at this opening.
- **Changed, or no stamp: the check runs before opening**, as before, with progress shown in the
  app ("Checking the database...").

The decision and its limits are recorded in docs/decisions.md and docs/clinical-safety.md (H5).

**A recent check, trusted by a read-only command** (issue 18). When a whole opening inspection
passed on exactly the file's present state (the quick_check, the schema at this version's head
and its shape), the stamp also records when (`trusted`: the time and the head revision). A
command that only reads (`figures`, `series`, `todo`, `measures`) may open a file whose stamp
matches and whose trusted time is less than `TRUSTED_FOR` old without checking it again
(`recently_checked`); anything that changes the file changes its state, and the mark goes with
that state. The decision is in docs/decisions.md, the hazard in docs/clinical-safety.md (H33).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from ddcase.storage.database import Database, StorageError

log = logging.getLogger(__name__)

STAMP_SUFFIX = ".checked"
HEAD_BYTES = 64 * 1024
_STAMP_FORMAT = 1
#: How long a read-only command may trust a full opening check of an unchanged file.
TRUSTED_FOR_SECONDS = 12 * 60 * 60


class DamagedDatabaseError(StorageError):
    """The file is an SQLite database that fails its own check; it was left untouched."""


def damaged_message(path: Path, problems: list[str]) -> str:
    return f"The database file {path} is damaged ({'; '.join(problems[:3])}). ddcase has not changed it."


# ---------------------------------------------------------------------- the stamp


@dataclass(frozen=True, slots=True)
class FileState:
    """What a stamp records of a database file."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    device: int
    head_sha256: str


def stamp_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + STAMP_SUFFIX)


def file_state(db_path: Path) -> FileState | None:
    """The file's state now; None when it cannot be stamped (missing, empty, or with frames in
    a -wal beside it: changes not yet folded into the file). An empty -wal, as a read-only
    connection leaves behind, holds nothing."""
    try:
        wal = Path(f"{db_path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            return None
        before = os.stat(db_path)
        with open(db_path, "rb") as file:
            head = hashlib.sha256(file.read(HEAD_BYTES)).hexdigest()
        after = os.stat(db_path)
    except OSError:
        return None
    if before.st_size == 0 or _identity(before) != _identity(after):
        return None  # changing while we looked: no stamp
    return FileState(
        size=after.st_size,
        mtime_ns=after.st_mtime_ns,
        ctime_ns=after.st_ctime_ns,
        inode=after.st_ino,
        device=after.st_dev,
        head_sha256=head,
    )


def _identity(stat: os.stat_result) -> tuple[int, int, int, int, int]:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev)


def write_stamp(db_path: Path, *, inspected: bool = False, now: float | None = None) -> bool:
    """Record the file as checked and sound now. Only call this when it is: after a passed
    check, or at a clean close of a session whose opening check passed. False if the file
    cannot be stamped (the old stamp is then removed, so the next opening checks in full).

    `inspected`: a whole opening inspection (the check, the schema at head, its shape) has just
    passed on the file as it is now, at `now` (default: the clock): a read-only command may
    trust it for a while (`recently_checked`). Otherwise the time of such an inspection is kept
    only if the old stamp recorded one on exactly this state."""
    from ddcase.storage.files import write_private  # files imports this module

    state = file_state(db_path)
    if state is None:
        forget_stamp(db_path)
        return False
    record: dict[str, object] = {"format": _STAMP_FORMAT, **asdict(state)}
    if inspected:
        record["trusted"] = {"at": time.time() if now is None else now, "head": _head()}
    else:
        old = _read_stamp(db_path)
        if old is not None and old.get("trusted") is not None and _state_of(old) == asdict(state):
            record["trusted"] = old["trusted"]
    try:
        write_private(stamp_path(db_path), json.dumps(record).encode())
    except OSError as error:  # a read-only folder: the next opening checks in full
        log.info("no check stamp: %s", type(error).__name__)
        return False
    return True


def _read_stamp(db_path: Path) -> dict[str, object] | None:
    try:
        recorded = json.loads(stamp_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(recorded, dict) or recorded.get("format") != _STAMP_FORMAT:
        return None
    return recorded


def _state_of(recorded: dict[str, object]) -> dict[str, object]:
    return {name: value for name, value in recorded.items() if name not in ("format", "trusted")}


def _head() -> str:
    from ddcase.storage.schema import HEAD_REVISION  # schema imports the engine's side

    return HEAD_REVISION


def stamp_matches(db_path: Path) -> bool:
    """Whether the file is exactly as it was when last stamped (so a check may run alongside)."""
    recorded = _read_stamp(db_path)
    if recorded is None:
        return False
    state = file_state(db_path)
    return state is not None and asdict(state) == _state_of(recorded)


def recently_checked(db_path: Path, *, within: float = TRUSTED_FOR_SECONDS, now: float | None = None) -> bool:
    """Whether a whole opening inspection passed on exactly the file as it is now, by this
    version (the same head revision), less than `within` seconds ago. A time in the future (the
    clock was put back) is not trusted."""
    recorded = _read_stamp(db_path)
    if recorded is None:
        return False
    trusted = recorded.get("trusted")
    if not isinstance(trusted, dict) or trusted.get("head") != _head():
        return False
    at = trusted.get("at")
    if not isinstance(at, (int, float)):
        return False
    age = (time.time() if now is None else now) - at
    if not 0 <= age < within:
        return False
    state = file_state(db_path)
    return state is not None and asdict(state) == _state_of(recorded)


def recorded_size(db_path: Path) -> int | None:
    """The size the stamp recorded (what the file held when ddcase last left it), or None."""
    try:
        recorded = json.loads(stamp_path(db_path).read_text(encoding="utf-8"))
        size = recorded.get("size") if isinstance(recorded, dict) else None
    except (OSError, ValueError):
        return None
    return size if isinstance(size, int) else None


def forget_stamp(db_path: Path) -> None:
    with contextlib.suppress(OSError):
        stamp_path(db_path).unlink()


# ---------------------------------------------------------------------- the check of one opening


class OpeningCheck:
    """The quick_check of one opening of a file: already passed before opening (`passed`), or
    running in a background thread (`start`). `require()` waits for it and raises
    DamagedDatabaseError if it failed; `explain` turns that error into the one to show (with
    the way forward: the newest verified backup)."""

    def __init__(
        self,
        path: Path,
        *,
        run: Callable[[Path], list[str]] | None = None,
        explain: Callable[[DamagedDatabaseError], DamagedDatabaseError] | None = None,
    ) -> None:
        self.path = path
        self._run = run
        self._explain = explain or (lambda error: error)
        self._done = threading.Event()
        self._problems: list[str] = []
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []
        self._state_before: FileState | None = None
        self.in_background = False

    @classmethod
    def passed(cls, path: Path) -> OpeningCheck:
        check = cls(path)
        check._problems = ["ok"]
        check._done.set()
        return check

    def start(
        self, explain: Callable[[DamagedDatabaseError], DamagedDatabaseError] | None = None
    ) -> OpeningCheck:
        """Run the check in a background thread (SQLite lets go of the GIL while it reads);
        `explain` as in the constructor."""
        if explain is not None:
            self._explain = explain
        self.in_background = True
        self._state_before = file_state(self.path)
        self._thread = threading.Thread(target=self._check, name="ddcase-opening-check", daemon=True)
        self._thread.start()
        return self

    def _check(self) -> None:
        try:
            assert self._run is not None
            self._problems = self._run(self.path)
        except BaseException as error:  # never lost: a failed check is a failed check
            self._problems = [f"the check itself failed: {type(error).__name__}"]
        finally:
            if self._problems != ["ok"]:
                forget_stamp(self.path)
            elif self._state_before is not None and file_state(self.path) == self._state_before:
                # The rest of the opening inspection passed before this check started, on this
                # same state: the whole of it has now passed.
                with contextlib.suppress(Exception):
                    write_stamp(self.path, inspected=True)
            with self._lock:
                self._done.set()
                callbacks, self._callbacks = self._callbacks, []
            for callback in callbacks:
                _call(callback)

    def when_done(self, callback: Callable[[], None]) -> None:
        """Call `callback` once the check has finished: at once if it has, else from the
        checking thread when it does (a window hands the call to its own thread). Then read
        `error()`."""
        with self._lock:
            if not self._done.is_set():
                self._callbacks.append(callback)
                return
        _call(callback)

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    @property
    def ok(self) -> bool:
        return self._done.is_set() and self._problems == ["ok"]

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def error(self) -> DamagedDatabaseError | None:
        """After the check has finished: the error to show, or None when it passed."""
        if not self._done.is_set() or self._problems == ["ok"]:
            return None
        return self._explain(DamagedDatabaseError(damaged_message(self.path, self._problems)))

    def require(self) -> None:
        """Wait for the check; raise DamagedDatabaseError if the file is damaged."""
        self._done.wait()
        error = self.error()
        if error is not None:
            raise error


def _call(callback: Callable[[], None]) -> None:
    """A callback that fails is logged, never raised into the checking thread."""
    try:
        callback()
    except Exception:  # noqa: BLE001 - the check's result is still there for require()
        log.exception("a callback of the opening check failed")


class CheckedDatabase(Database):
    """The database of one opening of an SQLite file: no write starts before the opening check
    has passed, and a clean close stamps the file as checked (see the module's docstring)."""

    def __init__(self, engine: Engine, check: OpeningCheck) -> None:
        super().__init__(engine)
        self.check = check

    @contextmanager
    def write(self) -> Iterator[Session]:
        self.check.require()
        with super().write() as session:
            yield session

    def dispose(self) -> None:
        super().dispose()
        path = self.path
        if path is None:
            return
        if self.check.ok:
            write_stamp(path)  # refuses (and forgets) while a -wal remains
        elif self.check.finished:
            forget_stamp(path)
        # still running (a session closed within a second of opening, having written nothing,
        # since writes wait for the check): the file is unchanged, so the old stamp still holds

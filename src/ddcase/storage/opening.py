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
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from ddcase.storage.database import Database, StorageError

# The stamp's home is stamp.py (read without SQLAlchemy); its names stay here for their callers.
from ddcase.storage.stamp import HEAD_BYTES as HEAD_BYTES
from ddcase.storage.stamp import STAMP_SUFFIX as STAMP_SUFFIX
from ddcase.storage.stamp import TRUSTED_FOR_SECONDS as TRUSTED_FOR_SECONDS
from ddcase.storage.stamp import FileState as FileState
from ddcase.storage.stamp import file_state as file_state
from ddcase.storage.stamp import forget_stamp as forget_stamp
from ddcase.storage.stamp import recently_checked as recently_checked
from ddcase.storage.stamp import recorded_size as recorded_size
from ddcase.storage.stamp import stamp_matches as stamp_matches
from ddcase.storage.stamp import stamp_path as stamp_path
from ddcase.storage.stamp import write_stamp as write_stamp

log = logging.getLogger(__name__)


class DamagedDatabaseError(StorageError):
    """The file is an SQLite database that fails its own check; it was left untouched."""


def damaged_message(path: Path, problems: list[str]) -> str:
    return f"The database file {path} is damaged ({'; '.join(problems[:3])}). ddcase has not changed it."


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
            give_way()
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


#: How much less the opening check's thread weighs on Linux than the app's (its nice value, up
#: from the process's): 10 gives it about a tenth of a core's time against one of the app's
#: threads (the kernel's weights 110 against 1024), so that it gives way to the first reads.
GIVE_WAY_NICE = 10


def give_way() -> None:
    """Lower the calling thread's scheduling priority: the opening check's thread, which runs
    beside the first reads of a start (the dashboard's figures, which read on both cores: issue
    18), so that it takes the CPU they leave rather than a third of it. Writes and output still
    wait for the check; with a core free it runs as fast as before, and only while other
    threads want every core does it take longer. Linux: the thread's own
    nice value (`GIVE_WAY_NICE` up, at most 19). Windows: THREAD_PRIORITY_BELOW_NORMAL. Elsewhere
    (macOS: `setpriority` would take a thread's id for a process's) unchanged, as it is when
    the system refuses: a check at the usual priority is the check all the same."""
    try:
        if sys.platform == "win32":
            import ctypes
            from ctypes import wintypes

            kernel32 = ctypes.WinDLL("kernel32")  # its own function objects: their types set here
            current = kernel32.GetCurrentThread
            current.argtypes, current.restype = [], wintypes.HANDLE  # a pseudo-handle, pointer-wide
            lower = kernel32.SetThreadPriority
            lower.argtypes, lower.restype = [wintypes.HANDLE, ctypes.c_int], wintypes.BOOL
            lower(current(), -1)  # THREAD_PRIORITY_BELOW_NORMAL
        elif sys.platform.startswith("linux"):
            thread = threading.get_native_id()
            now = os.getpriority(os.PRIO_PROCESS, thread)
            os.setpriority(os.PRIO_PROCESS, thread, min(now + GIVE_WAY_NICE, 19))
    except (OSError, AttributeError, ValueError):
        log.debug("the opening check runs at the usual priority", exc_info=True)


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
    def write(self, *, keys_checked_at_commit: bool = False) -> Iterator[Session]:
        self.check.require()
        with super().write(keys_checked_at_commit=keys_checked_at_commit) as session:
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

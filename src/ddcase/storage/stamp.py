"""The stamp beside a database file (`<database>.checked`): the file's state when ddcase last
found it sound, and when a whole opening inspection last passed on exactly that state (see
opening.py, which decides what an opening checks). Importing it imports no database library: a
read-only command asks `recently_checked` before anything else (`ddcase figures`, issue 18)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

STAMP_SUFFIX = ".checked"
HEAD_BYTES = 64 * 1024
_STAMP_FORMAT = 1
#: How long a read-only command may trust a full opening check of an unchanged file.
TRUSTED_FOR_SECONDS = 12 * 60 * 60


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
    from ddcase.storage.schema import HEAD_REVISION

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

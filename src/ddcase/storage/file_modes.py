"""Owner-only permissions for a log and everything ddcase writes beside it (Unix; on Windows the
user's profile folder already keeps other users out). Importing it imports no database library:
`ddcase figures` asks whether start-up has a file to protect before reading (issue 18)."""

from __future__ import annotations

import os
from pathlib import Path

SIDE_FILES = ("-wal", "-shm")
FILE_MODE = 0o600
FOLDER_MODE = 0o700


def unprotected(path: Path) -> list[Path]:
    """The database (and its -wal/-shm) as far as they exist and are not owner-only yet."""
    if os.name != "posix":
        return []  # Windows: the user's profile folder already keeps other users out
    found = []
    for candidate in (path, *(Path(f"{path}{suffix}") for suffix in SIDE_FILES)):
        try:
            if candidate.exists() and (candidate.stat().st_mode & 0o777) != FILE_MODE:
                found.append(candidate)
        except OSError:
            pass
    return found


def protect(path: Path) -> None:
    """Owner-only permissions for a database (and its -wal/-shm) or any file we write (Unix)."""
    for candidate in unprotected(path):
        try:
            os.chmod(candidate, FILE_MODE)
        except OSError:
            pass  # not ours to change (a shared read-only file); reading it still works

"""The backups beside a log, as files: their names (the log's name, when, what kind), the list of
them, whether the day's backup is made, and the partial copies a killed backup left. Making,
checking, rotating and restoring them is services/backup.py's. Importing it imports no database
library (`ddcase figures` asks whether start-up has a backup to make: issue 18)."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from ddcase.domain.backups import BackupFile

BACKUPS_FOLDER = "backups"
ROTATED_KINDS = ("daily", "manual")
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6})-(?P<kind>[a-z-]+?)(?:-(?P<n>\d+))?\.sqlite3$")
NAME_STAMP = "%Y%m%dT%H%M%S"

#: What a backup under way writes beside its target: the copy, SQLite's files beside it, and a
#: lock held while it runs. A backup killed (or failed) leaves them; they hold the log's records.
_PARTIAL = re.compile(r"^(?P<target>.+)\.partial(?:-journal|-wal|-shm|-lock)?$")


def backups_folder(db_path: Path) -> Path:
    return db_path.parent / BACKUPS_FOLDER


def list_backups(db_path: Path) -> list[BackupFile]:
    """The backups of this database in its backups folder, newest first."""
    folder = backups_folder(db_path)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match is None or match["stem"] != db_path.stem:
            continue
        try:
            made_at = datetime.strptime(match["stamp"], NAME_STAMP)
            size = path.stat().st_size
        except (ValueError, OSError):
            continue
        found.append(BackupFile(path, made_at, match["kind"], size))
    return sorted(found, key=lambda b: (b.made_at, b.path.name), reverse=True)


def backed_up_today(db_path: Path, today: date) -> bool:
    """Whether a daily or manual backup of the log was made `today` (no daily one is then due)."""
    return any(b.kind in ROTATED_KINDS and b.made_at.date() == today for b in list_backups(db_path))


def partial_copies(folder: Path) -> list[tuple[Path, str]]:
    """What backups that did not finish left in `folder` (or one still under way), each with the
    name of the copy it belongs to."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        match = _PARTIAL.match(path.name)
        if match is not None:
            found.append((path, match["target"]))
    return found

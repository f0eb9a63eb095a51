"""A backup of a log, as its file says (storage/backup_files.py reads them, services/backup.py
makes them, the restore dialog lists them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True, slots=True)
class BackupFile:
    path: Path
    made_at: datetime  # local time, from the name
    kind: str
    size: int

"""Who "I" am in each log, remembered per computer user: a small JSON file in the platformdirs
user config folder (`who_am_i.json`), never in the log itself, so that two people sharing a log
each see their own name and their own to-do list.

The file maps a log (its file's full path, or a server database's URL without any password) to a worker of its directory, by
side and name (names are unique within a side, SPEC §3)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ddcase import paths
from ddcase.domain import Worker
from ddcase.services.base import Context
from ddcase.storage import repository

FILE_NAME = "who_am_i.json"


class WhoAmIService:
    def __init__(self, context: Context, folder: Path | None = None) -> None:
        """`folder`: where the file lives (default: the platformdirs user config folder)."""
        self._context = context
        self._folder = folder

    def _path(self) -> Path:
        return (self._folder or paths.config_dir()) / FILE_NAME

    def _log(self) -> str:
        """The log, named the same however it was given (a relative path, a URL)."""
        db = self._context.db
        path = db.path if db.is_sqlite else None
        return str(path.resolve()) if path is not None else db.url

    def _read(self) -> dict[str, Any]:
        try:
            with open(self._path(), encoding="utf-8") as file:
                found = json.load(file)
        except (OSError, ValueError):  # none yet, or unreadable: nobody is remembered
            return {}
        return found if isinstance(found, dict) else {}

    def who_am_i(self) -> Worker | None:
        """The worker this computer user said they are in this log, if still in its directory."""
        entry = self._read().get("logs", {}).get(self._log())
        if not isinstance(entry, dict):
            return None
        with self._context.db.read() as session:
            workers = repository.workers(session)
        return next(
            (w for w in workers if w.service.value == entry.get("service") and w.name == entry.get("name")),
            None,
        )

    def remember(self, worker: Worker | None) -> None:
        """Remember `worker` as "me" in this log (None: forget)."""
        data = self._read()
        logs = data.setdefault("logs", {})
        if worker is None:
            logs.pop(self._log(), None)
        else:
            logs[self._log()] = {"service": worker.service.value, "name": worker.name}
        path = self._path()
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".new")
        with open(partial, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=1, ensure_ascii=False)
        os.replace(partial, path)


def describe(worker: Worker) -> str:
    """'Carla Turner, care coordinator, North CMHT': who someone is, for the status bar."""
    parts = [worker.name]
    if worker.role is not None:
        parts.append(worker.role.label.lower())
    parts.append(worker.organisation)
    return ", ".join(parts)

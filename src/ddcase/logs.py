"""Logging to a file in the platformdirs log folder, readable by the owner only. Messages name
records by their kind and internal id, never by client identifiers."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

_configured: Path | None = None


def setup_logging(folder: Path | None = None) -> Path:
    """Send ddcase's log to `ddcase.log` (rotated); return the file's path."""
    global _configured
    if _configured is not None:
        return _configured
    from ddcase.paths import log_dir

    folder = folder or log_dir()
    path = folder / "ddcase.log"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        if path.exists():
            os.chmod(path, 0o600)
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("ddcase")
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    _configured = path
    return path

"""Owner-only files and folders as the tests check them: a POSIX mode on Linux and macOS. On
Windows `chmod` sets only the read-only flag and privacy comes from the user's profile folder's
ACLs (../shared/notes/windows.md rule 4), so there is no mode to check there (the suite runs on
Windows' own Python under Wine: scripts/windows_check.sh)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def owner_mode(path: Path | str, expected: int) -> int:
    """The permission bits of `path` on POSIX; on Windows, `expected` (nothing to compare)."""
    if os.name != "posix":
        return expected
    return stat.S_IMODE(os.stat(path).st_mode)

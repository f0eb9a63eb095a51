"""How many cores this process may run on: its one home (issue 18). The figures read beside only
with a second core (`services/figures`), and a first import gives SQLite's sorter one thread a
spare core (`storage/bulk_load`). A leaf module, like paths.py: it imports nothing of ddcase."""

from __future__ import annotations

import os


def usable_cores() -> int:
    """The cores this process may run on: its affinity on Linux (`taskset`, a container's
    cpuset), the machine's count elsewhere (Windows and macOS have no `sched_getaffinity`), and
    at least one."""
    affinity = getattr(os, "sched_getaffinity", None)
    return max(1, len(affinity(0)) if affinity is not None else (os.cpu_count() or 1))

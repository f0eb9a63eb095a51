"""Where an import's time goes (issue 18): `ddcase import --db NEW FOLDER` with timers wrapped round
its parts, the wall clock and the import's own thread's CPU per phase, then the process's CPU and
its children's (the child that reads contacts.csv, and multiprocessing's resource tracker).

    PYTHONPATH=src python benchmarks/import_phases.py NEW.sqlite3 FOLDER

The phases overlap in one place: `create_indexes` is called for the episodes and again by
`ContactWriter.finish` for the contacts' indexes other than the fingerprint's. The child is
spawned, so it imports this file as `__mp_main__`: nothing runs at import time."""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from typing import Any


def _wrap(owner: Any, name: str, label: str, times: dict[str, list[float]]) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent = times.setdefault(label, [0.0, 0.0, 0])
            spent[0] += time.perf_counter() - wall
            spent[1] += time.thread_time() - cpu
            spent[2] += 1

    setattr(owner, name, timed)


def main(database: str, folder: str) -> int:
    from ddcase.cli import main as ddcase_main
    from ddcase.services.transfer import parallel, service
    from ddcase.storage import bulk_load, repository

    times: dict[str, list[float]] = {}
    for owner, name, label in (
        (service.TransferService, "import_folder", "import_folder, in all"),
        (service, "parse", "stage 1: workers, clients, episodes read and checked"),
        (service, "resolve", "matching"),
        (repository, "insert_new", "workers, clients, episodes inserted"),
        (bulk_load, "create_indexes", "indexes (episodes; contacts' but the fingerprint's)"),
        (service.TransferService, "_import_contacts", "contacts, in all"),
        (bulk_load.ContactWriter, "write", "contacts inserted"),
        (parallel.ContactReader, "receive", "the child's rows received (waiting included)"),
        (bulk_load.ContactWriter, "finish", "contact indexes (finish)"),
    ):
        _wrap(owner, name, label, times)
    code = ddcase_main(["import", "--db", database, folder])
    for label, (wall, cpu, calls) in times.items():
        print(f"{label:55s} wall {wall:6.2f} s  CPU {cpu:6.2f} s  ({calls} calls)", file=sys.stderr)
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"the import's process: CPU {own.ru_utime + own.ru_stime:.2f} s "
        f"({own.ru_utime:.2f} user, {own.ru_stime:.2f} system); "
        f"its children: {children.ru_utime + children.ru_stime:.2f} s",
        file=sys.stderr,
    )
    return int(code or 0)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: import_phases.py NEW.sqlite3 FOLDER")
    sys.exit(main(sys.argv[1], sys.argv[2]))

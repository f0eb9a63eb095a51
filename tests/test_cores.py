"""How many cores this process may run on has one home (`ddcase.cores.usable_cores`): its
affinity where the platform has one (Linux: `taskset`, a container's cpuset), the machine's count
where it has none (Windows, macOS), never fewer than one. The read beside and the sorter's threads
both ask it (issue 18)."""

from __future__ import annotations

import pytest

from ddcase import cores
from ddcase.services import figures
from ddcase.storage import bulk_load


@pytest.mark.parametrize("count", [1, 2, 8])
def test_the_affinity_counts_where_there_is_one(monkeypatch, count: int):
    monkeypatch.setattr(cores.os, "sched_getaffinity", lambda _pid: set(range(count)), raising=False)
    monkeypatch.setattr(cores.os, "cpu_count", lambda: 64)  # the machine has more than we may use
    assert cores.usable_cores() == count


@pytest.mark.parametrize(("count", "usable"), [(None, 1), (1, 1), (4, 4)])
def test_the_machine_counts_without_an_affinity(monkeypatch, count: int | None, usable: int):
    monkeypatch.delattr(cores.os, "sched_getaffinity", raising=False)  # as on Windows and macOS
    monkeypatch.setattr(cores.os, "cpu_count", lambda: count)  # None: Python could not tell
    assert cores.usable_cores() == usable


@pytest.mark.parametrize(("count", "beside", "sorter"), [(1, False, 0), (2, True, 1), (3, True, 2)])
def test_the_read_beside_and_the_sorter_ask_the_same_question(monkeypatch, count, beside, sorter):
    monkeypatch.setattr(cores.os, "sched_getaffinity", lambda _pid: set(range(count)), raising=False)
    monkeypatch.setattr(cores.os, "cpu_count", lambda: 64)
    assert figures._second_core.__wrapped__() is beside  # uncached: the process's answer is kept
    assert bulk_load.sorter_threads() == sorter

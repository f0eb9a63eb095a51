"""What the services share."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from ddcase import collector as collector_module
from ddcase.collector import Collector
from ddcase.services.base import cyclic_gc_paused


@pytest.fixture(autouse=True)
def collector() -> Iterator[Collector]:
    """A collector policy of the test's own, with automatic collection on to begin with (a
    window an earlier test left open would have the process's pinned); as it was after."""
    was_enabled = gc.isenabled()
    gc.enable()
    own = Collector()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(collector_module, "collector", own)
        yield own
    if not was_enabled:
        gc.disable()


def test_the_cyclic_collector_is_paused_within_and_back_on_after_even_on_an_error():
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), cyclic_gc_paused():
        raise ValueError
    assert gc.isenabled()


def test_a_collector_already_off_is_left_off():
    gc.disable()
    try:
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_pauses_overlapping_in_two_threads_keep_the_collector_off_until_the_last_ends():
    """The dashboard reads two months at once (issue 18's threads): the first read to finish
    must not switch the collector back on under the other, still counting."""
    assert gc.isenabled()
    began, release = threading.Event(), threading.Event()

    def first_read() -> None:
        with cyclic_gc_paused():
            began.set()
            release.wait(10)

    reader = threading.Thread(target=first_read)
    reader.start()
    assert began.wait(10)
    with cyclic_gc_paused():
        release.set()
        reader.join(10)  # the first read has ended; this one is still counting
        assert not reader.is_alive()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_pinned_collector_stays_off_through_pauses_and_runs_only_when_asked(collector: Collector):
    """A window pins the collector to the GUI thread: no automatic collection (a pause ending
    does not switch it on), `collect_due` collects when due, never during a bulk read."""
    assert gc.isenabled()
    collector.pin()
    try:
        assert not gc.isenabled()
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
        gc.collect()
        assert collector.collect_due() == 0  # nothing allocated since: not due
        cycles = [[] for _ in range(gc.get_threshold()[0] + 1)]
        for cycle in cycles:
            cycle.append(cycle)
        del cycles, cycle
        with cyclic_gc_paused():
            assert collector.collect_due() == 0  # a bulk read runs: held off
        assert collector.collect_due() >= gc.get_threshold()[0]  # found unreachable
        assert not gc.isenabled()
    finally:
        collector.unpin()
    assert gc.isenabled()


def test_a_change_is_audited_with_the_contexts_user_and_clock(context):
    """`audit_change` is the one place a service writes who changed what, and when: the person
    using ddcase and the context's clock (not the computer's), with the values before and after."""
    from ddcase.services.base import audit_change, changed_by
    from ddcase.storage import audit

    with context.db.write() as session:
        audit_change(context, session, "update", "worker", "Ann Smith", {"phone": "1"}, {"phone": "2"})
    with context.db.read() as session:
        [entry] = audit.entries_about(session, "Ann Smith")
    assert (entry.row.action, entry.row.entity, entry.row.app_user) == ("update", "worker", "Test User")
    assert entry.row.at_utc.startswith("2026-11-22T10:42")
    assert (entry.before_json, entry.after_json) == ('{"phone":"1"}', '{"phone":"2"}')
    assert changed_by(context) == "Test User"
    context.user = None
    assert changed_by(context) == audit.os_user()

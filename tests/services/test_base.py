"""What the services share."""

from __future__ import annotations

import gc

import pytest

from ddcase.services.base import cyclic_gc_paused


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

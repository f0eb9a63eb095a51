"""Issue 15: every time a person reads is UK local time (Europe/London), whatever the machine's
zone, with GMT or BST named where it matters (domain/times.py, the one home)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest

from ddcase.domain.times import date_time_text, in_uk, uk_date


@pytest.fixture(params=["America/New_York", "Asia/Tokyo", "UTC"])
def machine_zone(request, monkeypatch):
    """The machine set to another zone than the UK's (a laptop left on holiday time)."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_winter_is_gmt_and_summer_is_bst_on_any_machine(machine_zone):
    assert date_time_text(datetime(2026, 12, 5, 14, 30, tzinfo=UTC), zone=True) == "5 Dec 2026 at 14:30 GMT"
    assert date_time_text(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), zone=True) == "1 Jul 2026 at 13:00 BST"
    assert date_time_text(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == "1 Jul 2026 at 13:00"


def test_the_clocks_change_on_the_last_sundays_of_march_and_october(machine_zone):
    # 29 Mar 2026: 01:00 UTC is 02:00 BST; 25 Oct 2026: 01:00 UTC is 01:00 GMT again.
    assert date_time_text(datetime(2026, 3, 29, 0, 59, tzinfo=UTC), zone=True) == "29 Mar 2026 at 00:59 GMT"
    assert date_time_text(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), zone=True) == "29 Mar 2026 at 02:00 BST"
    assert date_time_text(datetime(2026, 10, 25, 0, 59, tzinfo=UTC), zone=True) == "25 Oct 2026 at 01:59 BST"
    assert date_time_text(datetime(2026, 10, 25, 1, 0, tzinfo=UTC), zone=True) == "25 Oct 2026 at 01:00 GMT"


def test_a_stored_naive_time_is_utc_and_the_uk_date_can_be_the_next_day(machine_zone):
    stored = datetime(2026, 6, 30, 23, 30)  # as the database gives it back: naive UTC
    assert date_time_text(stored, naive="utc") == "1 Jul 2026 at 00:30"
    assert uk_date(stored, naive="utc") == date(2026, 7, 1)
    assert in_uk(stored, naive="utc").utcoffset().total_seconds() == 3600

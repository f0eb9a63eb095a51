"""Month (SPEC §1: a calendar month, first to last day inclusive, written YYYY-MM)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ddcase.domain import DomainError, Month, month_range, window_start


@pytest.mark.parametrize(
    ("text", "year", "month"),
    [
        ("2026-03", 2026, 3),
        ("2026-12", 2026, 12),
        ("0001-01", 1, 1),
        ("9999-12", 9999, 12),
        (" 2026-03 ", 2026, 3),
    ],
)
def test_parse_reads_yyyy_mm(text, year, month):
    assert Month.parse(text) == Month(year, month)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026",
        "2026-3",
        "2026-003",
        "26-03",
        "2026/03",
        "03-2026",
        "2026-00",
        "2026-13",
        "0000-01",
        "2026-03-01",
        "March 2026",
        "２０２６-０３",  # full-width digits
        "٢٠٢٦-٠٣",  # Arabic-Indic digits
    ],
)
def test_parse_rejects_anything_but_yyyy_mm(text):
    with pytest.raises(DomainError):
        Month.parse(text)


@pytest.mark.parametrize(("year", "month"), [(2026, 0), (2026, 13), (0, 1), (10000, 1)])
def test_a_month_out_of_range_cannot_be_made(year, month):
    with pytest.raises(DomainError):
        Month(year, month)


@pytest.mark.parametrize("text", ["2026-03", "2026-12", "0001-01", "0999-07"])
def test_format_is_yyyy_mm_with_leading_zeros(text):
    assert str(Month.parse(text)) == text


def test_of_a_date_is_its_month():
    assert Month.of(date(2026, 2, 28)) == Month(2026, 2)


@pytest.mark.parametrize(
    ("month", "first", "last", "days"),
    [
        (Month(2026, 1), date(2026, 1, 1), date(2026, 1, 31), 31),
        (Month(2026, 2), date(2026, 2, 1), date(2026, 2, 28), 28),
        (Month(2024, 2), date(2024, 2, 1), date(2024, 2, 29), 29),
        (Month(2000, 2), date(2000, 2, 1), date(2000, 2, 29), 29),
        (Month(2100, 2), date(2100, 2, 1), date(2100, 2, 28), 28),
        (Month(2026, 4), date(2026, 4, 1), date(2026, 4, 30), 30),
        (Month(2026, 12), date(2026, 12, 1), date(2026, 12, 31), 31),
    ],
)
def test_first_and_last_day_and_number_of_days(month, first, last, days):
    assert month.first_day == first
    assert month.last_day == last
    assert month.days == days


@pytest.mark.parametrize(
    ("month", "n", "expected"),
    [
        (Month(2026, 12), 1, Month(2027, 1)),
        (Month(2027, 1), -1, Month(2026, 12)),
        (Month(2026, 3), 0, Month(2026, 3)),
        (Month(2026, 3), 12, Month(2027, 3)),
        (Month(2026, 3), -15, Month(2024, 12)),
        (Month(2026, 11), 14, Month(2028, 1)),
    ],
)
def test_plus_moves_across_new_year(month, n, expected):
    assert month.plus(n) == expected


def test_next_and_previous_cross_new_year():
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2027, 1).previous() == Month(2026, 12)


def test_months_order_by_year_then_month():
    assert Month(2025, 12) < Month(2026, 1) < Month(2026, 2)
    assert Month(2026, 2) >= Month(2026, 2)
    assert sorted([Month(2026, 1), Month(2025, 12), Month(2025, 2)]) == [
        Month(2025, 2),
        Month(2025, 12),
        Month(2026, 1),
    ]


def test_month_range_is_inclusive_and_crosses_new_year():
    assert [str(m) for m in month_range(Month(2025, 11), Month(2026, 2))] == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert list(month_range(Month(2026, 3), Month(2026, 3))) == [Month(2026, 3)]
    assert list(month_range(Month(2026, 3), Month(2026, 2))) == []


def test_labels_for_screens_and_chart_axes():
    assert Month(2026, 10).label() == "October 2026"
    assert Month(2026, 10).short_label() == "Oct 26"
    assert Month(2100, 1).short_label() == "Jan 00"


@pytest.mark.parametrize(
    ("end", "days", "start"),
    [
        (date(2026, 3, 31), 1, date(2026, 3, 31)),
        (date(2026, 3, 31), 31, date(2026, 3, 1)),
        (date(2026, 3, 31), 90, date(2026, 1, 1)),  # 31 + 28 + 31
        (date(2026, 1, 31), 90, date(2025, 11, 3)),  # across New Year: 31 + 31 + 28
        (date(2024, 3, 31), 90, date(2024, 1, 2)),  # across a leap day: 31 + 29 + 30
        (date(2025, 3, 31), 90, date(2025, 1, 1)),
        (date(2024, 12, 31), 366, date(2024, 1, 1)),
    ],
)
def test_window_start_of_n_days_ending_on_d_is_d_minus_n_plus_1(end, days, start):
    assert window_start(end, days) == start
    assert (end - start).days + 1 == days


months = st.builds(Month, st.integers(1900, 2200), st.integers(1, 12))


@given(months)
def test_parse_reads_back_what_str_writes(month):
    assert Month.parse(str(month)) == month


@given(months)
def test_the_day_after_the_last_day_is_the_first_day_of_next_month(month):
    from datetime import timedelta

    assert month.last_day + timedelta(days=1) == month.next().first_day
    assert (month.last_day - month.first_day).days + 1 == month.days


@given(months, st.integers(-600, 600), st.integers(-600, 600))
def test_plus_adds_up(month, a, b):
    assert month.plus(a).plus(b) == month.plus(a + b)
    assert month.plus(a).index - month.index == a

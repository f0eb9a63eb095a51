"""Typed dates (issue 12): every form of a date a person types, on the days of the year that
bite, and the reasons given when it is not a date. Expected dates are worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from ddcase.domain.dates import (
    NOT_A_DATE,
    DateProblem,
    check_typed_date,
    full_year,
    long_day_text,
    parse_typed_date,
)

DEC_5 = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("15/11/2026", DEC_5, date(2026, 11, 15)),
        ("05/12/2026", DEC_5, date(2026, 12, 5)),
        ("5/12/2026", DEC_5, date(2026, 12, 5)),
        ("5/1/2026", DEC_5, date(2026, 1, 5)),
        ("15/11/26", DEC_5, date(2026, 11, 15)),
        ("1/2/03", DEC_5, date(2003, 2, 1)),
        ("  15/11/2026 ", DEC_5, date(2026, 11, 15)),
        ("\t15 / 11 / 2026\n", DEC_5, date(2026, 11, 15)),
        ("15.11.2026", DEC_5, date(2026, 11, 15)),
        ("15-11-2026", DEC_5, date(2026, 11, 15)),
        ("15112026", DEC_5, date(2026, 11, 15)),
        ("151126", DEC_5, date(2026, 11, 15)),
        ("2026-11-15", DEC_5, date(2026, 11, 15)),
        # 29 February: a leap year has one, 2028 and 2000 (divisible by 400) are leap years
        ("29/02/2028", date(2028, 2, 29), date(2028, 2, 29)),
        ("29/2/28", date(2028, 2, 29), date(2028, 2, 29)),
        ("29/02/2024", DEC_5, date(2024, 2, 29)),
        ("29/02/2000", DEC_5, date(2000, 2, 29)),
        ("31/12/2026", date(2026, 12, 31), date(2026, 12, 31)),
        ("31/1/27", date(2027, 1, 31), date(2027, 1, 31)),
        # the words and "N days ago", across a month, a year and a leap day
        ("t", DEC_5, DEC_5),
        ("T", DEC_5, DEC_5),
        ("today", DEC_5, DEC_5),
        (" Today ", DEC_5, DEC_5),
        ("y", DEC_5, date(2026, 12, 4)),
        ("yesterday", date(2027, 1, 1), date(2026, 12, 31)),
        ("Y", date(2028, 3, 1), date(2028, 2, 29)),
        ("-0", DEC_5, DEC_5),
        ("-1", date(2027, 1, 1), date(2026, 12, 31)),
        ("-5", DEC_5, date(2026, 11, 30)),
        ("- 31", date(2026, 12, 31), date(2026, 11, 30)),
        ("-366", date(2028, 2, 29), date(2027, 2, 28)),
        ("-365", date(2029, 3, 1), date(2028, 3, 1)),
    ],
)
def test_a_typed_date_is_the_date_meant(text, today, expected):
    assert parse_typed_date(text, today) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("29/02/2026", "29/02/2026 is not a date: February 2026 has 28 days"),
        ("29/02/1900", "29/02/1900 is not a date: February 1900 has 28 days"),  # not divisible by 400
        ("29/2/27", "29/02/2027 is not a date: February 2027 has 28 days"),
        ("30/02/2028", "30/02/2028 is not a date: February 2028 has 29 days"),
        ("31/04/2026", "31/04/2026 is not a date: April has 30 days"),
        ("31/4/26", "31/04/2026 is not a date: April has 30 days"),
        ("31/06/2026", "31/06/2026 is not a date: June has 30 days"),
        ("32/01/2026", "32/01/2026 is not a date: January has 31 days"),
        ("00/01/2026", "00/01/2026 is not a date: the days of a month start at 1"),
        ("15/13/2026", "15/13/2026 is not a date: there are 12 months"),
        ("15/00/2026", "15/00/2026 is not a date: there are 12 months"),
        ("2026-02-30", "30/02/2026 is not a date: February 2026 has 28 days"),
        ("", NOT_A_DATE),
        ("01/05/1", NOT_A_DATE),  # what the old field made of Alt+D then typing
        ("01/05/202", NOT_A_DATE),
        ("15/11", NOT_A_DATE),
        ("15/11/2026/1", NOT_A_DATE),
        ("15/11-2026", NOT_A_DATE),
        ("next tuesday", NOT_A_DATE),
        ("tomorrow", NOT_A_DATE),
        ("+1", NOT_A_DATE),
        ("-", NOT_A_DATE),
        ("-123456", NOT_A_DATE),
        ("１５/１１/２０２６", NOT_A_DATE),  # full-width digits are not ASCII digits
        ("0000-01-01", NOT_A_DATE),
    ],
)
def test_a_text_that_is_not_a_date_says_why(text, message):
    assert parse_typed_date(text, DEC_5) == DateProblem(message)


@pytest.mark.parametrize(
    ("two_digits", "today", "year"),
    [
        (26, DEC_5, 2026),
        (0, DEC_5, 2000),
        (36, DEC_5, 2036),
        (37, DEC_5, 1937),
        (99, DEC_5, 1999),
        (37, date(2027, 1, 1), 2037),
        (38, date(2027, 1, 1), 1938),
        (10, date(2099, 6, 1), 2010),
        (9, date(2099, 6, 1), 2109),
        (8, date(2099, 6, 1), 2108),
        (11, date(2099, 6, 1), 2011),
    ],
)
def test_a_two_digit_year_is_within_89_years_before_and_10_after_this_year(two_digits, today, year):
    assert full_year(two_digits, today) == year
    assert today.year - 89 <= year <= today.year + 10


def test_a_future_date_is_refused_in_words_and_never_moved_to_today():
    assert check_typed_date("31/12/2026", DEC_5, latest=DEC_5) == DateProblem("31/12/2026 is in the future")
    assert check_typed_date("6/12/26", DEC_5, latest=DEC_5) == DateProblem("06/12/2026 is in the future")
    assert check_typed_date("01/01/2027", date(2026, 12, 31), latest=date(2026, 12, 31)) == DateProblem(
        "01/01/2027 is in the future"
    )
    assert check_typed_date("1/3/2028", date(2028, 2, 29), latest=date(2028, 2, 29)) == DateProblem(
        "01/03/2028 is in the future"
    )
    assert check_typed_date("5/12/2026", DEC_5, latest=DEC_5) == DEC_5
    assert check_typed_date("31/12/2026", DEC_5) == date(2026, 12, 31)  # a field that allows it


def test_a_blank_field_is_none_unless_required_and_a_date_before_1900_is_refused():
    assert check_typed_date("  ", DEC_5, required=False) is None
    assert check_typed_date("", DEC_5) == DateProblem("required (DD/MM/YYYY)")
    assert check_typed_date("31/12/1899", DEC_5) == DateProblem("31/12/1899 is before 01/01/1900")
    assert check_typed_date("01/01/1900", DEC_5) == date(1900, 1, 1)
    assert check_typed_date("not a date", DEC_5, required=False) == DateProblem(NOT_A_DATE)


def test_a_date_in_words_names_the_weekday_in_english():
    assert long_day_text(DEC_5) == "Saturday 5 December 2026"
    assert long_day_text(date(2028, 2, 29)) == "Tuesday 29 February 2028"

"""Dates as people type them into a form (issue 12): DD/MM/YYYY and its short forms, and a few
words for the days nearest today. A typed date is either understood exactly or refused with a
reason; it is never turned into another date.

Pure: today is an argument.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ddcase.domain.validation import EARLIEST_DATE

#: The earliest date any field accepts: the same as for every stored date.
EARLIEST = EARLIEST_DATE
#: How far after today's year a two-digit year may reach (docs/decisions.md, "Typed dates").
TWO_DIGIT_YEAR_AHEAD = 10

FORMAT_HINT = "DD/MM/YYYY"
NOT_A_DATE = f"Not a date: type {FORMAT_HINT}"

#: In English whatever the machine's locale (Qt sets the C library's locale from the user's).
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_WORDS = {"t": 0, "today": 0, "y": 1, "yesterday": 1}
_DAYS_AGO_RE = re.compile(r"^-\s*(\d{1,5})$", re.ASCII)
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
_DMY_RE = re.compile(r"^(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{2}|\d{4})$", re.ASCII)
_DIGITS_RE = re.compile(r"^(\d{2})(\d{2})(\d{2}|\d{4})$", re.ASCII)


@dataclass(frozen=True, slots=True)
class DateProblem:
    """Why a typed text is not an acceptable date, in words for the person who typed it."""

    message: str


def full_year(two_digits: int, today: date) -> int:
    """A two-digit year is the year ending in those digits within the hundred years that end
    ten years after today's year: on any day of 2026, 00-36 are 2000-2036 and 37-99 are
    1937-1999. Dates of birth before that, like any year, can be typed in full."""
    latest = today.year + TWO_DIGIT_YEAR_AHEAD
    year = latest - (latest - two_digits) % 100
    return year


def day_text(day: date) -> str:
    """'05/12/2026': how a date field shows a date."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def long_day_text(day: date) -> str:
    """'Saturday 5 December 2026': a date in words, to check what was typed."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _no_such_day(day: int, month: int, year: int) -> DateProblem:
    typed = f"{day:02d}/{month:02d}/{year:04d}"
    if not 1 <= month <= 12:
        return DateProblem(f"{typed} is not a date: there are 12 months")
    if day == 0:
        return DateProblem(f"{typed} is not a date: the days of a month start at 1")
    last = calendar.monthrange(year, month)[1]
    name = MONTH_NAMES[month - 1]
    if month == 2:
        return DateProblem(f"{typed} is not a date: February {year} has {last} days")
    return DateProblem(f"{typed} is not a date: {name} has {last} days")


def parse_typed_date(text: str, today: date) -> date | DateProblem:
    """The date a person meant by `text`, or why it is not one. Accepted: DD/MM/YYYY, D/M/YYYY,
    D/M/YY (also with '.' or '-' between), DDMMYYYY, DDMMYY, YYYY-MM-DD, 't' or 'today',
    'y' or 'yesterday', and '-N' for N days before today. Spaces around it do not matter."""
    value = text.strip()
    lowered = value.lower()
    if lowered in _WORDS:
        return today - timedelta(days=_WORDS[lowered])
    match = _DAYS_AGO_RE.match(value)
    if match:
        try:
            return today - timedelta(days=int(match.group(1)))
        except OverflowError:
            return DateProblem(NOT_A_DATE)
    match = _ISO_RE.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DMY_RE.match(value)
        if match:
            day, month, year_text = int(match.group(1)), int(match.group(3)), match.group(4)
        else:
            match = _DIGITS_RE.match(value)
            if not match:
                return DateProblem(NOT_A_DATE)
            day, month, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
        year = full_year(int(year_text), today) if len(year_text) == 2 else int(year_text)
    if year < 1:
        return DateProblem(NOT_A_DATE)
    try:
        return date(year, month, day)
    except ValueError:
        return _no_such_day(day, month, year)


def check_typed_date(
    text: str,
    today: date,
    *,
    required: bool = True,
    latest: date | None = None,
    earliest: date = EARLIEST,
) -> date | DateProblem | None:
    """A date field's verdict: the date, None for a blank optional field, or the problem
    (blank but required, not a date, after `latest` such as today, before `earliest`)."""
    if not text.strip():
        return DateProblem(f"required ({FORMAT_HINT})") if required else None
    result = parse_typed_date(text, today)
    if isinstance(result, DateProblem):
        return result
    if latest is not None and result > latest:
        if latest == today:
            return DateProblem(f"{day_text(result)} is in the future")
        return DateProblem(f"{day_text(result)} is after {day_text(latest)}")
    if result < earliest:
        return DateProblem(f"{day_text(result)} is before {day_text(earliest)}")
    return result

"""A calendar month, written YYYY-MM (SPEC §1)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, total_ordering

from ddcase.domain.errors import DomainError

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)


@cache
def _last_day(year: int, month: int) -> date:
    # Cached: the rules ask for it once per contact and month (a trust's series: millions).
    return date(year, month, calendar.monthrange(year, month)[1])


@total_ordering
@dataclass(frozen=True, slots=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= 9999:
            raise DomainError(f"not a month: {self.year:04d}-{self.month:02d}")

    @classmethod
    def parse(cls, text: str) -> Month:
        match = _MONTH_RE.match(text.strip())
        if not match:
            raise DomainError(f"not a month in the form YYYY-MM: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Month):
            return NotImplemented
        return (self.year, self.month) < (other.year, other.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return _last_day(self.year, self.month)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def index(self) -> int:
        """Months since year 0; differences of indexes count months."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    def plus(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def next(self) -> Month:
        return self.plus(1)

    def previous(self) -> Month:
        return self.plus(-1)

    def label(self) -> str:
        """'October 2026', for screens and reports."""
        return f"{calendar.month_name[self.month]} {self.year}"

    def short_label(self) -> str:
        """'Oct 26', for chart axes."""
        return f"{calendar.month_abbr[self.month]} {self.year % 100:02d}"

    # The month in progress (SPEC §5): the one home of the rule, for every screen, report and
    # command.

    def is_provisional(self, today: date) -> bool:
        """SPEC §5: a month whose last day is after today is in progress; its figure is
        provisional (shown so far, left out of every centre line, limit and verdict). On its
        last day a month counts as ended."""
        return self.last_day > today

    def days_so_far(self, today: date) -> int:
        """How many of the month's days have come, today included (0 before it starts)."""
        return max(0, min(self.days, (today - self.first_day).days + 1))

    def so_far_text(self, today: date) -> str | None:
        """'so far: 5 of 31 days' for the month in progress; None for an ended month."""
        if not self.is_provisional(today):
            return None
        return f"so far: {self.days_so_far(today)} of {self.days} days"

    @classmethod
    def last_complete(cls, today: date) -> Month:
        """The latest month that has ended by `today`: what a meeting reads by default."""
        month = cls.of(today)
        return month.previous() if month.is_provisional(today) else month


def month_range(first: Month, last: Month) -> Iterator[Month]:
    """Every month from first to last inclusive."""
    for index in range(first.index, last.index + 1):
        yield Month.from_index(index)


def window_start(end: date, days: int) -> date:
    """SPEC §2: a window of N days ending on day D is the days D-N+1 .. D."""
    return end - timedelta(days=days - 1)

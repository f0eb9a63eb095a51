"""Display helpers shared by the screens and the PDF, so both round the same way."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ddcase.domain.dates import MONTH_NAMES


def short_date_text(day: date) -> str:
    """'9 Oct 2026', in English whatever the machine's locale: the screens, the messages and
    the command line write a day so."""
    return f"{day.day} {MONTH_NAMES[day.month - 1][:3]} {day.year}"


def whole_percent(value: float | None) -> int | None:
    """A percentage rounded to a whole percent, half up: 15.5 -> 16. None stays None."""
    if value is None:
        return None
    return int(Decimal(repr(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def percent_text(value: float | None) -> str:
    """A percentage rounded to a whole percent, half up: 15.5 -> '16%'. None -> '–'."""
    if value is None:
        return "–"
    return f"{whole_percent(value)}%"


def figure_text(jointly_worked: int, mutual_clients: int, value: float | None) -> str:
    """'19 of 125 mutual clients jointly worked (15%)'."""
    noun = "client" if mutual_clients == 1 else "clients"
    return f"{jointly_worked} of {mutual_clients} mutual {noun} jointly worked ({percent_text(value)})"


def change_text(previous: float | None, current: float | None) -> str | None:
    """The change between two percentages as the page shows them, in whole points of the rounded
    figures (so the page adds up): 'up 3 points', 'down 1 point', 'no change'. None when either
    month has no figure."""
    before, after = whole_percent(previous), whole_percent(current)
    if before is None or after is None:
        return None
    points = after - before
    if points == 0:
        return "no change"
    return f"{'up' if points > 0 else 'down'} {abs(points)} point{'s' if abs(points) != 1 else ''}"

"""How the screens write dates, workers and statuses, in one place."""

from __future__ import annotations

from datetime import date

from ddcase.domain import Criterion


def date_text(day: date | None) -> str:
    """'9 Oct 2026'; an empty string for no date."""
    if day is None:
        return ""
    return f"{day.day} {day:%b %Y}"


def missing_text(failed: tuple[Criterion, ...]) -> str:
    """What a coordinator reads for a mutual client not jointly worked: 'No consent to share
    recorded; no liaison this month'."""
    text = "; ".join(c.missing_text for c in failed)
    return text[:1].upper() + text[1:]

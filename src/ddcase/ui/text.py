"""How the screens write dates, workers and statuses, in one place."""

from __future__ import annotations

from datetime import date

from ddcase.services.figures import ClientMonth


def date_text(day: date | None) -> str:
    """'9 Oct 2026'; an empty string for no date."""
    if day is None:
        return ""
    return f"{day.day} {day:%b %Y}"


def missing_text(client: ClientMonth) -> str:
    """What a coordinator reads for a mutual client not jointly worked: 'No consent to share
    recorded; no liaison this month'."""
    text = "; ".join(client.missing())
    return text[:1].upper() + text[1:]

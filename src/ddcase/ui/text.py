"""How the screens write dates, workers and statuses, in one place."""

from __future__ import annotations

from datetime import date, datetime

from ddcase.domain import times
from ddcase.domain.format import short_date_text
from ddcase.services.figures import ClientMonth


def date_text(day: date | None) -> str:
    """'9 Oct 2026'; an empty string for no date."""
    return "" if day is None else short_date_text(day)


def missing_text(client: ClientMonth) -> str:
    """What a coordinator reads for a mutual client not jointly worked: 'No consent to share
    recorded; no liaison this month'."""
    text = "; ".join(client.missing())
    return text[:1].upper() + text[1:]


def date_time_text(moment: datetime, *, zone: bool = False) -> str:
    """'22 Nov 2026 at 10:42' in UK local time (domain/times.py; a naive time is the machine's
    local time, as a backup's is)."""
    return times.date_time_text(moment, zone=zone)


def size_text(size: int) -> str:
    """'840 KB', '12.3 MB': a file's size as a person reads it."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"

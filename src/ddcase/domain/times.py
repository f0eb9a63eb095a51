"""Times as a person reads them: UK local time (Europe/London), whatever the machine's zone, in
one place for every screen, message, file and PDF (issue 15). Stored times are UTC; a backup's
time, read from its file name, is the machine's local time.

Pure apart from reading the time-zone rules (the system's, or the tzdata package on Windows).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import cache
from typing import Literal

from ddcase.domain.format import short_date_text

UK_ZONE = "Europe/London"

Naive = Literal["utc", "local"]


@cache
def uk_zone() -> tzinfo | None:
    """Europe/London; None (the machine's own zone instead) where no time-zone rules are
    installed, so a missing tzdata never stops a screen or a PDF."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(UK_ZONE)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def in_uk(moment: datetime, *, naive: Naive = "local") -> datetime:
    """`moment` as UK local time (GMT or BST). A naive time is taken as the machine's local time,
    or as UTC with `naive="utc"` (times read back from the database)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC) if naive == "utc" else moment.astimezone()
    zone = uk_zone()
    return moment.astimezone(zone) if zone is not None else moment.astimezone()


def date_time_text(moment: datetime, *, zone: bool = False, naive: Naive = "local") -> str:
    """'22 Nov 2026 at 10:42' in UK local time; with `zone`, its name after it: '... at 10:42 GMT'
    (or BST), where a reader elsewhere, or a reader of paper, needs to know."""
    uk = in_uk(moment, naive=naive)
    text = f"{short_date_text(uk.date())} at {uk:%H:%M}"
    if zone:
        text += f" {uk.tzname() or ''}".rstrip()
    return text


def uk_date(moment: datetime, *, naive: Naive = "local") -> date:
    """The UK calendar date of `moment` (a time just after midnight in summer is the next day)."""
    return in_uk(moment, naive=naive).date()

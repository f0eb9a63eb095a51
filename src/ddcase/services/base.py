"""What every service shares: the database, today's date, and who is using ddcase."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from ddcase.collector import cyclic_gc_paused as cyclic_gc_paused  # its home is collector.py
from ddcase.domain import ConflictError
from ddcase.domain.times import date_time_text

if TYPE_CHECKING:  # `ddcase figures` reads without SQLAlchemy (issue 18): storage when used
    from ddcase.storage.database import Database, Session


@dataclass
class Context:
    """Handed to every service by the composition root (cli.main)."""

    db: Database
    user: str | None = None
    today: Callable[[], date] = date.today
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


def as_record(value: Any) -> dict[str, Any]:
    """A domain value as a plain dict for the audit trail (dates as ISO text, enums as values)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(value):
        item = getattr(value, f.name)
        if isinstance(item, Enum):
            item = item.value
        elif isinstance(item, date):
            item = item.isoformat()
        elif item is not None and not isinstance(item, (str, int, float, bool)):
            item = str(item)
        out[f.name] = item
    return out


def changed_by(context: Context) -> str:
    """Who a change is stamped with: the person using ddcase, else the computer's user name."""
    from ddcase.storage import audit

    return context.user or audit.os_user()


def audit_change(
    context: Context,
    session: Session,
    action: str,
    entity: str,
    key: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """One entry in the audit trail for a change made through a service, inside the caller's write
    transaction: who made it (the context's user) and when (the context's clock)."""
    from ddcase.storage import audit

    audit.append(
        session,
        action=action,
        entity=entity,
        key=key,
        before=before,
        after=after,
        app_user=context.user,
        at=context.now(),
    )


def check_version(row: Any, expected: int, what: str) -> None:
    """Optimistic locking, said in words: who changed it and when."""
    if row.version != expected:
        who = row.updated_by or "another user"
        when = local_time_text(row.updated_at) if row.updated_at else "a moment ago"
        raise ConflictError(
            f"{what} was changed by {who} on {when}; nothing was saved. Reload it and try again."
        )


def local_time_text(moment: datetime) -> str:
    """'22 Nov 2026 at 10:42 GMT' in UK local time (stored times are UTC; domain/times.py)."""
    return date_time_text(moment, zone=True, naive="utc")


@contextmanager
def reads_beside(name: str) -> Iterator[ThreadPoolExecutor]:
    """One thread for reads beside a counting, run in the order given: the database does its part
    of each read while the counting goes on (Python lets go of its lock while SQLite or PostgreSQL
    work). Each read's error is raised where its result is asked for; the block ends when the reads
    begun have ended (those not begun are dropped). The meeting PDF's reads and the measures
    summary's discharges (issue 18)."""
    beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"ddcase-{name}-read")
    try:
        yield beside
    finally:
        beside.shutdown(wait=True, cancel_futures=True)

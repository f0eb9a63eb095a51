"""Values as the database driver gives them, read fast: plain rows without SQLAlchemy's
processing, dates parsed once per distinct day, a client's columns and the workers' names.
Shared by repository.py (rows <-> values), figures_read.py (the figures' read side) and
discharge_notes.py (the discharge guard's batched read)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Executable, select
from sqlmodel import Session, col

from ddcase.domain import Client, ContactKind, ContactMode, Outcome, ReferralRoute, Service
from ddcase.storage.tables import ClientRow, WorkerRow

ROUTES = {r.value: r for r in ReferralRoute}
# The enumerations by the text stored for them: a dict lookup per row, not the enum's own lookup.
SERVICES = {s.value: s for s in Service}
KINDS = {k.value: k for k in ContactKind}
MODES = {m.value: m for m in ContactMode}
OUTCOMES = {o.value: o for o in Outcome}

CLIENT_COLUMNS = (
    col(ClientRow.client_ref),
    col(ClientRow.initials),
    col(ClientRow.nhs_number),
    col(ClientRow.date_of_birth),
    col(ClientRow.ethnicity),
    col(ClientRow.referral_route),
    col(ClientRow.consent_to_share_on),
    col(ClientRow.id),
    col(ClientRow.version),
)


def client_of(row: Any) -> Client:
    ref, initials, nhs, born, ethnicity, route, consent, id_, version = row
    return Client(ref, initials, nhs, born, ethnicity, ROUTES[route] if route else None,
                  consent, id_, version)  # fmt: skip


def worker_names(session: Session) -> dict[int, str]:
    return {id_: name for id_, name in session.execute(select(col(WorkerRow.id), col(WorkerRow.name)))}


class Days(dict):  # type: ignore[type-arg]  # a dict keyed by what the driver gives
    """A date for each value the driver gives: ISO text on SQLite (parsed once per distinct day,
    not once per row), a date already on PostgreSQL, None for no date."""

    def __missing__(self, value: str | date | None) -> date | None:
        day = value if value is None or isinstance(value, date) else date.fromisoformat(value[:10])
        self[value] = day
        return day


def driver_rows(connection: Connection, statement: Executable) -> list[tuple[Any, ...]]:
    """The statement's rows as the database driver gives them (plain tuples), without
    SQLAlchemy's processing of each value: the figures of a 24-month chart read some 350,000 rows,
    and turning each SQLite date into a date with a regular expression cost more than SQLite's
    own work. The caller converts (see `Days`)."""
    result = connection.execute(statement)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()

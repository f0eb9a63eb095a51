"""Values as the database driver gives them, read fast: plain rows without SQLAlchemy's
processing, dates parsed once per distinct day, a client's and a contact's columns, the
definition versions and the workers' names. Shared by repository.py (rows <-> values),
figures_read.py (the figures' read side) and discharge_notes.py (the discharge guard's batched
read). Importing it imports no database library (`ddcase figures`, issue 18)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from typing import TYPE_CHECKING, Any

from ddcase.domain import (
    Client,
    Contact,
    ContactKind,
    ContactMode,
    Definition,
    Month,
    Outcome,
    ReferralRoute,
    Service,
)
from ddcase.domain.values import RULE_FIELDS
from ddcase.storage.driver import Reader

if TYPE_CHECKING:
    from sqlalchemy import Connection, Executable

ROUTES = {r.value: r for r in ReferralRoute}
# The enumerations by the text stored for them: a dict lookup per row, not the enum's own lookup.
SERVICES = {s.value: s for s in Service}
KINDS = {k.value: k for k in ContactKind}
MODES = {m.value: m for m in ContactMode}
OUTCOMES = {o.value: o for o in Outcome}

#: A client's columns as plain rows (`client_of`): Client's fields, in their order.
CLIENT_COLUMNS = tuple(f.name for f in fields(Client))

#: What a contact records (SPEC §3), by client id and worker ids: the columns the import writes
#: (bulk_load) and, between its id and version, those a contact is read back with.
CONTACT_VALUE_COLUMNS = (
    "client_id",
    "date",
    "kind",
    "mode",
    "outcome",
    "mh_worker_id",
    "sm_worker_id",
    "client_present",
    "duration_minutes",
    "note",
)
#: A contact's columns as plain rows (`contact_of`): the to-do's histories and the discharge
#: guard's batched read.
CONTACT_COLUMNS = ("id", *CONTACT_VALUE_COLUMNS, "version")

#: A definition version's columns (`definition_of`): its number, first month, the fields that
#: decide a figure (named as Definition's), and when and why it was agreed.
DEFINITION_COLUMNS = ("number", "first_month", *RULE_FIELDS, "agreed_on", "note", "agreed_in")
_FLAGS = frozenset(f.name for f in fields(Definition) if isinstance(f.default, bool))


class Days(dict):  # type: ignore[type-arg]  # a dict keyed by what the driver gives
    """A date for each value the driver gives: ISO text on SQLite (parsed once per distinct day,
    not once per row), a date already on PostgreSQL, None for no date."""

    def __missing__(self, value: str | date | None) -> date | None:
        day = value if value is None or isinstance(value, date) else date.fromisoformat(value[:10])
        self[value] = day
        return day


def client_of(row: Any, days: Days) -> Client:
    ref, initials, nhs, born, ethnicity, route, consent, id_, version = row
    return Client(ref, initials, nhs, days[born], ethnicity, ROUTES[route] if route else None,
                  days[consent], id_, version)  # fmt: skip


def contact_of(row: Any, ref: str, names: Mapping[int | None, str | None], days: Days) -> Contact:
    """A contact from its `CONTACT_COLUMNS` (client id unused: `ref` is the client's reference)."""
    id_, _client_id, day, kind, mode, outcome, mh, sm, present, minutes, note, version = row
    return Contact(
        ref,
        days[day],
        KINDS[kind],
        MODES[mode],
        OUTCOMES[outcome],
        names[mh],
        names[sm],
        None if present is None else bool(present),  # SQLite gives 0 or 1
        minutes,
        note,
        id_,
        version,
    )


def definition_of(row: Any) -> Definition:
    """A definition version from its `DEFINITION_COLUMNS` (a driver's row or a table row's)."""
    values = dict(zip(DEFINITION_COLUMNS, row, strict=True))
    number, first_month, agreed_on = values.pop("number"), values.pop("first_month"), values.pop("agreed_on")
    rules: dict[str, Any] = {
        name: bool(v) if name in _FLAGS else v for name, v in values.items()
    }  # SQLite: 0/1
    return Definition(
        version=number,
        first_month=Month.parse(first_month) if first_month else None,
        agreed_on=Days()[agreed_on],
        **rules,
    )


def definitions(reader: Reader) -> list[Definition]:
    """The agreed definition versions, by number."""
    columns = ", ".join(DEFINITION_COLUMNS)
    return [
        definition_of(row) for row in reader.rows(f"SELECT {columns} FROM definition_version ORDER BY number")
    ]


def worker_names(reader: Reader) -> dict[int | None, str | None]:
    """Every worker's name by id, and None for no worker."""
    names: dict[int | None, str | None] = dict(reader.rows("SELECT id, name FROM worker"))
    names[None] = None
    return names


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

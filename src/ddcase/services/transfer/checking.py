"""Checking rows (SPEC §3): each cell converted to the domain's value, then the domain's own
checks (one place for validation, `domain/validation.py`), every problem collected by column.

The conversions of one cell (`read_enum`, `read_date`, ...) serve every file. contacts.csv has
one parser, `read_contact_cell`: the stream (`contacts.py`) reads each distinct cell through it
once and remembers the result, and a row with a cell it refuses is read again whole through it,
by `parse_contact`, to report all that row's problems."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ddcase.domain import (
    Client,
    Contact,
    ContactKind,
    ContactMode,
    Episode,
    FieldProblem,
    Outcome,
    ReferralRoute,
    Role,
    Service,
    Worker,
)
from ddcase.domain.validation import (
    CONTACT_CHECKED_FIELDS,
    check_client,
    check_episode,
    check_worker,
    contact_field_problem,
    normalise_nhs_number,
)
from ddcase.services.transfer.cells import (
    CLIENTS,
    COLUMNS,
    CONTACTS,
    EPISODES,
    WHOLE_NUMBER,
    WORKERS,
    E,
    members,
    parse_date_cached,
)
from ddcase.services.transfer.reading import Memo, Problems, Row, Table, read_table

#: A cell read: (its value, None), or (None, the problem to report).
Reading = tuple[Any, str | None]

# ---------------------------------------------------------------------------------------- one cell


def read_enum(column: str, kind: type[E], text: str, *, required: bool = False) -> Reading:
    if text == "":
        return None, "required" if required else None
    member = members(kind).get(text.lower())
    if member is None:
        choices = [m.value for m in kind]
        return None, f"unknown {column} {text!r}: use {', '.join(choices[:-1])} or {choices[-1]}"
    return member, None


def read_date(text: str) -> Reading:
    if text == "":
        return None, None
    try:
        return parse_date_cached(text), None
    except ValueError as error:
        return None, str(error)


def read_yes_no(text: str) -> Reading:
    value = text.lower()
    if value in ("", "yes", "no"):
        return (None if value == "" else value == "yes"), None
    return None, f"use yes or no, or leave it blank, not {text!r}"


def read_whole_number(text: str) -> Reading:
    if text == "":
        return None, None
    if not WHOLE_NUMBER.fullmatch(text):
        return None, f"a positive whole number of minutes, not {text!r}"
    return int(text), None


def _optional_text(text: str) -> Reading:
    return text or None, None


def _outcome(text: str) -> Reading:
    if text == "":
        return Outcome.ATTENDED, None
    return read_enum("outcome", Outcome, text)


# ---------------------------------------------------------------------------------------- contacts.csv

_CONTACT_CONVERSIONS: dict[str, Callable[[str], Reading]] = {
    "client_ref": lambda text: (text, None),
    "date": read_date,
    "kind": lambda text: read_enum("kind", ContactKind, text, required=True),
    "mode": lambda text: read_enum("mode", ContactMode, text, required=True),
    "outcome": _outcome,
    "mh_worker": _optional_text,
    "sm_worker": _optional_text,
    "client_present": read_yes_no,
    "duration_minutes": read_whole_number,
    "note": _optional_text,
}
assert tuple(_CONTACT_CONVERSIONS) == COLUMNS[CONTACTS]
_CHECKED = frozenset(CONTACT_CHECKED_FIELDS)


def read_contact_cell(column: str, text: str, today: date) -> Reading:
    """The one parser of contacts.csv: a cleaned cell of `column` as the contact's value, checked
    as the domain checks a contact (field by field, `contact_field_problem`), or its problem."""
    value, problem = _CONTACT_CONVERSIONS[column](text)
    if problem is None and column in _CHECKED:
        problem = contact_field_problem(column, value, today)
    return value, problem


# ---------------------------------------------------------------------------------------- one row


#: Each distinct cell's reading, worked out once (issue 18): `read_date` and `read_enum` are pure,
#: and the small files repeat the same dates and codes (a trust's 120,000 episodes). Bounded as the
#: reading's other memos are; unlike `parse_date_cached`'s 8,192, the bound holds a trust's 15,000
#: dates of birth, which that cache missed at every row.
_DATE_READINGS: Memo = Memo(read_date)
_ENUM_READINGS: dict[tuple[str, type, bool], Memo] = {}


class RowReader:
    """Reads typed values from one row, collecting problems by column."""

    __slots__ = ("file", "row", "_problems", "_bad")

    def __init__(self, file: str, row: Row, problems: Problems) -> None:
        self.file = file
        self.row = row
        self._problems = problems
        self._bad: set[str] = set()

    def add(self, column: str, message: str) -> None:
        self._bad.add(column)
        self._problems.add(self.file, self.row.line, column, message)

    @property
    def ok(self) -> bool:
        return not self._bad

    def read(self, column: str, reading: Reading) -> Any:
        value, problem = reading
        if problem is not None:
            self.add(column, problem)
        return value

    def text(self, column: str) -> str | None:
        return self.row.cells.get(column) or None

    def enum(self, column: str, kind: type[E], *, required: bool = False) -> E | None:
        readings = _ENUM_READINGS.get((column, kind, required))
        if readings is None:
            readings = _ENUM_READINGS[column, kind, required] = Memo(
                lambda text: read_enum(column, kind, text, required=required)
            )
        value: E | None = self.read(column, readings[self.row.cells.get(column, "")])
        return value

    def date(self, column: str) -> date | None:
        value: date | None = self.read(column, _DATE_READINGS[self.row.cells.get(column, "")])
        return value

    def nhs_number(self, column: str) -> str | None:
        value = self.row.cells.get(column, "")
        if value == "":
            return None
        try:
            return normalise_nhs_number(value)
        except ValueError as error:
            self.add(column, f"{error}: {value!r}")
            return None

    def check(self, found: list[FieldProblem]) -> None:
        """The domain's checks (one place for validation); a column already reported is skipped,
        so an unreadable date is not also called "required"."""
        already = set(self._bad)
        for problem in found:
            if problem.field not in already:
                self.add(problem.field, problem.message)


def parse_worker(r: RowReader) -> Worker:
    worker = Worker(
        name=r.text("name") or "",
        organisation=r.text("organisation") or "",
        service=r.enum("service", Service, required=True),  # type: ignore[arg-type]  # None only with the cell's problem recorded: the row is refused
        role=r.enum("role", Role),
        email=r.text("email"),
        phone=r.text("phone"),
    )
    r.check(check_worker(worker))
    return worker


def parse_client(r: RowReader, today: date) -> Client:
    client = Client(
        client_ref=r.text("client_ref") or "",
        initials=r.text("initials") or "",
        nhs_number=r.nhs_number("nhs_number"),
        date_of_birth=r.date("date_of_birth"),
        ethnicity=r.text("ethnicity"),
        referral_route=r.enum("referral_route", ReferralRoute),
        consent_to_share_on=r.date("consent_to_share_on"),
    )
    r.check(check_client(client, today))
    return client


def parse_episode(r: RowReader, today: date) -> Episode:
    episode = Episode(
        client_ref=r.text("client_ref") or "",
        service=r.enum("service", Service, required=True),  # type: ignore[arg-type]  # None only with the cell's problem recorded: the row is refused
        organisation=r.text("organisation") or "",
        start_date=r.date("start_date"),  # type: ignore[arg-type]  # as above: None only for a refused row
        end_date=r.date("end_date"),
        team=r.text("team"),
        worker=r.text("worker"),
    )
    r.check(check_episode(episode, today))
    return episode


def parse_contact(r: RowReader, today: date) -> Contact:
    """A row of contacts.csv read whole through `read_contact_cell`, every problem reported; the
    contact is only meaningful when `r.ok`."""
    cells = r.row.cells
    values = {
        column: r.read(column, read_contact_cell(column, cells.get(column, ""), today))
        for column in _CONTACT_CONVERSIONS
    }
    return Contact(**values)


# ---------------------------------------------------------------------------------------- the small files


@dataclass(slots=True)
class Parsed:
    """Stage 1's result: the valid rows of each file present but contacts.csv, with their lines."""

    tables: dict[str, Table]
    workers: list[tuple[int, Worker]] = field(default_factory=list)
    clients: list[tuple[int, Client]] = field(default_factory=list)
    episodes: list[tuple[int, Episode]] = field(default_factory=list)


def parse(paths: dict[str, Path], today: date, problems: Problems) -> Parsed:
    """Stage 1: read and check workers.csv, clients.csv and episodes.csv, each row on its own."""
    parsed = Parsed({})
    try:
        _parse_files(paths, today, problems, parsed)
    finally:
        # The remembered readings serve one stage 1: a long-lived process (the desktop app) does
        # not keep a trust's dates between imports.
        _DATE_READINGS.clear()
        _ENUM_READINGS.clear()
    return parsed


def _parse_files(paths: dict[str, Path], today: date, problems: Problems, parsed: Parsed) -> None:
    readers: dict[str, Any] = {
        WORKERS: (parse_worker, parsed.workers, False),
        CLIENTS: (parse_client, parsed.clients, True),
        EPISODES: (parse_episode, parsed.episodes, True),
    }
    for file, path in paths.items():
        if file == CONTACTS:
            continue  # streamed in the write transaction: contacts.read_contacts
        parse_row, out, needs_today = readers[file]

        def on_row(
            row: Row,
            file: str = file,
            parse_row: Any = parse_row,
            out: Any = out,
            needs_today: bool = needs_today,
        ) -> None:
            r = RowReader(file, row, problems)
            value = parse_row(r, today) if needs_today else parse_row(r)
            if r.ok:
                out.append((row.line, value))

        parsed.tables[file] = read_table(path, file, problems, on_row)

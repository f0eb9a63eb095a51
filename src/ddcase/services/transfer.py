"""Import and export of the folder of CSV files (SPEC §3); docs/import-export.md is the user guide.

Import is all or nothing, in one write transaction. Stage 1 reads workers.csv, clients.csv and
episodes.csv and checks each row on its own (encoding, CSV syntax, columns, formats, the domain's
checks). Stage 2, inside the transaction, matches those rows to what the log holds, checks what
crosses files and the database (unknown clients and workers, conflicting duplicates) and, if all is
well, writes them set-based. Then contacts.csv, the big one (a trust's is a million rows), is read
a row at a time, checked, and written a batch at a time while nothing anywhere is wrong; after the
first problem it is only checked. Every problem is collected; any problem and the transaction is
rolled back, so nothing is written. One audit entry records the whole import.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import functools
import hashlib
import io
import itertools
import operator
import os
import re
import sys
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ddcase.domain import (
    Client,
    Contact,
    ContactKind,
    ContactMode,
    DomainError,
    Episode,
    FieldProblem,
    ImportProblem,
    ImportRejected,
    Outcome,
    ReferralRoute,
    Role,
    Service,
    Worker,
)
from ddcase.domain.validation import (
    check_client,
    check_contact,
    check_episode,
    check_worker,
    contact_field_problem,
    normalise_nhs_number,
    parse_date,
)
from ddcase.services.base import Context, cyclic_gc_paused
from ddcase.storage import audit, repository
from ddcase.storage.files import write_private
from ddcase.storage.tables import ClientRow, EpisodeRow, WorkerRow

WORKERS = "workers.csv"
CLIENTS = "clients.csv"
EPISODES = "episodes.csv"
CONTACTS = "contacts.csv"

#: SPEC §3: the files, in the order they are read and written, and their columns in SPEC order.
COLUMNS: dict[str, tuple[str, ...]] = {
    WORKERS: ("name", "organisation", "service", "role", "email", "phone"),
    CLIENTS: (
        "client_ref",
        "initials",
        "nhs_number",
        "date_of_birth",
        "ethnicity",
        "referral_route",
        "consent_to_share_on",
    ),
    EPISODES: ("client_ref", "service", "organisation", "team", "worker", "start_date", "end_date"),
    CONTACTS: (
        "client_ref",
        "date",
        "kind",
        "mode",
        "outcome",
        "mh_worker",
        "sm_worker",
        "client_present",
        "duration_minutes",
        "note",
    ),
}
REQUIRED: dict[str, frozenset[str]] = {
    WORKERS: frozenset({"name", "organisation", "service"}),
    CLIENTS: frozenset({"client_ref", "initials"}),
    EPISODES: frozenset({"client_ref", "service", "organisation", "start_date"}),
    CONTACTS: frozenset({"client_ref", "date", "kind", "mode"}),
}
FILES = tuple(COLUMNS)

#: The column of a problem that is about a whole row or file rather than one cell.
WHOLE_ROW = "-"
#: A file larger than this is refused before it is read. A trust's five years of contacts are
#: about 100 MB; files are read a row at a time, never whole, so the limit is about time, not memory.
MAX_FILE_BYTES = 1024**3
_BLOCK_BYTES = 1 << 20  # read at a time when checking a file's encoding

#: SPEC §3: cells a spreadsheet could run as a formula (OWASP, CWE-1236).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SAVE_AS_UTF8 = "save it from Excel as 'CSV UTF-8 (Comma delimited)'"
#: Who a worker named only in episodes.csv is, by side (SPEC §1).
_EPISODE_ROLE = {Service.MENTAL_HEALTH: Role.CARE_COORDINATOR, Service.SUBSTANCE_MISUSE: Role.KEY_WORKER}
_CHUNK = 500  # ids per IN (...) list, well under every backend's parameter limit
#: New contacts written per batch: enough that the per-batch costs vanish, few enough that a
#: batch's rows are a few MB.
CONTACT_CHUNK = 20_000
_INTERN_UP_TO = 80  # characters: references, names, codes and short notes
_IMPORT_CACHE_KIB = 64 * 1024
#: Problems listed per file (None: every one, as SPEC §3 asks); a cap, where a caller sets one,
#: counts the rest in one last line for that file.
LISTED_PER_FILE: int | None = None

E = TypeVar("E", bound=StrEnum)

_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")

#: The same few thousand dates recur a million times in a trust's contacts.csv: parse each once
#: and share the value.
_parse_date = functools.lru_cache(maxsize=8192)(parse_date)


# ---------------------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class FileCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"

    def as_record(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did. Workers include those created from episodes.csv; duplicate contact rows
    count once. `files` are the files read; `ignored` are other .csv files in the folder."""

    folder: str
    workers: FileCounts
    clients: FileCounts
    episodes: FileCounts
    contacts: FileCounts
    files: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated for c in (self.workers, self.clients, self.episodes, self.contacts))

    def as_record(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "files": list(self.files),
            "workers": self.workers.as_record(),
            "clients": self.clients.as_record(),
            "episodes": self.episodes.as_record(),
            "contacts": self.contacts.as_record(),
        }

    def __str__(self) -> str:
        lines = [f"Imported {', '.join(self.files)} from {self.folder}:"]
        for name in ("workers", "clients", "episodes", "contacts"):
            lines.append(f"  {name}: {getattr(self, name)}")
        if not self.changed:
            lines.append("Nothing changed: the log already held all of it.")
        if self.ignored:
            lines.append(f"Ignored (not ddcase files): {', '.join(self.ignored)}")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class ExportSummary:
    folder: str
    workers: int
    clients: int
    episodes: int
    contacts: int
    files: tuple[str, ...] = FILES

    def as_record(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "workers": self.workers,
            "clients": self.clients,
            "episodes": self.episodes,
            "contacts": self.contacts,
        }

    def __str__(self) -> str:
        return (
            f"Exported to {self.folder}: {self.workers} workers, {self.clients} clients, "
            f"{self.episodes} episodes, {self.contacts} contacts."
        )


# ---------------------------------------------------------------------------------------- cells


def escape_cell(text: str) -> str:
    """SPEC §3: a cell a spreadsheet would run as a formula is written with a leading apostrophe.
    Text that already starts with apostrophes before such a character gets one more, so that
    `unescape_cell` always gives the original back."""
    if text.lstrip("'").startswith(_FORMULA_START):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """The inverse of `escape_cell`: one leading apostrophe is dropped when what follows the
    apostrophes starts with =, +, -, @, tab or carriage return. "'tis" stays "'tis"."""
    if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START):
        return text[1:]
    return text


def _clean(cell: str) -> str:
    """A cell as the log stores it: unescaped, Windows line breaks inside it made plain, and
    surrounding spaces dropped (as the app's own forms do). Short cells are interned: a trust's
    contacts.csv repeats the same references, names and notes a million times."""
    if cell.startswith("'"):
        cell = unescape_cell(cell)
    if "\r" in cell:
        cell = cell.replace("\r\n", "\n").replace("\r", "\n")
    cell = cell.strip()
    return sys.intern(cell) if len(cell) <= _INTERN_UP_TO else cell


@functools.cache
def _members(kind: type[E]) -> dict[str, E]:
    """The enum's members by value (a dict look-up; calling the enum costs several times more)."""
    return {member.value: member for member in kind}


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _iso(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def _lines_before(text: str) -> int:
    """How many line breaks the text holds (\\r\\n, \\n or a lone \\r each count once), the way the
    csv module counts them."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


# ---------------------------------------------------------------------------------------- stage 1


@dataclass(slots=True)
class _Row:
    line: int
    cells: dict[str, str]


@dataclass(slots=True)
class _Table:
    file: str
    positions: dict[str, int]  # column name -> position in the header
    usable: bool = True  # False when the file could not be read or lacks a required column
    # Keys seen in any row, valid or not, so that other files do not report them as unknown.
    keys: set[Any] = field(default_factory=set)


class _Problems:
    """Every problem found, to be listed (SPEC §3: all of them). A caller may cap how many of each
    file's are kept to be listed; the rest are then counted in one last line for that file."""

    def __init__(self, listed: int | None = LISTED_PER_FILE) -> None:
        self.items: list[ImportProblem] = []
        self.positions: dict[str, dict[str, int]] = {}
        self.total = 0
        self._listed = listed
        self._per_file: dict[str, int] = {}
        self._unlisted: dict[str, tuple[int, int]] = {}  # file -> (how many, first line)

    def add(self, file: str, line: int, column: str, message: str) -> None:
        self.total += 1
        count = self._per_file.get(file, 0)
        if self._listed is None or count < self._listed:
            self._per_file[file] = count + 1
            self.items.append(ImportProblem(file, line, column, message))
            return
        unlisted, first = self._unlisted.get(file, (0, line))
        self._unlisted[file] = (unlisted + 1, min(first, line))

    def __bool__(self) -> bool:
        return self.total > 0

    def sorted(self) -> list[ImportProblem]:
        """By file (SPEC order), line, then the column's place in that file's header; a file with
        more than the listed number of problems ends with a line that says how many more."""

        more = {
            ImportProblem(
                file,
                first,
                WHOLE_ROW,
                f"{unlisted:,} more problem{'s are' if unlisted != 1 else ' is'} not listed "
                f"(the first of {'them' if unlisted != 1 else 'it'} on this line)",
            )
            for file, (unlisted, first) in self._unlisted.items()
        }

        def key(p: ImportProblem) -> tuple[int, int, int, int]:
            file_order = FILES.index(p.file) if p.file in FILES else len(FILES)
            return (file_order, p in more, p.line, self.positions.get(p.file, {}).get(p.column, -1))

        return sorted([*self.items, *more], key=key)

    def rejected(self) -> ImportRejected:
        return ImportRejected(self.sorted(), total=self.total)


def _read_text(path: Path, file: str, problems: _Problems) -> str | None:
    """The file's text, or None after reporting why it cannot be read."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.add(file, 1, WHOLE_ROW, f"the file is larger than {MAX_FILE_BYTES // 2**20} MB")
            return None
        data = path.read_bytes()
    except OSError as error:
        problems.add(file, 1, WHOLE_ROW, f"could not be read: {error.strerror or error}")
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(file, 1, WHOLE_ROW, f"the file is UTF-16 ('Unicode text'), not UTF-8: {_SAVE_AS_UTF8}")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
        problems.add(
            file,
            line,
            WHOLE_ROW,
            f"not UTF-8 (byte 0x{data[error.start]:02X} on this line; perhaps Windows-1252): {_SAVE_AS_UTF8}",
        )
        return None
    text = text.removeprefix("\ufeff")  # Excel's "CSV UTF-8" starts with a byte-order mark
    nul = text.find("\x00")
    if nul >= 0:
        problems.add(
            file,
            _lines_before(text[:nul]) + 1,
            WHOLE_ROW,
            f"contains a NUL character: the file is damaged or not a CSV text file; {_SAVE_AS_UTF8}",
        )
        return None
    return text


def _csv_error_text(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return f"a cell is longer than {csv.field_size_limit()} characters"
    if "expected after" in text:
        return (
            'a quote (") in the wrong place: a cell with quotes must be wrapped in quotes '
            'and every quote inside it doubled ("")'
        )
    if "unexpected end of data" in text:
        return 'a quoted cell starting on this line is never closed (a " is missing)'
    return f"not valid CSV: {text}"


def _plain_utf8(path: Path) -> bool:
    """Whether the file is UTF-8 without NUL characters, read a block at a time (a trust's
    contacts.csv is some 100 MB; it is never held whole). Any doubt and `_read_text` reads it
    whole to say exactly what is wrong and where."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        block = handle.read(_BLOCK_BYTES)
        if block.startswith((b"\xff\xfe", b"\xfe\xff")):
            return False
        while block:
            if b"\x00" in block:
                return False
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return False
            block = handle.read(_BLOCK_BYTES)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


@dataclass(slots=True)
class _Source:
    """A file open for reading, a row at a time, after its header."""

    reader: Any  # csv.reader
    width: int  # cells in the header
    unnamed: list[int]  # positions of columns with an empty name
    consumed: int  # physical lines read so far
    handle: IO[bytes] | None = None  # the file under the reader, for progress


@contextmanager
def _open_table(path: Path, file: str, problems: _Problems) -> Iterator[tuple[_Table, _Source | None]]:
    """The file's header checked and its columns placed; the source is None (after reporting
    why) when its rows cannot be read."""
    table = _Table(file, {})
    with ExitStack() as stack:
        stream: IO[str] | None = None
        handle: IO[bytes] | None = None
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                problems.add(file, 1, WHOLE_ROW, f"the file is larger than {MAX_FILE_BYTES // 2**30} GB")
            elif _plain_utf8(path):
                handle = stack.enter_context(path.open("rb"))
                stream = stack.enter_context(io.TextIOWrapper(handle, encoding="utf-8-sig", newline=""))
            else:
                text = _read_text(path, file, problems)
                if text is not None:  # it changed since it was checked: read what is there now
                    stream = io.StringIO(text, newline="")
        except OSError as error:
            problems.add(file, 1, WHOLE_ROW, f"could not be read: {error.strerror or error}")
            stream = None
        source = None if stream is None else _start_table(table, stream, handle, problems)
        if source is None:
            table.usable = False
        yield table, source


def _start_table(
    table: _Table, stream: IO[str], handle: IO[bytes] | None, problems: _Problems
) -> _Source | None:
    file = table.file
    reader = csv.reader(stream, strict=True)
    first = next(_rows(reader, 0), None)
    if first is None or isinstance(first[1], csv.Error) or not any(c.strip() for c in first[1]):
        message = "the first line must be the header row (the column names)"
        if first is not None and isinstance(first[1], csv.Error):
            message = _csv_error_text(first[1])
        problems.add(file, 1, WHOLE_ROW, message)
        table.usable = False
        return None
    header = first[1]
    unnamed: list[int] = []
    known = COLUMNS[file]
    for position, raw in enumerate(header):
        name = raw.strip()
        if name == "":
            unnamed.append(position)  # Excel writes empty columns it once saw used; allowed if empty
        elif name in table.positions:
            problems.add(file, 1, name, "this column appears twice")
        elif name not in known:
            hint = difflib.get_close_matches(name.lower(), known, n=1)
            suggestion = f" (did you mean {hint[0]}?)" if hint else ""
            problems.add(file, 1, name, f"unknown column{suggestion}; the columns are {', '.join(known)}")
        else:
            table.positions[name] = position
    problems.positions[file] = {name: position for position, name in enumerate(c.strip() for c in header)}
    missing = [c for c in known if c in REQUIRED[file] and c not in table.positions]
    for column in missing:
        problems.add(file, 1, column, "this required column is missing from the header")
    if missing:
        table.usable = False  # every row would repeat the same complaint
        return None
    return _Source(reader, len(header), unnamed, reader.line_num, handle)


def _rows(reader: Any, consumed: int) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """(line where the row starts, its cells or the CSV error), from the reader's next row on;
    `consumed` is how many physical lines the reader has read already."""
    while True:
        start = consumed + 1
        try:
            cells: list[str] | csv.Error = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            cells = error
        if reader.line_num == consumed:  # nothing consumed: the reader gave up
            return
        consumed = reader.line_num
        yield start, cells


def _key(cells: list[str], positions: dict[str, int], columns: tuple[str, ...]) -> tuple[str, ...]:
    """A row's key cells as stage 2 compares them, however broken the rest of the row is."""
    key = []
    for column in columns:
        if positions[column] >= len(cells):
            return ()
        value = _clean(cells[positions[column]])
        key.append(value.lower() if column == "service" else value)
    return tuple(key)


def _shape_problem(table: _Table, source: _Source, line: int, cells: list[str], problems: _Problems) -> bool:
    """Whether the row is to be read: False for a blank row (ignored) and for a row with the
    wrong number of cells (reported). A value under an unnamed column is reported, and the row
    still read."""
    if not any(c.strip() for c in cells):
        return False  # blank rows (Excel's trailing ",,,,") are ignored
    if len(cells) != source.width:
        problems.add(
            table.file,
            line,
            WHOLE_ROW,
            f"this row has {len(cells)} cell{'s' if len(cells) != 1 else ''} but the header has {source.width} "
            "(a comma in a cell that is not wrapped in quotes?)",
        )
        return False
    for position in source.unnamed:
        if cells[position].strip():
            problems.add(
                table.file,
                line,
                WHOLE_ROW,
                f"a value in column {position + 1}, which has no name in the header",
            )
    return True


def _read_table(path: Path, file: str, problems: _Problems, on_row: Callable[[_Row], None]) -> _Table:
    """Read the file's header, then hand each row to `on_row` as it is read."""
    with _open_table(path, file, problems) as (table, source):
        if source is None:
            return table
        key_columns = {WORKERS: ("service", "name"), CLIENTS: ("client_ref",)}.get(file, ())
        positions = list(table.positions.items())
        clean = _Memo(_clean)
        for line, cells in _rows(source.reader, source.consumed):
            if isinstance(cells, csv.Error):
                problems.add(file, line, WHOLE_ROW, _csv_error_text(cells))
                continue
            if key_columns and any(c.strip() for c in cells):
                table.keys.add(_key(cells, table.positions, key_columns))
            plain = len(cells) == source.width and not source.unnamed and cells[0].strip()
            if plain or _shape_problem(table, source, line, cells, problems):
                on_row(_Row(line, {name: clean[cells[p]] for name, p in positions}))
        return table


class _RowReader:
    """Reads typed values from one row, collecting problems by column."""

    __slots__ = ("file", "row", "_problems", "_bad")

    def __init__(self, file: str, row: _Row, problems: _Problems) -> None:
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

    def text(self, column: str) -> str | None:
        return self.row.cells.get(column) or None

    def enum(self, column: str, kind: type[E], *, required: bool = False) -> E | None:
        value = self.row.cells.get(column, "")
        if value == "":
            if required:
                self.add(column, "required")
            return None
        member = _members(kind).get(value.lower())
        if member is None:
            choices = [m.value for m in kind]
            self.add(column, f"unknown {column} {value!r}: use {', '.join(choices[:-1])} or {choices[-1]}")
        return member

    def date(self, column: str) -> date | None:
        value = self.row.cells.get(column, "")
        if value == "":
            return None
        try:
            return _parse_date(value)
        except ValueError as error:
            self.add(column, str(error))
            return None

    def nhs_number(self, column: str) -> str | None:
        value = self.row.cells.get(column, "")
        if value == "":
            return None
        try:
            return normalise_nhs_number(value)
        except ValueError as error:
            self.add(column, f"{error}: {value!r}")
            return None

    def yes_no(self, column: str) -> bool | None:
        value = self.row.cells.get(column, "").lower()
        if value in ("", "yes", "no"):
            return None if value == "" else value == "yes"
        self.add(column, f"use yes or no, or leave it blank, not {self.row.cells[column]!r}")
        return None

    def whole_number(self, column: str) -> int | None:
        value = self.row.cells.get(column, "")
        if value == "":
            return None
        if not _WHOLE_NUMBER.fullmatch(value):
            self.add(column, f"a positive whole number of minutes, not {value!r}")
            return None
        return int(value)

    def check(self, found: list[FieldProblem]) -> None:
        """The domain's checks (one place for validation); a column already reported is skipped,
        so an unreadable date is not also called "required"."""
        already = set(self._bad)
        for problem in found:
            if problem.field not in already:
                self.add(problem.field, problem.message)


def _parse_worker(r: _RowReader) -> Worker:
    worker = Worker(
        name=r.text("name") or "",
        organisation=r.text("organisation") or "",
        service=r.enum("service", Service, required=True),  # type: ignore[arg-type]
        role=r.enum("role", Role),
        email=r.text("email"),
        phone=r.text("phone"),
    )
    r.check(check_worker(worker))
    return worker


def _parse_client(r: _RowReader, today: date) -> Client:
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


def _parse_episode(r: _RowReader, today: date) -> Episode:
    episode = Episode(
        client_ref=r.text("client_ref") or "",
        service=r.enum("service", Service, required=True),  # type: ignore[arg-type]
        organisation=r.text("organisation") or "",
        start_date=r.date("start_date"),  # type: ignore[arg-type]
        end_date=r.date("end_date"),
        team=r.text("team"),
        worker=r.text("worker"),
    )
    r.check(check_episode(episode, today))
    return episode


def _parse_contact(r: _RowReader, today: date) -> Contact:
    contact = Contact(
        client_ref=r.text("client_ref") or "",
        date=r.date("date"),  # type: ignore[arg-type]
        kind=r.enum("kind", ContactKind, required=True),  # type: ignore[arg-type]
        mode=r.enum("mode", ContactMode, required=True),  # type: ignore[arg-type]
        outcome=r.enum("outcome", Outcome) or Outcome.ATTENDED,
        mh_worker=r.text("mh_worker"),
        sm_worker=r.text("sm_worker"),
        client_present=r.yes_no("client_present"),
        duration_minutes=r.whole_number("duration_minutes"),
        note=r.text("note"),
    )
    r.check(check_contact(contact, today))
    return contact


@dataclass(slots=True)
class _Parsed:
    """Stage 1's result: the valid rows of each file present but contacts.csv, with their lines."""

    tables: dict[str, _Table]
    workers: list[tuple[int, Worker]] = field(default_factory=list)
    clients: list[tuple[int, Client]] = field(default_factory=list)
    episodes: list[tuple[int, Episode]] = field(default_factory=list)


def _parse(paths: dict[str, Path], today: date, problems: _Problems) -> _Parsed:
    parsed = _Parsed({})
    readers: dict[str, Any] = {
        WORKERS: (_parse_worker, parsed.workers, False),
        CLIENTS: (_parse_client, parsed.clients, True),
        EPISODES: (_parse_episode, parsed.episodes, True),
    }
    for file, path in paths.items():
        if file == CONTACTS:
            continue  # streamed in the write transaction: _read_contacts
        parse, out, needs_today = readers[file]

        def on_row(
            row: _Row, file: str = file, parse: Any = parse, out: Any = out, needs_today: bool = needs_today
        ) -> None:
            r = _RowReader(file, row, problems)
            value = parse(r, today) if needs_today else parse(r)
            if r.ok:
                out.append((row.line, value))

        parsed.tables[file] = _read_table(path, file, problems, on_row)
    return parsed


# ---------------------------------------------------------------------------------------- stage 2


@dataclass(slots=True)
class _Plan:
    new_workers: list[Worker] = field(default_factory=list)
    changed_workers: list[tuple[int, Worker]] = field(default_factory=list)
    new_clients: list[Client] = field(default_factory=list)
    changed_clients: list[tuple[int, Client]] = field(default_factory=list)
    new_episodes: list[Episode] = field(default_factory=list)
    changed_episodes: list[tuple[int, Episode]] = field(default_factory=list)
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FILES, 0))

    def counts(self, file: str) -> FileCounts:
        created, updated = {
            WORKERS: (self.new_workers, self.changed_workers),
            CLIENTS: (self.new_clients, self.changed_clients),
            EPISODES: (self.new_episodes, self.changed_episodes),
        }[file]
        return FileCounts(len(created), len(updated), self.unchanged[file])


def _same(a: Any, b: Any, fields: Iterable[str]) -> bool:
    return all(getattr(a, f) == getattr(b, f) for f in fields)


_WORKER_FIELDS = ("organisation", "role", "email", "phone")
_CLIENT_FIELDS = (
    "initials",
    "nhs_number",
    "date_of_birth",
    "ethnicity",
    "referral_route",
    "consent_to_share_on",
)
_EPISODE_FIELDS = ("team", "worker", "end_date")


def _side_text(service: Service) -> str:
    return service.label.lower()


def _match_row(
    plan: _Plan,
    problems: _Problems,
    where: tuple[str, int, str],
    key: Hashable,
    value: Any,
    fields: Iterable[str],
    seen: dict[Any, tuple[int, Any]],
    stored: Mapping[Any, Any],
    new: list[Any],
    changed: list[tuple[int, Any]],
    clash: Callable[[int], str],
) -> None:
    """SPEC §3 matching for one row: a repeat of an earlier row of the file must agree with it
    (otherwise `clash(first_line)` is reported at `where`, the file, line and column); a first
    row is new, unchanged, or an update of the stored record with that key."""
    file, line, column = where
    if key in seen:
        first, earlier = seen[key]
        if not _same(value, earlier, fields):
            problems.add(file, line, column, clash(first))
        return
    seen[key] = (line, value)
    existing = stored.get(key)
    if existing is None:
        new.append(value)
    elif _same(value, existing, fields):
        plan.unchanged[file] += 1
    else:
        assert existing.id is not None
        changed.append((existing.id, value))


@dataclass(frozen=True, slots=True)
class _Known:
    """Who contacts.csv's rows may name: the clients and workers in the log or the other files."""

    clients: set[str]
    clients_reliable: bool  # False when clients.csv could not be read: then nothing is "unknown"
    clients_where: str
    workers: set[tuple[str, str]]  # (service value, name)
    workers_reliable: bool

    def client_problem(self, client_ref: str) -> str | None:
        if self.clients_reliable and client_ref not in self.clients:
            return f"unknown client {client_ref}: not in {self.clients_where}"
        return None

    def worker_problem(self, side: Service, name: str | None) -> str | None:
        if not name or not self.workers_reliable or (side.value, name) in self.workers:
            return None
        other = Service.SUBSTANCE_MISUSE if side is Service.MENTAL_HEALTH else Service.MENTAL_HEALTH
        hint = f" ({name} is a {_side_text(other)} worker)" if (other.value, name) in self.workers else ""
        return f"no {_side_text(side)} worker called {name} in workers.csv, episodes.csv or the log{hint}"


def _resolve(session: Session, parsed: _Parsed, problems: _Problems) -> tuple[_Plan, _Known]:
    """Match every valid row of workers, clients and episodes to the log, reporting what crosses
    files or the database; and what contacts.csv's rows may name."""
    plan = _Plan()
    tables = parsed.tables

    db_workers = {(w.service, w.name): w for w in repository.workers(session)}
    file_workers: dict[tuple[Service, str], tuple[int, Worker]] = {}
    for line, worker in parsed.workers:
        _match_row(
            plan,
            problems,
            (WORKERS, line, "name"),
            (worker.service, worker.name),
            worker,
            _WORKER_FIELDS,
            file_workers,
            db_workers,
            plan.new_workers,
            plan.changed_workers,
            lambda first, w=worker: (
                f"the same {_side_text(w.service)} worker is on line {first} with different details"
            ),
        )

    workers_table = tables.get(WORKERS)
    known_workers: set[tuple[str, str]] = {(s.value, n) for s, n in db_workers}
    if workers_table is not None:
        known_workers |= {k for k in workers_table.keys if len(k) == 2}
    workers_reliable = workers_table is None or workers_table.usable

    db_clients = {c.client_ref: c for c in repository.clients(session)}
    file_clients: dict[str, tuple[int, Client]] = {}
    for line, client in parsed.clients:
        _match_row(
            plan,
            problems,
            (CLIENTS, line, "client_ref"),
            client.client_ref,
            client,
            _CLIENT_FIELDS,
            file_clients,
            db_clients,
            plan.new_clients,
            plan.changed_clients,
            lambda first, ref=client.client_ref: f"{ref} is on line {first} with different details",
        )

    clients_table = tables.get(CLIENTS)
    known_clients = set(db_clients)
    if clients_table is not None:
        known_clients |= {k[0] for k in clients_table.keys if k}
    clients_reliable = clients_table is None or clients_table.usable

    known = _Known(
        clients=known_clients,
        clients_reliable=clients_reliable,
        clients_where="clients.csv or the log"
        if clients_table is not None
        else "the log (and there is no clients.csv)",
        workers=known_workers,  # the workers episodes.csv creates are added below
        workers_reliable=workers_reliable,
    )

    def check_client_known(file: str, line: int, client_ref: str) -> None:
        message = known.client_problem(client_ref)
        if message:
            problems.add(file, line, "client_ref", message)

    db_episodes = {
        (e.client_ref, e.service, e.organisation, e.start_date): e for e in repository.all_episodes(session)
    }
    file_episodes: dict[tuple[str, Service, str, date], tuple[int, Episode]] = {}
    episode_workers: dict[tuple[str, str], Worker] = {}
    for line, episode in parsed.episodes:
        check_client_known(EPISODES, line, episode.client_ref)
        if episode.worker and workers_reliable:
            key_w = (episode.service.value, episode.worker)
            if key_w not in known_workers and key_w not in episode_workers:
                # SPEC §3: a name not in workers.csv or the log creates a worker on that side.
                episode_workers[key_w] = Worker(
                    name=episode.worker,
                    organisation=episode.organisation,
                    service=episode.service,
                    role=_EPISODE_ROLE[episode.service],
                )
        _match_row(
            plan,
            problems,
            (EPISODES, line, "start_date"),
            (episode.client_ref, episode.service, episode.organisation, episode.start_date),
            episode,
            _EPISODE_FIELDS,
            file_episodes,
            db_episodes,
            plan.new_episodes,
            plan.changed_episodes,
            lambda first: (
                "the same episode (client, service, organisation and start date) is on line "
                f"{first} with different details"
            ),
        )
    plan.new_workers.extend(episode_workers.values())
    known_workers |= set(episode_workers)

    return plan, known


# ---------------------------------------------------------------------------------------- contacts.csv


_MEMO_LIMIT = 1 << 17  # distinct cells remembered per column


class _Memo(dict[str, Any]):
    """Each distinct cell of a column worked out once (a file repeats the same references, names
    and codes); bounded, for columns whose cells can all differ."""

    __slots__ = ("_work", "_limit")

    def __init__(self, work: Callable[[str], Any], limit: int = _MEMO_LIMIT) -> None:
        super().__init__()
        self._work = work
        self._limit = limit

    def __missing__(self, cell: str) -> Any:
        if len(self) >= self._limit:
            self.clear()
        value = self[cell] = self._work(cell)
        return value


@dataclass(slots=True)
class _ContactSink:
    """Where valid contacts go when they are being written: the writer, and the ids of the
    clients and workers they name (those of this import included, already inserted)."""

    writer: repository.ContactWriter
    client_ids: dict[str, int]
    worker_ids: dict[tuple[str, str], int]


#: The contact columns in SPEC order, as `_ContactColumns` reads them from a row.
_CONTACT_ORDER = COLUMNS[CONTACTS]


class _ContactColumns:
    """How each distinct cell of contacts.csv reads: `(text, value)` when the cell is valid on
    its own, where text is what the contact's fingerprint takes (UTF-8, as `fingerprint_of`
    hashes it) and value what the database
    stores, or None when it is not (or names an unknown client or worker): the row then goes the
    slow way, `_parse_contact`, which says what is wrong. Every check here is the one
    `_parse_contact` makes, by the same functions (`_clean`, `parse_date`, the enums, the
    domain's `contact_field_problem`, `_Known`), column by column, as the domain checks a
    contact column by column; tests compare both ways on random rows."""

    def __init__(self, today: date, known: _Known, sink: _ContactSink | None) -> None:
        self.today = today
        self.known = known
        self.sink = sink
        writer = sink.writer if sink is not None else None
        self._db = writer.value if writer is not None else (lambda _column, value: value)

    def works(self) -> tuple[Callable[[str], tuple[str, Any] | None], ...]:
        """How a cell of each column reads, in SPEC order."""
        return (
            self.client_ref,
            self.date,
            functools.partial(self.required_enum, "kind", ContactKind),
            functools.partial(self.required_enum, "mode", ContactMode),
            self.outcome,
            functools.partial(self.worker, "mh_worker", Service.MENTAL_HEALTH),
            functools.partial(self.worker, "sm_worker", Service.SUBSTANCE_MISUSE),
            self.client_present,
            self.duration,
            self.note,
        )

    def _problem(self, column: str, value: object) -> bool:
        return contact_field_problem(column, value, self.today) is not None

    def client_ref(self, cell: str) -> tuple[str, Any] | None:
        ref = _clean(cell)
        if self._problem("client_ref", ref) or self.known.client_problem(ref):
            return None
        if self.sink is None:
            return ref.encode(), None
        client_id = self.sink.client_ids.get(ref)
        return None if client_id is None else (ref.encode(), client_id)

    def date(self, cell: str) -> tuple[str, Any] | None:
        text = _clean(cell)
        try:
            value = _parse_date(text) if text else None
        except ValueError:
            return None
        if self._problem("date", value):
            return None
        assert value is not None
        return value.isoformat().encode(), self._db("date", value)

    def required_enum(self, column: str, kind: type[E], cell: str) -> tuple[str, Any] | None:
        value = _members(kind).get(_clean(cell).lower())
        return None if value is None else (value.value.encode(), self._db(column, value.value))

    def outcome(self, cell: str) -> tuple[str, Any] | None:
        text = _clean(cell)
        value = _members(Outcome).get(text.lower()) if text else Outcome.ATTENDED
        return None if value is None else (value.value.encode(), self._db("outcome", value.value))

    def worker(self, column: str, side: Service, cell: str) -> tuple[str, Any] | None:
        name = _clean(cell) or None
        if self._problem(column, name) or self.known.worker_problem(side, name):
            return None
        if name is None:
            return b"", None
        if self.sink is None:
            return name.encode(), None
        worker_id = self.sink.worker_ids.get((side.value, name))
        return None if worker_id is None else (name.encode(), worker_id)

    def client_present(self, cell: str) -> tuple[str, Any] | None:
        text = _clean(cell).lower()
        if text not in ("", "yes", "no"):
            return None
        return text.encode(), self._db("client_present", None if text == "" else text == "yes")

    def duration(self, cell: str) -> tuple[str, Any] | None:
        text = _clean(cell)
        if text == "":
            return b"", None
        if not _WHOLE_NUMBER.fullmatch(text):
            return None
        value = int(text)
        if self._problem("duration_minutes", value):
            return None
        return str(value).encode(), self._db("duration_minutes", value)

    def note(self, cell: str) -> tuple[str, Any] | None:
        text = _clean(cell)
        if self._problem("note", text or None):
            return None
        return text.encode(), text or None


def _reference_row(contact: Contact, sink: _ContactSink) -> tuple[object, ...] | None:
    """A valid contact as the writer takes it, the slow way (for rows `_ContactColumns` did not
    accept but `_parse_contact` does; there should be none)."""
    mh, sm = Service.MENTAL_HEALTH.value, Service.SUBSTANCE_MISUSE.value
    value = sink.writer.value
    client_id = sink.client_ids.get(contact.client_ref)
    mh_id = sink.worker_ids.get((mh, contact.mh_worker)) if contact.mh_worker else None
    sm_id = sink.worker_ids.get((sm, contact.sm_worker)) if contact.sm_worker else None
    if client_id is None or (contact.mh_worker and mh_id is None) or (contact.sm_worker and sm_id is None):
        return None
    return (
        client_id,
        value("date", contact.date),
        value("kind", contact.kind.value),
        value("mode", contact.mode.value),
        value("outcome", contact.outcome.value),
        mh_id,
        sm_id,
        value("client_present", contact.client_present),
        value("duration_minutes", contact.duration_minutes),
        contact.note,
        repository.contact_fingerprint(contact),
        *sink.writer.tail,
    )


@dataclass(slots=True)
class _Progress:
    """Reports how far the import has read, in bytes of all its files."""

    report: Callable[[int, int], None] | None
    total: int
    done: int = 0

    def file_done(self, size: int) -> None:
        self.done += size
        self.tell(0)

    def tell(self, within: int) -> None:
        if self.report is not None:
            self.report(min(self.done + within, self.total), self.total)


def _read_contacts(
    path: Path,
    today: date,
    known: _Known,
    problems: _Problems,
    sink: _ContactSink | None,
    *,
    chunk_size: int,
    progress: _Progress,
) -> _Table:
    """Read contacts.csv a row at a time, check every row, and (with a sink, while there is no
    problem anywhere) write the valid ones `chunk_size` at a time. After the first problem nothing
    more is written, and the rest of the file is still checked, so that every problem is reported;
    the caller then rolls the whole import back. Only the current chunk and the memos of distinct
    cells are held, whatever the size of the file."""
    with _open_table(path, CONTACTS, problems) as (table, source):
        if source is None:
            return table
        positions = table.positions
        width = source.width
        padded = any(column not in positions for column in _CONTACT_ORDER)
        # Cells of a missing optional column read as "", from one extra cell added to each row.
        cells_of = operator.itemgetter(*(positions.get(column, width) for column in _CONTACT_ORDER))
        # Each distinct cell of each column read once (a trust's file repeats the same references,
        # dates, names and codes a million times); a memo that grows too big (notes can all
        # differ) starts again.
        works = _ContactColumns(today, known, sink).works()
        memos: tuple[dict[str, Any], ...] = tuple({} for _ in works)
        m_ref, m_date, m_kind, m_mode, m_outcome, m_mh, m_sm, m_present, m_duration, m_note = memos
        # Every client the rows may name, read in one go before the rows: the same readings the
        # loop would make at each reference's first row, where each one costs ten times as much
        # between SQLite's batches (its page cache has pushed ours out of the CPU's).
        for ref in itertools.islice(known.clients, _MEMO_LIMIT):
            if (entry := works[0](ref)) is not None:
                m_ref[ref] = entry

        def fill(raw: tuple[str, ...]) -> tuple[Any, ...] | None:
            """Each cell's reading, remembered if it is valid; None if some cell is not (the
            memos hold valid readings only, so the loop below needs no check per cell)."""
            entries = []
            for memo, work, cell in zip(memos, works, raw, strict=True):
                entry = memo.get(cell)
                if entry is None:
                    entry = work(cell)
                    if entry is None:
                        return None
                    if len(memo) >= _MEMO_LIMIT:
                        memo.clear()
                    memo[cell] = entry
                entries.append(entry)
            return tuple(entries)

        writing = sink is not None and not problems
        version, updated_at, updated_by = sink.writer.tail if sink is not None else (None, None, None)
        chunk: list[tuple[object, ...]] = []
        sha256 = hashlib.sha256
        join = b"\x1f".join
        reader = source.reader
        consumed = source.consumed
        handle = source.handle
        unnamed = bool(source.unnamed)

        def flush() -> None:
            nonlocal chunk
            if writing and sink is not None:
                sink.writer.write(chunk)
            chunk = []
            progress.tell(handle.tell() if handle is not None else 0)

        def slow(line: int, cells: list[str]) -> None:
            """A row some cell of which `_ContactColumns` did not accept: say what is wrong."""
            nonlocal writing
            before = problems.total
            r = _RowReader(
                CONTACTS, _Row(line, {name: _clean(cells[p]) for name, p in positions.items()}), problems
            )
            contact = _parse_contact(r, today)
            if r.ok:
                for column, message in (
                    ("client_ref", known.client_problem(contact.client_ref)),
                    ("mh_worker", known.worker_problem(Service.MENTAL_HEALTH, contact.mh_worker)),
                    ("sm_worker", known.worker_problem(Service.SUBSTANCE_MISUSE, contact.sm_worker)),
                ):
                    if message:
                        problems.add(CONTACTS, line, column, message)
            if problems.total == before and writing and sink is not None:
                row = _reference_row(contact, sink)
                if row is None:
                    problems.add(CONTACTS, line, WHOLE_ROW, "names a client or worker the log does not hold")
                else:
                    chunk.append(row)
            if problems.total != before:
                writing = False

        while True:
            try:
                for cells in reader:
                    line = consumed + 1
                    consumed = reader.line_num
                    if len(cells) != width or unnamed or not cells[0].strip():
                        read = _shape_problem(table, source, line, cells, problems)
                        if problems:
                            writing = False
                        if not read:
                            continue
                    if padded:
                        cells.append("")
                    raw = cells_of(cells)
                    ref, day, kind, mode, outcome, mh, sm, present, duration, note = raw
                    try:
                        a = m_ref[ref]
                        b = m_date[day]
                        c = m_kind[kind]
                        d = m_mode[mode]
                        e = m_outcome[outcome]
                        f = m_mh[mh]
                        g = m_sm[sm]
                        h = m_present[present]
                        i = m_duration[duration]
                        j = m_note[note]
                    except KeyError:  # a cell not seen before, or not valid
                        entries = fill(raw)
                        if entries is None:
                            if padded:
                                cells.pop()
                            slow(line, cells)
                            continue
                        a, b, c, d, e, f, g, h, i, j = entries
                    if not writing:
                        continue
                    fingerprint = sha256(
                        join((a[0], b[0], c[0], d[0], e[0], f[0], g[0], h[0], i[0], j[0]))
                    ).hexdigest()
                    chunk.append(
                        (
                            a[1],
                            b[1],
                            c[1],
                            d[1],
                            e[1],
                            f[1],
                            g[1],
                            h[1],
                            i[1],
                            j[1],
                            fingerprint,
                            version,
                            updated_at,
                            updated_by,
                        )
                    )
                    if len(chunk) >= chunk_size:
                        flush()
                break
            except csv.Error as error:
                if reader.line_num == consumed:  # nothing consumed: the reader gave up
                    break
                problems.add(CONTACTS, consumed + 1, WHOLE_ROW, _csv_error_text(error))
                consumed = reader.line_num
                writing = False
            except (OSError, UnicodeError) as error:  # the file changed or the disk failed mid-way
                problems.add(
                    CONTACTS, consumed + 1, WHOLE_ROW, f"could not be read from this line on: {error}"
                )
                writing = False
                break
        flush()
        return table


# ---------------------------------------------------------------------------------------- the service


class TransferService:
    def __init__(self, context: Context, *, chunk_size: int = CONTACT_CHUNK) -> None:
        """`chunk_size`: contacts written per batch (tests make it small to reach its edges)."""
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        self._context = context
        self._db = context.db
        self._chunk = chunk_size

    # ------------------------------------------------------------------ import

    def check_folder(self, folder: str | os.PathLike[str]) -> list[ImportProblem]:
        """A dry run of `import_folder`: every problem it would report (empty when it would
        succeed), writing nothing. Raises DomainError when the folder holds none of the files."""
        paths, _ = self._files(Path(folder))
        problems = _Problems()
        today = self._context.today()
        progress = _Progress(None, 0)
        parsed = _parse(paths, today, problems)
        with self._db.read() as session:
            _plan, known = _resolve(session, parsed, problems)
            if CONTACTS in paths:
                _read_contacts(
                    paths[CONTACTS], today, known, problems, None, chunk_size=self._chunk, progress=progress
                )
        return problems.sorted()

    def import_folder(
        self, folder: str | os.PathLike[str], *, progress: Callable[[int, int], None] | None = None
    ) -> ImportSummary:
        """SPEC §3: import the folder all or nothing. Any problem raises ImportRejected listing
        every one (SPEC §3: all of them, not just the first), and nothing is written;
        otherwise every change is made in one transaction with one audit entry (action "import"),
        even when nothing changed.

        contacts.csv is read, checked and written a chunk at a time inside that transaction, after
        the other files; any problem anywhere and the transaction is rolled back. `progress`, if
        given, is called now and then with (bytes read, bytes in all the files)."""
        folder = Path(folder)
        paths, ignored = self._files(folder)
        # A trust's import makes millions of short-lived values (rows, cells, tuples for the
        # driver), none in a reference cycle: the cyclic collector's passes over everything
        # alive cost time and free nothing.
        with cyclic_gc_paused():
            return self._import_folder(folder, paths, ignored, progress)

    def _import_folder(
        self,
        folder: Path,
        paths: dict[str, Path],
        ignored: tuple[str, ...],
        progress: Callable[[int, int], None] | None,
    ) -> ImportSummary:
        problems = _Problems()
        today = self._context.today()
        tracker = _Progress(progress, sum(_size(p) for p in paths.values()))
        tracker.tell(0)
        parsed = _parse(paths, today, problems)
        for file, path in paths.items():
            if file != CONTACTS:
                tracker.file_done(_size(path))
        try:
            with self._db.write() as session:
                if self._db.is_sqlite:
                    # A bigger page cache for this connection: a million new contacts update their
                    # indexes. Memory only; durability (WAL, synchronous=FULL) is unchanged.
                    session.connection().exec_driver_sql(f"PRAGMA cache_size = -{_IMPORT_CACHE_KIB}")
                plan, known = _resolve(session, parsed, problems)
                # One time for the whole import: every record it creates or changes carries the
                # audit entry's time and user, so the entry's counts can be traced to the rows.
                now = self._context.now()
                stamp = {"updated_at": now, "updated_by": self._context.user or audit.os_user()}
                if not problems:
                    self._apply(session, plan, stamp)
                del parsed  # the plan holds what is new or changed
                contacts = FileCounts()
                if CONTACTS in paths:
                    contacts = self._import_contacts(
                        session, paths[CONTACTS], known, problems, stamp, tracker
                    )
                if problems:
                    raise problems.rejected()
                summary = ImportSummary(
                    folder=str(folder),
                    workers=plan.counts(WORKERS),
                    clients=plan.counts(CLIENTS),
                    episodes=plan.counts(EPISODES),
                    contacts=contacts,
                    files=tuple(paths),
                    ignored=ignored,
                )
                audit.append(
                    session,
                    action="import",
                    entity="import",
                    key=folder.name[:120] or str(folder)[:120],
                    after=summary.as_record(),
                    app_user=self._context.user,
                    at=now,
                )
        except IntegrityError as error:
            # Stage 2 should have caught every clash; this is the backstop, said in words.
            raise DomainError(
                f"The import clashed with a record already in the log; nothing was written. ({error.orig})"
            ) from error
        tracker.tell(tracker.total)
        return summary

    def _import_contacts(
        self,
        session: Session,
        path: Path,
        known: _Known,
        problems: _Problems,
        stamp: dict[str, object],
        tracker: _Progress,
    ) -> FileCounts:
        """Stream contacts.csv into the log (only checking it, once there is a problem)."""
        today = self._context.today()
        if problems:
            _read_contacts(path, today, known, problems, None, chunk_size=self._chunk, progress=tracker)
            return FileCounts()
        # Into an empty contact table (SQLite), the indexes are built once at the end: `finish`.
        writer = repository.ContactWriter(session, stamp=stamp, load=True)
        sink = _ContactSink(writer, repository.client_ids(session), repository.worker_ids(session))
        _read_contacts(path, today, known, problems, sink, chunk_size=self._chunk, progress=tracker)
        if problems:
            return FileCounts()  # the caller rolls back, indexes and all
        writer.finish()
        return FileCounts(created=writer.created, unchanged=writer.unchanged)

    @staticmethod
    def _files(folder: Path) -> tuple[dict[str, Path], tuple[str, ...]]:
        if not folder.is_dir():
            raise DomainError(f"There is no folder {folder}; nothing was imported.")
        try:
            names = {p.name for p in folder.iterdir()}
        except OSError as error:
            raise DomainError(f"The folder {folder} could not be read: {error.strerror or error}") from error
        paths = {file: folder / file for file in FILES if file in names}
        if not paths:
            raise DomainError(f"The folder {folder} holds none of {', '.join(FILES)}; nothing was imported.")
        ignored = tuple(sorted(n for n in names if n.lower().endswith(".csv") and n not in paths))
        return paths, ignored

    def _apply(self, session: Session, plan: _Plan, stamp: dict[str, object]) -> None:
        """Write the plan of workers, clients and episodes: bulk inserts of what is new, then ORM
        updates of what changed (so each changed record's version goes up). Into an empty
        episode table (a first import), its indexes are built once after the rows are in."""
        empty = session.scalars(select(EpisodeRow.id).limit(1)).first() is None
        dropped = repository.drop_indexes(session, "episode") if empty and plan.new_episodes else {}
        repository.insert_new(
            session,
            plan.new_workers,
            plan.new_clients,
            plan.new_episodes,
            [],
            stamp=stamp,
            organisations=[(w.organisation, w.service) for _, w in plan.changed_workers]
            + [(e.organisation, e.service) for _, e in plan.changed_episodes],
        )
        repository.create_indexes(session, dropped.values())
        org_ids = repository.organisation_ids(session)
        worker_ids = repository.worker_ids(session)
        for row, w in _rows_by_id(session, WorkerRow, plan.changed_workers):
            row.organisation_id = org_ids[w.organisation]
            row.role = w.role.value if w.role else None
            row.email = w.email
            row.phone = w.phone
            row.updated_at, row.updated_by = stamp["updated_at"], stamp["updated_by"]
        for row, c in _rows_by_id(session, ClientRow, plan.changed_clients):
            repository.apply_client(row, c)
            row.updated_at, row.updated_by = stamp["updated_at"], stamp["updated_by"]
        for row, e in _rows_by_id(session, EpisodeRow, plan.changed_episodes):
            row.team = e.team
            row.worker_id = worker_ids[(e.service.value, e.worker)] if e.worker else None
            row.end_date = e.end_date
            row.updated_at, row.updated_by = stamp["updated_at"], stamp["updated_by"]
        session.flush()

    # ------------------------------------------------------------------ export

    def export_folder(self, folder: str | os.PathLike[str]) -> ExportSummary:
        """SPEC §3: write the four files (UTF-8 without BOM, "\\n" line ends, SPEC column order,
        rows sorted), each atomically and readable by the owner only, with one audit entry."""
        folder = Path(folder)
        _prepare_folder(folder)
        with self._db.write() as session:
            tables = _export_tables(session)
            for file, rows in tables.items():
                path = folder / file
                try:
                    write_private(path, _csv_bytes(COLUMNS[file], rows))
                except OSError as error:
                    raise DomainError(
                        f"Could not write {path}: {error.strerror or error}. The export is incomplete."
                    ) from error
            summary = ExportSummary(
                folder=str(folder),
                workers=len(tables[WORKERS]),
                clients=len(tables[CLIENTS]),
                episodes=len(tables[EPISODES]),
                contacts=len(tables[CONTACTS]),
            )
            audit.append(
                session,
                action="export",
                entity="export",
                key=folder.name[:120] or str(folder)[:120],
                after=summary.as_record(),
                app_user=self._context.user,
                at=self._context.now(),
            )
        return summary


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reported when the file is read


def _rows_by_id(session: Session, table: Any, changes: list[tuple[int, Any]]) -> Iterator[tuple[Any, Any]]:
    """The rows to update, loaded a chunk of ids at a time rather than one query per row."""
    by_id = dict(changes)
    ids = list(by_id)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for row in session.scalars(select(table).where(table.id.in_(chunk))):
            yield row, by_id[row.id]


# ---------------------------------------------------------------------------------------- export helpers


def _export_tables(session: Session) -> dict[str, list[list[str]]]:
    """Every record as CSV cells (unescaped), sorted the same way on every backend: Python
    sorts by code point, whatever the database's collation."""
    workers = sorted(
        (
            [
                w.name,
                w.organisation,
                w.service.value,
                w.role.value if w.role else "",
                w.email or "",
                w.phone or "",
            ]
            for w in repository.workers(session)
        ),
        key=lambda cells: (cells[2], cells[0]),
    )
    clients = sorted(
        (
            [
                c.client_ref,
                c.initials,
                c.nhs_number or "",
                _iso(c.date_of_birth),
                c.ethnicity or "",
                c.referral_route.value if c.referral_route else "",
                _iso(c.consent_to_share_on),
            ]
            for c in repository.clients(session)
        ),
        key=lambda cells: cells[0],
    )
    episodes = sorted(
        (
            [
                e.client_ref,
                e.service.value,
                e.organisation,
                e.team or "",
                e.worker or "",
                e.start_date.isoformat(),
                _iso(e.end_date),
            ]
            for e in repository.all_episodes(session)
        ),
        key=lambda cells: (cells[0], cells[1], cells[2], cells[5], cells[3], cells[4], cells[6]),
    )
    contacts = sorted(
        [
            c.client_ref,
            c.date.isoformat(),
            c.kind.value,
            c.mode.value,
            c.outcome.value,
            c.mh_worker or "",
            c.sm_worker or "",
            _yes_no(c.client_present),
            "" if c.duration_minutes is None else str(c.duration_minutes),
            c.note or "",
        ]
        for c in repository.all_contacts(session)
    )
    return {WORKERS: workers, CLIENTS: clients, EPISODES: episodes, CONTACTS: contacts}


def _csv_bytes(header: tuple[str, ...], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([escape_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _prepare_folder(folder: Path) -> None:
    """Create the folder readable by its owner only; an existing folder keeps its permissions."""
    if folder.exists() and not folder.is_dir():
        raise DomainError(f"{folder} is a file, not a folder; nothing was exported.")
    try:
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
    except OSError as error:
        raise DomainError(f"Could not create the folder {folder}: {error.strerror or error}") from error

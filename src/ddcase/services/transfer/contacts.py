"""contacts.csv, the big file (a trust's is a million rows), streamed inside the import's write
transaction: read a row at a time, checked, and written a batch at a time while nothing anywhere
is wrong; after the first problem only checked, so that every problem is reported.

Each distinct cell of each column is read once, through the one parser
(`checking.read_contact_cell`), and its reading remembered with what the fingerprint and the
database take; a row with a cell that does not read is read again whole (`checking.parse_contact`)
to say what is wrong.

`Known` (who the rows may name) is here, with the stream, rather than with the matching that
makes it, and nothing here loads the storage layer: the stream also runs in the child process
that reads contacts.csv beside the import (`parallel.py`), which is kept small."""

from __future__ import annotations

import csv
import functools
import hashlib
import itertools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from ddcase.domain import Contact, Service
from ddcase.domain.fingerprint import contact_fingerprint
from ddcase.services.transfer.cells import COLUMNS, CONTACTS, WHOLE_ROW, clean, yes_no
from ddcase.services.transfer.checking import RowReader, parse_contact, read_contact_cell
from ddcase.services.transfer.reading import (
    MEMO_LIMIT,
    Problems,
    Row,
    Table,
    csv_error_text,
    open_table,
    shape_problem,
)


def side_text(service: Service) -> str:
    return service.label.lower()


@dataclass(frozen=True, slots=True)
class Known:
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
        hint = f" ({name} is a {side_text(other)} worker)" if (other.value, name) in self.workers else ""
        return f"no {side_text(side)} worker called {name} in workers.csv, episodes.csv or the log{hint}"


class ValueOf(Protocol):
    """How the driver takes each value of a contact column (`bulk_load.ContactValues`)."""

    def value(self, column: str, value: object) -> object: ...


class RowWriter(ValueOf, Protocol):
    """What takes the rows: `bulk_load.ContactWriter` in this process, or, in the child process
    that reads contacts.csv beside the import (`parallel.py`), the pipe to the one that writes."""

    def write(self, rows: list[tuple[object, ...]]) -> None: ...


@dataclass(slots=True)
class ContactSink:
    """Where valid contacts go when they are being written: the writer, and the ids of the
    clients and workers they name (those of this import included, already inserted)."""

    writer: RowWriter
    client_ids: dict[str, int]
    worker_ids: dict[tuple[str, str], int]


#: The contact columns in SPEC order, as `ContactColumns` reads them from a row.
_CONTACT_ORDER = COLUMNS[CONTACTS]


class ContactColumns:
    """What the stream remembers of each distinct cell of contacts.csv, column by column:
    `(text, value)` when the cell reads (through the one parser, `read_contact_cell`) and names a
    client or worker the import may name, where text is what the contact's fingerprint takes
    (UTF-8, as `domain.fingerprint.fingerprint_of` hashes it) and value what the database stores; None
    when it does not: the row then goes the slow way, `parse_contact` through the same parser,
    which says what is wrong. Tests compare both ways on random rows."""

    def __init__(self, today: date, known: Known, sink: ContactSink | None) -> None:
        self.today = today
        self.known = known
        self.sink = sink
        writer = sink.writer if sink is not None else None
        self._db = writer.value if writer is not None else (lambda _column, value: value)

    def works(self) -> tuple[Callable[[str], tuple[bytes, Any] | None], ...]:
        """How a cell of each column reads, in SPEC order."""
        return (
            self.client_ref,
            self.date,
            functools.partial(self.enum, "kind"),
            functools.partial(self.enum, "mode"),
            functools.partial(self.enum, "outcome"),
            functools.partial(self.worker, "mh_worker", Service.MENTAL_HEALTH),
            functools.partial(self.worker, "sm_worker", Service.SUBSTANCE_MISUSE),
            self.client_present,
            self.duration,
            self.note,
        )

    def _read(self, column: str, cell: str) -> tuple[Any, str | None]:
        return read_contact_cell(column, clean(cell), self.today)

    def client_ref(self, cell: str) -> tuple[bytes, Any] | None:
        ref, problem = self._read("client_ref", cell)
        if problem or self.known.client_problem(ref):
            return None
        if self.sink is None:
            return ref.encode(), None
        client_id = self.sink.client_ids.get(ref)
        return None if client_id is None else (ref.encode(), client_id)

    def date(self, cell: str) -> tuple[bytes, Any] | None:
        value, problem = self._read("date", cell)
        if problem:
            return None
        return value.isoformat().encode(), self._db("date", value)

    def enum(self, column: str, cell: str) -> tuple[bytes, Any] | None:
        value, problem = self._read(column, cell)
        if problem:
            return None
        return value.value.encode(), self._db(column, value.value)

    def worker(self, column: str, side: Service, cell: str) -> tuple[bytes, Any] | None:
        name, problem = self._read(column, cell)
        if problem or self.known.worker_problem(side, name):
            return None
        if name is None:
            return b"", None
        if self.sink is None:
            return name.encode(), None
        worker_id = self.sink.worker_ids.get((side.value, name))
        return None if worker_id is None else (name.encode(), worker_id)

    def client_present(self, cell: str) -> tuple[bytes, Any] | None:
        value, problem = self._read("client_present", cell)
        if problem:
            return None
        return yes_no(value).encode(), self._db("client_present", value)

    def duration(self, cell: str) -> tuple[bytes, Any] | None:
        value, problem = self._read("duration_minutes", cell)
        if problem:
            return None
        if value is None:
            return b"", None
        return str(value).encode(), self._db("duration_minutes", value)

    def note(self, cell: str) -> tuple[bytes, Any] | None:
        value, problem = self._read("note", cell)
        if problem:
            return None
        return (value or "").encode(), value


def reference_row(contact: Contact, sink: ContactSink) -> tuple[object, ...] | None:
    """A valid contact as the writer takes it, the slow way (for rows `ContactColumns` did not
    accept but `parse_contact` does; there should be none)."""
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
        contact_fingerprint(contact),
    )


@dataclass(slots=True)
class Progress:
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


def read_contacts(
    path: Path,
    today: date,
    known: Known,
    problems: Problems,
    sink: ContactSink | None,
    *,
    chunk_size: int,
    progress: Progress,
) -> Table:
    """Read contacts.csv a row at a time, check every row, and (with a sink, while there is no
    problem anywhere) write the valid ones `chunk_size` at a time. After the first problem nothing
    more is written, and the rest of the file is still checked, so that every problem is reported;
    the caller then rolls the whole import back. Only the current chunk and the memos of distinct
    cells are held, whatever the size of the file."""
    with open_table(path, CONTACTS, problems) as (table, source):
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
        works = ContactColumns(today, known, sink).works()
        memos: tuple[dict[str, Any], ...] = tuple({} for _ in works)
        m_ref, m_date, m_kind, m_mode, m_outcome, m_mh, m_sm, m_present, m_duration, m_note = memos
        # Every client the rows may name, read in one go before the rows: the same readings the
        # loop would make at each reference's first row, where each one costs ten times as much
        # between SQLite's batches (its page cache has pushed ours out of the CPU's).
        for ref in itertools.islice(known.clients, MEMO_LIMIT):
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
                    if len(memo) >= MEMO_LIMIT:
                        memo.clear()
                    memo[cell] = entry
                entries.append(entry)
            return tuple(entries)

        writing = sink is not None and not problems
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
            """A row some cell of which `ContactColumns` did not accept: say what is wrong."""
            nonlocal writing
            before = problems.total
            r = RowReader(
                CONTACTS, Row(line, {name: clean(cells[p]) for name, p in positions.items()}), problems
            )
            contact = parse_contact(r, today)
            if r.ok:
                for column, message in (
                    ("client_ref", known.client_problem(contact.client_ref)),
                    ("mh_worker", known.worker_problem(Service.MENTAL_HEALTH, contact.mh_worker)),
                    ("sm_worker", known.worker_problem(Service.SUBSTANCE_MISUSE, contact.sm_worker)),
                ):
                    if message:
                        problems.add(CONTACTS, line, column, message)
            if problems.total == before and writing and sink is not None:
                row = reference_row(contact, sink)
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
                        read = shape_problem(table, source, line, cells, problems)
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
                        )
                    )
                    if len(chunk) >= chunk_size:
                        flush()
                break
            except csv.Error as error:
                if reader.line_num == consumed:  # nothing consumed: the reader gave up
                    break
                problems.add(CONTACTS, consumed + 1, WHOLE_ROW, csv_error_text(error))
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

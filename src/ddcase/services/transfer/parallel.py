"""contacts.csv read in a child process beside the import (issue 18): the child reads and checks
every row (`contacts.read_contacts`, the same code as in one process) and sends the valid ones, a
batch at a time, through a pipe to this process, which only writes them. Python runs one thread
at a time, so in one process the reading (the CSV, the cells, the fingerprints: about half of
the contacts' time) and SQLite's inserting take turns on one core; here the second core reads
while the first writes.

The child is started with "spawn" on every platform (Windows has no fork; Linux tests the same
start), as soon as an import begins, so that its start-up overlaps the reading of the other
files; it waits for its work (who the rows may name, their ids, how the driver takes each value)
until the workers and clients are written, and then reads while the episodes are written, up to
`BACKLOG` batches ahead of this process (encoded, sent by a thread of its own: `encode`). Its entry is
`child_main`, a top-level function; a frozen app calls `multiprocessing.freeze_support()` in its
entry point (packaging/ddcase_main.py).

The problems it finds come back in the order it found them and are added to the import's list
one by one, as if found here; positions of the header's columns with them. If the child dies or
fails, the import stops with a DomainError and its transaction is rolled back: nothing is written.
A small contacts.csv (under `CHILD_FROM_BYTES`) is read in this process: a child's start costs
more than it saves there."""

from __future__ import annotations

import gc
import marshal
import multiprocessing
import pickle
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any

from ddcase.domain import ContactKind, ContactMode, DomainError, ImportProblem, Outcome
from ddcase.services.transfer.cells import CONTACTS
from ddcase.services.transfer.contacts import ContactSink, Known, Progress, RowWriter, ValueOf, read_contacts
from ddcase.services.transfer.reading import Problems, file_size

#: contacts.csv is read in a child process from this size on (a trust's is some 50 MB; the
#: child's start, about half a second of the other core, pays for itself from a few MB).
CHILD_FROM_BYTES = 4 * 2**20

#: Batches of rows the child may hold, encoded (about 2 MB each at 20,000 rows), ahead of the
#: import's process: it is given its work before the episodes are written, and reads on while
#: they are (`_PipeWriter`). A pipe alone holds less than one batch. A trust's child reads about
#: a fifth more slowly than the import writes, so a fifth of its million rows (ten batches) read
#: ahead keeps the import from waiting; the two processes then peak about 220 MB together.
BACKLOG = 12

#: Every child is spawned, never forked: the only start Windows has, so tested everywhere.
SPAWN = multiprocessing.get_context("spawn")

_ROWS, _AT, _DONE, _FAILED = "rows", "at", "done", "failed"
#: A batch of rows sent with `marshal` rather than pickled (`encode`): this byte, then the rows.
#: A pickle's first byte is its protocol's (0x80), so the two are never confused.
_MARSHALLED = b"M"
_ANY_SIZE = 1 << 62  # the child reports bytes read; the parent knows the total

STOPPED = (
    "The import stopped: the process reading contacts.csv ended before it had read the whole "
    "file{detail}; nothing was written."
)


#: Dates far apart, to tell how the writer takes a date.
_PROBE_DATES = (date(1, 1, 1), date(1900, 2, 28), date(2024, 2, 29), date(2026, 12, 31), date(9999, 12, 31))


@dataclass(frozen=True, slots=True)
class PlainValues:
    """How the writer takes each value the stream converts (`RowWriter.value`), as plain data to
    send the child (which loads neither SQLAlchemy nor the storage layer, to start fast and small):
    every value of the columns that have few (kinds, modes, outcomes, yes and no), and whether a
    date goes as its 'YYYY-MM-DD' text (SQLite) or as itself (PostgreSQL); a number of minutes
    goes as itself."""

    finite: dict[str, dict[object, object]]
    dates_as_text: bool

    @classmethod
    def of(cls, writer: ValueOf) -> PlainValues | None:
        """The writer's ways, or None when it takes a date or a number some other way (then
        contacts.csv is read in this process, through the writer itself)."""
        finite: dict[str, dict[object, object]] = {
            column: {member.value: writer.value(column, member.value) for member in kind}
            for column, kind in (("kind", ContactKind), ("mode", ContactMode), ("outcome", Outcome))
        }
        finite["client_present"] = {flag: writer.value("client_present", flag) for flag in (True, False)}
        dates = [writer.value("date", day) for day in _PROBE_DATES]
        if dates == [day.isoformat() for day in _PROBE_DATES]:
            dates_as_text = True
        elif all(value is day for value, day in zip(dates, _PROBE_DATES, strict=True)):
            dates_as_text = False
        else:
            return None
        if any(writer.value("duration_minutes", n) is not n for n in (1, 999_999_999)):
            return None
        return cls(finite, dates_as_text)

    def value(self, column: str, value: object) -> object:
        if value is None:
            return None
        table = self.finite.get(column)
        if table is not None:
            return table[value]
        if column == "date":
            return value.isoformat() if self.dates_as_text else value  # type: ignore[attr-defined]  # a date
        if column == "duration_minutes":
            return value
        raise ValueError(f"no plain value for the column {column}")


@dataclass(frozen=True, slots=True)
class Work:
    """What the child needs to read contacts.csv as the import would: sent once, when the other
    files are written (their ids are the database's)."""

    path: Path
    today: date
    known: Known
    client_ids: dict[str, int]
    worker_ids: dict[tuple[str, str], int]
    values: PlainValues
    chunk_size: int


def encode(message: tuple[str, object]) -> bytes | memoryview:
    """A message to the parent as bytes: a batch of rows with `marshal` when it takes every value
    in it (ints, text, None: SQLite's rows), which makes them in about half the CPU time of a
    pickle (0.19-0.28 s against 0.43-0.51 s a million of a trust's rows); anything else
    (PostgreSQL's dates, the other messages) pickled as `Connection.send` would. Both ends are this program's own processes,
    as for the pickles before."""
    kind, payload = message
    if kind == _ROWS:
        try:
            return _MARSHALLED + marshal.dumps(payload, 4)  # type: ignore[arg-type]  # rows: lists of tuples; ValueError if not
        except ValueError:  # a value marshal does not take
            pass
    return ForkingPickler.dumps(message)


def decode(data: bytes | memoryview) -> tuple[str, Any]:
    """The message `encode` (or a plain `Connection.send`) made."""
    if data[:1] == _MARSHALLED:
        return _ROWS, marshal.loads(memoryview(data)[1:])
    message: tuple[str, Any] = pickle.loads(data)
    return message


class ContactReader:
    """The parent's end: the child, started at once, and the pipe to it."""

    def __init__(self, entry: Callable[[Connection], None] | None = None) -> None:
        """`entry`: the child's top-level function (`child_main`; tests give one that dies)."""
        self._connection, child_end = SPAWN.Pipe(duplex=True)
        self._process = SPAWN.Process(
            target=entry or child_main, args=(child_end,), name="ddcase-contacts", daemon=True
        )
        try:
            self._process.start()
        except BaseException:
            self._connection.close()
            raise
        finally:
            child_end.close()  # so that the child's end closing (it died) is seen here as EOF

    def start(self, work: Work) -> None:
        """Hand the child its work: it starts reading, up to `BACKLOG` batches ahead of
        `read_into`. Raises DomainError if it has died."""
        try:
            self._connection.send(work)
        except OSError as error:
            raise DomainError(STOPPED.format(detail="")) from error

    def read_into(self, writer: RowWriter, problems: Problems, progress: Progress) -> None:
        """Write each batch the child sends (after `start`) until it has read the file; then add
        the problems it found, in its order. Raises DomainError if it died or failed."""
        while True:
            try:
                kind, payload = self.receive()
            except (EOFError, OSError) as error:
                raise DomainError(STOPPED.format(detail="")) from error
            if kind == _ROWS:
                writer.write(payload)
            elif kind == _AT:
                progress.tell(payload)
            elif kind == _DONE:
                found, positions = payload
                if positions is not None:
                    problems.positions[CONTACTS] = positions
                for problem in found:
                    problems.add(problem.file, problem.line, problem.column, problem.message)
                return
            else:
                raise DomainError(STOPPED.format(detail=f" ({payload})"))

    def receive(self) -> tuple[str, Any]:
        """The child's next message (EOFError or OSError if it has gone)."""
        return decode(self._connection.recv_bytes())

    def close(self) -> None:
        """Close the pipe (a child still waiting or sending then ends) and wait for the child."""
        with suppress(OSError):
            self._connection.close()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()


@contextmanager
def contact_reader(
    path: Path | None, from_bytes: int | None, entry: Callable[[Connection], None] | None = None
) -> Iterator[ContactReader | None]:
    """A child reading `path` (contacts.csv) when it is at least `from_bytes` long (None: never),
    ended when the block ends however it ends; None when the file is read in this process."""
    if path is None or from_bytes is None or file_size(path) < from_bytes:
        yield None
        return
    try:
        reader = ContactReader(entry)
    except OSError:  # no process could be started (a computer's policy may refuse one): read here
        yield None
        return
    try:
        yield reader
    finally:
        reader.close()


class _PipeWriter:
    """The child's writer: rows made as `ContactWriter` takes them, sent to the parent. Each
    message is encoded here (`encode`) and sent by a thread of its own, so that reading goes on while the
    parent is busy (writing the episodes, at first) until `backlog` messages wait; if the parent
    has gone, the next message raises OSError."""

    def __init__(self, connection: Connection, values: PlainValues, backlog: int = BACKLOG) -> None:
        self._connection = connection
        self.value = values.value
        self._waiting: queue.Queue[bytes | memoryview | None] = queue.Queue(backlog)
        self._gone: OSError | None = None
        self._sender = threading.Thread(target=self._send_waiting, name="ddcase-contacts-send", daemon=True)
        self._sender.start()

    def _send_waiting(self) -> None:
        while (message := self._waiting.get()) is not None:
            if self._gone is None:  # once the parent has gone, only emptied: `send` never waits
                try:
                    self._connection.send_bytes(message)
                except OSError as error:
                    self._gone = error

    def send(self, message: tuple[str, object]) -> None:
        if self._gone is not None:
            raise OSError("the import's process has gone") from self._gone
        self._waiting.put(encode(message))

    def close(self) -> None:
        """Wait until every message has been sent (OSError if the parent went first)."""
        self._waiting.put(None)
        self._sender.join()
        if self._gone is not None:
            raise OSError("the import's process has gone") from self._gone

    def write(self, rows: list[tuple[object, ...]]) -> None:
        if rows:
            self.send((_ROWS, rows))

    def at(self, done: int, _total: int) -> None:
        self.send((_AT, done))


def child_main(connection: Connection) -> None:
    """The child process: wait for the work, read contacts.csv, send the rows and then the
    problems. Ends quietly when the parent has gone (its pipe closed)."""
    try:
        work: Work | None = connection.recv()
    except (EOFError, OSError):
        return
    if work is None:
        return
    writer = _PipeWriter(connection, work.values)
    try:
        gc.disable()  # as for the import in one process: millions of values, none in a cycle
        problems = Problems(listed=None)
        read_contacts(
            work.path,
            work.today,
            work.known,
            problems,
            ContactSink(writer, work.client_ids, work.worker_ids),
            chunk_size=work.chunk_size,
            progress=Progress(writer.at, _ANY_SIZE),
        )
        found: list[ImportProblem] = problems.items
        writer.send((_DONE, (found, problems.positions.get(CONTACTS))))
        writer.close()
    except (EOFError, OSError):
        return  # the parent has gone or stopped listening
    except Exception as error:  # noqa: BLE001 - said to the parent, which stops the import
        detail: Any = f"{type(error).__name__}: {error}"
        with suppress(OSError):
            writer.send((_FAILED, detail))
            writer.close()
    finally:
        with suppress(OSError):
            connection.close()

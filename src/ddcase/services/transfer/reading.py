"""Reading the files (SPEC §3): the size, the encoding and the CSV syntax checked, the header's
columns placed, and the rows handed on one at a time, however large the file; and the list of
every problem found, as the import reports it."""

from __future__ import annotations

import codecs
import csv
import difflib
import io
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ddcase.domain import ImportProblem, ImportRejected
from ddcase.services.transfer.cells import (
    CLIENTS,
    COLUMNS,
    FILES,
    REQUIRED,
    WHOLE_ROW,
    WORKERS,
    clean,
    lines_before,
)

#: A file larger than this is refused before it is read. A trust's five years of contacts are
#: about 100 MB; files are read a row at a time, never whole, so the limit is about time, not memory.
MAX_FILE_BYTES = 1024**3
_BLOCK_BYTES = 1 << 20  # read at a time when checking a file's encoding
_SAVE_AS_UTF8 = "save it from Excel as 'CSV UTF-8 (Comma delimited)'"
#: Problems listed per file (None: every one, as SPEC §3 asks); a cap, where a caller sets one,
#: counts the rest in one last line for that file.
LISTED_PER_FILE: int | None = None
MEMO_LIMIT = 1 << 17  # distinct cells remembered per column


@dataclass(slots=True)
class Row:
    line: int
    cells: dict[str, str]


@dataclass(slots=True)
class Table:
    file: str
    positions: dict[str, int]  # column name -> position in the header
    usable: bool = True  # False when the file could not be read or lacks a required column
    # Keys seen in any row, valid or not, so that other files do not report them as unknown.
    keys: set[Any] = field(default_factory=set)


class Problems:
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


def file_size(path: Path) -> int:
    """The file's size in bytes, 0 when it cannot be read (reported when it is read)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_text(path: Path, file: str, problems: Problems) -> str | None:
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
            lines_before(text[:nul]) + 1,
            WHOLE_ROW,
            f"contains a NUL character: the file is damaged or not a CSV text file; {_SAVE_AS_UTF8}",
        )
        return None
    return text


def csv_error_text(error: csv.Error) -> str:
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
class Source:
    """A file open for reading, a row at a time, after its header."""

    reader: Any  # csv.reader
    width: int  # cells in the header
    unnamed: list[int]  # positions of columns with an empty name
    consumed: int  # physical lines read so far
    handle: IO[bytes] | None = None  # the file under the reader, for progress


@contextmanager
def open_table(path: Path, file: str, problems: Problems) -> Iterator[tuple[Table, Source | None]]:
    """The file's header checked and its columns placed; the source is None (after reporting
    why) when its rows cannot be read."""
    table = Table(file, {})
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
    table: Table, stream: IO[str], handle: IO[bytes] | None, problems: Problems
) -> Source | None:
    file = table.file
    reader = csv.reader(stream, strict=True)
    first = next(csv_rows(reader, 0), None)
    if first is None or isinstance(first[1], csv.Error) or not any(c.strip() for c in first[1]):
        message = "the first line must be the header row (the column names)"
        if first is not None and isinstance(first[1], csv.Error):
            message = csv_error_text(first[1])
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
    return Source(reader, len(header), unnamed, reader.line_num, handle)


def csv_rows(reader: Any, consumed: int) -> Iterator[tuple[int, list[str] | csv.Error]]:
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
        value = clean(cells[positions[column]])
        key.append(value.lower() if column == "service" else value)
    return tuple(key)


def shape_problem(table: Table, source: Source, line: int, cells: list[str], problems: Problems) -> bool:
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


def read_table(path: Path, file: str, problems: Problems, on_row: Callable[[Row], None]) -> Table:
    """Read the file's header, then hand each row to `on_row` as it is read."""
    with open_table(path, file, problems) as (table, source):
        if source is None:
            return table
        key_columns = {WORKERS: ("service", "name"), CLIENTS: ("client_ref",)}.get(file, ())
        positions = list(table.positions.items())
        cleaned = Memo(clean)
        for line, cells in csv_rows(source.reader, source.consumed):
            if isinstance(cells, csv.Error):
                problems.add(file, line, WHOLE_ROW, csv_error_text(cells))
                continue
            if key_columns and any(c.strip() for c in cells):
                table.keys.add(_key(cells, table.positions, key_columns))
            plain = len(cells) == source.width and not source.unnamed and cells[0].strip()
            if plain or shape_problem(table, source, line, cells, problems):
                on_row(Row(line, {name: cleaned[cells[p]] for name, p in positions}))
        return table


class Memo(dict[str, Any]):
    """Each distinct cell of a column worked out once (a file repeats the same references, names
    and codes); bounded, for columns whose cells can all differ."""

    __slots__ = ("_work", "_limit")

    def __init__(self, work: Callable[[str], Any], limit: int = MEMO_LIMIT) -> None:
        super().__init__()
        self._work = work
        self._limit = limit

    def __missing__(self, cell: str) -> Any:
        if len(self) >= self._limit:
            self.clear()
        value = self[cell] = self._work(cell)
        return value

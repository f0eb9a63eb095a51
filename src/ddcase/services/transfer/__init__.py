"""Import and export of the folder of CSV files (SPEC §3); docs/import-export.md is the user guide.

Import is all or nothing, in one write transaction. Stage 1 reads workers.csv, clients.csv and
episodes.csv and checks each row on its own (encoding, CSV syntax, columns, formats, the domain's
checks). Stage 2, inside the transaction, matches those rows to what the log holds, checks what
crosses files and the database (unknown clients and workers, conflicting duplicates) and, if all is
well, writes them set-based. Then contacts.csv, the big one (a trust's is a million rows), is read
a row at a time, checked, and written a batch at a time while nothing anywhere is wrong; after the
first problem it is only checked. Every problem is collected; any problem and the transaction is
rolled back, so nothing is written. One audit entry records the whole import.

The parts, in the order an import uses them:
- `cells.py`: the files and their columns; writing and reading one cell (formula escaping).
- `reading.py`: a file's size, encoding, CSV syntax and header; its rows one at a time; the
  list of problems.
- `checking.py`: each row's cells converted and checked by the domain; the one parser of
  contacts.csv's cells (`read_contact_cell`).
- `matching.py`: stage 2, rows matched to the log; who contacts.csv may name.
- `contacts.py`: contacts.csv streamed, checked and written a batch at a time.
- `export.py`: the four files written from the log.
- `results.py`: what an import or an export did.
- `parallel.py`: contacts.csv read in a child process beside the import's writes.
- `service.py`: `TransferService`, the use cases built from the above. The SQL of the load is
  storage's (`storage/bulk_load.py`, `bulk_load.ContactWriter`).

`TransferService` and `CONTACT_CHUNK` are loaded on first use: the child process that reads
contacts.csv imports this package, and must not load the storage layer with it (parallel.py).
"""

from typing import TYPE_CHECKING

from ddcase.services.transfer.cells import (
    CLIENTS,
    COLUMNS,
    CONTACTS,
    EPISODES,
    FILES,
    REQUIRED,
    WHOLE_ROW,
    WORKERS,
    escape_cell,
    unescape_cell,
)
from ddcase.services.transfer.reading import LISTED_PER_FILE, MAX_FILE_BYTES
from ddcase.services.transfer.results import ExportSummary, FileCounts, ImportSummary

if TYPE_CHECKING:
    from ddcase.services.transfer.service import CONTACT_CHUNK, TransferService

__all__ = [
    "CLIENTS",
    "COLUMNS",
    "CONTACT_CHUNK",
    "CONTACTS",
    "EPISODES",
    "FILES",
    "LISTED_PER_FILE",
    "MAX_FILE_BYTES",
    "REQUIRED",
    "WHOLE_ROW",
    "WORKERS",
    "ExportSummary",
    "FileCounts",
    "ImportSummary",
    "TransferService",
    "escape_cell",
    "unescape_cell",
]


def __getattr__(name: str) -> object:
    if name in ("CONTACT_CHUNK", "TransferService"):
        from ddcase.services.transfer import service

        return getattr(service, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

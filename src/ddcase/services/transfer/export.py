"""Export (SPEC §3): every record as the four CSV files, UTF-8 without a byte-order mark, "\\n"
line ends, columns in SPEC order, rows sorted, formula-like cells escaped, each file written
atomically and readable by its owner only, with one audit entry."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

from ddcase.domain import DomainError
from ddcase.services.base import Context
from ddcase.services.transfer.cells import (
    CLIENTS,
    COLUMNS,
    CONTACTS,
    EPISODES,
    WORKERS,
    escape_cell,
    iso,
    yes_no,
)
from ddcase.services.transfer.results import ExportSummary
from ddcase.storage import audit, repository
from ddcase.storage.database import Session
from ddcase.storage.files import write_private


def export_folder(context: Context, folder: Path) -> ExportSummary:
    """Write the four files into `folder` (made if need be, owner only)."""
    _prepare_folder(folder)
    with context.db.write() as session:
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
        recorded = audit.append(
            session,
            action="export",
            entity="export",
            key=folder.name[:120] or str(folder)[:120],
            after=summary.as_record(),
            app_user=context.user,
            at=context.now(),
        )
    return replace(summary, audit_head=f"#{recorded.seq} {recorded.hash[:12]}")


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
                iso(c.date_of_birth),
                c.ethnicity or "",
                c.referral_route.value if c.referral_route else "",
                iso(c.consent_to_share_on),
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
                iso(e.end_date),
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
            yes_no(c.client_present),
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

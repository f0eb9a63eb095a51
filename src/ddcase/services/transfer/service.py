"""The transfer service: the use cases (check a folder, import it, export to one), each built
from the package's parts. docs/import-export.md is the user guide; the package's docstring says
how an import goes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ddcase.domain import Client, DomainError, ImportProblem
from ddcase.domain.validation import nhs_number_warnings, nhs_numbers_in_use
from ddcase.services.base import Context, cyclic_gc_paused
from ddcase.services.transfer import export
from ddcase.services.transfer.cells import CLIENTS, CONTACTS, EPISODES, FILES, WORKERS
from ddcase.services.transfer.checking import parse
from ddcase.services.transfer.contacts import ContactSink, Progress, read_contacts
from ddcase.services.transfer.matching import Known, Plan, resolve
from ddcase.services.transfer.parallel import (
    CHILD_FROM_BYTES,
    ContactReader,
    PlainValues,
    Work,
    contact_reader,
)
from ddcase.services.transfer.reading import Problems, file_size
from ddcase.services.transfer.results import ExportSummary, FileCounts, ImportSummary
from ddcase.storage import audit, bulk_load, repository
from ddcase.storage.database import IntegrityError, Session, Stamp

#: New contacts written per batch: enough that the per-batch costs vanish, few enough that a
#: batch's rows are a few MB.
CONTACT_CHUNK = 20_000


class TransferService:
    def __init__(
        self,
        context: Context,
        *,
        chunk_size: int = CONTACT_CHUNK,
        child_from_bytes: int | None = CHILD_FROM_BYTES,
    ) -> None:
        """`chunk_size`: contacts written per batch (tests make it small to reach its edges).
        `child_from_bytes`: an import reads contacts.csv in a child process from this size on
        (parallel.py; None: never, 0: always)."""
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        self._context = context
        self._db = context.db
        self._chunk = chunk_size
        self._child_from = child_from_bytes

    # ------------------------------------------------------------------ import

    def check_folder(self, folder: str | os.PathLike[str]) -> list[ImportProblem]:
        """A dry run of `import_folder`: every problem it would report (empty when it would
        succeed), writing nothing. Raises DomainError when the folder holds none of the files."""
        paths, _ = self._files(Path(folder))
        problems = Problems()
        today = self._context.today()
        progress = Progress(None, 0)
        parsed = parse(paths, today, problems)
        with self._db.read() as session:
            _plan, known = resolve(session, parsed, problems)
            if CONTACTS in paths:
                read_contacts(
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
        # The child that reads contacts.csv (a large one) starts now, so that its start-up
        # overlaps the reading of the other files.
        with cyclic_gc_paused(), contact_reader(paths.get(CONTACTS), self._child_from) as reader:
            return self._import_folder(folder, paths, ignored, progress, reader)

    def _import_folder(
        self,
        folder: Path,
        paths: dict[str, Path],
        ignored: tuple[str, ...],
        progress: Callable[[int, int], None] | None,
        reader: ContactReader | None,
    ) -> ImportSummary:
        problems = Problems()
        today = self._context.today()
        tracker = Progress(progress, sum(file_size(p) for p in paths.values()))
        tracker.tell(0)
        parsed = parse(paths, today, problems)
        for file, path in paths.items():
            if file != CONTACTS:
                tracker.file_done(file_size(path))
        try:
            with (
                bulk_load.new_file_journal(self._db) as first_load,
                # Into a new file, the foreign keys are checked once before the commit rather
                # than row by row (the contacts' three a row were a fifth of their inserts' work).
                self._db.write(keys_checked_at_commit=first_load) as session,
                bulk_load.sqlite_import_cache(session),
            ):
                plan, known = resolve(session, parsed, problems)
                warnings = _nhs_number_warnings(session, parsed.clients)
                # One time for the whole import: every record it creates or changes carries the
                # audit entry's time and user, so the entry's counts can be traced to the rows.
                now = self._context.now()
                stamp: Stamp = {"updated_at": now, "updated_by": self._context.user or audit.os_user()}
                changes: list[bulk_load.RecordChange] = []
                started = False  # whether the child has been given its work

                def people_written() -> None:
                    # The child starts on contacts.csv as soon as the ids its rows name are known,
                    # and reads on while the episodes are written.
                    nonlocal started
                    started = self._start_child(session, paths[CONTACTS], known, reader)

                if not problems:
                    changes = self._apply(
                        session, plan, stamp, people_written if reader is not None else None
                    )
                del parsed  # the plan holds what is new or changed
                contacts = FileCounts()
                if CONTACTS in paths:
                    contacts = self._import_contacts(
                        session, paths[CONTACTS], known, problems, stamp, tracker, reader if started else None
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
                    warnings=warnings,
                )
                for change in changes:  # each record changed, with its values before and after
                    audit.append(
                        session,
                        action="update",
                        entity=change.entity,
                        key=change.key,
                        before=change.before,
                        after=change.after,
                        app_user=self._context.user,
                        at=now,
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
        known: Known,
        problems: Problems,
        stamp: Stamp,
        tracker: Progress,
        reader: ContactReader | None,
    ) -> FileCounts:
        """Stream contacts.csv into the log (only checking it, once there is a problem), read
        by the child process when there is one."""
        today = self._context.today()
        if problems:
            read_contacts(path, today, known, problems, None, chunk_size=self._chunk, progress=tracker)
            return FileCounts()
        # Into an empty contact table (SQLite), the indexes are built once at the end: `finish`.
        writer = bulk_load.ContactWriter(session, stamp=stamp, load=True)
        if reader is not None:  # the child is reading it, given its work by `_start_child`
            reader.read_into(writer, problems, tracker)
        else:
            sink = ContactSink(writer, repository.client_ids(session), repository.worker_ids(session))
            read_contacts(path, today, known, problems, sink, chunk_size=self._chunk, progress=tracker)
        if problems:
            return FileCounts()  # the caller rolls back, indexes and all
        writer.finish()
        return FileCounts(created=writer.created, unchanged=writer.unchanged)

    def _start_child(self, session: Session, path: Path, known: Known, reader: ContactReader | None) -> bool:
        """Give the child its work once the workers and clients are written (the ids its rows
        name); False when contacts.csv is to be read in this process instead (no child, or a
        driver taking a value in a way the child is not told)."""
        plain = PlainValues.of(bulk_load.contact_values(session)) if reader is not None else None
        if reader is None or plain is None:
            return False
        client_ids, worker_ids = repository.client_ids(session), repository.worker_ids(session)
        reader.start(Work(path, self._context.today(), known, client_ids, worker_ids, plain, self._chunk))
        return True

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

    @staticmethod
    def _apply(
        session: Session, plan: Plan, stamp: Stamp, people_written: Callable[[], None] | None
    ) -> list[bulk_load.RecordChange]:
        """Write the plan of workers, clients and episodes (storage's bulk load), calling
        `people_written` between the first two and the episodes; returns each changed record's
        values before and after."""
        return bulk_load.write_records(
            session,
            new_workers=plan.new_workers,
            new_clients=plan.new_clients,
            new_episodes=plan.new_episodes,
            changed_workers=plan.changed_workers,
            changed_clients=plan.changed_clients,
            changed_episodes=plan.changed_episodes,
            stamp=stamp,
            people_written=people_written,
        )

    # ------------------------------------------------------------------ export

    def export_folder(self, folder: str | os.PathLike[str]) -> ExportSummary:
        """SPEC §3: write the four files (UTF-8 without BOM, "\\n" line ends, SPEC column order,
        rows sorted), each atomically and readable by the owner only, with one audit entry."""
        return export.export_folder(self._context, Path(folder))


def _nhs_number_warnings(session: Session, clients: list[tuple[int, Client]]) -> tuple[str, ...]:
    """clients.csv's NHS numbers never issued, or already recorded for another client (in the log
    or on an earlier line): warnings, as FILE:LINE: column: message, not errors."""
    in_use = nhs_numbers_in_use(repository.nhs_numbers(session))
    found = []
    for line, client in clients:
        for warning in nhs_number_warnings(client.nhs_number, client.client_ref, in_use):
            found.append(f"{CLIENTS}:{line}: nhs_number: {warning}")
        if client.nhs_number:
            in_use.setdefault(client.nhs_number, set()).add(client.client_ref)
    return tuple(found)

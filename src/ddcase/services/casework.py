"""Recording and editing workers, clients, episodes and contacts (SPEC §1).

Every save validates with the domain's checks, runs in one write transaction with its audit
entry, and refuses to overwrite a record someone else changed since it was read.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date, timedelta

from ddcase.domain import (
    Client,
    ClientHistory,
    Contact,
    DomainError,
    Episode,
    FieldProblem,
    Service,
    ValidationError,
    Worker,
)
from ddcase.domain.validation import (
    check_client,
    check_contact,
    check_episode,
    check_worker,
    nhs_numbers_in_use,
)
from ddcase.rules.criteria import named_workers_on
from ddcase.rules.discharges import Discharge, guarded_discharge
from ddcase.services.base import Context, as_record, audit_change, changed_by, check_version, cyclic_gc_paused
from ddcase.storage import discharge_notes, records, repository
from ddcase.storage.database import Session


def _raise_if(problems: list[FieldProblem]) -> None:
    if problems:
        raise ValidationError(problems)


class CaseworkService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    # ------------------------------------------------------------------ reading

    def workers(self, service: Service | None = None) -> list[Worker]:
        with self._db.read() as session:
            found = repository.workers(session)
        return [w for w in found if service is None or w.service is service]

    def organisations(self, service: Service | None = None) -> list[str]:
        with self._db.read() as session:
            return repository.organisations(session, service)

    def teams(self) -> list[str]:
        with self._db.read() as session:
            return repository.teams(session)

    def clients(self, refs: Collection[str] | None = None) -> list[Client]:
        """Every client by reference, or only those with the references given."""
        with self._db.read() as session:
            return repository.clients(session, refs)

    def client_names(self) -> list[tuple[str, str]]:
        """(client_ref, initials) of every client, by reference: what the caseload lists."""
        with cyclic_gc_paused(), self._db.read() as session:
            return repository.client_names(session)

    def nhs_numbers_in_use(self) -> dict[str, set[str]]:
        """Each NHS number in the log and the clients holding it, for the warning at entry
        (`domain.validation.nhs_number_warnings`)."""
        with self._db.read() as session:
            return nhs_numbers_in_use(repository.nhs_numbers(session))

    def client(self, client_ref: str) -> Client:
        with self._db.read() as session:
            return repository.client_value(records.client_by_ref(session, client_ref))

    def history(self, client_ref: str) -> ClientHistory:
        """The client with every episode and contact."""
        with self._db.read() as session:
            row = records.client_by_ref(session, client_ref)
            assert row.id is not None
            return repository.client_history(session, row.id)

    def episodes(self, client_ref: str) -> list[Episode]:
        with self._db.read() as session:
            row = records.client_by_ref(session, client_ref)
            assert row.id is not None
            return repository.episodes_for(session, row.id)

    def contacts(self, client_ref: str) -> list[Contact]:
        with self._db.read() as session:
            row = records.client_by_ref(session, client_ref)
            assert row.id is not None
            return repository.contacts_for(session, row.id)

    def current_workers(self, day: date) -> dict[str, tuple[str | None, str | None]]:
        """Each client's named workers on `day`: (care coordinator, key worker), chosen as the
        figures choose them (`rules.criteria.named_workers_on`); None where a side has none.
        The contact form prefills both workers from it."""
        with self._db.read() as session:
            episodes = repository.all_episodes(session)
        by_client: dict[str, list[Episode]] = {}
        # In the order they were recorded, as the figures read them: of two equal choices, the
        # last recorded speaks for its side.
        for e in sorted(episodes, key=lambda e: e.id or 0):
            if e.is_open_on(day):
                by_client.setdefault(e.client_ref, []).append(e)
        return {ref: named_workers_on(found, day) for ref, found in by_client.items()}

    def counts(self) -> dict[str, int]:
        """How many of each record the log holds."""
        with self._db.read() as session:
            return records.counts(session)

    # ------------------------------------------------------------------ workers

    def save_worker(self, worker: Worker) -> Worker:
        """Add a worker (id None) or update one. Names are unique within a side."""
        worker = replace(
            worker,
            name=worker.name.strip(),
            organisation=worker.organisation.strip(),
            email=(worker.email or "").strip() or None,
            phone=(worker.phone or "").strip() or None,
        )
        _raise_if(check_worker(worker))
        with self._db.write() as session:
            clash = repository.worker_row(session, worker.service, worker.name)
            if clash is not None and clash.id != worker.id:
                raise ValidationError(
                    [
                        FieldProblem(
                            "name",
                            f"there is already a {worker.service.label.lower()} worker called {worker.name}",
                        )
                    ]
                )
            org_id = repository.organisation_id(session, worker.organisation, worker.service)
            if worker.id is None:
                row = records.new_worker(worker.name, org_id, worker.service.value)
                before = None
            else:
                row = records.worker(session, worker.id)
                check_version(row, worker.version, f"The worker {row.name}")
                before = as_record(repository.worker_value(row, worker.organisation))
            row.name = worker.name
            row.organisation_id = org_id
            row.service = worker.service.value
            row.role = worker.role.value if worker.role else None
            row.email = worker.email
            row.phone = worker.phone
            self._store(session, row)
            saved = repository.worker_value(row, worker.organisation)
            audit_change(
                self._context,
                session,
                "create" if before is None else "update",
                "worker",
                saved.name,
                before,
                as_record(saved),
            )
            return saved

    def why_not_delete(self, worker: Worker) -> str | None:
        """Why the worker cannot be deleted (they are named on records), or None when they can:
        said before asking, so nobody confirms a delete that is then refused."""
        with self._db.read() as session:
            assert worker.id is not None
            return self._why_not_delete(session, worker.name, worker.id)

    @staticmethod
    def _why_not_delete(session: Session, name: str, worker_id: int) -> str | None:
        used = records.times_named(session, worker_id)
        if not used:
            return None
        what = "record" if used == 1 else "records"
        return (
            f"{name} is named on {used} {what}: mark them as left instead "
            "(Workers > Mark as left...), which keeps the history and the figures."
        )

    def delete_worker(self, worker: Worker) -> None:
        with self._db.write() as session:
            assert worker.id is not None
            row = records.worker(session, worker.id)
            check_version(row, worker.version, f"The worker {row.name}")
            why_not = self._why_not_delete(session, row.name, worker.id)
            if why_not:
                raise DomainError(why_not)
            records.delete(session, row)
            audit_change(self._context, session, "delete", "worker", worker.name, as_record(worker), None)

    # ------------------------------------------------------------------ clients

    def save_client(self, client: Client) -> Client:
        with self._db.write() as session:
            return self._save_client(session, client)

    def add_mutual_client(self, client: Client, episodes: list[Episode]) -> tuple[Client, list[Episode]]:
        """A new client with their episodes (one in each service, usually), saved together in
        one transaction with the usual audit entries: all of it, or nothing."""
        if client.id is not None:
            raise DomainError("A mutual client is added once; edit the client and episodes apart.")
        if len({e.service for e in episodes}) != len(episodes):
            raise DomainError("One new episode in each service at most.")
        with self._db.write() as session:
            saved = self._save_client(session, client)
            added = [
                self._save_episode(session, replace(e, client_ref=saved.client_ref, id=None))
                for e in episodes
            ]
            return saved, added

    def _save_client(self, session: Session, client: Client) -> Client:
        client = replace(
            client, client_ref=client.client_ref.strip(), initials=client.initials.strip().upper()
        )
        _raise_if(check_client(client, self._context.today()))
        clash = repository.client_row(session, client.client_ref)
        if clash is not None and clash.id != client.id:
            raise ValidationError([FieldProblem("client_ref", f"{client.client_ref} is already in the log")])
        if client.id is None:
            row = records.new_client(client.client_ref, client.initials)
            before = None
        else:
            row = records.client(session, client.id)
            check_version(row, client.version, f"The client {row.client_ref}")
            before = as_record(repository.client_value(row))
        repository.apply_client(row, client)
        self._store(session, row)
        saved = repository.client_value(row)
        audit_change(
            self._context,
            session,
            "create" if before is None else "update",
            "client",
            saved.client_ref,
            before,
            as_record(saved),
        )
        return saved

    def delete_client(self, client: Client) -> None:
        """Delete a client with all their episodes and contacts."""
        with self._db.write() as session:
            row = records.client_by_ref(session, client.client_ref)
            check_version(row, client.version, f"The client {row.client_ref}")
            assert row.id is not None
            records.delete_client(session, row)
            audit_change(
                self._context, session, "delete", "client", client.client_ref, as_record(client), None
            )

    # ------------------------------------------------------------------ episodes

    def save_episode(self, episode: Episode, *, discharge_reason: str | None = None) -> Episode:
        """Add or update an episode. The worker must be in the directory, on the episode's side.

        Ending it while the other side is open is a guarded discharge (issue 17): what was said
        is noted with it, in the same transaction and audited: `discharge_reason`, why the other
        service counts as involved, or none (a discharge without the other service, flagged
        unless a contact with its worker shows otherwise). Ask `discharge_check` first."""
        with self._db.write() as session:
            ended_before = None
            if episode.id is not None:
                ended_before = discharge_notes.ended_on(session, episode.id)
            saved = self._save_episode(session, episode)
            self._note_discharge(session, saved, ended_before, discharge_reason)
            return saved

    def discharge_check(self, episode: Episode) -> Discharge | None:
        """The guarded discharge saving `episode` would make (rules.discharges): None when it
        is not one (still open, a change of worker, or the other side not open on the end day).
        Its `contact` says whether a contact already shows the other service involved."""
        if episode.end_date is None:
            return None
        with self._db.read() as session:
            client = records.client_by_ref(session, episode.client_ref)
            assert client.id is not None
            episodes = [
                e
                for e in repository.episodes_for(session, client.id)
                if episode.id is None or e.id != episode.id
            ]
            contacts = repository.contacts_for(session, client.id)
            definitions = repository.definitions(session)
        return guarded_discharge(episode, [*episodes, episode], contacts, definitions)

    def _note_discharge(
        self, session: Session, saved: Episode, ended_before: date | None, reason: str | None
    ) -> None:
        reason = (reason or "").strip() or None
        if saved.end_date is None or (saved.end_date == ended_before and reason is None):
            return
        client = records.client_by_ref(session, saved.client_ref)
        assert client.id is not None and saved.id is not None
        discharge = guarded_discharge(
            saved,
            repository.episodes_for(session, client.id),
            repository.contacts_for(session, client.id),
            repository.definitions(session),
            reason,
        )
        if discharge is None:
            return
        row = discharge_notes.note_row(session, saved.id)
        before = None if row is None else {"reason": row.reason}
        if row is None:
            row = discharge_notes.new_note(saved.id, reason)
        elif reason is not None:
            row.reason = reason
        records.store(session, row, at=self._context.now(), by=changed_by(self._context))
        audit_change(
            self._context,
            session,
            "create" if before is None else "update",
            "discharge",
            saved.client_ref,
            before,
            {
                "service": saved.service.value,
                "end_date": saved.end_date.isoformat(),
                "reason": row.reason,
                "contact_date": discharge.contact.date.isoformat() if discharge.contact else None,
                "other_service_involved": discharge.contact is not None or row.reason is not None,
            },
        )

    def _save_episode(self, session: Session, episode: Episode) -> Episode:
        episode = replace(
            episode,
            organisation=episode.organisation.strip(),
            team=(episode.team or "").strip() or None,
            worker=(episode.worker or "").strip() or None,
        )
        _raise_if(check_episode(episode, self._context.today()))
        client = records.client_by_ref(session, episode.client_ref)
        assert client.id is not None  # a row read back has its id
        worker_id = None
        if episode.worker:
            worker = repository.worker_row(session, episode.service, episode.worker)
            if worker is None:
                raise ValidationError(
                    [
                        FieldProblem(
                            "worker", f"no {episode.service.label.lower()} worker called {episode.worker}"
                        )
                    ]
                )
            worker_id = worker.id
        org_id = repository.organisation_id(session, episode.organisation, episode.service)
        clash = records.same_episode(session, client.id, episode.service.value, org_id, episode.start_date)
        if clash is not None and clash.id != episode.id:
            raise ValidationError(
                [
                    FieldProblem(
                        "start_date",
                        "this client already has an episode with that service starting that day",
                    )
                ]
            )
        if episode.id is None:
            row = records.new_episode(client.id, episode.service.value, org_id, episode.start_date)
            before = None
        else:
            row = records.episode(session, episode.id)
            check_version(row, episode.version, "The episode")
            before = as_record(records.episode_value(session, row))
        assert client.id is not None
        row.client_id = client.id
        row.service = episode.service.value
        row.organisation_id = org_id
        row.team = episode.team
        row.worker_id = worker_id
        row.start_date = episode.start_date
        row.end_date = episode.end_date
        self._store(session, row)
        saved = records.episode_value(session, row)
        audit_change(
            self._context,
            session,
            "create" if before is None else "update",
            "episode",
            episode.client_ref,
            before,
            as_record(saved),
        )
        return saved

    def change_worker(
        self, episode: Episode, new_worker: str | None, from_date: date
    ) -> tuple[Episode, Episode]:
        """SPEC §1: a change of worker is a new episode: the old one ends the day before
        `from_date`, the new one starts on it with the same service, organisation and team."""
        if from_date <= episode.start_date:
            raise ValidationError(
                [FieldProblem("start_date", "the new worker must start after the episode began")]
            )
        if episode.end_date is not None and from_date > episode.end_date:
            raise ValidationError([FieldProblem("start_date", "the episode had already ended by then")])
        new_episode = replace(episode, id=None, version=0, worker=new_worker, start_date=from_date)
        _raise_if(check_episode(new_episode, self._context.today()))
        # Not through save_episode: the old episode's end is no discharge, the next one opens.
        closed = self._save_alone(replace(episode, end_date=from_date - timedelta(days=1)))
        try:
            opened = self._save_alone(new_episode)
        except DomainError:
            self._save_alone(replace(closed, end_date=episode.end_date))
            raise
        return closed, opened

    def _save_alone(self, episode: Episode) -> Episode:
        with self._db.write() as session:
            return self._save_episode(session, episode)

    def delete_episode(self, episode: Episode) -> None:
        with self._db.write() as session:
            assert episode.id is not None
            row = records.episode(session, episode.id)
            check_version(row, episode.version, "The episode")
            records.delete(session, row)
            audit_change(
                self._context, session, "delete", "episode", episode.client_ref, as_record(episode), None
            )

    # ------------------------------------------------------------------ contacts

    def save_contact(self, contact: Contact) -> Contact:
        """Add or update a contact. Named workers must be in the directory, on their side."""
        contact = replace(
            contact,
            mh_worker=(contact.mh_worker or "").strip() or None,
            sm_worker=(contact.sm_worker or "").strip() or None,
            note=(contact.note or "").strip() or None,
        )
        _raise_if(check_contact(contact, self._context.today()))
        with self._db.write() as session:
            client = records.client_by_ref(session, contact.client_ref)
            assert client.id is not None
            ids = repository.worker_ids(session)
            problems = []
            for field, side, name in (
                ("mh_worker", Service.MENTAL_HEALTH, contact.mh_worker),
                ("sm_worker", Service.SUBSTANCE_MISUSE, contact.sm_worker),
            ):
                if name and (side.value, name) not in ids:
                    problems.append(FieldProblem(field, f"no {side.label.lower()} worker called {name}"))
            _raise_if(problems)
            fingerprint = repository.contact_fingerprint(contact)
            clash = records.contact_with_fingerprint(session, fingerprint)
            if clash is not None and clash.id != contact.id:
                raise ValidationError(
                    [FieldProblem("date", "exactly the same contact is already in the log")]
                )
            if contact.id is None:
                row = records.new_contact(client.id, contact.date)
                before = None
            else:
                row = records.contact(session, contact.id)
                check_version(row, contact.version, "The contact")
                before = as_record(records.contact_value(session, row))
            repository.apply_contact(row, contact, client.id, ids)
            self._store(session, row)
            saved = records.contact_value(session, row)
            audit_change(
                self._context,
                session,
                "create" if before is None else "update",
                "contact",
                contact.client_ref,
                before,
                as_record(saved),
            )
            return saved

    def delete_contact(self, contact: Contact) -> None:
        with self._db.write() as session:
            assert contact.id is not None
            row = records.contact(session, contact.id)
            check_version(row, contact.version, "The contact")
            records.delete(session, row)
            audit_change(
                self._context, session, "delete", "contact", contact.client_ref, as_record(contact), None
            )

    # ------------------------------------------------------------------ helpers

    def _store(self, session: Session, row: records.Record) -> None:
        records.store(session, row, at=self._context.now(), by=changed_by(self._context))

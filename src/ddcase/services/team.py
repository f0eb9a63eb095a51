"""The team: the log's settings (its name, who keeps it, whether it is the demo), starting a new
log, and its people's comings and goings (a worker who leaves, their caseload moved)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from ddcase.domain import (
    DomainError,
    Episode,
    FieldProblem,
    NotFoundError,
    Role,
    Service,
    ValidationError,
    Worker,
)
from ddcase.domain.format import short_date_text
from ddcase.domain.validation import check_worker
from ddcase.services.base import Context, as_record, audit_change, changed_by, check_version
from ddcase.storage import records, repository
from ddcase.storage.database import Session


@dataclass(frozen=True, slots=True)
class TeamSettings:
    team_name: str | None = None
    owner_name: str | None = None
    owner_role: str | None = None
    providers: tuple[str, ...] = ()
    is_demo: bool = False


class TeamService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    def settings(self) -> TeamSettings:
        with self._db.read() as session:
            values = repository.settings(session)
        return TeamSettings(
            team_name=values.get("team_name"),
            owner_name=values.get("owner_name"),
            owner_role=values.get("owner_role"),
            providers=tuple(p for p in values.get("providers", "").split("\n") if p),
            is_demo=values.get("is_demo") == "yes",
        )

    def save(self, settings: TeamSettings) -> TeamSettings:
        with self._db.write() as session:
            self._save(session, settings)
        return self.settings()

    def start(self, settings: TeamSettings) -> Worker | None:
        """A new team log from the welcome page, in one transaction: the settings, each
        substance misuse provider as an organisation of that side, and the person starting it
        as a worker with their role. A key worker is on the substance misuse side, of the first
        provider; anyone else is on the mental health side, of the team (docs/decisions.md).
        Returns that worker (None when no name was given)."""
        owner = self._owner(settings)
        with self._db.write() as session:
            self._save(session, settings)
            for provider in settings.providers:
                repository.organisation_id(session, provider, Service.SUBSTANCE_MISUSE)
            if owner is None:
                return None
            org_id = repository.organisation_id(session, owner.organisation, owner.service)
            row = repository.worker_row(session, owner.service, owner.name)
            if row is None:
                row = records.new_worker(owner.name, org_id, owner.service.value)
            row.role = owner.role.value if owner.role else None
            records.store(session, row, at=self._context.now(), by=changed_by(self._context))
            saved = repository.worker_value(row, owner.organisation)
            audit_change(
                self._context,
                session,
                action="create",
                entity="worker",
                key=saved.name,
                after=as_record(saved),
            )
            return saved

    @staticmethod
    def _owner(settings: TeamSettings) -> Worker | None:
        name = (settings.owner_name or "").strip()
        if not name:
            return None
        role = Role(settings.owner_role) if settings.owner_role else None
        if role is Role.KEY_WORKER:
            service = Service.SUBSTANCE_MISUSE
            organisation = settings.providers[0] if settings.providers else (settings.team_name or "")
        else:
            service = Service.MENTAL_HEALTH
            organisation = settings.team_name or ""
        worker = Worker(name, organisation.strip(), service, role)
        problems = check_worker(worker)
        if problems:
            raise ValidationError(problems)
        return worker

    def _save(self, session: Session, settings: TeamSettings) -> None:
        for key, value in (
            ("team_name", settings.team_name or ""),
            ("owner_name", settings.owner_name or ""),
            ("owner_role", settings.owner_role or ""),
            ("providers", "\n".join(settings.providers)),
            ("is_demo", "yes" if settings.is_demo else "no"),
        ):
            repository.set_setting(session, key, value)
        audit_change(
            self._context,
            session,
            action="update",
            entity="team_settings",
            key=None,
            after={"team_name": settings.team_name, "owner_name": settings.owner_name},
        )

    def is_new(self) -> bool:
        """No clients, no workers and no settings yet: the first run."""
        with self._db.read() as session:
            return (
                not repository.settings(session)
                and not repository.clients(session)
                and not repository.workers(session)
            )

    # ------------------------------------------------------------------ people who leave

    def worker_named(self, name: str, service: Service | None = None) -> Worker:
        """The worker called `name` (on `service`, when the name is on both sides)."""
        with self._db.read() as session:
            found = [
                w
                for w in repository.workers(session)
                if w.name == name.strip() and (service is None or w.service is service)
            ]
        if not found:
            raise NotFoundError(f"No worker called {name.strip()} in the directory.")
        if len(found) > 1:
            raise DomainError(
                f"There is a {found[0].name} on each side: say which with --service "
                "mental_health or substance_misuse."
            )
        return found[0]

    def mark_left(self, worker: Worker, left_on: date | None) -> Worker:
        """Mark a worker as having left on `left_on` (None: back in the team). They are kept,
        with every record naming them, for the history and the figures; the pickers no longer
        offer them from that day on."""
        with self._db.write() as session:
            assert worker.id is not None
            row = records.worker(session, worker.id)
            check_version(row, worker.version, f"The worker {row.name}")
            organisation = worker.organisation
            before = as_record(repository.worker_value(row, organisation))
            row.left_on = left_on
            records.store(session, row, at=self._context.now(), by=changed_by(self._context))
            saved = repository.worker_value(row, organisation)
            audit_change(
                self._context,
                session,
                action="update",
                entity="worker",
                key=saved.name,
                before=before,
                after=as_record(saved),
            )
            return saved

    def open_caseload(self, worker: Worker, on: date) -> list[Episode]:
        """The worker's episodes still open on `on` (or starting later), by client reference."""
        with self._db.read() as session:
            episodes = repository.all_episodes(session)
        return sorted(
            (
                e
                for e in episodes
                if e.worker == worker.name
                and e.service is worker.service
                and (e.end_date is None or e.end_date >= on)
            ),
            key=lambda e: (e.client_ref, e.start_date),
        )

    def caseloads(self) -> dict[tuple[Service, str], list[Episode]]:
        """Every named worker's episodes, by (side, name), by client reference: what Move
        caseload... offers, narrowed there to those open on the day chosen."""
        with self._db.read() as session:
            episodes = repository.all_episodes(session)
        found: dict[tuple[Service, str], list[Episode]] = {}
        for e in sorted(episodes, key=lambda e: (e.client_ref, e.start_date)):
            if e.worker:
                found.setdefault((e.service, e.worker), []).append(e)
        return found

    def move_caseload(
        self,
        leaver: Worker,
        to: str,
        from_date: date,
        client_refs: Collection[str] | None = None,
    ) -> MovedCaseload:
        """Move a worker's open episodes (all, or those of `client_refs`) to the worker `to`
        from `from_date`. SPEC §1: a change of worker is a new episode, so each episode open on
        the day before ends then and the same episode (service, organisation, team, planned end)
        starts on `from_date` with the new worker; one that starts on `from_date` or later only
        changes its worker. One transaction and one audit entry; the figures of the months
        before `from_date` cannot move, as no day before it changes."""
        if from_date > self._context.today():
            raise ValidationError([FieldProblem("start_date", "the new worker cannot start in the future")])
        with self._db.write() as session:
            leaver_row = repository.worker_row(session, leaver.service, leaver.name)
            if leaver_row is None or leaver_row.id is None:
                raise NotFoundError(f"No worker called {leaver.name} in the directory.")
            to_id, to_name = self._new_worker(session, leaver, to, from_date)
            found = repository.caseload_rows(session, leaver_row.id, from_date)
            if client_refs is not None:
                wanted = {r.strip() for r in client_refs}
                unknown = sorted(wanted - {ref for _row, ref in found})
                if unknown:
                    raise DomainError(
                        f"{leaver.name} has no open episode on {short_date_text(from_date)} for "
                        f"{', '.join(unknown)}; nothing was moved."
                    )
                found = [(row, ref) for row, ref in found if ref in wanted]
            if not found:
                raise DomainError(
                    f"{leaver.name} has no open episodes on {short_date_text(from_date)}; nothing was moved."
                )
            now, who = self._context.now(), changed_by(self._context)
            moved = [
                records.move_episode(session, row, ref, to_id, from_date, at=now, by=who)
                for row, ref in found
            ]
            records.flush(session)
            audit_change(
                self._context,
                session,
                action="move",
                entity="caseload",
                key=leaver.name,
                before={"worker": leaver.name, "service": leaver.service.value, "episodes": moved},
                after={"worker": to_name, "from": from_date.isoformat()},
            )
            return MovedCaseload(
                leaver=leaver.name,
                to=to_name,
                from_date=from_date,
                client_refs=tuple(sorted({ref for _row, ref in found})),
                episodes=len(moved),
            )

    @staticmethod
    def _new_worker(session: Session, leaver: Worker, to: str, from_date: date) -> tuple[int, str]:
        """The worker a caseload moves to (id and name): on the leaver's side, someone else,
        still here."""
        to_row = repository.worker_row(session, leaver.service, to.strip())
        side = leaver.service.label.lower()
        if to_row is None:
            raise ValidationError([FieldProblem("worker", f"no {side} worker called {to.strip()}")])
        if to_row.name == leaver.name:
            raise ValidationError([FieldProblem("worker", "choose someone other than the leaver")])
        if to_row.left_on is not None and to_row.left_on <= from_date:
            raise ValidationError(
                [FieldProblem("worker", f"{to_row.name} left on {short_date_text(to_row.left_on)}")]
            )
        assert to_row.id is not None
        return to_row.id, to_row.name


@dataclass(frozen=True, slots=True)
class MovedCaseload:
    leaver: str
    to: str
    from_date: date
    client_refs: tuple[str, ...]
    episodes: int

    def text(self) -> str:
        clients = "client" if len(self.client_refs) == 1 else "clients"
        return (
            f"{self.leaver}'s caseload moved to {self.to} from {short_date_text(self.from_date)}: "
            f"{len(self.client_refs)} {clients}, {self.episodes} episode(s).\n"
        )

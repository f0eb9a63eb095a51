"""Team-wide settings of the log: the team's name, who keeps it, and whether it is the demo."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from ddcase.domain import Role, Service, ValidationError, Worker
from ddcase.domain.validation import check_worker
from ddcase.services.base import Context, as_record
from ddcase.storage import audit, repository
from ddcase.storage.tables import WorkerRow


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
                row = WorkerRow(name=owner.name, organisation_id=org_id, service=owner.service.value)
            row.role = owner.role.value if owner.role else None
            row.updated_at = self._context.now()
            row.updated_by = self._context.user or audit.os_user()
            session.add(row)
            session.flush()
            saved = repository.worker_value(row, owner.organisation)
            audit.append(
                session,
                action="create",
                entity="worker",
                key=saved.name,
                after=as_record(saved),
                app_user=self._context.user,
                at=self._context.now(),
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
        audit.append(
            session,
            action="update",
            entity="team_settings",
            key=None,
            after={"team_name": settings.team_name, "owner_name": settings.owner_name},
            app_user=self._context.user,
            at=self._context.now(),
        )

    def is_new(self) -> bool:
        """No clients, no workers and no settings yet: the first run."""
        with self._db.read() as session:
            return (
                not repository.settings(session)
                and not repository.clients(session)
                and not repository.workers(session)
            )

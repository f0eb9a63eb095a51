"""Team-wide settings of the log: the team's name, who keeps it, and whether it is the demo."""

from __future__ import annotations

from dataclasses import dataclass

from ddcase.services.base import Context
from ddcase.storage import audit, repository


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
        return self.settings()

    def is_new(self) -> bool:
        """No clients, no workers and no settings yet: the first run."""
        with self._db.read() as session:
            return (
                not repository.settings(session)
                and not repository.clients(session)
                and not repository.workers(session)
            )

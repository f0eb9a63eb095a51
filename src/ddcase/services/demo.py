"""`ddcase demo`: fill an empty database with the synthetic demo team (services/demo_data.py)."""

from __future__ import annotations

from dataclasses import dataclass

from ddcase.domain import DomainError
from ddcase.services.base import Context
from ddcase.services.demo_data import demo_measures, generate
from ddcase.storage import audit, repository
from ddcase.storage.database import Stamp


@dataclass(frozen=True, slots=True)
class DemoSummary:
    team_name: str
    workers: int
    clients: int
    episodes: int
    contacts: int

    def __str__(self) -> str:
        return (
            f"Demo team '{self.team_name}' added: {self.workers} workers, {self.clients} clients, "
            f"{self.episodes} episodes, {self.contacts} contacts (all synthetic)."
        )


class DemoService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    def fill(self, seed: int = 1) -> DemoSummary:
        """Fill an empty database with a realistic synthetic team, marked as demo. The same seed
        on the same day gives the same data."""
        data = generate(seed, self._context.today())
        stamp: Stamp = {"updated_at": self._context.now(), "updated_by": "demo"}
        with self._db.write() as session:
            if repository.has_records(session):
                raise DomainError(
                    "The database already holds records; the demo team goes only into an empty one."
                )
            repository.insert_new(
                session, data.workers, data.clients, data.episodes, data.contacts, stamp=stamp, is_demo=True
            )
            repository.set_setting(session, "team_name", data.team_name)
            repository.set_setting(session, "is_demo", "yes")
            summary = DemoSummary(
                data.team_name, len(data.workers), len(data.clients), len(data.episodes), len(data.contacts)
            )
            audit.append(
                session,
                action="demo",
                entity="demo",
                key=None,
                after={
                    "seed": seed,
                    "workers": summary.workers,
                    "clients": summary.clients,
                    "episodes": summary.episodes,
                    "contacts": summary.contacts,
                },
                app_user=self._context.user,
                at=self._context.now(),
            )
        self._add_measures(seed)
        return summary

    def _add_measures(self, seed: int) -> None:
        """The demo team's measures entered by hand (issue 16), each change audited."""
        from ddcase.services.manual_measures import ManualMeasuresService

        manual = ManualMeasuresService(self._context)
        for measure, values in demo_measures(seed, self._context.today()):
            manual.define(measure)
            manual.store_values(measure.slug, values)

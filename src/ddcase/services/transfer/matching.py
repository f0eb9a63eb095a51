"""Stage 2 of an import (SPEC §3), inside the write transaction: the valid rows of workers.csv,
clients.csv and episodes.csv matched to what the log holds (new, unchanged or an update), what
crosses files or the database checked (conflicting repeats, unknown clients), and who
contacts.csv's rows may name."""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable, Mapping, Sized
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ddcase.domain import Client, Episode, Role, Service, Worker
from ddcase.services.transfer.cells import CLIENTS, EPISODES, FILES, WORKERS
from ddcase.services.transfer.checking import Parsed
from ddcase.services.transfer.contacts import Known as Known
from ddcase.services.transfer.contacts import side_text
from ddcase.services.transfer.reading import Problems
from ddcase.services.transfer.results import FileCounts
from ddcase.storage import repository
from ddcase.storage.database import Session

#: Who a worker named only in episodes.csv is, by side (SPEC §1).
_EPISODE_ROLE = {Service.MENTAL_HEALTH: Role.CARE_COORDINATOR, Service.SUBSTANCE_MISUSE: Role.KEY_WORKER}


@dataclass(slots=True)
class Plan:
    new_workers: list[Worker] = field(default_factory=list)
    changed_workers: list[tuple[int, Worker]] = field(default_factory=list)
    new_clients: list[Client] = field(default_factory=list)
    changed_clients: list[tuple[int, Client]] = field(default_factory=list)
    new_episodes: list[Episode] = field(default_factory=list)
    changed_episodes: list[tuple[int, Episode]] = field(default_factory=list)
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FILES, 0))

    def counts(self, file: str) -> FileCounts:
        lists: dict[str, tuple[Sized, Sized]] = {
            WORKERS: (self.new_workers, self.changed_workers),
            CLIENTS: (self.new_clients, self.changed_clients),
            EPISODES: (self.new_episodes, self.changed_episodes),
        }
        created, updated = lists[file]
        return FileCounts(len(created), len(updated), self.unchanged[file])


def _same(a: Any, b: Any, fields: Iterable[str]) -> bool:
    return all(getattr(a, f) == getattr(b, f) for f in fields)


_WORKER_FIELDS = ("organisation", "role", "email", "phone")
_CLIENT_FIELDS = (
    "initials",
    "nhs_number",
    "date_of_birth",
    "ethnicity",
    "referral_route",
    "consent_to_share_on",
)
_EPISODE_FIELDS = ("team", "worker", "end_date")


def _worker_clash(service: Service, first: int) -> str:
    return f"the same {side_text(service)} worker is on line {first} with different details"


def _client_clash(client_ref: str, first: int) -> str:
    return f"{client_ref} is on line {first} with different details"


def _match_row(
    plan: Plan,
    problems: Problems,
    where: tuple[str, int, str],
    key: Hashable,
    value: Any,
    fields: Iterable[str],
    seen: dict[Any, tuple[int, Any]],
    stored: Mapping[Any, Any],
    new: list[Any],
    changed: list[tuple[int, Any]],
    clash: Callable[[int], str],
) -> None:
    """SPEC §3 matching for one row: a repeat of an earlier row of the file must agree with it
    (otherwise `clash(first_line)` is reported at `where`, the file, line and column); a first
    row is new, unchanged, or an update of the stored record with that key."""
    file, line, column = where
    if key in seen:
        first, earlier = seen[key]
        if not _same(value, earlier, fields):
            problems.add(file, line, column, clash(first))
        return
    seen[key] = (line, value)
    existing = stored.get(key)
    if existing is None:
        new.append(value)
    elif _same(value, existing, fields):
        plan.unchanged[file] += 1
    else:
        assert existing.id is not None
        changed.append((existing.id, value))


def resolve(session: Session, parsed: Parsed, problems: Problems) -> tuple[Plan, Known]:
    """Match every valid row of workers, clients and episodes to the log, reporting what crosses
    files or the database; and what contacts.csv's rows may name."""
    plan = Plan()
    tables = parsed.tables

    db_workers = {(w.service, w.name): w for w in repository.workers(session)}
    file_workers: dict[tuple[Service, str], tuple[int, Worker]] = {}
    for line, worker in parsed.workers:
        _match_row(
            plan,
            problems,
            (WORKERS, line, "name"),
            (worker.service, worker.name),
            worker,
            _WORKER_FIELDS,
            file_workers,
            db_workers,
            plan.new_workers,
            plan.changed_workers,
            functools.partial(_worker_clash, worker.service),
        )

    workers_table = tables.get(WORKERS)
    known_workers: set[tuple[str, str]] = {(s.value, n) for s, n in db_workers}
    if workers_table is not None:
        known_workers |= {k for k in workers_table.keys if len(k) == 2}
    workers_reliable = workers_table is None or workers_table.usable

    db_clients = {c.client_ref: c for c in repository.clients(session)}
    file_clients: dict[str, tuple[int, Client]] = {}
    for line, client in parsed.clients:
        _match_row(
            plan,
            problems,
            (CLIENTS, line, "client_ref"),
            client.client_ref,
            client,
            _CLIENT_FIELDS,
            file_clients,
            db_clients,
            plan.new_clients,
            plan.changed_clients,
            functools.partial(_client_clash, client.client_ref),
        )

    clients_table = tables.get(CLIENTS)
    known_clients = set(db_clients)
    if clients_table is not None:
        known_clients |= {k[0] for k in clients_table.keys if k}
    clients_reliable = clients_table is None or clients_table.usable

    known = Known(
        clients=known_clients,
        clients_reliable=clients_reliable,
        clients_where="clients.csv or the log"
        if clients_table is not None
        else "the log (and there is no clients.csv)",
        workers=known_workers,  # the workers episodes.csv creates are added below
        workers_reliable=workers_reliable,
    )

    def check_client_known(file: str, line: int, client_ref: str) -> None:
        message = known.client_problem(client_ref)
        if message:
            problems.add(file, line, "client_ref", message)

    db_episodes = {
        (e.client_ref, e.service, e.organisation, e.start_date): e for e in repository.all_episodes(session)
    }
    file_episodes: dict[tuple[str, Service, str, date], tuple[int, Episode]] = {}
    episode_workers: dict[tuple[str, str], Worker] = {}
    for line, episode in parsed.episodes:
        check_client_known(EPISODES, line, episode.client_ref)
        if episode.worker and workers_reliable:
            key_w = (episode.service.value, episode.worker)
            if key_w not in known_workers and key_w not in episode_workers:
                # SPEC §3: a name not in workers.csv or the log creates a worker on that side.
                episode_workers[key_w] = Worker(
                    name=episode.worker,
                    organisation=episode.organisation,
                    service=episode.service,
                    role=_EPISODE_ROLE[episode.service],
                )
        _match_row(
            plan,
            problems,
            (EPISODES, line, "start_date"),
            (episode.client_ref, episode.service, episode.organisation, episode.start_date),
            episode,
            _EPISODE_FIELDS,
            file_episodes,
            db_episodes,
            plan.new_episodes,
            plan.changed_episodes,
            lambda first: (
                "the same episode (client, service, organisation and start date) is on line "
                f"{first} with different details"
            ),
        )
    plan.new_workers.extend(episode_workers.values())
    known_workers |= set(episode_workers)

    return plan, known

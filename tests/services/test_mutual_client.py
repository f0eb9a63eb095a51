"""A new mutual client with an episode in each service, saved in one transaction (issue 12
item 3): all of it with the usual audit entries, or nothing."""

from __future__ import annotations

from datetime import date

import pytest

from ddcase.domain import Client, Episode, NotFoundError, Role, Service, ValidationError, Worker
from ddcase.services.audit_trail import AuditTrailService

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE


@pytest.fixture
def workers(casework):
    casework.save_worker(Worker("Yasmin Akhtar", "ELFT", MH, Role.CARE_COORDINATOR))
    casework.save_worker(Worker("Bob Jones", "ResoLUTiONs", SM, Role.KEY_WORKER))


def episodes(sm_worker: str = "Bob Jones") -> list[Episode]:
    return [
        Episode("", MH, "ELFT", date(2026, 11, 2), team="Luton North CMHT", worker="Yasmin Akhtar"),
        Episode("", SM, "ResoLUTiONs", date(2026, 11, 9), worker=sm_worker),
    ]


def test_the_client_and_both_episodes_are_saved_together_and_audited(workers, casework, context):
    client, added = casework.add_mutual_client(
        Client("RT200001", "ya", consent_to_share_on=date(2026, 11, 2)), episodes()
    )
    assert client.initials == "YA"
    history = casework.history("RT200001")
    assert [(e.service, e.worker, e.start_date) for e in history.episodes] == [
        (MH, "Yasmin Akhtar", date(2026, 11, 2)),
        (SM, "Bob Jones", date(2026, 11, 9)),
    ]
    assert [e.id for e in added] == [e.id for e in history.episodes]
    trail = AuditTrailService(context).history("RT200001")
    assert [(e.action, e.entity) for e in trail] == [
        ("create", "client"),
        ("create", "episode"),
        ("create", "episode"),
    ]


def test_an_episode_refused_leaves_no_client_behind(workers, casework):
    with pytest.raises(ValidationError, match="no substance misuse worker called Nobody"):
        casework.add_mutual_client(Client("RT200002", "ZZ"), episodes(sm_worker="Nobody"))
    with pytest.raises(NotFoundError):
        casework.client("RT200002")

"""Builders for the small logs the service tests work out by hand: workers, a mutual client (a
mental health episode from 2025 and a drug and alcohol one from June 2026 by default) and its
contacts, saved through CaseworkService as a user would. Each test's fixture says in its
docstring what its clients are and why; these only take the typing out of saying it."""

from __future__ import annotations

from datetime import date

from ddcase.domain import (
    Client,
    Contact,
    ContactKind,
    ContactMode,
    Episode,
    Month,
    Outcome,
    Role,
    Service,
    Worker,
)
from ddcase.services.casework import CaseworkService

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE
JA, LI = ContactKind.JOINT_APPOINTMENT, ContactKind.LIAISON
F2F, PHONE = ContactMode.FACE_TO_FACE, ContactMode.TELEPHONE
DNA = Outcome.DID_NOT_ATTEND
SEP, OCT = Month(2026, 9), Month(2026, 10)
CONSENTED = date(2026, 1, 1)
MH_FROM, SM_FROM = date(2025, 1, 1), date(2026, 6, 1)
ORGANISATION = {MH: "ELFT", SM: "CGL"}


def workers(casework: CaseworkService, *named: tuple[str, Service], role: Role = Role.OTHER) -> None:
    """Save each (name, side) as a worker of that side's organisation (ELFT or CGL)."""
    for name, side in named:
        casework.save_worker(Worker(name, ORGANISATION[side], side, role))


def mutual_client(
    casework: CaseworkService,
    ref: str,
    mh_worker: str | None,
    sm_worker: str | None,
    *,
    team: str = "North",
    consent: date | None = CONSENTED,
    sm_from: date = SM_FROM,
    sm_to: date | None = None,
) -> None:
    """A client with a mental health episode (team `team`, from 2025) and a drug and alcohol one
    (from `sm_from`, to `sm_to`), each naming its worker (None: no worker named)."""
    casework.save_client(Client(ref, "AB", consent_to_share_on=consent))
    casework.save_episode(Episode(ref, MH, ORGANISATION[MH], MH_FROM, team=team, worker=mh_worker))
    casework.save_episode(Episode(ref, SM, ORGANISATION[SM], sm_from, sm_to, worker=sm_worker))


def contact(
    casework: CaseworkService,
    ref: str,
    day: date,
    kind: ContactKind = JA,
    mode: ContactMode = F2F,
    outcome: Outcome = Outcome.ATTENDED,
) -> None:
    """A contact with the client on `day` (a joint appointment face to face, attended, unless said)."""
    casework.save_contact(Contact(ref, day, kind, mode, outcome=outcome))

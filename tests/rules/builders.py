"""Small builders for the rules tests: a client, an episode, a contact, a client's history.

Dates may be given as `date` or as ISO text ("2026-03-15") so the tables read like the SPEC.
Defaults describe an ordinary, fully joint-worked client; each test changes only what it is about.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ddcase.domain import (
    Client,
    Contact,
    ContactKind,
    ContactMode,
    Definition,
    Episode,
    Month,
    Outcome,
    Service,
)
from ddcase.rules.figures import ClientHistory

MH = Service.MENTAL_HEALTH
SM = Service.SUBSTANCE_MISUSE

Day = date | str


def day(value: Day) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def maybe_day(value: Day | None) -> date | None:
    return None if value is None else day(value)


def a_month(text: str) -> Month:
    return Month.parse(text)


def a_client(
    ref: str = "C001", initials: str = "AB", consent_on: Day | None = "2020-01-01", **changes: object
) -> Client:
    return Client(client_ref=ref, initials=initials, consent_to_share_on=maybe_day(consent_on), **changes)


def an_episode(
    service: Service,
    start: Day,
    end: Day | None = None,
    *,
    worker: str | None = "default",
    team: str | None = "default",
    organisation: str | None = None,
    ref: str = "C001",
) -> Episode:
    """An episode of either side. By default the mental-health side is team 'North' with care
    coordinator 'Ann', the substance-misuse side is 'Turning Point' with key worker 'Kim'."""
    is_mh = service is MH
    if worker == "default":
        worker = "Ann" if is_mh else "Kim"
    if team == "default":
        team = "North" if is_mh else None
    if organisation is None:
        organisation = "Trust CMHT" if is_mh else "Turning Point"
    return Episode(
        client_ref=ref,
        service=service,
        organisation=organisation,
        start_date=day(start),
        end_date=maybe_day(end),
        team=team,
        worker=worker,
    )


def mh(start: Day, end: Day | None = None, **kwargs: object) -> Episode:
    return an_episode(MH, start, end, **kwargs)  # type: ignore[arg-type]


def sm(start: Day, end: Day | None = None, **kwargs: object) -> Episode:
    return an_episode(SM, start, end, **kwargs)  # type: ignore[arg-type]


def a_contact(
    on: Day,
    kind: ContactKind = ContactKind.JOINT_APPOINTMENT,
    mode: ContactMode = ContactMode.FACE_TO_FACE,
    outcome: Outcome = Outcome.ATTENDED,
    *,
    ref: str = "C001",
) -> Contact:
    return Contact(client_ref=ref, date=day(on), kind=kind, mode=mode, outcome=outcome)


def a_liaison(on: Day, mode: ContactMode = ContactMode.TELEPHONE, *, ref: str = "C001") -> Contact:
    return a_contact(on, ContactKind.LIAISON, mode, ref=ref)


def a_history(
    client: Client | None = None,
    episodes: Iterable[Episode] | None = None,
    contacts: Iterable[Contact] | None = None,
) -> ClientHistory:
    client = client or a_client()
    if episodes is None:
        episodes = open_to_both_since("2025-01-01", ref=client.client_ref)
    return ClientHistory(client=client, episodes=tuple(episodes), contacts=tuple(contacts or ()))


def open_to_both_since(start: Day, *, ref: str = "C001", team: str | None = "North") -> list[Episode]:
    return [mh(start, ref=ref, team=team), sm(start, ref=ref)]


def a_jointly_worked_history(month: Month, ref: str = "C001", **changes: object) -> ClientHistory:
    """Open to both all month, named workers, consent, and one joint appointment on the 1st of M
    (which counts for joint_contact and liaison). `changes` overrides parts of it:
    consent_on=None, episodes=[...], contacts=[...], team='South', care_coordinator='Bob' ..."""
    team = changes.pop("team", "North")
    coordinator = changes.pop("care_coordinator", "Ann")
    key_worker = changes.pop("key_worker", "Kim")
    provider = changes.pop("provider", "Turning Point")
    client = a_client(ref, consent_on=changes.pop("consent_on", "2020-01-01"))
    episodes = changes.pop(
        "episodes",
        [
            mh("2025-01-01", ref=ref, team=team, worker=coordinator),
            sm("2025-01-01", ref=ref, worker=key_worker, organisation=provider),
        ],
    )
    contacts = changes.pop("contacts", [a_contact(month.first_day, ref=ref)])
    assert not changes, f"unknown changes: {changes}"
    return ClientHistory(client=client, episodes=tuple(episodes), contacts=tuple(contacts))  # type: ignore[arg-type]


DEFAULT = Definition()

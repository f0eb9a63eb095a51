"""The discharge guard's batched read (issue 18: `discharge_notes.ending_histories`, one read for
every client and every team) gives exactly what judging each client's whole history one by one
gives (the plain path below, as the guard was read before), on hand-worked cases at the edges of
the read (a contact on the 30th and 31st day back, before the range's first month; a change of
worker the day after the range; a missed or written contact; a reason given; two teams), on the
demo team, and on random histories (a property test); and the measures of all teams at once are
each team's own."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddcase.domain import (
    Client,
    Contact,
    ContactKind,
    ContactMode,
    Definition,
    Episode,
    Month,
    Outcome,
    Role,
    Service,
    Worker,
)
from ddcase.rules.discharges import Discharge, guarded_discharge
from ddcase.services.demo import DemoService
from ddcase.services.discharges import DischargeService, discharge_measures, discharge_measures_of_teams
from ddcase.storage import discharge_notes, repository

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE
TEAMS = ("North CMHT", "South CMHT")


def one_by_one(context, first: Month, last: Month, team: str | None = None) -> list[Discharge]:
    """The plain path: each client with an ending, their whole history read on its own."""
    found: list[Discharge] = []
    with context.db.read() as session:
        definitions = repository.definitions(session)
        for client_id in discharge_notes.clients_with_endings(session, first.first_day, last.last_day):
            episodes = repository.episodes_for(session, client_id)
            ending = [
                e
                for e in episodes
                if e.end_date is not None and first.first_day <= e.end_date <= last.last_day
            ]
            contacts = repository.contacts_for(session, client_id)
            noted = discharge_notes.reasons(session, [e.id for e in ending if e.id is not None])
            for episode in ending:
                reason = noted.get(episode.id) if episode.id is not None else None
                discharge = guarded_discharge(episode, episodes, contacts, definitions, reason)
                if discharge is not None and (team is None or discharge.team == team):
                    found.append(discharge)
    return sorted(found, key=lambda d: (d.end_date, d.client_ref, d.episode.service.value))


RANGES = [
    (Month(2026, 10), Month(2026, 10)),
    (Month(2026, 9), Month(2026, 11)),
    (Month(2026, 8), Month(2026, 9)),
    (Month(2024, 11), Month(2026, 11)),
]


def assert_same_as_one_by_one(context, teams=(None, *TEAMS)) -> list[Discharge]:
    service = DischargeService(context)
    everything = []
    for first, last in RANGES:
        batched = service.discharges_of_teams(first, last, list(teams))
        for team, found in zip(teams, batched, strict=True):
            assert found == one_by_one(context, first, last, team), (first, last, team)
            assert service.discharges(first, last, team) == found
        everything += batched[0]
    return everything


@pytest.fixture
def team(casework):
    for name, org, side, role in [
        ("Ann Smith", "ELFT", MH, Role.CARE_COORDINATOR),
        ("Dee Khan", "ELFT", MH, Role.CARE_COORDINATOR),
        ("Bob Jones", "ResoLUTiONs", SM, Role.KEY_WORKER),
        ("Cy Lee", "ResoLUTiONs", SM, Role.KEY_WORKER),
    ]:
        casework.save_worker(Worker(name, org, side, role))
    return casework


def _mutual(casework, ref: str, start: date, team_name: str = "North CMHT") -> Episode:  # type: ignore[no-untyped-def]
    casework.save_client(Client(ref, "AB", consent_to_share_on=start))
    casework.save_episode(Episode(ref, MH, "ELFT", start, team=team_name, worker="Ann Smith"))
    return casework.save_episode(Episode(ref, SM, "ResoLUTiONs", start, worker="Bob Jones"))


def _call(casework, ref: str, day: date, **changes) -> None:  # type: ignore[no-untyped-def]
    casework.save_contact(
        replace(
            Contact(ref, day, ContactKind.LIAISON, ContactMode.TELEPHONE, mh_worker="Ann Smith"), **changes
        )
    )


def test_hand_worked_edges_of_the_read_match_the_plain_path(team, context, definitions):
    # RT1 ends 1 Oct; its call with Ann on 2 Sep (the 30th day back, before the range's first
    # month) involves her. RT2 ends 1 Oct with a call on 1 Sep (the 31st day back): flagged.
    # RT3 ends 31 Oct and its key worker changes on 1 Nov (the day after an October range): no
    # discharge. RT4 ends 31 Oct with a missed call (does not count) and an email with Ann
    # (counts only from November's version, which lets written contacts count): flagged in
    # October. RT5 (South) ends 20 Oct with a reason. RT6 ends 20 Nov with a call in its window
    # naming only its own side's worker: flagged.
    definitions.agree(Definition(written_contacts_count=True), Month(2026, 11))
    rt1 = _mutual(team, "RT1", date(2026, 1, 5))
    _call(team, "RT1", date(2026, 9, 2))
    team.save_episode(replace(rt1, end_date=date(2026, 10, 1)))
    rt2 = _mutual(team, "RT2", date(2026, 1, 5))
    _call(team, "RT2", date(2026, 9, 1))
    team.save_episode(replace(rt2, end_date=date(2026, 10, 1)))
    rt3 = _mutual(team, "RT3", date(2026, 1, 5))
    team.change_worker(rt3, "Cy Lee", date(2026, 11, 1))
    rt4 = _mutual(team, "RT4", date(2026, 1, 5))
    _call(team, "RT4", date(2026, 10, 20), outcome=Outcome.DID_NOT_ATTEND)
    _call(team, "RT4", date(2026, 10, 21), mode=ContactMode.EMAIL)
    team.save_episode(replace(rt4, end_date=date(2026, 10, 31)))
    rt5 = _mutual(team, "RT5", date(2026, 1, 5), "South CMHT")
    team.save_episode(replace(rt5, end_date=date(2026, 10, 20)), discharge_reason="Told the duty worker")
    rt6 = _mutual(team, "RT6", date(2026, 1, 5))
    _call(team, "RT6", date(2026, 11, 10), mh_worker=None, sm_worker="Bob Jones")
    team.save_episode(replace(rt6, end_date=date(2026, 11, 20)))

    assert_same_as_one_by_one(context)
    october = DischargeService(context).discharges(Month(2026, 10), Month(2026, 10))
    assert [(d.client_ref, d.end_date.day, d.team, d.involved) for d in october] == [
        ("RT1", 1, "North CMHT", True),
        ("RT2", 1, "North CMHT", False),
        ("RT5", 20, "South CMHT", True),
        ("RT4", 31, "North CMHT", False),
    ]
    [rt1_found] = [d for d in october if d.client_ref == "RT1"]
    assert rt1_found.contact is not None and rt1_found.contact.date == date(2026, 9, 2)
    [(_, months)] = discharge_measures(context, Month(2026, 9), Month(2026, 11), None)
    assert [(m.numerator, m.denominator) for m in months] == [(0, 0), (2, 4), (0, 1)]


def test_two_ends_on_one_day_and_overlapping_episodes_match_the_plain_path(team, context):
    # RT7: both sides end on 15 Oct, each while the other is open: two guarded discharges, both
    # involved by the one call on 10 Oct naming both workers (a contact read for two ends).
    # RT8: its mental health episode ends on 12 Oct while another of the same side, started in
    # March, stays open: no discharge. RT9: two mental health episodes start on the same day;
    # one ends on 20 Oct, the other stays open: no discharge. RT10: its mental health episode
    # ends on 25 Oct and a later one starts on 27 Oct (not the day after): a discharge, flagged
    # (the call on 1 Oct names only its own worker, and an email does not count in October).
    # RT11: its mental health episode, started after its open substance misuse one, ends on
    # 15 Oct, and a second substance misuse episode starts on 16 Oct: a discharge (the other
    # side's episode starting the day after is no change of worker of this side), flagged.
    rt7 = _mutual(team, "RT7", date(2026, 1, 5))
    _call(team, "RT7", date(2026, 10, 10), sm_worker="Bob Jones")
    [rt7_mh] = [e for e in team.episodes("RT7") if e.service is MH]
    team.save_episode(replace(rt7_mh, end_date=date(2026, 10, 15)))
    team.save_episode(replace(rt7, end_date=date(2026, 10, 15)))
    _mutual(team, "RT8", date(2026, 1, 5))
    team.save_episode(Episode("RT8", MH, "ELFT", date(2026, 3, 1), team="South CMHT", worker="Dee Khan"))
    [rt8_first] = [e for e in team.episodes("RT8") if e.start_date == date(2026, 1, 5) and e.service is MH]
    team.save_episode(replace(rt8_first, end_date=date(2026, 10, 12)))
    _mutual(team, "RT9", date(2026, 1, 5))
    other = team.save_episode(Episode("RT9", MH, "CNWL", date(2026, 1, 5), team="South CMHT"))
    team.save_episode(replace(other, end_date=date(2026, 10, 20)))
    _mutual(team, "RT10", date(2026, 1, 5))
    [rt10_mh] = [e for e in team.episodes("RT10") if e.service is MH]
    _call(team, "RT10", date(2026, 10, 1))
    _call(team, "RT10", date(2026, 10, 2), mode=ContactMode.EMAIL, sm_worker="Bob Jones")
    team.save_episode(replace(rt10_mh, end_date=date(2026, 10, 25)))
    team.save_episode(Episode("RT10", MH, "ELFT", date(2026, 10, 27), team="North CMHT", worker="Dee Khan"))

    team.save_client(Client("RT11", "AB", consent_to_share_on=date(2026, 1, 5)))
    rt11_sm = team.save_episode(Episode("RT11", SM, "ResoLUTiONs", date(2026, 1, 5), worker="Bob Jones"))
    rt11_mh = team.save_episode(
        Episode("RT11", MH, "ELFT", date(2026, 2, 1), team="North CMHT", worker="Ann Smith")
    )
    team.save_episode(replace(rt11_sm, start_date=date(2026, 10, 16), worker="Cy Lee", id=None, version=0))
    team.save_episode(replace(rt11_mh, end_date=date(2026, 10, 15)))

    assert_same_as_one_by_one(context)
    october = DischargeService(context).discharges(Month(2026, 10), Month(2026, 10))
    assert [(d.client_ref, d.episode.service, d.end_date.day, d.involved) for d in october] == [
        ("RT11", MH, 15, False),
        ("RT7", MH, 15, True),
        ("RT7", SM, 15, True),
        ("RT10", MH, 25, False),
    ]
    assert october[1].contact == october[2].contact and october[1].contact is not None


def test_the_measures_of_all_teams_at_once_are_each_teams_own(team, context):
    for ref, team_name, end in [
        ("RT1", "North CMHT", date(2026, 9, 30)),
        ("RT2", "South CMHT", date(2026, 10, 1)),
        ("RT3", "South CMHT", date(2026, 10, 31)),
    ]:
        episode = _mutual(team, ref, date(2026, 2, 1), team_name)
        team.save_episode(replace(episode, end_date=end), discharge_reason="Agreed" if ref == "RT3" else None)
    teams: list[str | None] = [None, *TEAMS, "West CMHT"]
    together = discharge_measures_of_teams(context, Month(2026, 8), Month(2026, 11), teams)
    assert together == [discharge_measures(context, Month(2026, 8), Month(2026, 11), t) for t in teams]
    assert [[(m.numerator, m.denominator) for m in series] for [(_, series)] in together] == [
        [(0, 0), (0, 1), (1, 2), (0, 0)],
        [(0, 0), (0, 1), (0, 0), (0, 0)],
        [(0, 0), (0, 0), (1, 2), (0, 0)],
        [(0, 0), (0, 0), (0, 0), (0, 0)],
    ]


def test_the_familys_tables_take_the_discharges_their_caller_read(context, monkeypatch):
    """Issue 18, fifth round: `MeasuresService.tables(..., discharges=...)` makes the discharge
    measure's series from the discharges its caller read (the meeting PDF's one read, for the
    measure and the safety section), asking for them once and reading none itself; the tables
    are those it makes from its own read."""
    from ddcase.services.measures import CHART_MONTHS, MeasuresService

    DemoService(context).fill(seed=3)
    month = Month(2026, 10)
    teams: list[str | None] = [None, "Luton North CMHT", "Luton South CMHT"]
    service = MeasuresService(context)
    plain = service.tables(month, teams)
    read = DischargeService(context).discharges_of_teams(month.plus(-(CHART_MONTHS - 1)), month, teams)
    assert any(read)
    asked: list[int] = []

    def given() -> list[list[Discharge]]:
        asked.append(1)
        return read

    def not_read(*_args: object) -> None:
        raise AssertionError("the discharges were read again")

    monkeypatch.setattr(DischargeService, "discharges_of_teams", not_read)
    assert service.tables(month, teams, discharges=given) == plain
    assert asked == [1]


def test_the_demo_team_matches_the_plain_path(context):
    DemoService(context).fill(seed=3)
    teams = (None, "Luton North CMHT", "Luton South CMHT", "Luton Central CMHT")
    found = assert_same_as_one_by_one(context, teams)
    assert any(d.flagged for d in found) and any(d.involved for d in found)


# ------------------------------------------------------------------------------- property test

DAY0 = date(2026, 7, 1)
LAST_DAY = date(2026, 11, 22)  # the tests' today: nothing ends after it
SPAN = (LAST_DAY - DAY0).days

_chain = st.lists(
    st.tuples(
        st.integers(1, 70),  # days the episode lasts
        st.integers(0, 20),  # days before the next (0: a change of worker)
        st.sampled_from([None, "a", "b"]),  # worker
        st.sampled_from(TEAMS),
    ),
    min_size=1,
    max_size=3,
)
_contact = st.tuples(
    st.integers(0, SPAN),
    st.sampled_from(list(ContactKind)),
    st.sampled_from([ContactMode.TELEPHONE, ContactMode.EMAIL, ContactMode.FACE_TO_FACE]),
    st.sampled_from([Outcome.ATTENDED, Outcome.ATTENDED, Outcome.DID_NOT_ATTEND]),
    st.booleans(),  # names the MH worker
    st.booleans(),  # names the SM worker
)
_client = st.tuples(
    st.integers(0, 60),
    st.integers(0, 60),  # start of each side's chain
    _chain,
    _chain,
    st.booleans(),  # the last episode of each side stays open
    st.lists(_contact, max_size=6, unique=True),  # the log refuses a contact twice
    st.sampled_from([None, "", "  ", "Told the other worker"]),
)

_MH_WORKERS = {"a": "Ann Smith", "b": "Dee Khan"}
_SM_WORKERS = {"a": "Bob Jones", "b": "Cy Lee"}
_made = {"n": 0}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(clients=st.lists(_client, min_size=1, max_size=4))
def test_random_histories_match_the_plain_path(team, context, clients):
    made = []
    try:
        _make(team, clients, made)
        assert_same_as_one_by_one(context)
    finally:  # each example starts from an empty log
        for ref in made:
            team.delete_client(team.client(ref))


def _make(team, clients, made: list[str]) -> None:  # type: ignore[no-untyped-def]
    for mh_start, sm_start, mh_chain, sm_chain, left_open, contacts, reason in clients:
        _made["n"] += 1
        ref = f"P{_made['n']}"
        made.append(ref)
        team.save_client(Client(ref, "AB", consent_to_share_on=DAY0))
        for side, start, chain in ((MH, mh_start, mh_chain), (SM, sm_start, sm_chain)):
            day = DAY0 + timedelta(days=start)
            for index, (length, gap, worker, team_name) in enumerate(chain):
                if day > LAST_DAY:
                    break
                end: date | None = min(day + timedelta(days=length - 1), LAST_DAY)
                if left_open and index == len(chain) - 1:
                    end = None
                team.save_episode(
                    Episode(
                        ref,
                        side,
                        "ELFT" if side is MH else "ResoLUTiONs",
                        day,
                        end,
                        team=team_name if side is MH else None,
                        worker=(_MH_WORKERS if side is MH else _SM_WORKERS).get(worker or ""),
                    ),
                    discharge_reason=reason,
                )
                if end is None:
                    break
                day = end + timedelta(days=1 + gap)
        for offset, kind, mode, outcome, with_mh, with_sm in contacts:
            team.save_contact(
                Contact(
                    ref,
                    DAY0 + timedelta(days=offset),
                    kind,
                    mode,
                    outcome,
                    mh_worker="Ann Smith" if with_mh else None,
                    sm_worker="Bob Jones" if with_sm else None,
                )
            )

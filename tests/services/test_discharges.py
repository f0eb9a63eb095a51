"""The discharge guard through the service layer (issue 17): the check made when an episode is
ended, what is noted and audited, the flagged list and the monthly measure, against hand-worked
cases at month edges."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ddcase.domain import Client, Contact, ContactKind, ContactMode, Episode, Month, Role, Service, Worker
from ddcase.services.audit_trail import AuditTrailService
from ddcase.services.discharges import DischargeService, discharge_measures

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE


@pytest.fixture
def team(casework):
    casework.save_worker(Worker("Ann Smith", "ELFT", MH, Role.CARE_COORDINATOR))
    casework.save_worker(Worker("Bob Jones", "ResoLUTiONs", SM, Role.KEY_WORKER))
    return casework


def _mutual(casework, ref: str, team_name: str = "North CMHT") -> Episode:  # type: ignore[no-untyped-def]
    """A client open to both since 1 Jan 2026; returns the substance misuse episode."""
    casework.save_client(Client(ref, "AB", consent_to_share_on=date(2026, 1, 1)))
    casework.save_episode(Episode(ref, MH, "ELFT", date(2026, 1, 1), team=team_name, worker="Ann Smith"))
    return casework.save_episode(Episode(ref, SM, "ResoLUTiONs", date(2026, 1, 1), worker="Bob Jones"))


def test_ending_one_side_while_the_other_is_open_asks_and_is_flagged_without_an_answer(team, context):
    episode = _mutual(team, "RT1")
    ending = replace(episode, end_date=date(2026, 10, 31))
    check = team.discharge_check(ending)
    assert check is not None and check.flagged and check.other_worker == "Ann Smith"

    team.save_episode(ending)

    flagged = DischargeService(context).flagged(Month.parse("2026-10"))
    assert [(d.client_ref, d.end_date, d.other_worker, d.team) for d in flagged] == [
        ("RT1", date(2026, 10, 31), "Ann Smith", "North CMHT")
    ]
    assert DischargeService(context).flagged(Month.parse("2026-10"), other_worker="Someone Else") == []
    entry = AuditTrailService(context).history("RT1")[-1]
    assert (entry.entity, entry.after["other_service_involved"], entry.after["reason"]) == (
        "discharge",
        False,
        None,
    )


def test_a_reason_given_is_noted_audited_and_no_longer_flagged(team, context):
    episode = _mutual(team, "RT1")
    team.save_episode(
        replace(episode, end_date=date(2026, 10, 31)), discharge_reason="Agreed with Ann at the MDT"
    )
    assert DischargeService(context).flagged(Month.parse("2026-10")) == []
    [discharge] = DischargeService(context).discharges(Month.parse("2026-10"), Month.parse("2026-10"))
    assert discharge.reason == "Agreed with Ann at the MDT" and discharge.involved
    assert AuditTrailService(context).history("RT1")[-1].after["reason"] == "Agreed with Ann at the MDT"


def test_a_contact_with_the_other_sides_worker_means_the_check_does_not_flag(team):
    episode = _mutual(team, "RT1")
    team.save_contact(
        Contact("RT1", date(2026, 10, 2), ContactKind.LIAISON, ContactMode.TELEPHONE, mh_worker="Ann Smith")
    )
    check = team.discharge_check(replace(episode, end_date=date(2026, 10, 31)))
    assert check is not None and check.involved and check.contact is not None
    assert check.contact.date == date(2026, 10, 2)


def test_a_change_of_worker_is_no_discharge_and_notes_nothing(team, context):
    team.save_worker(Worker("Cy Lee", "ResoLUTiONs", SM, Role.KEY_WORKER))
    episode = _mutual(team, "RT1")
    team.change_worker(episode, "Cy Lee", date(2026, 10, 15))
    assert DischargeService(context).discharges(Month.parse("2026-01"), Month.parse("2026-11")) == []
    assert all(e.entity != "discharge" for e in AuditTrailService(context).history("RT1"))


def test_the_measure_counts_discharges_in_their_end_month_at_the_edges(team, context):
    # Hand-worked: RT1 ends 30 Sep, flagged; RT2 ends 1 Oct with a reason; RT3 ends 31 Oct with a
    # liaison call with Ann on 2 Oct (the 30th day back); RT4 ends 31 Oct with one on 1 Oct (31st:
    # too early), flagged. September 0 of 1, October 2 of 3, November no discharges.
    for ref, end, reason, call in [
        ("RT1", date(2026, 9, 30), None, None),
        ("RT2", date(2026, 10, 1), "Phoned the CMHT duty worker", None),
        ("RT3", date(2026, 10, 31), None, date(2026, 10, 2)),
        ("RT4", date(2026, 10, 31), None, date(2026, 10, 1)),
    ]:
        episode = _mutual(team, ref, "South CMHT" if ref == "RT4" else "North CMHT")
        if call:
            team.save_contact(
                Contact(ref, call, ContactKind.LIAISON, ContactMode.TELEPHONE, mh_worker="Ann Smith")
            )
        team.save_episode(replace(episode, end_date=end), discharge_reason=reason)

    [(measure, months)] = discharge_measures(context, Month.parse("2026-09"), Month.parse("2026-11"), None)
    assert measure.key == "discharges_with_other_service"
    assert [(str(m.month), m.numerator, m.denominator, m.provisional) for m in months] == [
        ("2026-09", 0, 1, False),
        ("2026-10", 2, 3, False),
        ("2026-11", 0, 0, True),
    ]
    [(_, north)] = discharge_measures(context, Month.parse("2026-10"), Month.parse("2026-10"), "North CMHT")
    assert [(m.numerator, m.denominator) for m in north] == [(2, 2)]
    flagged = DischargeService(context).flagged(Month.parse("2026-10"))
    assert [d.client_ref for d in flagged] == ["RT4"]


def test_deleting_an_ended_episode_or_its_client_takes_the_note_with_it(team, context):
    episode = _mutual(team, "RT1")
    ended = team.save_episode(replace(episode, end_date=date(2026, 10, 31)), discharge_reason="Told Ann")
    team.delete_episode(ended)
    assert DischargeService(context).discharges(Month.parse("2026-10"), Month.parse("2026-10")) == []
    episode = _mutual(team, "RT2")
    team.save_episode(replace(episode, end_date=date(2026, 10, 31)), discharge_reason="Told Ann")
    team.delete_client(team.client("RT2"))
    assert DischargeService(context).discharges(Month.parse("2026-10"), Month.parse("2026-10")) == []

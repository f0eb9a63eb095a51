"""Recording and editing through the service layer, read back through the service layer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ddcase.domain import (
    Client,
    ConflictError,
    Contact,
    ContactKind,
    ContactMode,
    DomainError,
    Episode,
    NotFoundError,
    Role,
    Service,
    ValidationError,
    Worker,
)
from ddcase.storage import audit

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE


@pytest.fixture
def team(casework):
    casework.save_worker(
        Worker("Ann Smith", "ELFT", MH, Role.CARE_COORDINATOR, email="ann.smith@example.org")
    )
    casework.save_worker(Worker("Bob Jones", "ResoLUTiONs", SM, Role.KEY_WORKER, phone="01632 960001"))
    casework.save_client(Client("RT100001", "ab", consent_to_share_on=date(2026, 1, 5)))
    casework.save_episode(
        Episode("RT100001", MH, "ELFT", date(2025, 4, 1), team="Luton North CMHT", worker="Ann Smith")
    )
    casework.save_episode(Episode("RT100001", SM, "ResoLUTiONs", date(2026, 9, 1), worker="Bob Jones"))
    return casework


def test_a_saved_client_reads_back_with_initials_in_capitals(casework):
    saved = casework.save_client(Client(" RT100002 ", "cd", nhs_number="9434765919"))
    assert saved.client_ref == "RT100002"
    assert casework.client("RT100002") == replace(saved)
    assert saved.initials == "CD" and saved.version == 1


def test_a_duplicate_client_ref_is_refused(team):
    with pytest.raises(ValidationError, match="RT100001 is already in the log"):
        team.save_client(Client("RT100001", "XY"))


def test_an_invalid_nhs_number_is_refused_with_the_field_named(casework):
    with pytest.raises(ValidationError) as caught:
        casework.save_client(Client("RT1", "AB", nhs_number="9434765918"))
    assert [p.field for p in caught.value.problems] == ["nhs_number"]
    assert casework.clients() == []


def test_a_contact_in_the_future_is_refused(team):
    with pytest.raises(ValidationError, match="in the future"):
        team.save_contact(Contact("RT100001", date(2026, 11, 23), ContactKind.LIAISON, ContactMode.TELEPHONE))


def test_a_contact_naming_an_unknown_worker_is_refused(team):
    with pytest.raises(ValidationError, match="no substance misuse worker called Zed"):
        team.save_contact(
            Contact(
                "RT100001", date(2026, 10, 1), ContactKind.LIAISON, ContactMode.TELEPHONE, sm_worker="Zed"
            )
        )


def test_a_second_save_from_a_stale_copy_is_refused_with_who_and_when(team):
    first = team.client("RT100001")
    team.save_client(replace(first, initials="AC"))
    with pytest.raises(ConflictError, match="changed by Test User on 22 Nov 2026 at 10:42"):
        team.save_client(replace(first, initials="AD"))
    assert team.client("RT100001").initials == "AC"


def test_editing_a_deleted_record_says_so(team):
    contact = team.save_contact(
        Contact("RT100001", date(2026, 10, 1), ContactKind.LIAISON, ContactMode.TELEPHONE)
    )
    team.delete_contact(contact)
    with pytest.raises(NotFoundError, match="deleted by someone else"):
        team.save_contact(replace(contact, note="late edit"))


def test_a_change_of_worker_ends_one_episode_and_starts_the_next(team):
    sm = next(e for e in team.episodes("RT100001") if e.service is SM)
    team.save_worker(Worker("Cat Brown", "ResoLUTiONs", SM, Role.KEY_WORKER))
    closed, opened = team.change_worker(sm, "Cat Brown", date(2026, 10, 16))
    assert closed.end_date == date(2026, 10, 15)
    assert (opened.start_date, opened.worker, opened.end_date) == (date(2026, 10, 16), "Cat Brown", None)
    assert len(team.episodes("RT100001")) == 3


def test_an_end_before_the_start_is_refused(team):
    with pytest.raises(ValidationError, match="before the start date"):
        team.save_episode(
            Episode("RT100001", SM, "ResoLUTiONs", date(2026, 10, 1), end_date=date(2026, 9, 30))
        )


def test_a_worker_named_on_records_cannot_be_deleted(team):
    ann = next(w for w in team.workers(MH) if w.name == "Ann Smith")
    why = "Ann Smith is named on 1 record: mark them as left instead"
    assert team.why_not_delete(ann).startswith(why)
    with pytest.raises(DomainError, match=why):
        team.delete_worker(ann)


def test_deleting_a_client_removes_their_episodes_and_contacts(team):
    team.save_contact(Contact("RT100001", date(2026, 10, 1), ContactKind.LIAISON, ContactMode.TELEPHONE))
    team.delete_client(team.client("RT100001"))
    assert team.counts() == {"workers": 2, "clients": 0, "episodes": 0, "contacts": 0}


def test_every_change_is_in_the_audit_trail_with_before_and_after(team, context):
    client = team.client("RT100001")
    team.save_client(replace(client, initials="AZ"))
    with context.db.read() as session:
        report = audit.verify(session)
        rows = audit.entries(session, audit.AuditEventRow.entity == "client")
    assert report.intact and report.entries == 6
    assert [r.row.action for r in rows] == ["create", "update"]
    assert '"initials":"AB"' in rows[1].before_json and '"initials":"AZ"' in rows[1].after_json
    assert rows[1].row.app_user == "Test User"


def test_clients_by_reference_are_read_only_those_and_as_one_at_a_time(casework):
    """`clients(refs)` reads the references asked for in one statement (the meeting PDF's
    completeness table: a trust's month has thousands): only those, in order, each exactly as
    `client()` reads it, whatever characters a reference may hold; a reference repeated or not
    in the log changes nothing."""
    from ddcase.domain import ReferralRoute

    for n in range(7):
        casework.save_client(Client(f"RT2000{n:02d}", "AB"))
    casework.save_client(
        Client(
            "a/b_c.d-1",
            "ef",
            nhs_number="9434765919",
            date_of_birth=date(1980, 2, 29),
            ethnicity="Z",
            referral_route=ReferralRoute.DROP_IN,
            consent_to_share_on=date(2026, 3, 1),
        )
    )
    casework.save_client(replace(casework.client("RT200003"), initials="GK"))  # version 2
    wanted = ["RT200005", "RT200001", "a/b_c.d-1", "RT200003", "RT200006", "RT200001", "RT999999", "rt200005"]
    found = casework.clients(wanted)
    assert [c.client_ref for c in found] == ["RT200001", "RT200003", "RT200005", "RT200006", "a/b_c.d-1"]
    assert found == [casework.client(c.client_ref) for c in found]
    assert found[1].version == 2 and found[-1].referral_route is ReferralRoute.DROP_IN
    assert casework.clients([]) == []
    assert casework.clients(["RT999999"]) == []
    assert [c.client_ref for c in casework.clients([f"RT2000{n:02d}" for n in range(7)])] == [
        f"RT2000{n:02d}" for n in range(7)
    ]
    assert [c.client_ref for c in casework.clients()] == [*(f"RT2000{n:02d}" for n in range(7)), "a/b_c.d-1"]


def test_the_whole_caseload_reads_each_client_exactly_as_one_at_a_time(casework):
    """`clients()` reads the whole caseload as plain rows (fast at a trust's 20,000 clients):
    every field, dates and the referral route included, as `client()` reads it."""
    from ddcase.domain import ReferralRoute

    casework.save_client(
        Client(
            "RT300001",
            "ef",
            nhs_number="9434765919",
            date_of_birth=date(1980, 2, 29),
            ethnicity="A",
            referral_route=ReferralRoute.DROP_IN,
            consent_to_share_on=date(2026, 3, 1),
        )
    )
    casework.save_client(Client("RT300002", "GH", date_of_birth=date(1980, 2, 29)))
    casework.save_client(replace(casework.client("RT300002"), initials="GK"))  # version 2
    everyone = casework.clients()
    assert everyone == [casework.client(c.client_ref) for c in everyone]
    first, second = everyone
    assert isinstance(first.date_of_birth, date) and first.referral_route is ReferralRoute.DROP_IN
    assert (second.initials, second.version, second.referral_route, second.consent_to_share_on) == (
        "GK",
        2,
        None,
        None,
    )


def test_a_save_reads_back_only_the_record_it_saved(team, monkeypatch):
    """Issue 18's load: a client may have hundreds of contacts; saving one (or an episode) reads
    back that one record inside the write transaction, never all of the client's, and gives the
    same value as the client's full list then shows."""
    from ddcase.storage import records, repository

    first = team.save_contact(
        Contact(
            "RT100001", date(2026, 10, 2), ContactKind.LIAISON, ContactMode.TELEPHONE, mh_worker="Ann Smith"
        )
    )
    episode = next(e for e in team.episodes("RT100001") if e.service is MH)

    def every_one(*_args, **_kwargs):
        raise AssertionError("a save read all of the client's records")

    monkeypatch.setattr(repository, "contacts_for", every_one)
    monkeypatch.setattr(repository, "episodes_for", every_one)
    # and the names storage/records.py imported them by before this change
    monkeypatch.setattr(records, "contacts_for", every_one, raising=False)
    monkeypatch.setattr(records, "episodes_for", every_one, raising=False)
    added = team.save_contact(
        Contact("RT100001", date(2026, 10, 3), ContactKind.JOINT_APPOINTMENT, ContactMode.VIDEO, note="x")
    )
    changed = team.save_contact(replace(first, duration_minutes=45))
    moved = team.save_episode(replace(episode, team="Luton South CMHT"))
    monkeypatch.undo()
    contacts = {c.id: c for c in team.contacts("RT100001")}
    assert contacts[added.id] == added and contacts[changed.id] == changed
    assert changed.duration_minutes == 45 and changed.version == first.version + 1
    assert next(e for e in team.episodes("RT100001") if e.id == moved.id) == moved


def test_client_names_are_every_clients_reference_and_initials_in_the_order_clients_gives(casework):
    """`client_names()` (the caseload's read: reference and initials only) lists every client
    as `clients()` does, in the same order, whatever characters a reference may hold."""
    for ref, initials in [("RT200002", "AB"), ("a/b_c.d-1", "ef"), ("RT200001", "GK"), ("rt200001", "xy"),
                          ("RT_3", "Zz"), ("RT200010", "AB")]:  # fmt: skip
        casework.save_client(Client(ref, initials))
    assert casework.client_names() == [(c.client_ref, c.initials) for c in casework.clients()]
    assert len(casework.client_names()) == 6

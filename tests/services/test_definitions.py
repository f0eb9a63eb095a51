"""Agreeing a definition safely (issue 12 item 6): the same rules again are refused, the months a
version would judge again are shown before and after without saving, and a version not yet in
force can be withdrawn, its row deleted and its values kept in the audit trail. Today is
22 November 2026 (tests/conftest.py)."""

from __future__ import annotations

import pytest

from ddcase.domain import Definition, DomainError, Month, ValidationError
from ddcase.services.audit_trail import AuditTrailService
from tests.services.test_figures_service import OCT, log  # noqa: F401 - a fixture

NOV, JAN = Month(2026, 11), Month(2027, 1)


def test_the_same_rules_as_the_latest_version_are_refused_whatever_the_note(definitions):
    with pytest.raises(ValidationError, match="same as version 1"):
        definitions.agree(Definition(note="Again", agreed_in="team meeting 3 Dec"), JAN)
    definitions.agree(Definition(liaison=False, agreed_in="team meeting 3 Dec"), Month(2026, 12))
    with pytest.raises(ValidationError, match="same as version 2"):
        definitions.agree(Definition(liaison=False), JAN)
    versions = definitions.versions()
    assert [v.version for v in versions] == [1, 2]
    assert versions[1].agreed_in == "team meeting 3 Dec"


def test_the_months_judged_again_are_shown_before_and_after_and_nothing_is_saved(
    log,  # noqa: F811
    definitions,
    figures,
):
    proposed = Definition(consent=False, written_contacts_count=True)
    before = [figures.month(m) for m in (OCT, NOV)]
    shown = definitions.rejudged(proposed, OCT)
    assert [v.version for v in definitions.versions()] == [1]
    assert [(r.month, r.so_far) for r in shown] == [(OCT, False), (NOV, True)]
    assert [(r.before.jointly_worked, r.before.mutual_clients) for r in shown] == [
        (b.jointly_worked, b.mutual_clients) for b in before
    ]
    # RT2 (no consent; its liaison was an email) is jointly worked under the proposal
    assert (shown[0].before.jointly_worked, shown[0].after.jointly_worked) == (1, 2)
    assert shown[0].changed()
    definitions.agree(proposed, OCT)
    assert [(r.after.jointly_worked, r.after.mutual_clients) for r in shown] == [
        (f.jointly_worked, f.mutual_clients) for f in (figures.month(OCT), figures.month(NOV))
    ]
    assert definitions.rejudged(Definition(liaison=False), JAN) == []


def test_a_version_not_yet_in_force_is_withdrawn_and_the_trail_keeps_its_values(definitions, context):
    definitions.agree(Definition(liaison=False, agreed_in="team meeting 3 Nov"), Month(2026, 11))
    pending = definitions.agree(Definition(joint_contact_window_days=60, agreed_in="email vote"), JAN)
    definitions.withdraw(pending)
    assert [v.version for v in definitions.versions()] == [1, 2]
    withdrawn = AuditTrailService(context).latest(limit=1)[0]
    assert (withdrawn.action, withdrawn.entity, withdrawn.entity_key) == ("delete", "definition", "3")
    assert withdrawn.before is not None and withdrawn.before["joint_contact_window_days"] == 60
    assert withdrawn.before["agreed_in"] == "email vote" and withdrawn.after is None
    with pytest.raises(DomainError, match="already in force"):
        definitions.withdraw(definitions.versions()[1])  # from November: it judges this month
    assert [v.version for v in definitions.versions()] == [1, 2]
    again = definitions.agree(Definition(joint_contact_window_days=30), JAN)
    assert again.version == 3

"""PDSA cycles (issue 16 item 6) through the service: added, changed and closed, each checked, in
one transaction, with an audit entry; their starts marked on each linked chart."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ddcase.domain import ConflictError, Month, NotFoundError, ValidationError
from ddcase.domain.measures import ManualMeasure
from ddcase.domain.pdsa import PdsaCycle
from ddcase.services.audit_trail import AuditTrailService
from ddcase.services.manual_measures import ManualMeasuresService
from ddcase.services.pdsa import PdsaService

HUDDLE = PdsaCycle(
    " Joint review slot in the CMHT huddle ",
    date(2026, 9, 14),
    ("jointly_worked", "manual:satisfaction"),
    plan="Book a 15-minute slot each Tuesday",
    prediction="Jointly worked up from 40% to 55% by December",
    owner="Ann Smith",
    end=date(2026, 12, 18),
)


@pytest.fixture
def pdsa(context):
    ManualMeasuresService(context).define(ManualMeasure("satisfaction", "Satisfaction with joint care"))
    return PdsaService(context)


def test_a_cycle_is_added_changed_and_closed_each_audited(pdsa, context):
    added = pdsa.add(HUDDLE)
    assert added.id is not None and added.title == "Joint review slot in the CMHT huddle"
    assert added.is_open and added.version == 1
    changed = pdsa.update(replace(added, prediction="Up to 50% by December", measures=("jointly_worked",)))
    assert changed.version == 2 and changed.measures == ("jointly_worked",)
    closed = pdsa.close(changed.id, changed.version, study="Rose to 52%", act="Adopt: every Tuesday")
    # closed today (the tests' today is 22 November 2026); the end date set stays
    assert (closed.closed_on, closed.end, closed.is_open) == (date(2026, 11, 22), date(2026, 12, 18), False)
    assert pdsa.cycles(open_only=True) == []
    assert pdsa.cycles() == [closed]
    entries = [
        (e.action, e.entity_key) for e in AuditTrailService(context).latest() if e.entity == "pdsa_cycle"
    ]
    assert sorted(entries) == [("close", "1"), ("create", "1"), ("update", "1")]
    assert AuditTrailService(context).verify().intact


def test_closing_without_study_and_act_is_refused_and_changes_nothing(pdsa):
    added = pdsa.add(HUDDLE)
    with pytest.raises(ValidationError) as refused:
        pdsa.close(added.id, added.version)
    assert {p.field for p in refused.value.problems} == {"study", "act"}
    assert pdsa.get(added.id) == added
    closed = pdsa.close(added.id, added.version, study="s", act="a", closed_on=date(2026, 11, 1))
    assert closed.closed_on == date(2026, 11, 1)
    with pytest.raises(ValidationError, match="closed already"):
        pdsa.close(closed.id, closed.version, study="s", act="a")


def test_an_unknown_measure_or_team_is_refused_naming_the_measures(pdsa):
    with pytest.raises(ValidationError) as refused:
        pdsa.add(replace(HUDDLE, measures=("manual:satisfacton",)))
    (problem,) = refused.value.problems
    assert problem.field == "measures"
    assert problem.message.startswith("no measure manual:satisfacton (the measures: jointly_worked, ")
    assert "manual:satisfaction" in problem.message
    with pytest.raises(ValidationError, match="no team called 'Nowhere'"):
        pdsa.add(replace(HUDDLE, team="Nowhere"))
    assert pdsa.cycles(every_team=True) == []


def test_a_stale_change_is_refused(pdsa):
    added = pdsa.add(HUDDLE)
    pdsa.update(replace(added, owner="Bo Lee"))
    with pytest.raises(ConflictError):
        pdsa.update(replace(added, owner="Cy Day"))
    with pytest.raises(NotFoundError):
        pdsa.close(99, 1, study="s", act="a")


def test_the_start_is_marked_on_each_linked_chart(pdsa):
    pdsa.add(HUDDLE)
    pdsa.add(
        replace(
            HUDDLE, title="Consent at first contact", start=date(2026, 7, 3), measures=("jointly_worked",)
        )
    )
    assert [(m.month, m.text) for m in pdsa.marks("jointly_worked")] == [
        (Month(2026, 7), "PDSA starts: Consent at first contact"),
        (Month(2026, 9), "PDSA starts: Joint review slot in the CMHT huddle"),
    ]
    assert [m.month for m in pdsa.marks("manual:satisfaction")] == [Month(2026, 9)]

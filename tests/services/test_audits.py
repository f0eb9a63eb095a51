"""Caseload audits through the service layer (issue 17): defining, a reproducible sample,
answers by person (audited), and each question's measure against an independent count."""

from __future__ import annotations

import random

import pytest

from ddcase.domain import DomainError, Month, ValidationError
from ddcase.domain.audits import Answer, AuditQuestion, CaseloadEntry
from ddcase.rules.audits import draw_sample, read_caseload
from ddcase.services.audit_trail import AuditTrailService
from ddcase.services.audits import AuditService, audit_measures

CASELOAD = [CaseloadEntry(f"RT{n:06d}", "AB") for n in range(1, 41)]
OCT, NOV = Month(2026, 10), Month(2026, 11)


@pytest.fixture
def audits(context):
    return AuditService(context)


def test_an_audit_has_the_two_built_in_questions_then_its_own(audits):
    made = audits.define("cmht-north", "North CMHT caseload", "North", [AuditQuestion("risk", "Risk plan")])
    assert [q.key for q in made.questions] == ["substance_use_asked", "care_plan_substance_use", "risk"]
    assert audits.audit("cmht-north") == made
    with pytest.raises(ValidationError, match="already an audit"):
        audits.define("cmht-north", "Again")
    with pytest.raises(ValidationError, match="lower-case"):
        audits.define("North CMHT", "Spaces")


def test_the_sample_is_drawn_again_from_the_seed_kept_whatever_the_order_of_the_list(audits):
    audits.define("a", "Audit")
    drawn = audits.draw("a", OCT, CASELOAD, 10, seed=1234)
    assert len(drawn.sample) == 10 and drawn.seed == 1234 and len(drawn.caseload) == 40
    shuffled = list(CASELOAD)
    random.Random(5).shuffle(shuffled)
    again = draw_sample(shuffled, 10, drawn.seed)
    assert [e.client_ref for e in again] == [c.client_ref for c in drawn.sample]
    assert audits.draw("a", OCT, shuffled, 10, seed=1234) == drawn  # the same draw changes nothing
    with pytest.raises(DomainError, match="already drawn"):
        audits.draw("a", OCT, CASELOAD, 10, seed=99)


def test_a_pasted_list_is_read_with_every_problem_named():
    assert read_caseload("client_ref,initials\nRT1, ab\n\nRT2\tCD\nRT3 EF\n") == [
        CaseloadEntry("RT1", "AB"),
        CaseloadEntry("RT2", "CD"),
        CaseloadEntry("RT3", "EF"),
    ]
    with pytest.raises(ValidationError) as caught:
        read_caseload("RT1 AB\nRT1 CD\nRT2\nRT3 A1")
    assert [p.message for p in caught.value.problems] == [
        "line 2: RT1 is already on line 1",
        "line 3: give a reference and initials",
        "line 4: initials are 1 to 6 letters",
    ]


def test_answers_are_kept_by_person_and_audited(audits, context):
    audits.define("a", "Audit")
    drawn = audits.draw("a", OCT, CASELOAD, 5, seed=7)
    first = drawn.sample[0].client_ref
    after = audits.answer(
        "a", OCT, first, {"substance_use_asked": Answer.YES, "care_plan_substance_use": Answer.NO}
    )
    assert after.sample[0].answers == {
        "substance_use_asked": Answer.YES,
        "care_plan_substance_use": Answer.NO,
    }
    audits.answer("a", OCT, first, {"care_plan_substance_use": Answer.YES})
    entries = [e for e in AuditTrailService(context).history(first) if e.entity == "caseload_audit_answer"]
    assert [(e.action, e.before, e.after) for e in entries][-1] == (
        "update",
        {"audit": "a", "month": "2026-10", "care_plan_substance_use": "no"},
        {"audit": "a", "month": "2026-10", "care_plan_substance_use": "yes"},
    )
    outside = next(e.client_ref for e in CASELOAD if e.client_ref not in {c.client_ref for c in drawn.sample})
    with pytest.raises(ValidationError, match="not in October 2026's sample"):
        audits.answer("a", OCT, outside, {"substance_use_asked": Answer.YES})


def test_each_questions_measure_is_yes_of_yes_and_no(audits, context):
    audits.define("a", "Audit", "North")
    audits.define("b", "Other team's", "South")
    rng = random.Random(3)
    expected: dict[tuple[str, Month], tuple[int, int]] = {}
    for month in (OCT, NOV):
        drawn = audits.draw("a", month, CASELOAD, 12, seed=month.month)
        tally = {"substance_use_asked": [0, 0], "care_plan_substance_use": [0, 0]}
        for case in drawn.sample:
            answers = {k: rng.choice(list(Answer)) for k in tally}
            audits.answer("a", month, case.client_ref, answers)
            for key, value in answers.items():  # the independent count
                tally[key][0] += value is Answer.YES
                tally[key][1] += value in (Answer.YES, Answer.NO)
        for key, (yes, answered) in tally.items():
            expected[(key, month)] = (yes, answered)
    found = audit_measures(context, Month(2026, 9), NOV, "North")
    assert [m.key for m, _ in found] == ["audit:a:substance_use_asked", "audit:a:care_plan_substance_use"]
    for measure, months in found:
        key = measure.key.split(":")[2]
        assert [(r.numerator, r.denominator) for r in months] == [
            (0, 0),
            expected[(key, OCT)],
            expected[(key, NOV)],
        ]
        assert [r.provisional for r in months] == [False, False, True]
    assert len(audit_measures(context, OCT, NOV, None)) == 4

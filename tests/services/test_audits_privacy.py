"""Caseload audits and discharge notes in a subject access export and a purge (issue 17)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from ddcase.domain import Client, Episode, Month, Role, Service, Worker
from ddcase.domain.audits import Answer, CaseloadEntry
from ddcase.services.audits import AuditService
from ddcase.services.retention import PURGED_INITIALS, RetentionService
from ddcase.services.subject_access import SubjectAccessService

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE
CASELOAD = [CaseloadEntry("RT1", "AB"), CaseloadEntry("ZZ9", "QR")]


def _log(casework, context) -> None:  # type: ignore[no-untyped-def]
    casework.save_worker(Worker("Ann Smith", "ELFT", MH, Role.CARE_COORDINATOR))
    casework.save_worker(Worker("Bob Jones", "ResoLUTiONs", SM, Role.KEY_WORKER))
    casework.save_client(Client("RT1", "AB", consent_to_share_on=date(2020, 1, 1)))
    casework.save_episode(Episode("RT1", MH, "ELFT", date(2020, 1, 1), date(2020, 6, 30), team="North"))
    sm = casework.save_episode(Episode("RT1", SM, "ResoLUTiONs", date(2020, 1, 1), worker="Bob Jones"))
    casework.save_episode(
        replace(sm, end_date=date(2020, 6, 1)), discharge_reason="Told Ann Smith at the MDT"
    )
    audits = AuditService(context)
    audits.define("north", "North")
    audits.draw("north", Month(2020, 5), CASELOAD, 2, seed=3)
    for entry in CASELOAD:
        audits.answer("north", Month(2020, 5), entry.client_ref, {"substance_use_asked": Answer.YES})


def test_the_export_for_a_person_holds_their_audit_answers_and_discharge_reason(casework, context, tmp_path):
    _log(casework, context)
    SubjectAccessService(context).export("RT1", tmp_path / "rt1")
    everything = json.loads((tmp_path / "rt1" / "subject-access.json").read_text(encoding="utf-8"))
    assert everything["caseload_audits"] == [
        {
            "audit": "north",
            "month": "2020-05",
            "initials": "AB",
            "sampled": True,
            "answers": {"substance_use_asked": "yes"},
        }
    ]
    assert [e["discharge_reason"] for e in everything["episodes"]] == [None, "Told Ann Smith at the MDT"]
    # Someone on an audit's list who is not a client in the log can ask too.
    SubjectAccessService(context).export("ZZ9", tmp_path / "zz9")
    other = json.loads((tmp_path / "zz9" / "subject-access.json").read_text(encoding="utf-8"))
    assert [(a["initials"], a["answers"]) for a in other["caseload_audits"]] == [
        ("QR", {"substance_use_asked": "yes"})
    ]


def test_a_purge_removes_initials_from_old_audit_lists_and_the_words_of_a_reason(casework, context, tmp_path):
    _log(casework, context)
    summary = RetentionService(context).purge(date(2021, 1, 1))
    assert summary.clients == ("RT1",)
    drawn = AuditService(context).round("north", Month(2020, 5))
    assert {c.initials for c in drawn.caseload} == {PURGED_INITIALS}
    SubjectAccessService(context).export("RT1", tmp_path / "after")
    everything = json.loads((tmp_path / "after" / "subject-access.json").read_text(encoding="utf-8"))
    reason = everything["episodes"][1]["discharge_reason"]
    assert reason is not None and "Ann Smith" not in reason

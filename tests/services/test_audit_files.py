"""The caseload audits' CSV files (issue 17): export, import into an empty log, export again
byte for byte; all or nothing with every problem as FILE:LINE: column: message."""

from __future__ import annotations

import pytest

from ddcase.domain import ImportRejected, Month
from ddcase.domain.audits import Answer, CaseloadEntry
from ddcase.services.audit_files import AuditFiles
from ddcase.services.audits import AuditService
from tests.conftest import make_context


def _fill(context) -> None:  # type: ignore[no-untyped-def]
    audits = AuditService(context)
    audits.define("north", "=North CMHT caseload", "North")
    for month, seed in ((Month(2026, 9), 11), (Month(2026, 10), 12)):
        drawn = audits.draw(
            "north", month, [CaseloadEntry(f"RT{n:03d}", "AB") for n in range(1, 16)], 4, seed
        )
        for case in drawn.sample[:3]:
            audits.answer(
                "north",
                month,
                case.client_ref,
                {"substance_use_asked": Answer.YES, "care_plan_substance_use": Answer.NO},
            )


def test_export_import_export_gives_the_same_files_and_a_second_import_changes_nothing(
    context, tmp_path, engine
):
    _fill(context)
    first = tmp_path / "first"
    summary = AuditFiles(context).export_folder(first)
    assert (summary.audits, summary.cases, summary.answers) == (1, 30, 12)
    assert "'=North CMHT caseload" in (first / "audits.csv").read_text(encoding="utf-8")

    from ddcase.storage.database import make_engine
    from ddcase.storage.migrations import migrate

    other_engine = make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    migrate(other_engine)
    try:
        other = make_context(other_engine)
        AuditFiles(other).import_folder(first)
        assert AuditService(other).audit("north").name == "=North CMHT caseload"
        AuditFiles(other).export_folder(tmp_path / "second")
        for name in ("audits.csv", "audit_cases.csv", "audit_answers.csv"):
            assert (first / name).read_bytes() == (tmp_path / "second" / name).read_bytes()
        before = AuditService(other).rounds("north")
        AuditFiles(other).import_folder(first)
        assert AuditService(other).rounds("north") == before
    finally:
        other_engine.dispose()


def test_an_import_with_problems_writes_nothing_and_names_them_all(context, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "audits.csv").write_text(
        "audit,name,question,text,colour\nnorth,North,substance_use_asked,Asked,blue\n", encoding="utf-8"
    )
    (folder / "audit_cases.csv").write_text(
        "audit,month,seed,sample_size,client_ref,initials,sampled\n"
        "north,2026-10,5,1,RT1,AB,yes\n"
        "north,2026-13,5,1,RT2,CD,no\n"
        "south,2026-10,5,1,RT3,EF,no\n",
        encoding="utf-8",
    )
    (folder / "audit_answers.csv").write_text(
        "audit,month,client_ref,question,answer\nnorth,2026-10,RT1,substance_use_asked,maybe\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as caught:
        AuditFiles(context).import_folder(folder)
    assert [str(p) for p in caught.value.problems] == [
        "audits.csv:1: colour: unknown column; the columns are audit, name, team, question, text",
        "audit_cases.csv:3: month: a month is YYYY-MM",
        "audit_cases.csv:4: audit: no audit south in audits.csv",
        "audit_answers.csv:2: answer: yes, no or not_applicable",
    ]
    assert AuditService(context).audits() == []

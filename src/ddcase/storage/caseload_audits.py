"""Caseload audits' rows <-> values (issue 17): an audit with its questions, a month's round
with its caseload list, sample and answers; and their writes (the services say what to write
and hold no SQL)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from ddcase.domain import Month, NotFoundError
from ddcase.domain.audits import Answer, AuditCase, AuditQuestion, AuditRound, CaseloadAudit, CaseloadEntry
from ddcase.storage.tables import (
    CaseloadAuditAnswerRow,
    CaseloadAuditCaseRow,
    CaseloadAuditQuestionRow,
    CaseloadAuditRoundRow,
    CaseloadAuditRow,
)


def audit_row(session: Session, slug: str) -> CaseloadAuditRow | None:
    return session.scalars(select(CaseloadAuditRow).where(col(CaseloadAuditRow.slug) == slug)).first()


def question_rows(session: Session, audit_id: int) -> list[CaseloadAuditQuestionRow]:
    return list(
        session.scalars(
            select(CaseloadAuditQuestionRow)
            .where(col(CaseloadAuditQuestionRow.audit_id) == audit_id)
            .order_by(col(CaseloadAuditQuestionRow.position))
        )
    )


def audit_value(session: Session, row: CaseloadAuditRow) -> CaseloadAudit:
    assert row.id is not None
    questions = tuple(AuditQuestion(q.key, q.text) for q in question_rows(session, row.id))
    return CaseloadAudit(row.slug, row.name, questions, row.team, row.version)


def audits(session: Session) -> list[CaseloadAudit]:
    rows = session.scalars(select(CaseloadAuditRow).order_by(col(CaseloadAuditRow.slug)))
    return [audit_value(session, r) for r in rows]


def round_row(session: Session, audit_id: int, month: Month) -> CaseloadAuditRoundRow | None:
    return session.scalars(
        select(CaseloadAuditRoundRow).where(
            col(CaseloadAuditRoundRow.audit_id) == audit_id, col(CaseloadAuditRoundRow.month) == str(month)
        )
    ).first()


def case_rows(session: Session, round_id: int) -> list[CaseloadAuditCaseRow]:
    return list(
        session.scalars(
            select(CaseloadAuditCaseRow)
            .where(col(CaseloadAuditCaseRow.round_id) == round_id)
            .order_by(col(CaseloadAuditCaseRow.client_ref))
        )
    )


def answer_rows(session: Session, case_id: int) -> dict[int, CaseloadAuditAnswerRow]:
    """A case's answers by question id."""
    rows = session.scalars(
        select(CaseloadAuditAnswerRow).where(col(CaseloadAuditAnswerRow.case_id) == case_id)
    )
    return {r.question_id: r for r in rows}


def round_value(
    session: Session, audit: CaseloadAudit, audit_id: int, row: CaseloadAuditRoundRow
) -> AuditRound:
    assert row.id is not None
    keys = {q.id: q.key for q in question_rows(session, audit_id)}
    cases = case_rows(session, row.id)
    sample = []
    for case in sorted(
        (c for c in cases if c.sample_position is not None), key=lambda c: c.sample_position or 0
    ):
        assert case.id is not None and case.sample_position is not None
        answers = {keys[q]: Answer(a.answer) for q, a in answer_rows(session, case.id).items()}
        sample.append(AuditCase(case.client_ref, case.initials, case.sample_position, answers))
    return AuditRound(
        audit=audit,
        month=Month.parse(row.month),
        seed=row.seed,
        sample_size=row.sample_size,
        caseload=tuple(CaseloadEntry(c.client_ref, c.initials) for c in cases),
        sample=tuple(sample),
    )


def rounds(
    session: Session, audit_id: int, first: Month | None = None, last: Month | None = None
) -> list[CaseloadAuditRoundRow]:
    query = select(CaseloadAuditRoundRow).where(col(CaseloadAuditRoundRow.audit_id) == audit_id)
    if first is not None:
        query = query.where(col(CaseloadAuditRoundRow.month) >= str(first))
    if last is not None:
        query = query.where(col(CaseloadAuditRoundRow.month) <= str(last))
    return list(session.scalars(query.order_by(col(CaseloadAuditRoundRow.month))))


def audit_id_of(session: Session, case: CaseloadAuditCaseRow) -> int:
    """The audit a sampled person's round belongs to."""
    found = session.get(CaseloadAuditRoundRow, case.round_id)
    assert found is not None
    return int(found.audit_id)


def cases_of_person(session: Session, client_ref: str) -> list[tuple[str, str, CaseloadAuditCaseRow]]:
    """Every caseload entry of a person: (audit slug, month, row), for subject access and purge."""
    rows = session.execute(
        select(col(CaseloadAuditRow.slug), col(CaseloadAuditRoundRow.month), CaseloadAuditCaseRow)
        .join(CaseloadAuditRoundRow, col(CaseloadAuditRoundRow.id) == col(CaseloadAuditCaseRow.round_id))
        .join(CaseloadAuditRow, col(CaseloadAuditRow.id) == col(CaseloadAuditRoundRow.audit_id))
        .where(col(CaseloadAuditCaseRow.client_ref) == client_ref)
        .order_by(col(CaseloadAuditRow.slug), col(CaseloadAuditRoundRow.month))
    )
    return [(slug, month, row) for slug, month, row in rows]


def cases_before(session: Session, first_day: date) -> list[CaseloadAuditCaseRow]:
    """The caseload entries of the rounds of months that ended before `first_day`'s month."""
    month = f"{first_day.year:04d}-{first_day.month:02d}"
    return list(
        session.scalars(
            select(CaseloadAuditCaseRow)
            .join(CaseloadAuditRoundRow, col(CaseloadAuditRoundRow.id) == col(CaseloadAuditCaseRow.round_id))
            .where(col(CaseloadAuditRoundRow.month) < month)
            .order_by(col(CaseloadAuditCaseRow.id))
        )
    )


# ------------------------------------------------------------------------------------- writing


def require_audit(session: Session, slug: str) -> CaseloadAuditRow:
    """The audit's row, or NotFoundError when there is none."""
    row = audit_row(session, slug)
    if row is None:
        raise NotFoundError(f"No caseload audit called {slug}.")
    return row


def _stamp(
    row: CaseloadAuditRow | CaseloadAuditRoundRow | CaseloadAuditAnswerRow, at: datetime, by: str
) -> None:
    row.updated_at = at
    row.updated_by = by


def add_audit(
    session: Session,
    slug: str,
    name: str,
    team: str | None,
    questions: Sequence[tuple[str, str]],
    *,
    at: datetime,
    by: str,
) -> CaseloadAuditRow:
    """A new audit with its questions (key, text) in order."""
    row = CaseloadAuditRow(slug=slug, name=name, team=team)
    _stamp(row, at, by)
    session.add(row)
    session.flush()
    assert row.id is not None
    for position, (key, text) in enumerate(questions):
        session.add(CaseloadAuditQuestionRow(audit_id=row.id, key=key, text=text, position=position))
    session.flush()
    return row


def put_audit(
    session: Session,
    row: CaseloadAuditRow | None,
    slug: str,
    name: str,
    team: str | None,
    *,
    at: datetime,
    by: str,
) -> CaseloadAuditRow:
    """An audit's name and team written into its row (a new one when `row` is None)."""
    row = row or CaseloadAuditRow(slug=slug, name=name, team=team)
    row.name, row.team = name, team
    _stamp(row, at, by)
    session.add(row)
    return row


def put_question(
    session: Session, row: CaseloadAuditQuestionRow | None, audit_id: int, key: str, text: str, position: int
) -> int:
    """A question's text written into its row (a new one at `position` when `row` is None); its id."""
    row = row or CaseloadAuditQuestionRow(audit_id=audit_id, key=key, text=text, position=position)
    row.text = text
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def add_round(
    session: Session,
    audit_id: int,
    month: Month,
    seed: int,
    size: int,
    caseload: Sequence[CaseloadEntry],
    positions: Mapping[str, int],
    *,
    at: datetime,
    by: str,
) -> CaseloadAuditRoundRow:
    """A month's round with its caseload list, each sampled person at their place in the sample."""
    row = CaseloadAuditRoundRow(audit_id=audit_id, month=str(month), seed=seed, sample_size=size)
    _stamp(row, at, by)
    session.add(row)
    session.flush()
    assert row.id is not None
    for entry in caseload:
        session.add(
            CaseloadAuditCaseRow(
                round_id=row.id,
                client_ref=entry.client_ref,
                initials=entry.initials,
                sample_position=positions.get(entry.client_ref),
            )
        )
    session.flush()
    return row


def put_answer(
    session: Session,
    row: CaseloadAuditAnswerRow | None,
    case_id: int,
    question_id: int,
    answer: str,
    *,
    at: datetime,
    by: str,
) -> None:
    """A sampled person's answer to a question written into its row (a new one when None)."""
    row = row or CaseloadAuditAnswerRow(case_id=case_id, question_id=question_id, answer=answer)
    row.answer = answer
    _stamp(row, at, by)
    session.add(row)

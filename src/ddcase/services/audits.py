"""Caseload audits (issue 17): define an audit, draw a month's reproducible sample from a pasted
or imported caseload list, record each sampled person's answers, and give each question's
monthly measure (`audit_measures`, SPEC §6 `audit:SLUG:QUESTION`). Every change is one
transaction with its audit-trail entry; an answer's entry is keyed by the person's reference, so
a purge finds it."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from ddcase.domain import DomainError, FieldProblem, Month, NotFoundError, ValidationError, month_range
from ddcase.domain.audits import Answer, AuditQuestion, AuditRound, CaseloadAudit, CaseloadEntry
from ddcase.domain.validation import text_problem
from ddcase.rules.audits import BUILT_IN_QUESTIONS, draw_sample, key_problem, measures
from ddcase.rules.measures import Measure, MeasureMonth
from ddcase.services.base import Context, audit_change, changed_by
from ddcase.storage import caseload_audits, records

MAX_SAMPLE = 500


class AuditService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    # ------------------------------------------------------------------ reading

    def audits(self, team: str | None = None) -> list[CaseloadAudit]:
        """Every audit (of `team` only, when given), by slug."""
        with self._db.read() as session:
            found = caseload_audits.audits(session)
        return [a for a in found if team is None or a.team == team]

    def audit(self, slug: str) -> CaseloadAudit:
        with self._db.read() as session:
            return caseload_audits.audit_value(session, caseload_audits.require_audit(session, slug))

    def round(self, slug: str, month: Month) -> AuditRound:
        with self._db.read() as session:
            row = caseload_audits.require_audit(session, slug)
            assert row.id is not None
            found = caseload_audits.round_row(session, row.id, month)
            if found is None:
                raise NotFoundError(f"No sample has been drawn for the audit {slug} in {month.label()}.")
            return caseload_audits.round_value(
                session, caseload_audits.audit_value(session, row), row.id, found
            )

    def rounds(self, slug: str, first: Month | None = None, last: Month | None = None) -> list[AuditRound]:
        with self._db.read() as session:
            row = caseload_audits.require_audit(session, slug)
            assert row.id is not None
            value = caseload_audits.audit_value(session, row)
            return [
                caseload_audits.round_value(session, value, row.id, r)
                for r in caseload_audits.rounds(session, row.id, first, last)
            ]

    # ------------------------------------------------------------------ writing

    def define(
        self, slug: str, name: str, team: str | None = None, questions: Sequence[AuditQuestion] = ()
    ) -> CaseloadAudit:
        """A new audit: the two built-in questions, then `questions`."""
        slug, name, team = slug.strip(), name.strip(), (team or "").strip() or None
        every = [*BUILT_IN_QUESTIONS, *(AuditQuestion(q.key.strip(), q.text.strip()) for q in questions)]
        problems = []
        if (problem := key_problem(slug)) is not None:
            problems.append(FieldProblem("slug", problem))
        if not name or len(name) > 200:
            problems.append(FieldProblem("name", "give the audit a name (at most 200 characters)"))
        elif (problem := text_problem("audit_name", name)) is not None:
            problems.append(FieldProblem("name", problem))
        if (problem := text_problem("team", team)) is not None:
            problems.append(FieldProblem("team", problem))
        keys = [q.key for q in every]
        for q in every:
            if (problem := key_problem(q.key)) is not None:
                problems.append(FieldProblem("question", f"{q.key or '(blank)'}: {problem}"))
            elif keys.count(q.key) > 1:
                problems.append(FieldProblem("question", f"{q.key}: two questions have this key"))
            if not q.text or len(q.text) > 300:
                problems.append(FieldProblem("question", f"{q.key}: the question is 1 to 300 characters"))
            elif (problem := text_problem("question", q.text)) is not None:
                problems.append(FieldProblem("question", f"{q.key}: {problem}"))
        if problems:
            raise ValidationError(list(dict.fromkeys(problems)))
        with self._db.write() as session:
            if caseload_audits.audit_row(session, slug) is not None:
                raise ValidationError([FieldProblem("slug", f"there is already an audit called {slug}")])
            row = caseload_audits.add_audit(
                session,
                slug,
                name,
                team,
                [(q.key, q.text) for q in every],
                at=self._context.now(),
                by=changed_by(self._context),
            )
            saved = caseload_audits.audit_value(session, row)
            audit_change(self._context, session, "create", "caseload_audit", slug, None, _audit_record(saved))
            return saved

    def draw(
        self, slug: str, month: Month, caseload: Sequence[CaseloadEntry], size: int, seed: int | None = None
    ) -> AuditRound:
        """The month's round: keeps the caseload list, the size and the seed (a new random one
        unless given) and the sample they give. A month has one round; drawing it again with
        the same list and seed changes nothing, anything else is refused."""
        if not 1 <= size <= MAX_SAMPLE:
            raise ValidationError([FieldProblem("sample_size", f"the sample is 1 to {MAX_SAMPLE} people")])
        if not caseload:
            raise DomainError("The caseload list is empty.")
        if seed is None:
            seed = secrets.randbelow(2**31)
        if not 0 <= seed < 2**31:
            raise ValidationError([FieldProblem("seed", "the seed is a whole number from 0 to 2147483647")])
        sample = draw_sample(caseload, size, seed)
        with self._db.write() as session:
            row = caseload_audits.require_audit(session, slug)
            assert row.id is not None
            value = caseload_audits.audit_value(session, row)
            existing = caseload_audits.round_row(session, row.id, month)
            if existing is not None:
                current = caseload_audits.round_value(session, value, row.id, existing)
                if (current.seed, current.sample_size, set(current.caseload)) == (seed, size, set(caseload)):
                    return current
                raise DomainError(
                    f"A sample was already drawn for {slug} in {month.label()} (seed {current.seed}); "
                    "it is kept as drawn."
                )
            position = {e.client_ref: i for i, e in enumerate(sample)}
            round_row = caseload_audits.add_round(
                session,
                row.id,
                month,
                seed,
                size,
                caseload,
                position,
                at=self._context.now(),
                by=changed_by(self._context),
            )
            drawn = caseload_audits.round_value(session, value, row.id, round_row)
            audit_change(
                self._context,
                session,
                "create",
                "caseload_audit_round",
                f"{slug} {month}",
                None,
                {
                    "audit": slug,
                    "month": str(month),
                    "seed": seed,
                    "sample_size": size,
                    "caseload": len(caseload),
                    "sample": [c.client_ref for c in drawn.sample],
                },
            )
            return drawn

    def answer(self, slug: str, month: Month, client_ref: str, answers: dict[str, Answer]) -> AuditRound:
        """Record (or change) a sampled person's answers to some or all of the questions."""
        with self._db.write() as session:
            row = caseload_audits.require_audit(session, slug)
            assert row.id is not None
            round_row = caseload_audits.round_row(session, row.id, month)
            if round_row is None or round_row.id is None:
                raise NotFoundError(f"No sample has been drawn for the audit {slug} in {month.label()}.")
            case = next(
                (c for c in caseload_audits.case_rows(session, round_row.id) if c.client_ref == client_ref),
                None,
            )
            if case is None or case.sample_position is None or case.id is None:
                raise ValidationError(
                    [FieldProblem("client_ref", f"{client_ref} is not in {month.label()}'s sample")]
                )
            questions = {q.key: q for q in caseload_audits.question_rows(session, row.id)}
            unknown = sorted(set(answers) - set(questions))
            if unknown:
                raise ValidationError(
                    [FieldProblem("question", f"no question {k} in {slug}") for k in unknown]
                )
            stored = caseload_audits.answer_rows(session, case.id)
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            for key, value in answers.items():
                value = Answer(value)
                question_id = questions[key].id
                assert question_id is not None
                existing = stored.get(question_id)
                if existing is not None and existing.answer == value.value:
                    continue
                if existing is not None:
                    before[key] = existing.answer
                caseload_audits.put_answer(
                    session,
                    existing,
                    case.id,
                    question_id,
                    value.value,
                    at=self._context.now(),
                    by=changed_by(self._context),
                )
                after[key] = value.value
            if after:
                records.flush(session)
                audit_change(
                    self._context,
                    session,
                    "update" if before else "create",
                    "caseload_audit_answer",
                    client_ref,
                    {"audit": slug, "month": str(month), **before} if before else None,
                    {"audit": slug, "month": str(month), **after},
                )
            return caseload_audits.round_value(
                session, caseload_audits.audit_value(session, row), row.id, round_row
            )

    # ------------------------------------------------------------------ helpers


def _audit_record(value: CaseloadAudit) -> dict[str, Any]:
    return {
        "slug": value.slug,
        "name": value.name,
        "team": value.team,
        "questions": [{"key": q.key, "text": q.text} for q in value.questions],
    }


def audit_measures(
    context: Context, first: Month, last: Month, team: str | None
) -> list[tuple[Measure, list[MeasureMonth]]]:
    """SPEC §6 `audit:SLUG:QUESTION` for every audit (of `team` when given) and question, monthly
    from `first` to `last`: yes answers of yes + no answers in the month's round."""
    return audit_measures_of_teams(context, first, last, [team])[0]


def audit_measures_of_teams(
    context: Context, first: Month, last: Month, teams: list[str | None]
) -> list[list[tuple[Measure, list[MeasureMonth]]]]:
    """`audit_measures` for each of `teams` (`services.measures.OF_TEAMS`): the audits read
    once, and each audit's rounds once, however many of the teams it is in."""
    service = AuditService(context)
    months = list(month_range(first, last))
    today = context.today()
    every = service.audits()
    made: dict[str, list[tuple[Measure, list[MeasureMonth]]]] = {}
    out: list[list[tuple[Measure, list[MeasureMonth]]]] = []
    for team in teams:
        found: list[tuple[Measure, list[MeasureMonth]]] = []
        for audit in every:
            if team is None or audit.team == team:
                if audit.slug not in made:
                    made[audit.slug] = measures(audit, service.rounds(audit.slug, first, last), months, today)
                found += made[audit.slug]
        out.append(found)
    return out

"""Caseload audits (issue 17): pure. The built-in questions, drawing a reproducible sample, and
each question's monthly measure (SPEC §6 `audit:SLUG:QUESTION`: numerator yes, denominator
yes + no). Reading a pasted caseload list is `domain.audits.read_caseload`."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date

from ddcase.domain import DomainError, Month
from ddcase.domain.audits import (
    Answer,
    AuditQuestion,
    AuditRound,
    CaseloadAudit,
    CaseloadEntry,
    key_problem,
    read_caseload,
)
from ddcase.rules.mdc import Better
from ddcase.rules.measures import Measure, MeasureMonth, MeasureType, Unit

BUILT_IN_QUESTIONS = (
    AuditQuestion("substance_use_asked", "Asked about substance use in the last 12 months, recorded"),
    AuditQuestion("care_plan_substance_use", "Care plan addresses substance use"),
)
"""Every audit starts with these two (NICE QS188 statement 1; the borough plans' follow-up audit)."""


def draw_sample(caseload: Sequence[CaseloadEntry], size: int, seed: int) -> list[CaseloadEntry]:
    """A simple random sample of `size` people (all of them when the list is shorter), in the
    order drawn. The list is put in reference order first, so the same people and seed always
    give the same sample, however the list was pasted."""
    if size < 1:
        raise DomainError("The sample size is at least 1.")
    ordered = sorted(caseload, key=lambda e: e.client_ref)
    return random.Random(seed).sample(ordered, min(size, len(ordered)))


def measure_key(audit: CaseloadAudit, question: AuditQuestion) -> str:
    return f"audit:{audit.slug}:{question.key}"


def measures(
    audit: CaseloadAudit, rounds: Iterable[AuditRound], months: Sequence[Month], today: date
) -> list[tuple[Measure, list[MeasureMonth]]]:
    """One measure a question: for each month, the yes answers (numerator) of the yes and no
    answers (denominator) recorded in that month's round; not applicable counts in neither."""
    by_month = {r.month: r for r in rounds}
    out: list[tuple[Measure, list[MeasureMonth]]] = []
    for question in audit.questions:
        measure = Measure(
            key=measure_key(audit, question),
            name=f"{audit.name}: {question.text}",
            type=MeasureType.PROCESS,
            unit=Unit.PROPORTION,
            better=Better.HIGHER,
        )
        series = []
        for month in months:
            answers = (
                [c.answers.get(question.key) for c in by_month[month].sample] if month in by_month else []
            )
            yes = sum(1 for a in answers if a is Answer.YES)
            no = sum(1 for a in answers if a is Answer.NO)
            series.append(
                MeasureMonth(
                    month, numerator=yes, denominator=yes + no, provisional=month.is_provisional(today)
                )
            )
        out.append((measure, series))
    return out


__all__ = ["BUILT_IN_QUESTIONS", "draw_sample", "key_problem", "measure_key", "measures", "read_caseload"]

"""Caseload audits (issue 17): pure. The built-in questions, reading a pasted caseload list,
drawing a reproducible sample, and each question's monthly measure (SPEC §6 `audit:SLUG:QUESTION`:
numerator yes, denominator yes + no)."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from datetime import date

from ddcase.domain import DomainError, FieldProblem, Month, ValidationError
from ddcase.domain.audits import Answer, AuditQuestion, AuditRound, CaseloadAudit, CaseloadEntry
from ddcase.rules.mdc import Better
from ddcase.rules.measures import Measure, MeasureMonth, MeasureType, Unit

BUILT_IN_QUESTIONS = (
    AuditQuestion("substance_use_asked", "Asked about substance use in the last 12 months, recorded"),
    AuditQuestion("care_plan_substance_use", "Care plan addresses substance use"),
)
"""Every audit starts with these two (NICE QS188 statement 1; the borough plans' follow-up audit)."""

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_INITIALS = re.compile(r"^[A-Za-z]{1,6}$")
_SPLIT = re.compile(r"[,\t;]+|\s+")


def key_problem(key: str) -> str | None:
    """A slug or question key: 1 to 40 lower-case letters, digits, '_' or '-', no spaces."""
    if not _KEY.match(key):
        return "use 1 to 40 lower-case letters, digits, '_' or '-' (no spaces)"
    return None


def read_caseload(text: str) -> list[CaseloadEntry]:
    """A pasted or imported caseload list: one person a line, reference then initials, separated
    by a comma, tab, semicolon or spaces; a header line `client_ref,initials` and blank lines
    are skipped. Every problem is reported (ValidationError, 'line N: ...'); nothing is half-read."""
    entries: list[CaseloadEntry] = []
    problems: list[FieldProblem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        parts = [p for p in _SPLIT.split(line.strip().lstrip("\ufeff")) if p]
        if not parts or (number == 1 and parts[0].lower() == "client_ref"):
            continue
        if len(parts) != 2:
            problems.append(FieldProblem("caseload", f"line {number}: give a reference and initials"))
            continue
        ref, initials = parts
        if len(ref) > 20:
            problems.append(FieldProblem("caseload", f"line {number}: the reference is over 20 characters"))
        elif not _INITIALS.match(initials):
            problems.append(FieldProblem("caseload", f"line {number}: initials are 1 to 6 letters"))
        elif ref in seen:
            problems.append(FieldProblem("caseload", f"line {number}: {ref} is already on line {seen[ref]}"))
        else:
            seen[ref] = number
            entries.append(CaseloadEntry(ref, initials.upper()))
    if problems:
        raise ValidationError(problems)
    if not entries:
        raise DomainError("The caseload list is empty: paste one person a line, reference then initials.")
    return entries


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

"""Caseload audits (issue 17): plain values. A team defines an audit (yes / no / not applicable
questions), draws a random sample of a caseload list each month (the seed kept, so the sample can
be drawn again), and records each sampled person's answers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from ddcase.domain.errors import DomainError, FieldProblem, ValidationError
from ddcase.domain.month import Month
from ddcase.domain.validation import text_problem


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return {"yes": "Yes", "no": "No", "not_applicable": "Not applicable"}[self.value]


@dataclass(frozen=True, slots=True)
class AuditQuestion:
    """`key` names the question in `audit:SLUG:QUESTION` (SPEC §6) and the CSV files."""

    key: str
    text: str


@dataclass(frozen=True, slots=True)
class CaseloadAudit:
    slug: str
    name: str
    questions: tuple[AuditQuestion, ...]
    team: str | None = None
    version: int = 0


@dataclass(frozen=True, slots=True)
class CaseloadEntry:
    """A person on a caseload list: reference and initials only (not necessarily a client)."""

    client_ref: str
    initials: str


@dataclass(frozen=True, slots=True)
class AuditCase:
    """A sampled person and their answers so far, by question key."""

    client_ref: str
    initials: str
    position: int
    answers: dict[str, Answer] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditRound:
    """One month's round: the caseload it was drawn from, the size asked, the seed, the sample."""

    audit: CaseloadAudit
    month: Month
    seed: int
    sample_size: int
    caseload: tuple[CaseloadEntry, ...]
    sample: tuple[AuditCase, ...]

    def answered(self) -> int:
        keys = {q.key for q in self.audit.questions}
        return sum(1 for case in self.sample if keys <= set(case.answers))


_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_INITIALS = re.compile(r"^[A-Za-z]{1,6}$")
_SPLIT = re.compile(r"[,\t;]+|\s+")


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
        elif (problem := text_problem("client_ref", ref)) is not None:
            problems.append(FieldProblem("caseload", f"line {number}: reference: {problem}"))
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


def key_problem(key: str) -> str | None:
    """A slug or question key: 1 to 40 lower-case letters, digits, '_' or '-', no spaces."""
    if not _KEY.match(key):
        return "use 1 to 40 lower-case letters, digits, '_' or '-' (no spaces)"
    return None

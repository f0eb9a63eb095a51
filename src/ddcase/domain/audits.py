"""Caseload audits (issue 17): plain values. A team defines an audit (yes / no / not applicable
questions), draws a random sample of a caseload list each month (the seed kept, so the sample can
be drawn again), and records each sampled person's answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ddcase.domain.month import Month


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

"""A PDSA cycle (Plan, Do, Study, Act; issue 16 item 6): a test of change the team runs, linked to
the measures it expects to move (SPEC §6's keys: `jointly_worked`, `criterion:NAME`,
`manual:SLUG`, ...). A plain value: the rules are in `rules/pdsa.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class PdsaCycle:
    """`start` is the day the test begins (its month is marked on each linked chart); `end` the
    day it is planned to end (None: not set). A cycle is open until it is closed (`closed_on`),
    which needs its study and act notes. `team` None is the whole service."""

    title: str
    start: date
    measures: tuple[str, ...]
    plan: str | None = None
    prediction: str | None = None
    owner: str | None = None
    end: date | None = None
    study: str | None = None
    act: str | None = None
    team: str | None = None
    closed_on: date | None = None
    id: int | None = None
    version: int = 0

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

"""A measure a team enters by hand (issue 16, SPEC §6 `manual:SLUG`) and its monthly values:
plain values. The measure's type, unit and better direction are the words of SPEC §6
(`rules.measures` checks them)."""

from __future__ import annotations

from dataclasses import dataclass

from ddcase.domain.month import Month


@dataclass(frozen=True, slots=True)
class ManualMeasure:
    """A measure entered by hand. `slug` names it in `manual:SLUG` (lower-case letters, digits and
    hyphens); `type` outcome/process/balancing; `unit` proportion (numerator and denominator each
    month), count or value (one number each month); `better` higher/lower; `aim` in the unit's
    terms (a proportion as 0..1) by `aim_by`; `team` None = the whole service."""

    slug: str
    name: str
    type: str = "process"
    unit: str = "value"
    better: str = "higher"
    aim: float | None = None
    aim_by: Month | None = None
    owner: str | None = None
    data_source: str | None = None
    team: str | None = None
    id: int | None = None
    version: int = 0

    @property
    def key(self) -> str:
        return f"manual:{self.slug}"


@dataclass(frozen=True, slots=True)
class ManualValue:
    """One month of a measure entered by hand: a proportion's numerator and denominator, or a
    count's or value's `value`."""

    month: Month
    numerator: int | None = None
    denominator: int | None = None
    value: float | None = None

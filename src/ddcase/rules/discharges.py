"""The discharge guard (issue 17; SPEC §6 `discharges_with_other_service`): pure.

A *discharge* is an episode's end day after which no episode of the same side is open for the
client (so a change of worker, which opens the next episode the day after, is not one). It is
*guarded* when the other side is open on the end day: the other service should have been
involved, that is a counting contact (SPEC §1) naming the other side's worker dated in the 30 days
up to the end date, or a reason given when the episode was ended. A guarded discharge with
neither is allowed but *flagged*.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from ddcase.domain import Contact, Definition, Episode, EpisodeLine, Month, Service, window_start
from ddcase.domain.values import definition_in_force
from ddcase.rules.criteria import is_counting, named_workers_on
from ddcase.rules.mdc import Better
from ddcase.rules.measures import Measure, MeasureMonth, MeasureType, Unit

INVOLVEMENT_WINDOW_DAYS = 30
"""The other service counts as involved with a counting contact in the 30 days up to the end date."""

_ONE_DAY = timedelta(days=1)

_Read = TypeVar("_Read", Episode, EpisodeLine)
"""The guard judges episodes as `Episode`s (an episode being ended) or as the plain tuples of
them read for a range (`discharge_notes.ending_histories`): the same fields, the same rule."""


def other_side(service: Service) -> Service:
    return Service.SUBSTANCE_MISUSE if service is Service.MENTAL_HEALTH else Service.MENTAL_HEALTH


@dataclass(frozen=True, slots=True)
class Discharge:
    """A guarded discharge: `episode` ended while the other side was open.

    `other_worker` is the other side's named worker on the end day (who should hear of it; None
    while unallocated); `contact` the latest contact that involved the other service (None if
    none); `reason` what was given when the episode was ended (None if none); `team` the CMHT of
    the mental health episode on the end day (either side's)."""

    episode: Episode
    other_worker: str | None
    team: str | None
    contact: Contact | None = None
    reason: str | None = None

    @property
    def client_ref(self) -> str:
        return self.episode.client_ref

    @property
    def end_date(self) -> date:
        assert self.episode.end_date is not None
        return self.episode.end_date

    @property
    def involved(self) -> bool:
        """SPEC §6: the other service was involved (a counting contact with its worker in the 30
        days up to the end date, or a reason given)."""
        return self.contact is not None or bool(self.reason and self.reason.strip())

    @property
    def flagged(self) -> bool:
        return not self.involved


def is_discharge(episode: Episode | EpisodeLine, episodes: Iterable[Episode | EpisodeLine]) -> bool:
    """SPEC §6: the episode ended, and on the day after no episode of the same side is open."""
    if episode.end_date is None:
        return False
    after = episode.end_date + _ONE_DAY
    service = episode.service
    for e in episodes:  # a loop, not any() over a generator: the guard reads thousands of endings
        if e.service is service and e.start_date <= after and (e.end_date is None or after <= e.end_date):
            if not _same(e, episode):
                return False
    return True


def _same(a: Episode | EpisodeLine, b: Episode | EpisodeLine) -> bool:
    if a.id is not None and b.id is not None:
        return a.id == b.id
    return (a.service, a.organisation, a.start_date) == (b.service, b.organisation, b.start_date)


def involving_contact(
    episode: Episode, contacts: Iterable[Contact], definition: Definition
) -> Contact | None:
    """The latest counting contact (under `definition`) naming the other side's worker, dated in
    the 30 days up to the episode's end date; None when there is none."""
    assert episode.end_date is not None
    first = window_start(episode.end_date, INVOLVEMENT_WINDOW_DAYS)
    other = other_side(episode.service)
    found = [
        c
        for c in contacts
        if first <= c.date <= episode.end_date
        and is_counting(c, definition)
        and bool(((c.mh_worker if other is Service.MENTAL_HEALTH else c.sm_worker) or "").strip())
    ]
    return max(found, key=lambda c: (c.date, c.id or 0)) if found else None


def is_guarded(episode: Episode | EpisodeLine, episodes: Sequence[Episode | EpisodeLine]) -> bool:
    """SPEC §6: the episode is a discharge and the other side is open on its end day (the
    client's `episodes` are all this reads; its contacts only say whether it is flagged)."""
    if not is_discharge(episode, episodes):
        return False
    end = episode.end_date
    assert end is not None
    other = other_side(episode.service)
    for e in episodes:
        if e.service is other and e.start_date <= end and (e.end_date is None or end <= e.end_date):
            return True
    return False


def guarded_endings(episodes: Sequence[_Read], first: date, last: date) -> list[_Read]:
    """The client's episodes ending in `first`..`last` that are guarded (`is_guarded`), in the
    order of `episodes`. A change of worker (the same side's next episode starting the day after)
    is set aside without reading the rest: most endings in a trust's log are one."""
    starts = {(e.service, e.start_date) for e in episodes if e.end_date is None or e.end_date >= e.start_date}
    found: list[_Read] = []
    for episode in episodes:
        end = episode.end_date
        if end is None or not first <= end <= last:
            continue
        if (episode.service, end + _ONE_DAY) in starts:
            continue  # open the day after: no discharge (is_discharge)
        if is_guarded(episode, episodes):
            found.append(episode)
    return found


def guarded_discharge(
    episode: Episode,
    episodes: Sequence[Episode],
    contacts: Iterable[Contact],
    definitions: Sequence[Definition],
    reason: str | None = None,
) -> Discharge | None:
    """The discharge `episode` makes, when it is one and the other side is open on its end day;
    None otherwise. `episodes` are the client's (with `episode` as it will be saved); the
    definition in force for the end month says which contacts count."""
    if not is_guarded(episode, episodes):
        return None
    assert episode.end_date is not None
    definition = definition_in_force(list(definitions), Month.of(episode.end_date))
    return discharge_of(episode, episodes, contacts, definition, reason)


def discharge_of(
    episode: Episode,
    episodes: Sequence[Episode | EpisodeLine],
    contacts: Iterable[Contact],
    definition: Definition,
    reason: str | None = None,
) -> Discharge:
    """The discharge a guarded `episode` makes (`is_guarded` holds: `guarded_discharge` checks
    it, `guarded_endings` found it), with `definition` the one in force for its end month.
    `episodes` may be the client's as read for a range (`EpisodeLine`s, `episode` made from one
    of them): only those open on the end day are read."""
    assert episode.end_date is not None
    end = episode.end_date
    other = other_side(episode.service)
    open_then = [e for e in episodes if e.start_date <= end and (e.end_date is None or end <= e.end_date)]
    # `EpisodeLine`s as they are: `speakers` reads the fields an `EpisodeFact` has, by name.
    coordinator, key_worker = named_workers_on(open_then, end)
    other_worker = coordinator if other is Service.MENTAL_HEALTH else key_worker
    teams = [e.team for e in open_then if e.service is Service.MENTAL_HEALTH and e.team]
    return Discharge(
        episode=episode,
        other_worker=other_worker,
        team=teams[-1] if teams else None,
        contact=involving_contact(episode, contacts, definition),
        reason=(reason or "").strip() or None,
    )


def ending_in(discharges: Iterable[Discharge], month: Month) -> list[Discharge]:
    """The discharges ending in `month`, in their order (a month's from a range's)."""
    first, last = month.first_day, month.last_day
    return [d for d in discharges if first <= d.end_date <= last]


MEASURE = Measure(
    key="discharges_with_other_service",
    name="Discharges with the other service involved",
    type=MeasureType.PROCESS,
    unit=Unit.PROPORTION,
    better=Better.HIGHER,
)
"""SPEC §6: numerator, the month's guarded discharges with the other service involved;
denominator, the month's guarded discharges."""


def monthly_series(
    discharges: Iterable[Discharge], months: Sequence[Month], today: date
) -> list[MeasureMonth]:
    """One `MeasureMonth` for each of `months`: the guarded discharges ending in it and how many
    involved the other service (a month without one has a denominator of 0, a gap)."""
    counts = {(m.year, m.month): [0, 0] for m in months}  # by the end date's year and month
    for discharge in discharges:
        end = discharge.end_date
        month = counts.get((end.year, end.month))
        if month is not None:
            month[1] += 1
            month[0] += discharge.involved
    return [
        MeasureMonth(
            m,
            numerator=counts[m.year, m.month][0],
            denominator=counts[m.year, m.month][1],
            provisional=m.is_provisional(today),
        )
        for m in months
    ]

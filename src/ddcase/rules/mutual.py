"""Pure: which days of a month a client is open to both services (SPEC §1 "mutual day").

Episodes are inclusive date intervals; an open episode (no end date) runs past the month.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from ddcase.domain import Episode, EpisodeFact, Month, Service

Interval = tuple[date, date]
_ONE_DAY = timedelta(days=1)


def clipped_intervals(
    episodes: Iterable[Episode] | Iterable[EpisodeFact], first: date, last: date
) -> list[Interval]:
    """The parts of the episodes that fall within first..last, merged and sorted."""
    raw: list[Interval] = []
    in_order = True
    # Comparisons rather than max() and min(): run for every client of a trust's chart.
    for episode in episodes:
        start = episode.start_date
        if start < first:
            start = first
        end = episode.end_date
        if end is None or end > last:
            end = last
        if start <= end:
            # Most clients' episodes are recorded in the order they start (one after another):
            # merged as they come. One starting on or after the last run's start can only
            # touch that run (every run before it ends more than a day before it starts).
            if raw and in_order:
                run_start, run_end = raw[-1]
                if start < run_start:
                    in_order = False  # out of order: all merged at the end
                elif start <= run_end + _ONE_DAY:
                    if end > run_end:
                        raw[-1] = (run_start, end)
                    continue
            raw.append((start, end))
    return raw if in_order else merge(raw)


def merge(intervals: list[Interval]) -> list[Interval]:
    """Merge overlapping or touching inclusive intervals."""
    merged: list[Interval] = []
    ordered = sorted(intervals)
    if not ordered:
        return merged
    start, end = ordered[0]
    for next_start, next_end in ordered[1:]:
        if next_start <= end + _ONE_DAY:
            if next_end > end:
                end = next_end
        else:
            merged.append((start, end))
            start, end = next_start, next_end
    merged.append((start, end))
    return merged


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The days in both lists of merged intervals."""
    result: list[Interval] = []
    i = j = 0
    n, m = len(a), len(b)
    while i < n and j < m:
        a_start, a_end = a[i]
        b_start, b_end = b[j]
        start = a_start if a_start > b_start else b_start
        if a_end < b_end:
            if start <= a_end:
                result.append((start, a_end))
            i += 1
        else:
            if start <= b_end:
                result.append((start, b_end))
            j += 1
    return result


def overlap_of(a: Episode | EpisodeFact, b: Episode | EpisodeFact, first: date, last: date) -> list[Interval]:
    """The days of first..last on which both episodes are open (`mutual_of` for one episode a
    side), worked out directly: most clients have one a side."""
    start = a.start_date if a.start_date > b.start_date else b.start_date
    if start < first:
        start = first
    end = last
    if a.end_date is not None and a.end_date < end:
        end = a.end_date
    if b.end_date is not None and b.end_date < end:
        end = b.end_date
    return [(start, end)] if start <= end else []


def mutual_of(
    mental_health: Sequence[Episode] | Sequence[EpisodeFact],
    substance_misuse: Sequence[Episode] | Sequence[EpisodeFact],
    first: date,
    last: date,
) -> list[Interval]:
    """SPEC §1: the days of first..last on which one of the `mental_health` episodes and one of
    the `substance_misuse` episodes are both open (merged, sorted)."""
    if len(mental_health) == 1 and len(substance_misuse) == 1:
        return overlap_of(mental_health[0], substance_misuse[0], first, last)
    return intersect(
        clipped_intervals(mental_health, first, last), clipped_intervals(substance_misuse, first, last)
    )


def mutual_intervals(episodes: Sequence[Episode], month: Month) -> list[Interval]:
    """SPEC §1: the days of M on which some mental_health episode and some substance_misuse
    episode are both open."""
    mh = [e for e in episodes if e.service is Service.MENTAL_HEALTH]
    sm = [e for e in episodes if e.service is Service.SUBSTANCE_MISUSE]
    return mutual_of(mh, sm, month.first_day, month.last_day)


def overlaps(episode: Episode | EpisodeFact, intervals: Sequence[Interval]) -> bool:
    """Is the episode open on any day of the intervals?"""
    for start, end in intervals:
        if episode.start_date <= end and (episode.end_date is None or episode.end_date >= start):
            return True
    return False

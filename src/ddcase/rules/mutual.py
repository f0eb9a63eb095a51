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
    for episode in episodes:
        start = max(episode.start_date, first)
        end = last if episode.end_date is None else min(episode.end_date, last)
        if start <= end:
            raw.append((start, end))
    return raw if len(raw) < 2 else merge(raw)  # most clients have one episode a side


def merge(intervals: list[Interval]) -> list[Interval]:
    """Merge overlapping or touching inclusive intervals."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + _ONE_DAY:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The days in both lists of merged intervals."""
    result: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start <= end:
            result.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result


def mutual_intervals(episodes: Sequence[Episode], month: Month) -> list[Interval]:
    """SPEC §1: the days of M on which some mental_health episode and some substance_misuse
    episode are both open."""
    first, last = month.first_day, month.last_day
    mh = clipped_intervals((e for e in episodes if e.service is Service.MENTAL_HEALTH), first, last)
    sm = clipped_intervals((e for e in episodes if e.service is Service.SUBSTANCE_MISUSE), first, last)
    return intersect(mh, sm)


def overlaps(episode: Episode | EpisodeFact, intervals: Sequence[Interval]) -> bool:
    """Is the episode open on any day of the intervals?"""
    for start, end in intervals:
        if episode.start_date <= end and (episode.end_date is None or episode.end_date >= start):
            return True
    return False

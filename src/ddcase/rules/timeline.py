"""Pure: the counts of many months at once (a chart's series), judged as `figures.judged` judges
each client (SPEC §1, §2), with the work that does not depend on the month done once per client
instead of once per client and month.

A trust's 24-month chart judges tens of thousands of clients in each of 24 months. Here the
mutual days of the whole range are worked out once per client, and a client's months are judged
all at once, as sets of months (bits of an integer, `_CountPlan.count`): the months their run of
mutual days covers, consent from the month it was recorded in, each criterion counted from
contacts from the client's sorted days (one list for each criterion the criteria table counts
from contacts), each day looked up in a table of the months whose window it falls in. No loop
runs over a client's months.

A chart needs only each month's counts, not every client's `ClientMonth`: `judge_counts` says of
each month only whether the client is counted, excluded, mutual or jointly worked, reading the
enabled criteria from `MonthRule.checks` (the criteria table). A month with its clients is read
one way only, `services.figures.FiguresService.month()`. tests/rules/test_timeline.py checks on
random data that every month's counts come out exactly as `evaluate` gives them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from enum import IntEnum
from functools import lru_cache, reduce
from itertools import repeat
from operator import and_, attrgetter, itemgetter, or_
from typing import Any

from ddcase.domain import (
    ClientCountingFacts,
    ClientFacts,
    ContactDays,
    ContactFact,
    ContactKind,
    ContactMode,
    Criterion,
    Definition,
    EpisodeFact,
    Month,
    Service,
)
from ddcase.rules import criteria
from ddcase.rules.figures import CONSENT, NAMED, MonthCounts, MonthRule
from ddcase.rules.mutual import clipped_intervals, intersect, mutual_of


class _Tallied:
    """Which of the criteria table's contact tallies each kind of contact falls in (SPEC §2), and
    the one whose dates give the last joint contact: read from the table once for all clients."""

    def __init__(self) -> None:
        counted = criteria.contact_counts()
        # Tuples, not sets: a member is found by identity in C, where a set would hash each enum
        # member in Python (`Enum.__hash__`), for every contact of a trust's chart.
        self.kinds: list[tuple[ContactKind, ...]] = [tuple(how.kinds) for _, how in counted]
        self.outcomes = tuple(criteria.COUNTING_OUTCOMES)
        self.written = tuple(criteria.WRITTEN_MODES)
        self.latest = [r.name for r, _ in counted].index(criteria.LAST_CONTACT_OF)


class _CountingDates:
    """The sorted dates of a client's counting contacts (SPEC §1), one list for each tally of
    the criteria table, worked out once for each reading of `written_contacts_count` (indexed
    by it)."""

    def __init__(self, contacts: Sequence[ContactFact], tallied: _Tallied) -> None:
        self._contacts = contacts
        self.tallied = tallied
        self._dates: dict[bool, list[list[date]]] = {}

    def dates(self, written_count: bool) -> list[list[date]]:
        found = self._dates.get(written_count)
        if found is None:
            outcomes, written = self.tallied.outcomes, self.tallied.written
            # Comprehensions, not one loop appending to each list: this runs for every client
            # of a trust's chart.
            if written_count:
                counting = [(day, kind) for day, kind, _, outcome in self._contacts if outcome in outcomes]
            else:
                counting = [
                    (day, kind)
                    for day, kind, mode, outcome in self._contacts
                    if outcome in outcomes and mode not in written
                ]
            found = [sorted([day for day, kind in counting if kind in kinds]) for kinds in self.tallied.kinds]
            self._dates[written_count] = found
        return found

    __getitem__ = dates


def mode_sets(definitions: Iterable[Definition]) -> tuple[frozenset[ContactMode], ...]:
    """The sets of modes a range's definitions count (SPEC §1; one, unless the range has versions
    that differ on `written_contacts_count`): what storage reads a client's counting days for
    (`ContactDays`), in a fixed order."""
    return tuple(sorted({criteria.counted_modes(d) for d in definitions}, key=len))


class Counted(IntEnum):
    """How a client counts in a month's figure (for a team, when one is asked for)."""

    NOT_COUNTED = 0  # no mutual day in the month, or not of the team
    EXCLUDED = 1  # some mutual days, fewer than min_overlap_days (short_overlap)
    MUTUAL = 2  # a mutual client, not jointly worked
    JOINTLY_WORKED = 3  # a mutual client, jointly worked


_NOT_COUNTED, _EXCLUDED, _MUTUAL, _JOINTLY_WORKED = Counted


def judge_counts(
    facts: ClientFacts | ClientCountingFacts, rules: Sequence[MonthRule], team: str | None = None
) -> list[Counted]:
    """For each month's rule, how the client counts in that month's figure (for `team`, when
    given): what `judge_rules` gives, reduced to counted, excluded, mutual or jointly worked,
    without making a `ClientMonth`. tests/rules/test_timeline.py checks the two agree."""
    plan = _CountPlan(rules)
    tally = plan.new_tally()
    plan.count(facts, None if team is not None else tally, {team: tally} if team else {})
    totals = plan.totals(tally)
    return [plan.counted(k, totals) for k in range(len(rules))]


Tally = list[tuple[int, ...]]
"""What a count gives the months' rules: for each client it counts, the sets of rules (bit s: the
rule in slot s, `_CountPlan.slot_of`) in whose month the client is excluded, mutual, jointly
worked, then (with `every_criterion`) for each criterion mutual and the criterion holds.
`_CountPlan.totals` adds them up once all the clients are counted."""

Totals = list[list[int]]
"""A tally added up: for each of its sets, each slot's number of clients."""

#: A Tally's sets: the excluded, the mutual, the jointly worked, then those for whom each
#: criterion holds: consent, named workers, then each criterion counted from contacts
#: (`_CountPlan.keys`).
_EXCLUDED_AT, _MUTUAL_AT, _WORKED_AT, _CONSENT_AT, _NAMED_AT, _KEYS_AT = range(6)


class _CountPlan:
    """What counting a client reads of each month's rule, worked out once for all the clients:
    the months in date order with their days and rules (several when the same month is judged
    by several definitions), each rule a field of bits (its slot) in the sets of rules a count
    works with, and for each criterion the set of rules that enable it.

    A client's months are counted all at once, as sets of rules: the rules of the months that
    hold a mutual day of theirs (the months of their run of mutual days), less those that
    exclude them (a month's mutual days fewer than min_overlap_days: only a run's first and last
    months can be partial), and for each enabled criterion the rules for which it holds: consent
    from the first month ending on or after it was recorded, and a criterion counted from
    contacts from the client's days, each day standing for the rules whose window it falls in
    (`keys`: a table from each day to that set, worked out once). The jointly worked are the
    mutual for whom every enabled criterion holds.

    With `every_criterion`, each enabled criterion is judged for every mutual client (the
    family's process measures tally them: `months_held_of_teams`); without it, a criterion is
    judged only for the months in which every one before it held."""

    def __init__(self, rules: Sequence[MonthRule], every_criterion: bool = False) -> None:
        self.rules = rules
        self.every_criterion = every_criterion
        self.tallied = _Tallied()
        #: for each month in date order: its first and last days, its rules' bits, and each
        #: rule's bit with its min_overlap_days
        self.firsts: list[date] = []
        self.lasts: list[date] = []
        self.month_bits: list[int] = []
        self.month_rows: list[tuple[tuple[int, int], ...]] = []
        #: for each month, the largest min_overlap_days of its rules
        self.most: list[int] = []
        #: for each month k, the bits of the rules of the months before it; then all the rules
        self.below: list[int] = [0]
        #: each rule's slot: its bit in a set of rules
        self.slot_of: list[int] = [0] * len(rules)
        #: the rules whose whole month is shorter than their min_overlap_days
        self.short = 0
        #: the rules that enable consent, and named workers; and those that do not
        self.consent = self.named = 0
        self.no_consent = self.no_named = 0
        #: the lists of days the criteria counted from contacts read: (whether written
        #: contacts count, the tally)
        self.lists: list[tuple[bool, int]] = []
        #: each criterion counted from contacts, as (which of `lists`, the number needed, the
        #: rules that do not enable it, a table from each day to the rules whose window from the
        #: criterion's first day to the month's last it falls in; when more than one day is
        #: needed, to the rules whose window starts on or before it)
        self.keys: list[tuple[int, int, int, dict[date, int]]] = []
        #: a table from each day to the rules whose month ends on or after it
        self.ending_from: dict[date, int] = {}
        #: for each rule, its enabled criteria with the Tally set that counts each
        self.kinds_of: list[tuple[tuple[Criterion, int], ...]] = [()] * len(rules)
        self.modes_of = {
            r.definition.written_contacts_count: criteria.counted_modes(r.definition) for r in rules
        }
        #: the modes of the last `ContactDays` read (`days_of`), and where each of `lists` is in them
        self._modes_read: tuple[frozenset[ContactMode], ...] | None = None
        self._at: list[tuple[int, int]] = []
        #: when every list is in the same modes' days (most ranges: one set of modes), those
        #: lists picked at once (in C)
        self._pick: Callable[[Sequence[Sequence[date]]], tuple[Sequence[date], ...]] | None = None
        if not rules:
            return
        self.first = self.lo = min(r.first_day for r in rules)
        self.last = max(r.last_day for r in rules)
        lists: dict[tuple[bool, int], int] = {}
        keys: dict[tuple[int, int], int] = {}
        key_rules: list[int] = []
        key_starts: list[dict[date, int]] = []
        by_month: dict[tuple[date, date], list[int]] = {}
        for i in sorted(range(len(rules)), key=lambda i: rules[i].first_day):
            by_month.setdefault((rules[i].first_day, rules[i].last_day), []).append(i)
        slot = 0
        for (month_first, month_last), indexes in by_month.items():
            rows: list[tuple[int, int]] = []
            bits = 0
            for i in indexes:
                rule = rules[i]
                d = rule.definition
                bit = 1 << slot
                self.slot_of[i] = slot
                slot += 1
                bits |= bit
                rows.append((bit, d.min_overlap_days))
                if (month_last - month_first).days + 1 < d.min_overlap_days:
                    self.short |= bit
                kinds: list[tuple[Criterion, int]] = []
                for name, (how, index, needed) in zip(rule.enabled, rule.checks, strict=True):
                    if how == CONSENT:
                        self.consent |= bit
                        kinds.append((name, _CONSENT_AT))
                    elif how == NAMED:
                        self.named |= bit
                        kinds.append((name, _NAMED_AT))
                    elif needed <= 0:  # none needed: it holds for every mutual client
                        kinds.append((name, _MUTUAL_AT))
                    else:
                        which = lists.setdefault((d.written_contacts_count, index), len(lists))
                        key = keys.setdefault((which, needed), len(keys))
                        if key == len(key_rules):
                            key_rules.append(0)
                            key_starts.append({})
                        key_rules[key] |= bit
                        since = rule.contacts.tallies[index].first
                        key_starts[key][since] = key_starts[key].get(since, 0) | bit
                        self.lo = min(self.lo, since)
                        kinds.append((name, _KEYS_AT + key))
                self.kinds_of[i] = tuple(kinds)
            self.firsts.append(month_first)
            self.lasts.append(month_last)
            self.month_bits.append(bits)
            self.month_rows.append(tuple(rows))
            self.most.append(max(min_overlap for _, min_overlap in rows))
            self.below.append(self.below[-1] | bits)
        every = self.below[-1]
        self.no_consent, self.no_named = every ^ self.consent, every ^ self.named
        self.lists = list(lists)
        # The tables, for each day from the first any window reads to the last month's last.
        days = [self.lo + timedelta(days=n) for n in range((self.last - self.lo).days + 1)]
        ends: dict[date, int] = {}
        for month_last, bits in zip(self.lasts, self.month_bits, strict=True):
            ends[month_last] = ends.get(month_last, 0) | bits
        open_rules = every
        for day in days:
            self.ending_from[day] = open_rules
            open_rules &= ~ends.get(day, 0)
        ending_from = self.ending_from
        for (which, needed), key in keys.items():
            starts, started, table = key_starts[key], 0, {}
            for day in days:
                started |= starts.get(day, 0)
                table[day] = started & ending_from[day] if needed == 1 else started
            self.keys.append((which, needed, every ^ key_rules[key], table))

    def new_tally(self) -> Tally:
        """An empty tally."""
        return []

    def totals(self, tally: Tally) -> Totals:
        """The tally added up. The clients with the same set are added up together (set by set),
        and each set's bits are spread into fields of `width` bits of one integer (a table for
        each `_CHUNK` bits of the set), so that one addition adds a client to every slot: no field can hold more
        than the tally's clients."""
        size = (_KEYS_AT + len(self.keys)) if self.every_criterion else _CONSENT_AT
        width = max(len(tally).bit_length(), 1)
        spread = _spread(width)
        step = _CHUNK * width
        packed = [0] * size
        for at, column in enumerate(zip(*tally, strict=True)):  # each set, for all the clients
            added = 0
            for rules, n in Counter(column).items():
                shift = 0
                while rules:
                    added += spread[rules & _CHUNK_MASK] * n << shift
                    rules >>= _CHUNK
                    shift += step
            packed[at] = added
        field = (1 << width) - 1
        return [[added >> (slot * width) & field for slot in range(len(self.rules))] for added in packed]

    def counted(self, k: int, totals: Totals) -> Counted:
        """How the one client a tally has counted counts in rule k's month."""
        slot = self.slot_of[k]
        if totals[_EXCLUDED_AT][slot]:
            return _EXCLUDED
        if totals[_WORKED_AT][slot]:
            return _JOINTLY_WORKED
        return _MUTUAL if totals[_MUTUAL_AT][slot] else _NOT_COUNTED

    def month_counts(self, k: int, totals: Totals, team: str | None) -> MonthCounts:
        """Rule k's counts from a tally's totals."""
        rule, slot = self.rules[k], self.slot_of[k]
        return MonthCounts(
            rule.month,
            team,
            rule.definition,
            totals[_MUTUAL_AT][slot],
            totals[_WORKED_AT][slot],
            totals[_EXCLUDED_AT][slot],
        )

    def held(self, k: int, totals: Totals) -> tuple[tuple[Criterion, int], ...]:
        """For each criterion rule k enables, the mutual clients for whom it holds (counted with
        `every_criterion`)."""
        slot = self.slot_of[k]
        return tuple((name, totals[at][slot]) for name, at in self.kinds_of[k])

    def days_of(self, contacts: ContactDays | Sequence[ContactFact]) -> Sequence[Sequence[date]]:
        """The client's sorted days of each of `lists` (the lists the criteria read). A day
        outside the tables (before any window, after the last month) is in no rule's window."""
        if isinstance(contacts, ContactDays):
            # Where each list is in the client's days (`ContactDays.of_modes`), found once for
            # all the clients whose days were read with the same modes (storage shares them).
            modes = contacts.modes
            if modes is not self._modes_read:
                self._modes_read = modes
                self._at = [(modes.index(self.modes_of[written]), index) for written, index in self.lists]
                one = len({at for at, _ in self._at}) == 1 and len(self._at) > 1
                self._pick = itemgetter(*(index for _, index in self._at)) if one else None
            days = contacts.days
            if self._pick is not None:
                return self._pick(days[self._at[0][0]])
            return [days[at][index] for at, index in self._at]
        dates = _CountingDates(contacts, self.tallied)
        return [dates[written][index] for written, index in self.lists]

    def count(
        self, facts: ClientFacts | ClientCountingFacts, every_team: Tally | None, by_team: dict[str, Tally]
    ) -> None:
        """Add the client to the tally of each month in which they count: to `every_team` (the
        figure for all teams), when given, and to `by_team[T]` for each team T they count for
        in that month (SPEC §1: through a mental_health episode of T open on a mutual day of
        the month). How a client counts in a month does not depend on the team, so it is judged
        once for all the tallies, and for all the months at once (as sets of rules)."""
        if not self.rules:
            return
        episodes = facts.episodes
        mh = [e for e in episodes if e.service is _MENTAL_HEALTH]
        sm = [e for e in episodes if e.service is _SUBSTANCE_MISUSE]
        if not mh or not sm:
            return
        # The mental_health episodes of each team asked for.
        of_teams: dict[str, list[EpisodeFact]] = {}
        if by_team:
            for e in mh:
                if e.team and e.team in by_team:
                    of_teams.setdefault(e.team, []).append(e)
        if every_team is None and not of_teams:
            return
        first, last = self.first, self.last
        mutual = mutual_of(mh, sm, first, last)
        if not mutual:
            return
        firsts, lasts, below, month_bits = self.firsts, self.lasts, self.below, self.month_bits
        span_first, span_last = mutual[0][0], mutual[-1][1]
        k_first = bisect_left(lasts, span_first)
        k_end = bisect_right(firsts, span_last)
        if k_first >= k_end:
            return  # the mutual days fall between the months asked for
        # The rules of the months that hold a mutual day of one of the teams' episodes: a run
        # from `start` to `end` holds a day of the months from the first ending on or after
        # `start` to the last starting on or before `end` (none, when it falls between two).
        to_teams: list[tuple[Tally, int]] = []
        whole: list[Tally] = []
        for team, team_episodes in of_teams.items():
            if len(team_episodes) == len(mh):
                # Most clients' mental_health episodes are all of one team: its mutual days are
                # theirs, and so its months (the tally takes the sets as they are; no month at
                # all, and they are all empty, adding nothing).
                whole.append(by_team[team])
                continue
            of_team = 0
            for start, end in intersect(clipped_intervals(team_episodes, first, last), mutual):
                of_team |= below[bisect_right(firsts, end)] ^ below[bisect_left(lasts, start)]
            if of_team:
                to_teams.append((by_team[team], of_team))
        if every_team is None and not to_teams and not whole:
            return
        # The rules of the months holding mutual days, less those excluded: fewer mutual days
        # than min_overlap_days (a whole month too short, or a partial month's days). Most
        # clients have one run of mutual days, which covers every month between its first and
        # its last whole.
        month_rows, most = self.month_rows, self.most
        partial: dict[int, list[Any]] = {}
        if len(mutual) == 1:
            inside = below[k_end] ^ below[k_first]
            excluded = inside & self.short
            k = k_first
            while True:  # the run's first month, then its last
                a = span_first if span_first > firsts[k] else firsts[k]
                z = span_last if span_last < lasts[k] else lasts[k]
                days = (z - a).days + 1
                if days < most[k]:
                    for bit, min_overlap in month_rows[k]:
                        if days < min_overlap:
                            excluded |= bit
                if k == k_end - 1:
                    break
                k = k_end - 1
        else:
            # Each month's mutual days: their number and the last of them.
            inside = 0
            for start, end in mutual:
                k = bisect_left(lasts, start)
                while k < k_end and firsts[k] <= end:
                    a = start if start > firsts[k] else firsts[k]
                    z = end if end < lasts[k] else lasts[k]
                    found_days = partial.get(k)
                    if found_days is None:
                        partial[k] = [(z - a).days + 1, z]
                        inside |= month_bits[k]
                    else:
                        found_days[0] += (z - a).days + 1
                        found_days[1] = z
                    k += 1
            excluded = inside & self.short
            for k, (days, _) in partial.items():
                for bit, min_overlap in month_rows[k]:
                    if days < min_overlap:
                        excluded |= bit
        mutual_rules = inside ^ excluded
        # Jointly worked: the mutual rules for which every criterion the rule enables holds.
        # Without `every_criterion`, a criterion is judged only for the rules still in `worked`.
        every = self.every_criterion
        worked = mutual_rules
        held = [0] * (2 + len(self.keys)) if every else None
        if (mutual_rules if every else worked) & self.consent:
            consent = facts.consent_to_share_on
            # Consent holds in the months ending on or after the day it was recorded.
            ok = 0 if consent is None else below[-1] ^ below[bisect_left(lasts, consent)]
            worked &= ok | self.no_consent
            if held is not None:
                held[0] = ok
        if self.keys and (mutual_rules if every else worked):
            lists = self.days_of(facts.contacts)
            ending: Callable[[date, int], int] = self.ending_from.get
            for j, (which, needed, missing, table) in enumerate(self.keys):
                if not (mutual_rules if every else worked) & ~missing:
                    continue
                dated = lists[which]
                windows: Callable[[date, int], int] = table.get
                if needed == 1:
                    # The rules for which one of the days falls in the window.
                    ok = reduce(or_, map(windows, dated, _NONE), 0)
                else:
                    # At least `needed` days in the window: for some day, the window starts on or
                    # before it and ends on or after the (needed-1)-th day after it.
                    ok = reduce(
                        or_,
                        map(
                            and_,
                            map(windows, dated, _NONE),
                            map(ending, dated[needed - 1 :], _NONE),
                        ),
                        0,
                    )
                worked &= ok | missing
                if held is not None:
                    held[2 + j] = ok
        if (mutual_rules if every else worked) & self.named:
            # Named workers hold in a month when both sides name one on its last mutual day
            # (SPEC §2, as `judged` finds it: a named episode open on the day is always preferred
            # to an unnamed one, `criteria.speakers`). Most clients' episodes all name a worker
            # (seen for all of them at once, in C: no None among the workers, none blank once
            # stripped): it holds on every mutual day.
            workers = list(map(_WORKER, episodes))
            if None not in workers and all(map(str.strip, workers)):
                ok = below[-1]
            else:
                # criteria.names_a_worker, inline
                named_mh = [e for e in mh if e.worker and e.worker.strip()]
                named_sm = [e for e in sm if e.worker and e.worker.strip()]
                # A month of mutual days to its end, on its last day: the months whose last day
                # both sides' named episodes cover (each side's a union of sets, one an episode:
                # no intervals merged).
                # A side whose episodes all name one covers every mutual day: no set to work out.
                ok = (below[-1] if len(named_mh) == len(mh) else _ends_within(named_mh, lasts, below)) & (
                    below[-1] if len(named_sm) == len(sm) else _ends_within(named_sm, lasts, below)
                )
                # In a month of mutual days not to its end, on the last of them: in the last
                # month of a run (one run: the client's last month), when it ends before it.
                ends = (
                    ((k_end - 1, span_last),)
                    if len(mutual) == 1
                    else ((k, last_mutual) for k, (_, last_mutual) in partial.items())
                )
                for k, last_mutual in ends:
                    if last_mutual < lasts[k]:
                        bits = month_bits[k]
                        on = _open_on(named_mh, last_mutual) and _open_on(named_sm, last_mutual)
                        ok = ok & ~bits | (bits if on else 0)
            worked &= ok | self.no_named
            if held is not None:
                held[1] = ok
        if held is None:
            sets: tuple[int, ...] = (excluded, mutual_rules, worked)
        else:
            sets = (excluded, mutual_rules, worked, *map(and_, held, repeat(mutual_rules)))
        if every_team is not None:
            every_team.append(sets)
        for tally in whole:
            tally.append(sets)
        for tally, of_team in to_teams:
            # Every set is within `inside`: a team that has all the client's months has the sets
            # as they are.
            tally.append(sets if inside & of_team == inside else tuple(map(and_, sets, repeat(of_team))))


#: The default of a day's look-up in a table (`map(table.get, days, _NONE)`): a day outside it
#: is in no rule's window.
_NONE = repeat(0)

_CHUNK = 12
_CHUNK_MASK = (1 << _CHUNK) - 1


@lru_cache(maxsize=8)
def _spread(width: int) -> list[int]:
    """For each number of `_CHUNK` bits, the number with bit i moved to bit i × width."""
    table = [0]
    for n in range(1, 1 << _CHUNK):
        table.append(table[n >> 1] << width | n & 1)
    return table


#: The services as module names: an enum's member read from its class (`Service.MENTAL_HEALTH`)
#: is a Python-level attribute look-up (about 0.2 µs), made here for every episode of a chart.
_MENTAL_HEALTH, _SUBSTANCE_MISUSE = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE


_WORKER = attrgetter("worker")


def _ends_within(episodes: list[EpisodeFact], lasts: list[date], below: list[int]) -> int:
    """The rules of the months whose last day (`lasts`, in date order; `below`, the bits of the
    months before each) one of the episodes is open on."""
    bits = 0
    for e in episodes:
        end = e.end_date
        bits |= (
            below[len(lasts) if end is None else bisect_right(lasts, end)]
            ^ below[bisect_left(lasts, e.start_date)]
        )
    return bits


def _open_on(episodes: list[EpisodeFact], day: date) -> bool:
    """Whether one of the episodes is open on `day`."""
    for e in episodes:
        if e.start_date <= day and (e.end_date is None or day <= e.end_date):
            return True
    return False


def months_counts(
    clients: Iterable[ClientFacts | ClientCountingFacts],
    months: Sequence[Month],
    definitions: Sequence[Definition],
    team: str | None = None,
) -> list[MonthCounts]:
    """`month_figures(...).counts()` for each month M (judged by the matching definition),
    optionally for one team, judging each client once for all the months and making no
    `ClientMonth`."""
    return months_counts_of_teams(clients, months, definitions, [team])[0]


def months_counts_of_teams(
    clients: Iterable[ClientFacts | ClientCountingFacts],
    months: Sequence[Month],
    definitions: Sequence[Definition],
    teams: Sequence[str | None],
) -> list[list[MonthCounts]]:
    """`months_counts` for each of `teams` (None: all teams), in one pass over the clients: each
    client is judged once a month for all the teams (the figure for all teams and their own
    team's figure alike)."""
    plan, tallies = _tallies(clients, months, definitions, teams, every_criterion=False)
    return [[plan.month_counts(k, tally, team) for k in range(len(months))] for team, tally in tallies]


MonthHeld = tuple[MonthCounts, tuple[tuple[Criterion, int], ...]]
"""A month's counts with, for each criterion its definition enables (in the criteria table's
order), the number of its mutual clients for whom that criterion holds."""


def months_held_of_teams(
    clients: Iterable[ClientFacts | ClientCountingFacts],
    months: Sequence[Month],
    definitions: Sequence[Definition],
    teams: Sequence[str | None],
) -> list[list[MonthHeld]]:
    """`months_counts_of_teams` with each month's criteria tallied from the same pass: each
    enabled criterion judged for every mutual client (as `month_figures(...)` gives it: the
    mutual clients `c` with `c.holds(criterion)`). The family's process measures read these."""
    plan, tallies = _tallies(clients, months, definitions, teams, every_criterion=True)
    return [
        [(plan.month_counts(k, tally, team), plan.held(k, tally)) for k in range(len(months))]
        for team, tally in tallies
    ]


def _tallies(
    clients: Iterable[ClientFacts | ClientCountingFacts],
    months: Sequence[Month],
    definitions: Sequence[Definition],
    teams: Sequence[str | None],
    *,
    every_criterion: bool,
) -> tuple[_CountPlan, list[tuple[str | None, Totals]]]:
    """Each of `teams` with its tally of the months, from one pass over the clients."""
    plan = _CountPlan([MonthRule.of(m, d) for m, d in zip(months, definitions, strict=True)], every_criterion)
    every_team = plan.new_tally() if None in teams else None
    by_team = {team: plan.new_tally() for team in teams if team}
    for facts in clients:
        plan.count(facts, every_team, by_team)
    return plan, [
        (team, plan.totals((every_team if team is None else by_team.get(team)) or plan.new_tally()))
        for team in teams
    ]

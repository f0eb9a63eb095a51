"""Pure: the criteria table of the operational definition (SPEC §2), each criterion declared once.

An entry says what the criterion is called (SPEC §2's name, the JSON's), which `Definition` field
turns it on and which fields are its parameters, its label and its "why not" text, and how it is
counted. Every path that judges, counts or explains reads this table: `figures.judged` and
`MonthRule` (the judgement), `timeline._CountPlan` (the fast counts of a series), the SQL's filter
and counts in `storage.repository` (handed a `CountingContacts` made here) and the to-do.

Adding a criterion is an entry in `CRITERIA`, its `Definition` field (and that field's migration)
and the definition dialog's field. A criterion counted from contacts needs nothing more:
`ContactCount` says which kinds, over which days and how many. tests/rules/test_criteria.py
adds a made-up one in a few lines.

SPEC §1: only counting contacts count: attended, and not written (email, letter) unless the
definition's `written_contacts_count` is on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ddcase.domain import (
    JOINT_KINDS,
    Contact,
    ContactFact,
    ContactKind,
    ContactMode,
    ContactTally,
    CountingContacts,
    Criterion,
    Definition,
    Episode,
    EpisodeFact,
    EpisodeLine,
    Month,
    Outcome,
    Service,
    window_start,
)

#: SPEC §1: the outcome of a counting contact.
COUNTING_OUTCOMES = frozenset({Outcome.ATTENDED})
#: SPEC §1: the modes that count only when the definition's `written_contacts_count` is on.
WRITTEN_MODES = frozenset(m for m in ContactMode if m.is_written)
_SPOKEN_MODES = frozenset(ContactMode) - WRITTEN_MODES


@dataclass(frozen=True, slots=True)
class NamedWorkers:
    """Held when, on the last mutual day of M, the episode that speaks for each side names a
    worker (`speaking_episode`)."""


@dataclass(frozen=True, slots=True)
class ConsentRecorded:
    """Held when the client's `consent_to_share_on` is on or before the last day of M."""


@dataclass(frozen=True, slots=True)
class ContactCount:
    """Held when at least `minimum` (a Definition field) counting contacts of `kinds` are dated
    within the `window_days` (a Definition field) days ending on the last day of M, or within M
    when `window_days` is None."""

    kinds: frozenset[ContactKind]
    minimum: str
    window_days: str | None = None

    def needed(self, definition: Definition) -> int:
        return int(getattr(definition, self.minimum))

    def since(self, month: Month, definition: Definition) -> date:
        """The first day of the contacts counted for month M."""
        if self.window_days is None:
            return month.first_day
        return window_start(month.last_day, int(getattr(definition, self.window_days)))


@dataclass(frozen=True, slots=True)
class CriterionRule:
    """One criterion of SPEC §2, declared once."""

    name: Criterion
    #: the `Definition` field that enables it (by convention the criterion's name)
    flag: str
    #: its `Definition` parameters, for the dialog and the tests' generators
    parameters: tuple[str, ...]
    label: str
    #: what a coordinator reads when it does not hold
    why_not: str
    counted: NamedWorkers | ConsentRecorded | ContactCount


#: The criteria in the order of SPEC §2's table (the order of `failed_criteria`).
CRITERIA: tuple[CriterionRule, ...] = (
    CriterionRule(
        Criterion.NAMED_WORKERS,
        "named_workers",
        (),
        "Named workers",
        "no named care coordinator or key worker",
        NamedWorkers(),
    ),
    CriterionRule(
        Criterion.CONSENT,
        "consent",
        (),
        "Consent to share",
        "no consent to share recorded",
        ConsentRecorded(),
    ),
    CriterionRule(
        Criterion.JOINT_CONTACT,
        "joint_contact",
        ("joint_contacts_min", "joint_contact_window_days"),
        "Joint contact",
        "no joint appointment or care plan review in the window",
        ContactCount(JOINT_KINDS, "joint_contacts_min", "joint_contact_window_days"),
    ),
    CriterionRule(
        Criterion.LIAISON,
        "liaison",
        ("liaison_contacts_min",),
        "Liaison this month",
        "no liaison this month",
        ContactCount(JOINT_KINDS | {ContactKind.LIAISON}, "liaison_contacts_min"),
    ),
)

#: The criterion whose contacts give a client's last joint contact (shown beside the figures).
LAST_CONTACT_OF = Criterion.JOINT_CONTACT


def table() -> tuple[CriterionRule, ...]:
    """The criteria table as it stands (read at the time of use, so that a test may extend it)."""
    return CRITERIA


def rule_of(name: str) -> CriterionRule:
    for rule in table():
        if rule.name == name:
            return rule
    raise KeyError(name)


def label(name: str) -> str:
    return rule_of(name).label


def why_not(name: str) -> str:
    """What a coordinator reads when criterion `name` does not hold."""
    return rule_of(name).why_not


def counted_modes(definition: Definition) -> frozenset[ContactMode]:
    """SPEC §1: the modes of a counting contact under `definition`."""
    return frozenset(ContactMode) if definition.written_contacts_count else _SPOKEN_MODES


def is_counting(contact: Contact | ContactFact, definition: Definition) -> bool:
    """SPEC §1: a counting contact is attended, and not by email or letter unless
    `written_contacts_count` is on."""
    if contact.outcome not in COUNTING_OUTCOMES:
        return False
    return definition.written_contacts_count or contact.mode not in WRITTEN_MODES


def contact_counts() -> tuple[tuple[CriterionRule, ContactCount], ...]:
    """The criteria counted from contacts, in table order: each month's judgement counts a
    client's contacts once for each of them (enabled or not: the counts are shown)."""
    return tuple((r, r.counted) for r in table() if isinstance(r.counted, ContactCount))


def counting_contacts(months: Sequence[tuple[Month, Definition]]) -> CountingContacts:
    """Which contacts can count in some month M of `months` (each with the definition in force
    for it), as storage is handed them: the counting outcomes and modes, one tally per criterion
    counted from contacts (its kinds from the earliest day any month counts them to the last
    month's last day), and the tally of the last joint contact (from the earlier of the window's
    and the month's first day). For one month, the tallies are exactly that month's counts."""
    if not months:
        raise ValueError("no months")
    last = max(m.last_day for m, _ in months)
    modes: set[ContactMode] = set()
    for _, definition in months:
        modes |= counted_modes(definition)
    tallies = tuple(
        ContactTally(counted.kinds, min(counted.since(m, d) for m, d in months), last)
        for _, counted in contact_counts()
    )
    latest = rule_of(LAST_CONTACT_OF).counted
    assert isinstance(latest, ContactCount)
    latest_from = min(min(latest.since(m, d), m.first_day) for m, d in months)
    return CountingContacts(
        COUNTING_OUTCOMES, frozenset(modes), tallies, ContactTally(latest.kinds, latest_from, last)
    )


def names_a_worker(episode: Episode | EpisodeFact) -> bool:
    """SPEC §1: the worker may be blank while unallocated; blank includes whitespace only."""
    return bool(episode.worker and episode.worker.strip())


#: An enum's member read from its class is a Python-level look-up (about 0.2 µs): `speakers`
#: runs for every client of a trust's month.
_MENTAL_HEALTH = Service.MENTAL_HEALTH
_SEQUENCES = (tuple, list)


def speakers(
    episodes: Iterable[Episode | EpisodeFact | EpisodeLine], day: date
) -> tuple[str | None, str | None, str | None]:
    """(care coordinator, key worker, provider) on `day`, from the episode that speaks for each
    side (`episodes` in the order they were recorded): of those open on the day, a named one
    first, then the latest started; of equals, the last recorded. The worker is None when that
    episode names nobody; the provider is the substance_misuse episode's organisation (None when
    none is open). The one choice of the named worker: the figures (`figures.judged`) and the
    contact form (`services.casework.current_workers`) both make it here."""
    if type(episodes) in _SEQUENCES and len(episodes) == 2:  # type: ignore[arg-type]
        # Most clients: one episode a side, each the only one of its side (when open on the day).
        a, b = episodes
        if (
            a.service is not b.service
            and a.start_date <= day
            and b.start_date <= day
            and (a.end_date is None or day <= a.end_date)
            and (b.end_date is None or day <= b.end_date)
        ):
            if a.service is not _MENTAL_HEALTH:
                a, b = b, a
            coordinator, key_worker = a.worker, b.worker
            return (
                coordinator if coordinator and coordinator.strip() else None,
                key_worker if key_worker and key_worker.strip() else None,
                b.organisation,
            )
    mh: Episode | EpisodeFact | EpisodeLine | None = None
    sm: Episode | EpisodeFact | EpisodeLine | None = None
    mh_key: tuple[bool, date] | None = None
    sm_key: tuple[bool, date] | None = None
    for e in episodes:
        if e.start_date <= day and (e.end_date is None or day <= e.end_date):
            worker = e.worker
            key = (bool(worker and worker.strip()), e.start_date)
            if e.service is _MENTAL_HEALTH:
                if mh_key is None or key >= mh_key:
                    mh, mh_key = e, key
            elif sm_key is None or key >= sm_key:
                sm, sm_key = e, key
    return (
        mh.worker if mh is not None and mh_key is not None and mh_key[0] else None,
        sm.worker if sm is not None and sm_key is not None and sm_key[0] else None,
        sm.organisation if sm is not None else None,
    )


def named_workers_on(
    episodes: Iterable[Episode | EpisodeFact | EpisodeLine], day: date
) -> tuple[str | None, str | None]:
    """(care coordinator, key worker) on `day`, as `speakers` chooses them."""
    coordinator, key_worker, _ = speakers(episodes, day)
    return coordinator, key_worker

"""Plain, frozen values for the things ddcase records (SPEC §1, §2).

Workers are named by (service, name), unique within a side; clients by `client_ref`. `id` and
`version` are None/0 on a draft that has not been saved; `version` carries optimistic locking.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar

from ddcase.domain.enums import (
    ContactKind,
    ContactMode,
    Criterion,
    Outcome,
    ReferralRoute,
    Role,
    Service,
)
from ddcase.domain.month import Month

_T = TypeVar("_T")


def set_by_slots(cls: type[_T]) -> type[_T]:
    """A frozen, slotted dataclass's `__init__` made to set each field through its slot directly,
    with the same parameters, defaults and result: the generated one sets each field by
    `object.__setattr__(self, name, value)` (how a frozen class gets round its own refusal), a
    look-up by name each: about 1 µs more an `Episode`, some 0.1 s of an import's stage 1 for a
    trust's 120,000 episodes (issue 18, docs/performance.md). Nothing else changes: equality,
    hashing, `repr`, `replace` and the refusal of any later assignment are the dataclass's own.
    Only for fields with plain defaults (no factories) and no `__post_init__`."""
    found = fields(cls)  # type: ignore[arg-type]  # a dataclass, as every caller's is
    assert not hasattr(cls, "__post_init__")
    assert all(f.default_factory is MISSING and f.init for f in found)
    namespace: dict[str, Any] = {}
    parameters, lines = [], []
    for f in found:
        namespace[f"_set_{f.name}"] = getattr(cls, f.name).__set__  # the slot's member descriptor
        if f.default is MISSING:
            parameters.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            parameters.append(f"{f.name}=_default_{f.name}")
        lines.append(f"    _set_{f.name}(self, {f.name})")
    source = f"def __init__(self, {', '.join(parameters)}):\n" + "\n".join(lines) + "\n"
    exec(source, namespace)  # noqa: S102 - as dataclasses makes its own __init__, from the fields alone
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**{f.name: f.type for f in found}, "return": None}
    init.__doc__ = cls.__init__.__doc__  # the class's own
    setattr(cls, "__init__", init)  # noqa: B010 - assigning a method: mypy keeps the dataclass's
    return cls


@set_by_slots
@dataclass(frozen=True, slots=True)
class Worker:
    name: str
    organisation: str
    service: Service
    role: Role | None = None
    email: str | None = None
    phone: str | None = None
    id: int | None = None
    version: int = 0
    #: The day the worker left the team: no longer offered from that day on, but kept, with
    #: every record naming them, for the history and the figures (revision 0009).
    left_on: date | None = None

    def is_available_on(self, day: date) -> bool:
        """Still in the team on `day`: not yet left by then."""
        return self.left_on is None or day < self.left_on


def available_workers(
    workers: Iterable[Worker], day: date, keep: Iterable[Worker | str | None] = ()
) -> list[Worker]:
    """The workers a picker offers on `day`: those who have not left by then, and any of `keep`
    (a worker, or a name) that a record being edited already names, so editing never drops one."""
    kept = {k if isinstance(k, str) else k.name for k in keep if k}
    return [w for w in workers if w.is_available_on(day) or w.name in kept]


@set_by_slots
@dataclass(frozen=True, slots=True)
class Client:
    client_ref: str
    initials: str
    nhs_number: str | None = None
    date_of_birth: date | None = None
    ethnicity: str | None = None
    referral_route: ReferralRoute | None = None
    consent_to_share_on: date | None = None
    id: int | None = None
    version: int = 0


@set_by_slots
@dataclass(frozen=True, slots=True)
class Episode:
    client_ref: str
    service: Service
    organisation: str
    start_date: date
    end_date: date | None = None
    team: str | None = None
    worker: str | None = None
    id: int | None = None
    version: int = 0

    def is_open_on(self, day: date) -> bool:
        """Dates are inclusive; an episode with no end date is open."""
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


@dataclass(frozen=True, slots=True)
class Contact:
    client_ref: str
    date: date
    kind: ContactKind
    mode: ContactMode
    outcome: Outcome = Outcome.ATTENDED
    mh_worker: str | None = None
    sm_worker: str | None = None
    client_present: bool | None = None
    duration_minutes: int | None = None
    note: str | None = None
    id: int | None = None
    version: int = 0

    def match_key(self) -> tuple[object, ...]:
        """SPEC §3: a contact is matched by all of its columns."""
        return (
            self.client_ref,
            self.date,
            self.kind,
            self.mode,
            self.outcome,
            self.mh_worker,
            self.sm_worker,
            self.client_present,
            self.duration_minutes,
            self.note,
        )


@dataclass(frozen=True, slots=True)
class Definition:
    """One version of the operational definition of a jointly worked case (SPEC §2).

    `first_month` None means "from the beginning" (version 1).
    """

    version: int = 1
    first_month: Month | None = None
    named_workers: bool = True
    consent: bool = True
    joint_contact: bool = True
    liaison: bool = True
    joint_contacts_min: int = 1
    joint_contact_window_days: int = 90
    liaison_contacts_min: int = 1
    min_overlap_days: int = 14
    written_contacts_count: bool = False
    agreed_on: date | None = None
    note: str | None = None
    #: when and where the team agreed it, in their words ("team meeting 3 Dec")
    agreed_in: str | None = None

    def enabled(self) -> tuple[Criterion, ...]:
        """The enabled criteria, in SPEC order."""
        return tuple(c for c in Criterion if getattr(self, c.value))

    def rules(self) -> tuple[object, ...]:
        """What decides a figure: the criteria and parameters, not the version's number, first
        month, note or when and where it was agreed."""
        return tuple(getattr(self, name) for name in RULE_FIELDS)

    def with_parameters(self, **changes: object) -> Definition:
        return replace(self, **changes)  # type: ignore[arg-type]  # fields named at run time; replace() checks them

    def plain_words(self) -> str:
        """The definition as a team would say it, for screens and reports."""
        written = "" if not self.written_contacts_count else " (emails and letters count)"
        parts = []
        if self.named_workers:
            parts.append("both services name a worker")
        if self.consent:
            parts.append("consent to share is recorded")
        if self.joint_contact:
            n = self.joint_contacts_min
            parts.append(
                f"at least {n} joint appointment{'s' if n != 1 else ''} or care plan review"
                f"{'s' if n != 1 else ''} in the last {self.joint_contact_window_days} days"
            )
        if self.liaison:
            n = self.liaison_contacts_min
            parts.append(f"at least {n} liaison contact{'s' if n != 1 else ''} in the month")
        criteria = "; ".join(parts) if parts else "no criteria enabled"
        return (
            f"Jointly worked when {criteria}{written}. Mutual clients are open to both services "
            f"for at least {self.min_overlap_days} days of the month."
        )


#: The fields of a Definition that decide a figure (SPEC §2).
RULE_FIELDS = (
    "named_workers",
    "consent",
    "joint_contact",
    "liaison",
    "joint_contacts_min",
    "joint_contact_window_days",
    "liaison_contacts_min",
    "min_overlap_days",
    "written_contacts_count",
)


@dataclass(frozen=True, slots=True)
class ClientHistory:
    """What the rules need to know of one client: the client, every episode, and the contacts
    (all of them, or at least those from the earliest window that will be judged)."""

    client: Client
    episodes: tuple[Episode, ...]
    contacts: tuple[Contact, ...]


class ContactFact(NamedTuple):
    """What the figures read of a contact: SPEC §2, "only a contact's client, kind, mode, outcome
    and date matter". A plain tuple, so that a year of a trust's contacts loads quickly."""

    date: date
    kind: ContactKind
    mode: ContactMode
    outcome: Outcome


class EpisodeFact(NamedTuple):
    """What the figures read of an episode (its service, provider, dates, team and worker), as
    `Episode` has them. A plain tuple, so that a trust's episodes load quickly."""

    service: Service
    organisation: str
    start_date: date
    end_date: date | None
    team: str | None
    worker: str | None

    @classmethod
    def of(cls, episode: Episode | EpisodeLine) -> EpisodeFact:
        return cls(
            episode.service,
            episode.organisation,
            episode.start_date,
            episode.end_date,
            episode.team,
            episode.worker,
        )


class EpisodeLine(NamedTuple):
    """An episode as `Episode` has it (the same fields in the same order: `Episode(*line)`), as a
    plain tuple: what the discharge guard reads of the episodes round a range's endings (some
    23,000 in a trust's 24 months), of which it makes an `Episode` only for the few thousand that
    are discharges (issue 18)."""

    client_ref: str
    service: Service
    organisation: str
    start_date: date
    end_date: date | None
    team: str | None
    worker: str | None
    id: int | None
    version: int

    def episode(self) -> Episode:
        return Episode(*self)

    def fact(self) -> EpisodeFact:
        return EpisodeFact.of(self)


class ClientFacts(NamedTuple):
    """What the monthly figures need of one client: the client's reference, initials and consent
    date, every episode (in a fixed order) and the contacts that could count (SPEC §1), as facts.
    Judged by the rules exactly as the `ClientHistory` it was read from. A plain tuple, as are its
    episodes and contacts: a trust's month has thousands."""

    client_ref: str
    initials: str
    consent_to_share_on: date | None
    episodes: tuple[EpisodeFact, ...]
    contacts: tuple[ContactFact, ...]

    @classmethod
    def of(cls, history: ClientHistory) -> ClientFacts:
        client = history.client
        return cls(
            client.client_ref,
            client.initials,
            client.consent_to_share_on,
            tuple(EpisodeFact.of(e) for e in history.episodes),
            tuple(ContactFact(c.date, c.kind, c.mode, c.outcome) for c in history.contacts),
        )


class ContactTally(NamedTuple):
    """Contacts of `kinds` dated `first`..`last`: one criterion's contacts, as storage counts them."""

    kinds: frozenset[ContactKind]
    first: date
    last: date


@dataclass(frozen=True, slots=True)
class CountingContacts:
    """Which contacts count for the figures of a month (or a range of months) under the
    definition in force (SPEC §1, §2), as `rules.criteria.counting_contacts` works it out from
    the criteria table: of `outcomes` and `modes`, one tally for each criterion counted from
    contacts (in table order), and `latest`, whose last date is the client's last joint contact.
    Storage reads or counts the contacts it says, without restating the rule."""

    outcomes: frozenset[Outcome]
    modes: frozenset[ContactMode]
    tallies: tuple[ContactTally, ...]
    latest: ContactTally


class ContactCounts(NamedTuple):
    """A client's counting contacts (SPEC §1) as month M's judgement reads them: how many fall in
    each tally of the month's `CountingContacts` (in table order: the joint appointments and care
    plan reviews in the joint-contact window, the liaison of every kind in M, ...), and the date
    of the last in its `latest` tally (None when there is none)."""

    tallies: tuple[int, ...]
    last_joint: date | None


class ContactDays(NamedTuple):
    """A client's counting contacts (SPEC §1) as a range of months' counting reads them, without
    a tuple per contact: for each of `modes` (the sets of modes the range's definitions count), for
    each tally of the read's `CountingContacts` (in table order), the sorted days of the client's
    contacts of a counting outcome, of one of the tally's kinds, in one of those modes, dated
    from the tally's first to its last day. The same counts as the `ContactFact`s it stands for."""

    modes: tuple[frozenset[ContactMode], ...]
    days: tuple[tuple[tuple[date, ...], ...], ...]

    def of_modes(self, modes: frozenset[ContactMode]) -> tuple[tuple[date, ...], ...]:
        """Each tally's days for the contacts in `modes` (one of `self.modes`)."""
        return self.days[self.modes.index(modes)]


class ClientCountingFacts(NamedTuple):
    """What a range of months' counts need of one client: as `ClientFacts`, with the counting
    contacts as their days (`ContactDays`) rather than listed. Judged by the rules exactly as the
    `ClientHistory` it was read from."""

    client_ref: str
    initials: str
    consent_to_share_on: date | None
    episodes: tuple[EpisodeFact, ...]
    contacts: ContactDays


class ClientMonthFacts(NamedTuple):
    """What month M's figure needs of one client: as `ClientFacts`, with the contacts already
    counted for M (`ContactCounts`) rather than listed. Judged by the rules exactly as the
    `ClientHistory` it was read from."""

    client_ref: str
    initials: str
    consent_to_share_on: date | None
    episodes: tuple[EpisodeFact, ...]
    counts: ContactCounts


def definition_in_force(versions: list[Definition], month: Month) -> Definition:
    """SPEC §2: month M is judged by the latest version whose first month is on or before M."""
    chosen: Definition | None = None
    for d in sorted(versions, key=lambda v: v.version):
        if d.first_month is None or d.first_month <= month:
            chosen = d
    if chosen is None:
        return Definition()
    return chosen


@dataclass(frozen=True, slots=True)
class Annotation:
    """A dated note on the chart: a change idea, a PDSA cycle, an event. `new_part` starts a new
    part of the chart from its month (SPEC §5). `team` None applies to every team."""

    month: Month
    text: str
    team: str | None = None
    new_part: bool = False
    id: int | None = None
    version: int = 0


@dataclass(frozen=True, slots=True)
class MeasureSettings:
    """A team's aim and baseline for the chart. `team` None is the whole service."""

    team: str | None = None
    aim_percentage: float | None = None
    aim_by: Month | None = None
    aim_text: str | None = None
    baseline_months: int | None = None
    version: int = 0


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: datetime
    os_user: str
    app_user: str | None
    action: str
    entity: str
    entity_key: str | None
    before: dict[str, object] | None = None
    after: dict[str, object] | None = None
    hash: str = ""
    prev_hash: str = ""
    extra: dict[str, object] = field(default_factory=dict)
    #: the values were removed from the trail when the client was anonymised (purge)
    redacted: bool = False

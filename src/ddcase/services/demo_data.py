"""A synthetic demo team for `ddcase demo` (SPEC §4): three Luton CMHTs working with two substance
misuse providers over two years of a QI project whose jointly worked percentage rises after a
change idea half way through.

Pure and deterministic: one `random.Random(seed)`, today's date is an argument, no SQL, Qt or
files. Nobody in it is real: names are drawn from common first names and surnames, NHS numbers
come from the never-issued 999 range, phone numbers from Ofcom's drama ranges and email addresses
from reserved `.example` domains.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from ddcase.domain import (
    Client,
    Contact,
    ContactKind,
    ContactMode,
    Episode,
    Month,
    Outcome,
    ReferralRoute,
    Role,
    Service,
    Worker,
)
from ddcase.domain.measures import ManualMeasure, ManualValue

T = TypeVar("T")

TEAM_NAME = "Luton dual diagnosis joint working (demo)"
TRUST = "East London NHS Foundation Trust"
TEAMS = ("Luton North CMHT", "Luton South CMHT", "Luton Central CMHT")
RESOLUTIONS = "ResoLUTiONs"
TOTAL_WELLBEING = "Total Wellbeing Luton"
PROVIDERS = (RESOLUTIONS, TOTAL_WELLBEING)

#: Reserved (RFC 2606) domains, so no demo address can reach anyone.
_EMAIL_DOMAIN = {TRUST: "elft.example", RESOLUTIONS: "cgl.example", TOTAL_WELLBEING: "twl.example"}
_CARE_COORDINATORS_PER_TEAM = 5
_KEY_WORKERS = {RESOLUTIONS: 6, TOTAL_WELLBEING: 4}

_FIRST_NAMES = (
    "Aisha Amir Amy Anna Asif Ben Bilal Carla Chloe Daniel Deborah Emma Farah Fiona Gareth Grace "
    "Hannah Harpreet Imran Jade James Joanna Kamal Karen Kwame Laura Leah Liam Marcus Maria Megan "
    "Mohammed Nadia Natalie Nia Oliver Olu Paul Priya Rachel Rehana Ryan Sadia Samir Sarah Simone "
    "Sophie Stephen Tariq Thomas Tom Usha Victoria Wojciech Yasmin Zainab Zoe"
).split()
_SURNAMES = (
    "Adeyemi Ahmed Akhtar Ali Bailey Begum Bennett Brennan Campbell Carter Chaudhry Clarke Dawson "
    "Devlin Edwards Fletcher Foster Gill Green Hall Harris Hughes Hussain Iqbal Jackson Kaur Khan "
    "Kowalski Lewis Mahmood Marsh Mensah Mitchell Nowak Okafor Osei Parker Patel Quinn Rahman Reid "
    "Riley Saunders Shah Sharma Simpson Taylor Turner Walsh Ward Webb Williams Wright Young"
).split()

#: NHS ethnic category codes with rough weights for a Luton caseload; Z is "not stated".
_ETHNICITY = tuple(
    (code, int(weight))
    for code, weight in (
        pair.split(":")
        for pair in "A:44 B:3 C:6 D:3 E:1 F:1 G:2 H:3 J:10 K:4 L:2 M:4 N:4 P:1 R:1 S:2 Z:9".split()
    )
)
_INITIAL_LETTERS = "AAABBCCDDEFGHHJJKKLLMMMNOPRRSSSTTWYZ"
_REFERRAL_ROUTES = (
    (ReferralRoute.STAFF, 55), (ReferralRoute.SELF, 20), (ReferralRoute.DROP_IN, 15), (ReferralRoute.OTHER, 10),
)  # fmt: skip

_NOTES = {
    ContactKind.JOINT_APPOINTMENT: (
        "Joint appointment at CMHT base",
        "Joint home visit",
        "Joint review booked",
        "Joint assessment completed",
        "Three-way meeting with client",
        "Joint clinic appointment",
    ),
    ContactKind.CARE_PLAN_REVIEW: (
        "CPA review, both services attended",
        "Care plan reviewed jointly",
        "Care plan review, actions agreed",
        "Joint care plan review booked",
    ),
    ContactKind.LIAISON: (
        "Discussed care plan with key worker",
        "Discussed care plan with care coordinator",
        "Discussed at joint MDT",
        "Agreed next joint appointment",
        "Update on engagement shared",
        "Phone call to arrange joint review",
    ),
    ContactKind.INFORMATION_SHARED: (
        "Copy of care plan sent",
        "Risk assessment shared",
        "Referral letter sent",
        "Discharge summary copied",
        "Clinic letter copied",
    ),
    ContactKind.OTHER: (
        "Professionals meeting arranged",
        "Housing meeting, both services invited",
        "Safeguarding meeting attended",
    ),
}
_DNA_FOLLOW_UP = "Follow-up after missed joint appointment"


@dataclass(frozen=True, slots=True)
class DemoData:
    team_name: str
    workers: tuple[Worker, ...]
    clients: tuple[Client, ...]
    episodes: tuple[Episode, ...]
    contacts: tuple[Contact, ...]


@dataclass(frozen=True, slots=True)
class _Segment:
    """One episode in the making: a worker (None while unallocated) from start to end."""

    start: date
    end: date | None
    worker: str | None
    team: str | None


@dataclass(frozen=True, slots=True)
class _Timeline:
    """The shape of the demo period: its first day, the change idea, today, and monthly noise."""

    today: date
    first_day: date
    warm_up_from: date
    change_day: date
    noise: dict[int, float]

    def improvement(self, day: date) -> float:
        """0 before the change idea, rising to 1 over the half year after it, as new habits
        (a weekly joint clinic, consent asked at the first joint meeting) take hold."""
        if day < self.change_day:
            return 0.0
        return min(1.0, ((day - self.change_day).days + 20) / 200)

    def noisy_improvement(self, month: Month) -> float:
        middle = month.first_day + timedelta(days=14)
        return self.improvement(middle) + self.noise.get(month.index, 0.0)


def generate(seed: int, today: date, *, clients: int = 300, months: int = 24) -> DemoData:
    """A believable synthetic team: about `clients` dual diagnosis clients over the `months`
    months ending with the month of `today` (the last one partial: nothing is dated after
    `today`). The same arguments always give the same data."""
    if clients < 1 or months < 1:
        raise ValueError("a demo needs at least one client and one month")
    rng = random.Random(seed)
    current = Month.of(today)
    first_month = current.plus(-(months - 1))
    # The change idea lands around month 13 of 24: a QI project's baseline, then its PDSA cycles.
    change_month = first_month.plus(max(1, months // 2))
    noise = {m.index: rng.gauss(0.0, 0.05) for m in (first_month.plus(i) for i in range(-4, months))}
    timeline = _Timeline(
        today=today,
        first_day=first_month.first_day,
        warm_up_from=first_month.first_day - timedelta(days=120),
        change_day=min(change_month.first_day, today),
        noise=noise,
    )
    workers, staff = _make_workers(rng)
    refs = _client_refs(rng, clients)
    nhs_numbers = _nhs_numbers(rng, clients)
    all_clients: list[Client] = []
    all_episodes: list[Episode] = []
    all_contacts: list[Contact] = []
    initial_share = 0.47
    for number, (ref, nhs_number) in enumerate(zip(refs, nhs_numbers, strict=True)):
        client, episodes, contacts = _make_client(
            rng, timeline, staff, ref, nhs_number, already_open=number < round(clients * initial_share)
        )
        all_clients.append(client)
        all_episodes.extend(episodes)
        all_contacts.extend(contacts)
    all_episodes.sort(key=lambda e: (e.client_ref, e.service.value, e.start_date))
    all_contacts.sort(key=lambda c: (c.client_ref, c.date, c.kind.value, c.mode.value, c.note or ""))
    return DemoData(
        team_name=TEAM_NAME,
        workers=tuple(workers),
        clients=tuple(all_clients),
        episodes=tuple(all_episodes),
        contacts=tuple(all_contacts),
    )


# --- workers -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Staff:
    """Who can be allocated: care coordinators by team, key workers by provider."""

    coordinators: dict[str, tuple[str, ...]]
    key_workers: dict[str, tuple[str, ...]]


def _make_workers(rng: random.Random) -> tuple[list[Worker], _Staff]:
    """The directory: 15 care coordinators (5 a team), 10 key workers, two managers and the
    CMHTs' dual diagnosis lead."""
    names = _unique_names(rng, 3 * _CARE_COORDINATORS_PER_TEAM + sum(_KEY_WORKERS.values()) + 3)
    phones = _phone_numbers(rng, len(names))
    workers: list[Worker] = []

    def add(organisation: str, service: Service, role: Role) -> str:
        name, phone = names[len(workers)], phones[len(workers)]
        first, last = name.lower().split(" ", 1)
        email = f"{first}.{last.replace(' ', '')}@{_EMAIL_DOMAIN[organisation]}"
        workers.append(Worker(name, organisation, service, role, email, phone))
        return name

    coordinators = {
        team: tuple(
            add(TRUST, Service.MENTAL_HEALTH, Role.CARE_COORDINATOR)
            for _ in range(_CARE_COORDINATORS_PER_TEAM)
        )
        for team in TEAMS
    }
    add(TRUST, Service.MENTAL_HEALTH, Role.MANAGER)
    add(TRUST, Service.MENTAL_HEALTH, Role.OTHER)  # the dual diagnosis lead who runs the QI project
    key_workers = {
        provider: tuple(
            add(provider, Service.SUBSTANCE_MISUSE, Role.KEY_WORKER) for _ in range(_KEY_WORKERS[provider])
        )
        for provider in PROVIDERS
    }
    add(RESOLUTIONS, Service.SUBSTANCE_MISUSE, Role.MANAGER)
    return workers, _Staff(coordinators, key_workers)


def _unique_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES)}"
        if name not in names:
            names.append(name)
    return names


def _phone_numbers(rng: random.Random, count: int) -> list[str]:
    """Ofcom's drama ranges: 01632 960000-960999 (landline) and 07700 900000-900999 (mobile)."""
    numbers: list[str] = []
    while len(numbers) < count:
        if rng.random() < 0.6:
            number = f"01632 960{rng.randrange(1000):03d}"
        else:
            number = f"07700 900{rng.randrange(1000):03d}"
        if number not in numbers:
            numbers.append(number)
    return numbers


# --- clients -------------------------------------------------------------------------------------


def _client_refs(rng: random.Random, count: int) -> list[str]:
    """Local record numbers like RT100004, increasing with small gaps as a real register does."""
    refs: list[str] = []
    number = 100000
    for _ in range(count):
        number += rng.randint(1, 6)
        refs.append(f"RT{number}")
    return refs


def _nhs_numbers(rng: random.Random, count: int) -> list[str]:
    """Valid Modulus 11 numbers from 999 000 0000-999 999 9999, a range never issued to anyone."""
    numbers: list[str] = []
    seen: set[str] = set()
    while len(numbers) < count:
        body = f"999{rng.randrange(1_000_000):06d}"
        check = 11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11
        if check == 10:
            continue
        number = body + str(0 if check == 11 else check)
        if number not in seen:
            seen.add(number)
            numbers.append(number)
    return numbers


def _weighted(rng: random.Random, choices: Sequence[tuple[T, int]]) -> T:
    values = [v for v, _ in choices]
    weights = [w for _, w in choices]
    return rng.choices(values, weights)[0]


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _exp_days(rng: random.Random, mean: float) -> int:
    return int(rng.expovariate(1.0 / mean))


def _make_client(
    rng: random.Random,
    timeline: _Timeline,
    staff: _Staff,
    ref: str,
    nhs_number: str,
    *,
    already_open: bool,
) -> tuple[Client, list[Episode], list[Contact]]:
    today = timeline.today
    # The mutual period: open to both services from `mutual_start` to `mutual_end`.
    if already_open:
        mutual_start = timeline.first_day - _days(rng.randint(20, 900))
        mutual_end = timeline.first_day + _days(_exp_days(rng, 640))
    else:
        mutual_start = _random_day(rng, timeline.first_day, today - _days(7))
        if rng.random() < 0.04:  # a substance misuse referral that ended after an assessment or two
            mutual_end = mutual_start + _days(rng.randint(3, 12))
        else:
            mutual_end = mutual_start + _days(max(20, _exp_days(rng, 640)))
    brief = (mutual_end - mutual_start).days < 14

    order = rng.random()
    if order < 0.55:  # usually already known to the CMHT when drug or alcohol work starts
        mh_start, sm_start = mutual_start - _days(rng.randint(30, 900)), mutual_start
    elif order < 0.85:
        mh_start, sm_start = mutual_start, mutual_start - _days(rng.randint(14, 400))
    else:
        mh_start = sm_start = mutual_start

    mh_end: date | None = None
    sm_end: date | None = None
    if mutual_end < today:
        ending = 0.0 if brief else rng.random()
        if ending < 0.5:  # treatment completed or disengaged; the CMHT carries on
            sm_end = mutual_end
            mh_end = _later_end(rng, mutual_end, 240, today)
        elif ending < 0.85:  # discharged from the CMHT; drug and alcohol work carries on
            mh_end = mutual_end
            sm_end = _later_end(rng, mutual_end, 150, today)
        else:
            mh_end = sm_end = mutual_end

    team = rng.choice(TEAMS)
    provider = RESOLUTIONS if rng.random() < 0.62 else TOTAL_WELLBEING
    mh_chain = _mh_chain(rng, timeline, staff, team, mh_start, mh_end)
    sm_chain = _sm_chain(rng, timeline, staff, provider, sm_start, sm_end)
    episodes = [
        Episode(ref, Service.MENTAL_HEALTH, TRUST, s.start, s.end, s.team, s.worker) for s in mh_chain
    ] + [Episode(ref, Service.SUBSTANCE_MISUSE, provider, s.start, s.end, None, s.worker) for s in sm_chain]

    client = _client_record(rng, timeline, ref, nhs_number, min(mh_start, sm_start), mutual_start)
    engagement = 0.35 if rng.random() < 0.15 else rng.uniform(0.8, 1.25)
    last_mutual = min(mutual_end, today)
    contacts = _contacts(rng, timeline, ref, mutual_start, last_mutual, mh_chain, sm_chain, engagement)
    return client, episodes, contacts


def _random_day(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + _days(rng.randint(0, (last - first).days))


def _later_end(rng: random.Random, after: date, mean_days: float, today: date) -> date | None:
    end = after + _days(1 + _exp_days(rng, mean_days))
    return end if end < today else None


def _client_record(
    rng: random.Random, timeline: _Timeline, ref: str, nhs_number: str, first_open: date, mutual_start: date
) -> Client:
    today = timeline.today
    letters = 3 if rng.random() < 0.2 else 2
    initials = "".join(rng.choice(_INITIAL_LETTERS) for _ in range(letters))
    # Adults: 18 or over when first seen, at most 75 now; most between their mid-twenties and fifties.
    youngest = max(19, 19 + (today - first_open).days // 365)
    age_now = min(75, max(youngest, round(rng.triangular(19, 75, 36))))
    birthday = date(today.year - age_now, today.month, min(today.day, 28))
    born = birthday - _days(rng.randint(0, 364))
    ethnicity = None if rng.random() < 0.05 else _weighted(rng, _ETHNICITY)
    route = None if rng.random() < 0.04 else _weighted(rng, _REFERRAL_ROUTES)
    return Client(
        client_ref=ref,
        initials=initials,
        nhs_number=nhs_number if rng.random() < 0.93 else None,
        date_of_birth=born if rng.random() < 0.97 else None,
        ethnicity=ethnicity,
        referral_route=route,
        consent_to_share_on=_consent_date(rng, timeline, mutual_start),
    )


def _consent_date(rng: random.Random, timeline: _Timeline, mutual_start: date) -> date | None:
    """Before the change idea about two in three mutual clients have consent to share recorded;
    afterwards it is asked at the first joint meeting, and the gaps are chased."""
    today = timeline.today
    asked_early = 0.62 + 0.28 * timeline.improvement(mutual_start)
    if rng.random() < asked_early:
        consent = mutual_start + _days(rng.randint(-120, 40))
    elif mutual_start < timeline.change_day and rng.random() < 0.25:
        consent = mutual_start + _days(rng.randint(40, 400))
    else:
        consent = None
    if consent is None or consent >= timeline.change_day:
        # The change idea's consent sweep: most who still had none are asked again.
        if rng.random() < 0.75:
            sweep = max(timeline.change_day, mutual_start) + _days(rng.randint(10, 150))
            consent = sweep if consent is None else min(consent, sweep)
    if consent is not None and consent > today:
        return None
    return consent


# --- episodes ------------------------------------------------------------------------------------


def _chain(
    rng: random.Random,
    today: date,
    start: date,
    end: date | None,
    first_wait: int,
    next_change: Callable[[date], int],
    pick: Callable[[str | None, str | None], tuple[str, str | None]],
    gap_days: Callable[[date], int],
    team: str | None,
) -> list[_Segment]:
    """Consecutive episodes from start to end: an unallocated wait of `first_wait` days, then a
    named worker, then at each reallocation the old episode ends and the next starts the next day
    (with an unallocated gap of `gap_days` when the worker leaves before a new one is found)."""
    limit = today if end is None else end
    segments: list[_Segment] = []
    cursor = start
    worker: str | None = None
    if first_wait > 0:
        segments.append(_Segment(cursor, cursor + _days(first_wait - 1), None, team))
        cursor += _days(first_wait)
    while cursor <= limit:
        worker, team = pick(worker, team)
        stop = cursor + _days(next_change(cursor))
        if stop >= limit:
            segments.append(_Segment(cursor, end, worker, team))
            return segments
        segments.append(_Segment(cursor, stop, worker, team))
        cursor = stop + _days(1)
        gap = gap_days(cursor)
        if gap > 0:
            gap_end = cursor + _days(gap - 1)
            if gap_end >= limit:
                segments.append(_Segment(cursor, end, None, team))
                return segments
            segments.append(_Segment(cursor, gap_end, None, team))
            cursor = gap_end + _days(1)
    # The wait ran past the end (or today): the last episode takes the real end.
    last = segments[-1]
    segments[-1] = _Segment(last.start, end, last.worker, last.team)
    return segments


def _mh_chain(
    rng: random.Random, timeline: _Timeline, staff: _Staff, team: str, start: date, end: date | None
) -> list[_Segment]:
    def pick(current: str | None, team_now: str | None) -> tuple[str, str | None]:
        team_next = team_now or team
        if current is not None and rng.random() < 0.1:  # moved house: transferred to another CMHT
            team_next = rng.choice([t for t in TEAMS if t != team_next])
        choices = [w for w in staff.coordinators[team_next] if w != current]
        return rng.choice(choices), team_next

    def gap(day: date) -> int:
        chance = 0.5 - 0.25 * timeline.improvement(day)
        return rng.randint(14, 60) if rng.random() < chance else 0

    first_wait = rng.randint(7, 35) if rng.random() < 0.25 else 0
    return _chain(
        rng, timeline.today, start, end, first_wait, lambda _: 30 + _exp_days(rng, 520), pick, gap, team
    )


def _sm_chain(
    rng: random.Random, timeline: _Timeline, staff: _Staff, provider: str, start: date, end: date | None
) -> list[_Segment]:
    def pick(current: str | None, _team: str | None) -> tuple[str, str | None]:
        return rng.choice([w for w in staff.key_workers[provider] if w != current]), None

    def gap(day: date) -> int:
        chance = 0.3 - 0.15 * timeline.improvement(day)
        return rng.randint(10, 45) if rng.random() < chance else 0

    f = timeline.improvement(start)
    wait = rng.random()
    if wait < 0.08:  # groups and drop-in only: no key worker allocated for months
        first_wait = rng.randint(120, 540)
    elif wait < 0.08 + 0.27 - 0.15 * f:
        first_wait = rng.randint(10, 42)
    else:
        first_wait = 0
    return _chain(
        rng, timeline.today, start, end, first_wait, lambda _: 30 + _exp_days(rng, 420), pick, gap, None
    )


def _worker_on(chain: Sequence[_Segment], day: date) -> str | None:
    for segment in chain:
        if segment.start <= day and (segment.end is None or day <= segment.end):
            return segment.worker
    return None


# --- contacts ------------------------------------------------------------------------------------


def _contacts(
    rng: random.Random,
    timeline: _Timeline,
    ref: str,
    first: date,
    last: date,
    mh_chain: Sequence[_Segment],
    sm_chain: Sequence[_Segment],
    engagement: float,
) -> list[Contact]:
    """The work between the two named workers, month by month over the mutual period. Each
    contact falls on a random day of its month and is kept only inside the mutual period and up
    to today, so a month that is partly mutual (or the current month) has fewer."""
    contacts: list[Contact] = []
    seen: set[tuple[object, ...]] = set()
    start = max(first, timeline.warm_up_from)
    if start > last:
        return contacts
    hard_to_engage = engagement < 0.5

    def add(contact: Contact) -> None:
        key = contact.match_key()
        if key not in seen:  # SPEC §3: two equal contacts would be one contact
            seen.add(key)
            contacts.append(contact)

    def day_in(month: Month) -> date | None:
        day = _weekday(month.first_day + _days(rng.randrange(month.days)))
        return day if start <= day <= last else None

    month = Month.of(start)
    while month.first_day <= last:
        f = timeline.noisy_improvement(month)
        p_joint = _clamp((0.22 + 0.32 * f) * engagement, 0.0, 0.9)
        p_liaison = _clamp((0.38 + 0.55 * f) * min(engagement, 1.1), 0.0, 0.96)
        # Joint appointments and care plan reviews.
        for _ in range(2 if rng.random() < 0.15 else 1):
            if rng.random() >= p_joint:
                continue
            day = day_in(month)
            if day is None:
                continue
            mh, sm = _worker_on(mh_chain, day), _worker_on(sm_chain, day)
            if (mh is None or sm is None) and rng.random() < 0.8:
                continue
            contact = _joint_contact(rng, ref, day, mh, sm, hard_to_engage)
            add(contact)
            if contact.outcome is Outcome.DID_NOT_ATTEND and rng.random() < 0.6:
                follow_up = _weekday(day + _days(rng.randint(1, 7)))
                if follow_up <= last:
                    add(_liaison(rng, ref, follow_up, mh, sm, note=_DNA_FOLLOW_UP))
        # Worker-to-worker liaison.
        for chance in (p_liaison, p_liaison * 0.35):
            if rng.random() >= chance:
                continue
            day = day_in(month)
            if day is None:
                continue
            mh, sm = _worker_on(mh_chain, day), _worker_on(sm_chain, day)
            if (mh is None or sm is None) and rng.random() < 0.6:
                continue
            add(_liaison(rng, ref, day, mh, sm))
        # One-way sharing and the odd other contact.
        if rng.random() < 0.22:
            day = day_in(month)
            if day is not None:
                add(_shared(rng, ref, day, _worker_on(mh_chain, day), _worker_on(sm_chain, day)))
        if rng.random() < 0.04:
            day = day_in(month)
            if day is not None:
                add(_other(rng, ref, day, _worker_on(mh_chain, day), _worker_on(sm_chain, day)))
        month = month.next()
    return contacts


def _weekday(day: date) -> date:
    """Services work Monday to Friday: a Saturday becomes the Friday, a Sunday the Monday."""
    weekday = day.weekday()
    return day - _days(1) if weekday == 5 else day + _days(1) if weekday == 6 else day


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _joint_contact(
    rng: random.Random, ref: str, day: date, mh: str | None, sm: str | None, hard_to_engage: bool
) -> Contact:
    review = rng.random() < 0.3
    kind = ContactKind.CARE_PLAN_REVIEW if review else ContactKind.JOINT_APPOINTMENT
    if review:
        mode = rng.choices((ContactMode.MEETING, ContactMode.FACE_TO_FACE, ContactMode.VIDEO), (50, 35, 15))[
            0
        ]
    else:
        mode = rng.choices(
            (ContactMode.FACE_TO_FACE, ContactMode.VIDEO, ContactMode.TELEPHONE), (70, 15, 15)
        )[0]
    dna = 0.33 if hard_to_engage else 0.13
    roll = rng.random()
    outcome = (
        Outcome.DID_NOT_ATTEND if roll < dna else Outcome.CANCELLED if roll < dna + 0.07 else Outcome.ATTENDED
    )
    attended = outcome is Outcome.ATTENDED
    return Contact(
        client_ref=ref,
        date=day,
        kind=kind,
        mode=mode,
        outcome=outcome,
        mh_worker=mh,
        sm_worker=sm,
        client_present=attended,
        duration_minutes=rng.choice((30, 45, 45, 60, 60, 60, 90)) if attended else None,
        note=rng.choice(_NOTES[kind]) if attended else None,
    )


def _liaison(
    rng: random.Random, ref: str, day: date, mh: str | None, sm: str | None, *, note: str | None = None
) -> Contact:
    mode = rng.choices(
        (ContactMode.TELEPHONE, ContactMode.MEETING, ContactMode.VIDEO, ContactMode.EMAIL), (45, 20, 15, 20)
    )[0]
    outcome = Outcome.CANCELLED if mode is not ContactMode.EMAIL and rng.random() < 0.06 else Outcome.ATTENDED
    minutes = {ContactMode.TELEPHONE: (10, 15, 15, 20, 30), ContactMode.MEETING: (20, 30, 45, 60)}.get(
        mode, (15, 20, 30)
    )
    return Contact(
        client_ref=ref,
        date=day,
        kind=ContactKind.LIAISON,
        mode=mode,
        outcome=outcome,
        mh_worker=mh,
        sm_worker=sm,
        client_present=False,
        duration_minutes=None
        if mode is ContactMode.EMAIL or outcome is Outcome.CANCELLED
        else rng.choice(minutes),
        note=note or rng.choice(_NOTES[ContactKind.LIAISON]),
    )


def _shared(rng: random.Random, ref: str, day: date, mh: str | None, sm: str | None) -> Contact:
    return Contact(
        client_ref=ref,
        date=day,
        kind=ContactKind.INFORMATION_SHARED,
        mode=ContactMode.LETTER if rng.random() < 0.4 else ContactMode.EMAIL,
        mh_worker=mh,
        sm_worker=sm,
        client_present=False,
        note=rng.choice(_NOTES[ContactKind.INFORMATION_SHARED]),
    )


def _other(rng: random.Random, ref: str, day: date, mh: str | None, sm: str | None) -> Contact:
    return Contact(
        client_ref=ref,
        date=day,
        kind=ContactKind.OTHER,
        mode=rng.choice((ContactMode.MEETING, ContactMode.TELEPHONE)),
        mh_worker=mh,
        sm_worker=sm,
        client_present=rng.random() < 0.3,
        duration_minutes=rng.choice((30, 45, 60)),
        note=rng.choice(_NOTES[ContactKind.OTHER]),
    )


# --- measures entered by hand (issue 16) ---------------------------------------------------------


def demo_measures(
    seed: int, today: date, *, months: int = 24
) -> list[tuple[ManualMeasure, list[ManualValue]]]:
    """Two measures a team would enter by hand, for every ended month of the demo period:
    service users' satisfaction with joint care (the mean of a 1-5 survey, rising after the
    change idea) and the % of CMHT care coordinators trained in dual diagnosis (15 of them, more
    trained each quarter). Their own random numbers, so the log's data does not move."""
    rng = random.Random(f"measures-{seed}")
    current = Month.of(today)
    first = current.plus(-(months - 1))
    change = first.plus(max(1, months // 2))
    satisfaction = ManualMeasure(
        "satisfaction",
        "Service users' satisfaction with joint care (mean, 1-5)",
        type="outcome",
        unit="value",
        better="higher",
        aim=4.0,
        aim_by=current.plus(6),
        owner="Team manager",
        data_source="Monthly survey of mutual clients seen jointly",
    )
    trained = ManualMeasure(
        "staff-trained",
        "CMHT care coordinators trained in dual diagnosis",
        type="process",
        unit="proportion",
        better="higher",
        aim=0.8,
        aim_by=current.plus(3),
        owner="Dual diagnosis lead",
        data_source="Training records",
    )
    scores: list[ManualValue] = []
    training: list[ManualValue] = []
    for i in range(months - 1):  # every ended month; the month in progress has no survey yet
        month = first.plus(i)
        after = max(0, month.index - change.index)
        mean = 3.2 + min(after, 8) * 0.07 + rng.gauss(0.0, 0.12)
        scores.append(ManualValue(month, value=round(min(5.0, max(1.0, mean)), 2)))
        training.append(ManualValue(month, min(15, 2 + i // 3 + (2 if month >= change else 0)), 15))
    return [(satisfaction, scores), (trained, training)]

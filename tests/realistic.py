"""A realistic, seeded data set for the report tests, the sample report and the benchmark:
two CMHT teams and two drug and alcohol providers, clients coming and going over two years, and
joint working that improves after a change idea half way through. Everything goes through
CaseworkService, as a user's records would.

Not the demo generator (ddcase.services.demo): a small stand-in so the report can be tested on
data that looks like a team's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

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

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE
TEAMS = {
    "North CMHT": ["Amira Okafor", "Ben Thornton", "Chloé Dubois", "Dev Patel"],
    "South CMHT": ["Erin Walsh", "Femi Adeyemi", "Grace Liu"],
}
PROVIDERS = {
    "CGL Riverside": ["Hannah Brooks", "Ian McLeod", "Jas Sandhu"],
    "Turning Point": ["Kofi Mensah", "Lena Nowak"],
}
TRUST = "Riverside NHS Trust"
LAST_MONTH = Month(2026, 10)


@dataclass(frozen=True)
class Realistic:
    first: Month
    last: Month
    clients: int
    change_month: Month


def nhs_number(rng: random.Random) -> str:
    """A random 10-digit number with a valid Modulus 11 check digit."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        digits[0] = rng.randint(4, 6)
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _initials(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTW"
    return rng.choice(letters) + rng.choice(letters)


def fill_realistic(
    casework,  # CaseworkService
    *,
    clients: int = 60,
    last: Month = LAST_MONTH,
    months: int = 26,
    seed: int = 7,
    teams: dict[str, list[str]] | None = None,
) -> Realistic:
    """Fill the log. Joint working runs at about 25% before the change month and about 55% after,
    so the chart of the last 24 months shows a run above the centre line."""
    rng = random.Random(seed)
    teams = teams or TEAMS
    first = last.plus(-(months - 1))
    change = last.plus(-(months // 2) + 1)
    for coordinators in teams.values():
        for name in coordinators:
            casework.save_worker(Worker(name, TRUST, MH, Role.CARE_COORDINATOR))
    for provider, key_workers in PROVIDERS.items():
        for name in key_workers:
            casework.save_worker(Worker(name, provider, SM, Role.KEY_WORKER))

    span_start = first.first_day - timedelta(days=120)
    span_days = (last.last_day - span_start).days
    for number in range(clients):
        ref = f"RT{100001 + number}"
        team = rng.choice(list(teams))
        coordinator = rng.choice(teams[team])
        provider = rng.choice(list(PROVIDERS))
        key_worker = rng.choice(PROVIDERS[provider])
        mh_start = span_start + timedelta(days=rng.randrange(0, span_days - 60))
        mh_length = rng.randint(150, 900)
        mh_end = mh_start + timedelta(days=mh_length)
        sm_start = mh_start + timedelta(days=rng.randint(-60, 90))
        sm_end = sm_start + timedelta(days=rng.randint(90, 700))
        if number % 23 == 5:  # a short overlap at the end of a month
            sm_start = last.last_day - timedelta(days=rng.randint(2, 9))
            sm_end = None
        if number % 31 == 7:  # a short overlap: the drug and alcohol episode ends early in the month
            sm_end = last.first_day + timedelta(days=rng.randint(2, 8))
            sm_start = sm_end - timedelta(days=200)
        mh_end_value = mh_end if mh_end < last.last_day else None
        sm_end_value = sm_end if sm_end is not None and sm_end < last.last_day else None
        consent = sm_start + timedelta(days=rng.randint(0, 120)) if rng.random() < 0.8 else None
        if consent is not None and consent > last.last_day:
            consent = None
        casework.save_client(
            Client(
                ref,
                _initials(rng),
                nhs_number=nhs_number(rng) if rng.random() < 0.85 else None,
                ethnicity=rng.choice("AABCDGHJLMNPRSZ") if rng.random() < 0.8 else None,
                referral_route=rng.choice(list(ReferralRoute)) if rng.random() < 0.7 else None,
                consent_to_share_on=consent,
            )
        )
        unallocated = rng.random() < 0.08
        casework.save_episode(
            Episode(
                ref,
                MH,
                TRUST,
                mh_start,
                mh_end_value,
                team=team,
                worker=None if unallocated else coordinator,
            )
        )
        casework.save_episode(Episode(ref, SM, provider, sm_start, sm_end_value, worker=key_worker))

        both_from = max(mh_start, sm_start)
        both_to = min(mh_end_value or last.last_day, sm_end_value or last.last_day)
        month = Month.of(max(both_from, first.first_day))
        while month <= last and month.first_day <= both_to:
            improved = month >= change
            day = month.first_day + timedelta(days=rng.randint(0, month.days - 1))
            if both_from <= day <= both_to and rng.random() < (0.6 if improved else 0.3):
                kind = ContactKind.JOINT_APPOINTMENT if rng.random() < 0.7 else ContactKind.CARE_PLAN_REVIEW
                outcome = Outcome.ATTENDED if rng.random() < 0.85 else Outcome.DID_NOT_ATTEND
                casework.save_contact(
                    Contact(ref, day, kind, ContactMode.FACE_TO_FACE, outcome, coordinator, key_worker)
                )
            day = month.first_day + timedelta(days=rng.randint(0, month.days - 1))
            if both_from <= day <= both_to and rng.random() < (0.85 if improved else 0.5):
                mode = rng.choice([ContactMode.TELEPHONE, ContactMode.MEETING, ContactMode.EMAIL])
                casework.save_contact(Contact(ref, day, ContactKind.LIAISON, mode, Outcome.ATTENDED))
            month = month.next()
    return Realistic(first, last, clients, change)

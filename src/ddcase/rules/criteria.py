"""Pure: one function per criterion of the operational definition (SPEC §2).

Each takes what it needs and returns whether the criterion holds. Only counting contacts count:
attended, and not written (email, letter) unless the definition's `written_contacts_count` is on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from ddcase.domain import (
    JOINT_KINDS,
    LIAISON_KINDS,
    Contact,
    Definition,
    Episode,
    Month,
    Outcome,
    Service,
    window_start,
)


def is_counting(contact: Contact, definition: Definition) -> bool:
    """SPEC §1: a counting contact is attended, and not by email or letter unless
    `written_contacts_count` is on."""
    if contact.outcome is not Outcome.ATTENDED:
        return False
    return definition.written_contacts_count or not contact.mode.is_written


def names_a_worker(episode: Episode) -> bool:
    """SPEC §1: the worker may be blank while unallocated; blank includes whitespace only."""
    return bool(episode.worker and episode.worker.strip())


def named_workers(episodes: Sequence[Episode], last_mutual_day: date) -> bool:
    """SPEC §2 named_workers: on the last mutual day of M, an open mental_health episode names a
    worker and an open substance_misuse episode names a worker."""
    open_on_day = [e for e in episodes if e.is_open_on(last_mutual_day) and names_a_worker(e)]
    return any(e.service is Service.MENTAL_HEALTH for e in open_on_day) and any(
        e.service is Service.SUBSTANCE_MISUSE for e in open_on_day
    )


def consent(consent_to_share_on: date | None, month: Month) -> bool:
    """SPEC §2 consent: consent_to_share_on is on or before the last day of M."""
    return consent_to_share_on is not None and consent_to_share_on <= month.last_day


def joint_contacts_in_window(contacts: Iterable[Contact], month: Month, definition: Definition) -> int:
    """Counting joint appointments and care plan reviews dated within the
    `joint_contact_window_days` days ending on the last day of M."""
    first = window_start(month.last_day, definition.joint_contact_window_days)
    last = month.last_day
    return sum(
        1
        for c in contacts
        if c.kind in JOINT_KINDS and first <= c.date <= last and is_counting(c, definition)
    )


def joint_contact(contacts: Iterable[Contact], month: Month, definition: Definition) -> bool:
    """SPEC §2 joint_contact: at least `joint_contacts_min` counting contacts of kind
    joint_appointment or care_plan_review in the window ending on the last day of M."""
    return joint_contacts_in_window(contacts, month, definition) >= definition.joint_contacts_min


def liaison_contacts_in_month(contacts: Iterable[Contact], month: Month, definition: Definition) -> int:
    first, last = month.first_day, month.last_day
    return sum(
        1
        for c in contacts
        if c.kind in LIAISON_KINDS and first <= c.date <= last and is_counting(c, definition)
    )


def liaison(contacts: Iterable[Contact], month: Month, definition: Definition) -> bool:
    """SPEC §2 liaison: at least `liaison_contacts_min` counting contacts of kind
    joint_appointment, care_plan_review or liaison dated within M."""
    return liaison_contacts_in_month(contacts, month, definition) >= definition.liaison_contacts_min

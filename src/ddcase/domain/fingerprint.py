"""SPEC §3: two equal contact rows are one contact. A contact's fingerprint is the digest of all
its columns as text; the log stores it (a unique index) and the import computes it from the
cells it has read. Here, in the domain, so that the process reading contacts.csv beside an import
(services/transfer/parallel.py) computes it without loading the storage layer."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from ddcase.domain.values import Contact


def contact_fingerprint(contact: Contact) -> str:
    """SPEC §3: contacts are matched by all of their columns; this is their digest."""
    parts = [
        contact.client_ref,
        contact.date.isoformat(),
        contact.kind.value,
        contact.mode.value,
        contact.outcome.value,
        contact.mh_worker or "",
        contact.sm_worker or "",
        "" if contact.client_present is None else ("yes" if contact.client_present else "no"),
        "" if contact.duration_minutes is None else str(contact.duration_minutes),
        contact.note or "",
    ]
    return fingerprint_of(parts)


def fingerprint_of(parts: Sequence[str]) -> str:
    """The digest of a contact's columns as text, in SPEC order (dates YYYY-MM-DD, client_present
    yes/no, empty for a missing value); the CSV import computes it from the cells it has read."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()

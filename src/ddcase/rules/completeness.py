"""Pure: how complete the records of a month's mutual clients are (consent, NHS number,
ethnicity, referral route), for the data-quality section of the monthly report and the screens."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ddcase.domain import Client, Month

NOT_STATED = "Z"
"""NHS ethnic category Z: the person was asked and chose not to say; it is a recorded answer."""


@dataclass(frozen=True, slots=True)
class Completeness:
    """Of `clients` mutual clients, how many have each item recorded."""

    clients: int
    consent: int
    nhs_number: int
    ethnicity: int
    ethnicity_not_stated: int
    referral_route: int

    def items(self) -> list[tuple[str, int]]:
        """(what, how many recorded), in the order the report lists them."""
        return [
            ("Consent to share recorded", self.consent),
            ("NHS number", self.nhs_number),
            ("Ethnicity", self.ethnicity),
            ("Referral route", self.referral_route),
        ]


def completeness(clients: Iterable[Client], month: Month) -> Completeness:
    """Count recorded items. Consent counts when recorded on or before the last day of M (as the
    consent criterion, SPEC §2); an ethnicity of Z (not stated) counts as recorded and is also
    counted apart."""
    listed = list(clients)
    last_day = month.last_day
    return Completeness(
        clients=len(listed),
        consent=sum(
            1 for c in listed if c.consent_to_share_on is not None and c.consent_to_share_on <= last_day
        ),
        nhs_number=sum(1 for c in listed if c.nhs_number),
        ethnicity=sum(1 for c in listed if c.ethnicity),
        ethnicity_not_stated=sum(1 for c in listed if c.ethnicity == NOT_STATED),
        referral_route=sum(1 for c in listed if c.referral_route is not None),
    )

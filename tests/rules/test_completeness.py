"""Data completeness of a month's mutual clients, hand-worked."""

from __future__ import annotations

from datetime import date

from ddcase.domain import Client, Month, ReferralRoute
from ddcase.rules.completeness import completeness

OCT = Month(2026, 10)


def test_each_item_is_counted_when_recorded():
    clients = [
        Client(
            "A1",
            "AB",
            nhs_number="9434765919",
            ethnicity="A",
            referral_route=ReferralRoute.SELF,
            consent_to_share_on=date(2026, 10, 31),
        ),
        Client("A2", "CD", ethnicity="Z", consent_to_share_on=date(2026, 11, 1)),
        Client("A3", "EF"),
    ]
    result = completeness(clients, OCT)
    assert (result.clients, result.consent, result.nhs_number) == (3, 1, 1)
    assert (result.ethnicity, result.ethnicity_not_stated, result.referral_route) == (2, 1, 1)
    assert [label for label, _ in result.items()] == [
        "Consent to share recorded",
        "NHS number",
        "Ethnicity",
        "Referral route",
    ]


def test_no_clients_gives_zero_counts():
    assert completeness([], OCT).clients == 0

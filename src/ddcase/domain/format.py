"""Display helpers shared by the screens and the PDF, so both round the same way."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def percent_text(value: float | None) -> str:
    """A percentage rounded to a whole percent, half up: 15.5 -> '16%'. None -> '–'."""
    if value is None:
        return "–"
    return f"{Decimal(repr(value)).quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"


def figure_text(jointly_worked: int, mutual_clients: int, value: float | None) -> str:
    """'19 of 125 mutual clients jointly worked (15%)'."""
    noun = "client" if mutual_clients == 1 else "clients"
    return f"{jointly_worked} of {mutual_clients} mutual {noun} jointly worked ({percent_text(value)})"

"""The display helpers shared by the screens and the PDF."""

from __future__ import annotations

import pytest

from ddcase.domain.format import change_text, percent_text, whole_percent


@pytest.mark.parametrize(
    ("value", "text"), [(15.5, "16%"), (15.49, "15%"), (100 * 2 / 3, "67%"), (0.0, "0%"), (None, "–")]
)
def test_percent_text_rounds_half_up(value, text):
    assert percent_text(value) == text


@pytest.mark.parametrize(
    ("before", "after", "text"),
    [
        (14.6, 15.2, "no change"),  # both print as 15%, so the page shows no change
        (10.0, 13.0, "up 3 points"),
        (13.0, 12.4, "down 1 point"),
        (None, 12.0, None),
    ],
)
def test_change_is_in_points_of_the_rounded_figures(before, after, text):
    assert change_text(before, after) == text


def test_whole_percent_keeps_none():
    assert whole_percent(None) is None

"""The family of measures for a month (issue 16): one row per measure, as the summary table of the
meeting PDF says it (latest value, aim, the two Making Data Count readings and the rule in words)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from ddcase.services.measures import ASSURANCE_WORDS, VARIATION_WORDS, MeasureReading, aim_text, value_text
from ddcase.ui.models.base import ValueTableModel


class MeasuresTableModel(ValueTableModel):
    class Column(IntEnum):
        MEASURE = 0
        TYPE = 1
        LATEST = 2
        AIM = 3
        VARIATION = 4
        ASSURANCE = 5
        RULE = 6

    HEADERS = {
        Column.MEASURE: "Measure",
        Column.TYPE: "Type",
        Column.LATEST: "Latest",
        Column.AIM: "Aim",
        Column.VARIATION: "Variation",
        Column.ASSURANCE: "Assurance",
        Column.RULE: "Rule that fired",
    }

    def display(self, value: MeasureReading, column: Any) -> str:
        c, e = self.Column, value.entry
        if column == c.MEASURE:
            return str(e["name"])
        if column == c.TYPE:
            return str(e["type"])
        if column == c.LATEST:
            return value_text(e) + (" (provisional)" if e["provisional"] else "")
        if column == c.AIM:
            return aim_text(e)
        if column == c.VARIATION:
            return VARIATION_WORDS[e["variation"]]
        if column == c.ASSURANCE:
            return ASSURANCE_WORDS[e["assurance"]]
        return value.rule_text()

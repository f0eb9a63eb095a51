"""A PDSA cycle's start on an XmR chart of the meeting PDF (issue 16 item 6): drawn at its month
with its number, and listed under the chart with the team's notes, numbered in month order."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from ddcase.domain import Annotation, Month
from ddcase.domain.pdsa import PdsaCycle
from ddcase.reports.content import MeasureChart
from ddcase.reports.measures_pages import measure_charts
from ddcase.rules.control_charts import ValuePoint, analyse_xmr
from ddcase.rules.pdsa import cycle_marks

ENTRY = {
    "key": "manual:satisfaction", "name": "Satisfaction with joint care", "type": "outcome", "unit": "value",
    "numerator": None, "denominator": None, "value": 4.5, "provisional": False, "better": "higher", "aim": 4.0,
    "variation": "common_cause", "assurance": "hit_and_miss", "mdc_signals": [],
}  # fmt: skip


def test_an_xmr_chart_marks_the_cycles_start_and_lists_it_with_the_notes():
    months = [Month(2026, m) for m in range(1, 11)]
    chart = analyse_xmr([ValuePoint(m, 3.5 + (m.month % 3) / 2) for m in months])
    cycles = [
        PdsaCycle("Survey at discharge", date(2026, 6, 9), ("manual:satisfaction",), id=1),
        PdsaCycle("Consent first", date(2026, 4, 1), ("criterion:consent",), id=2),  # not on this chart
    ]
    marks = tuple(cycle_marks(cycles, "manual:satisfaction"))
    note = Annotation(Month(2026, 3), "New survey form")
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(
        measure_charts([MeasureChart(ENTRY, chart, marks)], [note], 480)
    )
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.getvalue())).pages).split()
    )
    assert "XmR chart" in text
    assert (
        "Notes on this chart: 1 Mar 2026: New survey form; 2 Jun 2026: PDSA starts: Survey at discharge"
        in text
    )
    assert "Consent first" not in text

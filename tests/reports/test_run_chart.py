"""The chart as vector shapes, on hand-made series: parts, gaps, a definition change, notes,
signals marked by shape; and a whole report rendered from plain values (no database)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.graphics.shapes import Group, Polygon, String

from ddcase.domain import Annotation, Definition, MeasureSettings, Month, month_range
from ddcase.domain.marks import PointKind
from ddcase.reports.content import ReportContent
from ddcase.reports.monthly_report import render
from ddcase.reports.run_chart import RunChart, chart_notes, spread_labels
from ddcase.rules.charts import MonthlyPoint, analyse_series, month_spans
from ddcase.rules.completeness import Completeness
from ddcase.rules.figures import MonthFigures

FIRST = Month(2024, 11)


def points(pairs, versions=None):
    months = list(month_range(FIRST, FIRST.plus(len(pairs) - 1)))
    versions = versions or [1] * len(pairs)
    return [MonthlyPoint(m, j, n, v) for m, (j, n), v in zip(months, pairs, versions, strict=True)]


def strings(drawing) -> list[str]:
    found: list[str] = []

    def walk(node):
        for item in getattr(node, "contents", []):
            if isinstance(item, String):
                found.append(item.text)
            elif isinstance(item, Group):
                walk(item)

    walk(drawing)
    return found


def shapes(drawing, kind) -> list:
    found = []

    def walk(node):
        for item in getattr(node, "contents", []):
            if isinstance(item, kind):
                found.append(item)
            if isinstance(item, Group):
                walk(item)

    walk(drawing)
    return found


# A shift: 12 low months then 12 high, with one gap and one wild month.
SHIFT = [(4, 20)] * 6 + [(5, 20)] * 6 + [(12, 20)] * 5 + [(0, 0)] + [(13, 20)] * 5 + [(20, 20)]


def test_month_labels_axis_and_right_labels_are_drawn():
    analysis = analyse_series(points(SHIFT))
    labels = strings(RunChart(analysis, aim=80).drawing())
    assert "Nov 24" in labels and "Oct 26" in labels and "0%" in labels and "100%" in labels
    assert any(label.startswith("Centre ") for label in labels)
    assert any(label.startswith("Upper ") for label in labels) and "Aim 80%" in labels
    assert "none" in labels  # the gap month is marked


def test_signals_are_marked_by_shape_as_well_as_colour():
    analysis = analyse_series(points(SHIFT))
    drawing = RunChart(analysis).drawing()
    better = [m for m in analysis.months if m.kind is PointKind.IMPROVEMENT]
    worse = [m for m in analysis.months if m.kind is PointKind.CONCERN]
    assert better and worse
    triangles = [p for p in shapes(drawing, Polygon) if len(p.points) == 6]
    up = [t for t in triangles if t.points[5] > t.points[1]]  # the apex above the base
    down = [t for t in triangles if t.points[5] < t.points[1]]
    # The legend draws one of each.
    assert (len(up), len(down)) == (len(better) + 1, len(worse) + 1)
    assert {t.fillColor.hexval() for t in up} == {"0x0072c6"}
    assert {t.fillColor.hexval() for t in down} == {"0xe46c0a"}


def test_a_definition_change_starts_a_labelled_part_and_notes_are_numbered():
    versions = [1] * 14 + [2] * 10
    analysis = analyse_series(points(SHIFT, versions))
    notes = chart_notes(
        analysis,
        [
            Annotation(Month(2025, 11), "PDSA 1", id=2),
            Annotation(Month(2025, 11), "PDSA 1b", id=3),
            Annotation(Month(2023, 1), "before the chart"),
        ],
    )
    assert [(n.number, n.text) for n in notes] == [(1, "PDSA 1"), (2, "PDSA 1b")]
    labels = strings(RunChart(analysis, notes=notes).drawing())
    assert "Definition v2" in labels and "1,2" in labels
    assert any(label.startswith("Median ") for label in labels)  # the 10-month part is a run chart


def test_labels_at_the_right_never_overlap():
    labels = [(100.0, "a", None, False), (103.0, "b", None, False), (104.0, "c", None, False)]
    placed = [y for y, *_ in spread_labels(labels, gap=8, low=0, high=300)]
    assert all(b - a >= 8 for a, b in zip(placed, placed[1:], strict=False))
    top = [y for y, *_ in spread_labels(labels, gap=8, low=0, high=105)]
    assert max(top) <= 105 and all(b - a >= 8 for a, b in zip(top, top[1:], strict=False))


@pytest.mark.parametrize(
    ("months", "text"),
    [
        ([Month(2025, 1), Month(2025, 2), Month(2025, 3), Month(2025, 5)], "Jan 2025 to Mar 2025, May 2025"),
        ([Month(2025, 12), Month(2026, 1)], "Dec 2025 to Jan 2026"),
    ],
)
def test_months_are_said_as_spans(months, text):
    assert month_spans(months) == text


def _content(analysis, **changes) -> ReportContent:
    definition = Definition()
    empty_now = MonthFigures(Month(2026, 10), None, definition, (), ())
    empty_before = MonthFigures(Month(2026, 9), None, definition, (), ())
    values = dict(
        month=Month(2026, 10),
        team="North CMHT",
        service_name=None,
        produced_at=datetime(2026, 11, 22, 10, 42, tzinfo=UTC),
        produced_by=None,
        current=empty_now,
        previous=empty_before,
        analysis=analysis,
        annotations=(Annotation(Month(2025, 11), "A new joint clinic", new_part=True),),
        settings=MeasureSettings(aim_percentage=80),
        definitions=(Definition(), Definition(version=2, first_month=Month(2026, 1), consent=False)),
        completeness=Completeness(0, 0, 0, 0, 0, 0),
        revisions=(),
    )
    values.update(changes)
    return ReportContent(**values)


def test_a_report_of_plain_values_renders_with_parts_and_versions(tmp_path: Path):
    versions = [1] * 14 + [2] * 10
    analysis = analyse_series(points(SHIFT, versions), new_part_months=[Month(2025, 11)])
    pdf, pages = render(_content(analysis))
    out = tmp_path / "parts.pdf"
    out.write_bytes(pdf)
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(str(out)).pages).split())
    assert pages == len(PdfReader(str(out)).pages)
    assert "Part 1 (Nov 2024 to Oct 2025)" in text and "Part 3 (Jan 2026 to Oct 2026)" in text
    assert "Version 2 (from January 2026)" in text
    assert "No mutual clients this month." in text
    if shutil.which("pdftoppm") is None:  # poppler-utils: on Linux (scripts/setup.sh), not Windows
        return
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")], check=True
    )
    (image,) = tmp_path.glob("p-*.png")
    assert image.stat().st_size > 20_000
    assert render(_content(analysis))[0] == pdf  # invariant: the same values give the same bytes

"""The report's tables: row heights given to ReportLab must be the ones it would work out."""

from __future__ import annotations

from reportlab.platypus import Table

from ddcase.reports.monthly_report import FRAME_WIDTH, _table, _wrapped


def _rows() -> list[list[str]]:
    rows = [["Ref", "Initials", "Care coordinator", "What is missing"]]
    for number in range(80):
        rows.append(
            [
                f"C{number:05d}",
                "AB",
                _wrapped("Alexandra Montgomery-Featherstonehaugh" if number % 3 else "Jo Li", 84),
                _wrapped("; ".join(["contact within 28 days"] * (number % 4)) or "", 120),
            ]
        )
    return rows


def test_plain_rows_are_given_the_heights_reportlab_would_measure():
    rows = _rows()
    widths = [52, 38, 84, FRAME_WIDTH - 174]
    given = _table(rows, widths)
    measured = _table(rows, widths)
    measured._argH = [None] * len(rows)  # let ReportLab measure every row itself
    given.wrap(FRAME_WIDTH, 10_000)
    measured.wrap(FRAME_WIDTH, 10_000)
    assert given._argH[0] is None  # the header's Paragraphs are left to ReportLab
    assert all(height is not None for height in given._argH[1:])
    assert given._rowHeights == measured._rowHeights
    assert len({round(h, 3) for h in given._rowHeights[1:]}) > 2  # one, two and more lines


def test_a_row_with_a_flowable_is_left_to_reportlab():
    rows = [["A", "B"], ["x", Table([["inner"]])], ["y", "z"]]
    table = _table(rows, [60, 60])
    assert table._argH[1] is None
    assert table._argH[2] is not None

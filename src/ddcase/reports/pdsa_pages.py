"""The meeting PDF's list of open PDSA cycles (issue 16 item 6): each cycle's prediction beside
what its measures' charts showed, the value in the cycle's start month against the latest month,
with the signal the chart reads (Making Data Count, or Anhøj for the jointly-worked measure)."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ddcase.domain.format import short_date_text
from ddcase.reports import styles
from ddcase.rules.charts import month_text
from ddcase.rules.pdsa import PredictionCheck


def _p(text: str, style: str = "body") -> Paragraph:
    return styles.paragraph(text, style)


def _e(text: object) -> str:
    return escape(str(text))


def open_cycles(checks: Sequence[PredictionCheck]) -> list[Flowable]:
    """One block per open cycle: what it is, its prediction, and a row per linked measure."""
    if not checks:
        return []
    out: list[Flowable] = [
        _p("Open PDSA cycles", "heading"),
        _p(
            "Each cycle still open, its prediction, and what the linked measures' charts then showed: "
            "the value in the month the cycle started against the latest month, and the signal read "
            "in the latest month. Each cycle's start is marked on its measures' charts.",
            "small",
        ),
    ]
    cycles: dict[int | None, list[PredictionCheck]] = {}
    for check in checks:
        cycles.setdefault(check.cycle.id, []).append(check)
    for group in cycles.values():
        cycle = group[0].cycle
        until = f" to {short_date_text(cycle.end)}" if cycle.end else ""
        who = f"; owner {cycle.owner}" if cycle.owner else ""
        block: list[Flowable] = [
            _p(
                f"<b>#{cycle.id} {_e(cycle.title)}</b> (from {_e(short_date_text(cycle.start))}{_e(until)}{_e(who)})",
                "body",
            ),
        ]
        if cycle.plan:
            block.append(_p(f"Plan: {_e(cycle.plan)}", "small"))
        block.append(_p(f"Prediction: {_e(cycle.prediction or 'none written')}", "small"))
        rows = [["Measure", "At the start", "Latest", "Signal"]]
        for check in group:
            rows.append(
                [
                    _p(f"{_e(check.name)} <font size=6>({_e(check.key)})</font>", "small"),
                    _p(f"{_e(month_text(check.start_month))}: {_e(check.at_start)}", "small"),
                    _p(f"{_e(month_text(check.latest_month))}: {_e(check.latest)}", "small"),
                    _p(_e(check.signal), "small"),
                ]
            )
        table = Table(rows, colWidths=["34%", "20%", "20%", "26%"], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, 0), styles.bold()),
                    ("FONTSIZE", (0, 0), (-1, 0), 7),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.6, styles.MUTED),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        block += [Spacer(1, 2), table, Spacer(1, 6)]
        out.append(KeepTogether(block))
    return out

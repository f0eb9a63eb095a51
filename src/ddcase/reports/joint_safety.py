"""The meeting PDF's issue-17 sections: discharges made without the other service, and the
month's caseload audit results. Handed plain values (`SafetySummary`); queries nothing.
ReportLab is imported only when the sections are built, so the values can be made cheaply (and so is
`xml.sax.saxutils`, which imports `urllib.request` and `http.client`: the measures' summary, which
makes none of these sections, paid 0.01-0.03 s for them in its first call; ReportLab imports it
anyway)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ddcase.domain.format import percent_text, short_date_text


@dataclass(frozen=True, slots=True)
class FlaggedDischargeLine:
    """A discharge without the other service: who, when, which side ended, who is still open."""

    client_ref: str
    end_date: date
    service: str
    ended_by: str | None
    other_worker: str | None


@dataclass(frozen=True, slots=True)
class AuditResultLine:
    """One question of a caseload audit in the month: yes, no and not applicable."""

    audit: str
    question: str
    yes: int
    no: int
    not_applicable: int


@dataclass(frozen=True, slots=True)
class SafetySummary:
    """The month's guarded discharges (`with_other_service` of `discharges`), the flagged ones,
    and the audit results."""

    discharges: int = 0
    with_other_service: int = 0
    flagged: tuple[FlaggedDischargeLine, ...] = ()
    audits: tuple[AuditResultLine, ...] = field(default_factory=tuple)


def safety_sections(summary: SafetySummary | None, *, client_list: bool = True) -> list[Any]:
    """The flowables: a heading and a sentence for the discharges (with the list of flagged ones
    unless the client list is left out), and a table of the audit questions."""
    if summary is None:
        return []
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph, Table, TableStyle

    from ddcase.reports import styles
    from ddcase.reports.plain_table import PlainTable, cell_look, wrapped

    # ReportLab's own padding for a table's cells and no rule under the last row; the rows are
    # plain text, wrapped as a Paragraph in the "cell" style would wrap them.
    look = replace(cell_look(), h_padding=6, v_padding=3, last_rule=None)

    def p(text: str, style: str = "body") -> Paragraph:
        return styles.paragraph(text, style)

    def table(rows: list[list[str]], widths: list[float]) -> PlainTable:
        header = Table([[p(escape(c), "cell") for c in rows[0]]], colWidths=widths, hAlign="LEFT")
        header.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), styles.HEADER_FILL),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, styles.INK),
                ]
            )
        )
        body = [
            [
                wrapped(c, look.font, look.size, width - 2 * look.h_padding)
                for c, width in zip(row, widths, strict=True)
            ]
            for row in rows[1:]
        ]
        heights = [look.leading * max(c.count("\n") + 1 for c in row) + 2 * look.v_padding for row in body]
        return PlainTable(header, body, widths, heights, look)

    out: list[Any] = [p("Discharges while the other service was open", "heading")]
    if summary.discharges == 0:
        out.append(p("No client was discharged by one service while open to the other this month."))
    else:
        share = percent_text(100 * summary.with_other_service / summary.discharges)
        flagged = len(summary.flagged)
        out.append(
            p(
                f"{summary.with_other_service} of {summary.discharges} discharges ({share}) involved the "
                f"other service (a contact with its worker in the 30 days up to the end, or a reason "
                f"given). {flagged} {'was' if flagged == 1 else 'were'} made without it."
            )
        )
        if summary.flagged and client_list:
            rows = [["Ended on", "Reference", "Service that ended", "Ended by", "Still open with"]]
            rows += [
                [
                    short_date_text(line.end_date),
                    line.client_ref,
                    line.service,
                    line.ended_by or "(none named)",
                    line.other_worker or "(none named)",
                ]
                for line in summary.flagged
            ]
            out.append(table(rows, [70, 70, 110, 110, 110]))
    if summary.audits:
        out.append(p("Caseload audits", "heading"))
        rows = [["Audit", "Question", "Yes", "No", "N/A", "Yes of yes + no"]]
        for line in summary.audits:
            answered = line.yes + line.no
            share = percent_text(100 * line.yes / answered) if answered else "no answers"
            rows.append(
                [line.audit, line.question, str(line.yes), str(line.no), str(line.not_applicable), share]
            )
        out.append(table(rows, [110, 190, 35, 35, 35, 70]))
    return out

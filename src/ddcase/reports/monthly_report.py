"""The team-meeting summary for one month (issue 4): an A4 PDF built with ReportLab's platypus.

Handed a ReportContent; queries nothing. `invariant=True` makes two builds of the same content
byte-identical. Every page carries the OFFICIAL-SENSITIVE marking top and bottom and
"Page X of Y"; tables split across pages with their header row repeated.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tables import CellStyle

from ddcase.domain import Month
from ddcase.domain.format import change_text, percent_text, short_date_text
from ddcase.domain.times import date_time_text
from ddcase.reports import styles
from ddcase.reports.content import ReportContent
from ddcase.reports.joint_safety import safety_sections
from ddcase.reports.measures_pages import measure_charts, summary_page, teams_side_by_side
from ddcase.reports.pareto import pareto_chart
from ddcase.reports.pdsa_pages import open_cycles
from ddcase.reports.plain_table import PlainTable, cell_look, wrapped
from ddcase.reports.run_chart import ChartNote, RunChart, centre_name, chart_notes
from ddcase.rules.charts import (
    ChartKind,
    PartAnalysis,
    SeriesAnalysis,
    Verdict,
    last_two_ended,
    month_spans,
    month_text,
)
from ddcase.rules.criteria import why_not
from ddcase.rules.figures import ClientMonth, GroupFigures, percentage

PAGE_WIDTH, PAGE_HEIGHT = A4
LONG_TABLE_ROWS = 15
LONG_LIST_ROWS = 60
FRAME_WIDTH = PAGE_WIDTH - 2 * styles.PAGE_MARGIN


def render(content: ReportContent) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    buffer = io.BytesIO()
    pages: list[int] = []
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        invariant=True,
        leftMargin=styles.PAGE_MARGIN,
        rightMargin=styles.PAGE_MARGIN,
        topMargin=styles.PAGE_MARGIN + 6,
        bottomMargin=styles.PAGE_MARGIN + 8,
        title=f"Joint working summary, {content.month.label()}, {content.scope}",
        author="ddcase",
        subject="Mutual clients jointly worked",
        creator="ddcase",
    )
    document.build(_story(content), canvasmaker=_numbered_canvas(content, pages))
    return buffer.getvalue(), pages[0]


# ---------------------------------------------------------------------- page furniture


def _numbered_canvas(content: ReportContent, pages: list[int]) -> type[canvas.Canvas]:
    provisional = " (provisional)" if content.provisional else ""
    footer = f"ddcase · Joint working summary · {content.month.label()}{provisional} · {content.scope}"
    demo = "Synthetic demo data: not real clients" if content.is_demo else None

    class NumberedCanvas(canvas.Canvas):
        """Holds every page until the end, so each can say "Page X of Y"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            pages.append(total)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._furniture(number, total)
                super().showPage()
            super().save()

        def _furniture(self, number: int, total: int) -> None:
            self.saveState()
            self.setFillColor(styles.INK)
            self.setFont(styles.bold(), 9)
            self.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 10 * 2.83465, styles.MARKING)
            self.drawCentredString(PAGE_WIDTH / 2, 7 * 2.83465, styles.MARKING)
            self.setFont(styles.regular(), 7)
            self.setFillColor(styles.MUTED)
            self.drawString(styles.PAGE_MARGIN, 12 * 2.83465, footer)
            self.drawRightString(PAGE_WIDTH - styles.PAGE_MARGIN, 12 * 2.83465, f"Page {number} of {total}")
            if demo:
                self.drawRightString(PAGE_WIDTH - styles.PAGE_MARGIN, PAGE_HEIGHT - 10 * 2.83465, demo)
            self.setStrokeColor(styles.GRID)
            self.setLineWidth(0.5)
            self.line(styles.PAGE_MARGIN, 15 * 2.83465, PAGE_WIDTH - styles.PAGE_MARGIN, 15 * 2.83465)
            self.restoreState()

    return NumberedCanvas


# ---------------------------------------------------------------------- the story


def _p(text: str, style: str = "body") -> Paragraph:
    return styles.paragraph(text, style)


def _e(text: object) -> str:
    return escape(str(text))


def _wrapped(text: str, width: float) -> str:
    """Plain text for a table cell `width` points wide, broken into lines at spaces as a
    Paragraph in the "cell" style would break it (the table's padding left out)."""
    look = cell_look()
    return wrapped(text, look.font, look.size, width - 2 * look.h_padding)


def _story(content: ReportContent) -> list[Flowable]:
    story: list[Flowable] = []
    story += _header(content)
    if content.measure_rows:
        # The meeting opens on the family of measures (issue 16): its summary table is page 1.
        story += summary_page(content.measure_rows, content.month.label(), content.scope)
        story.append(PageBreak())
    story += _headline(content)
    story += _chart_section(content)
    if content.measure_charts:
        story.append(_p("Each measure of the family", "heading"))
        story.append(
            _p(
                "The jointly-worked measure's chart is above; each other measure follows on its own chart "
                "(proportions on a p or run chart, values on an XmR chart, counts on a c chart), with the "
                "same parts, baseline and notes.",
                "small",
            )
        )
        story += measure_charts(content.measure_charts, content.annotations, FRAME_WIDTH)
    if content.team_charts:
        story += teams_side_by_side(content.team_charts, FRAME_WIDTH)
    story += open_cycles(content.pdsa_checks)
    # Can the figure be trusted? Data quality sits with the chart; the breakdowns follow.
    story += _completeness(content)
    story += _excluded(content)
    story += _breakdowns(content)
    story += _reasons(content)
    if content.client_list:
        story += _follow_up(content)
    story += _chart_data(content)
    story += _about(content)
    story += safety_sections(content.safety, client_list=content.client_list)  # issue 17
    return _keep_headings(story)


def _keep_headings(story: list[Flowable]) -> list[Flowable]:
    """Keep each heading with what follows it, up to its first table or drawing, so a heading is
    never left alone at the foot of a page."""
    out: list[Flowable] = []
    index = 0
    while index < len(story):
        item = story[index]
        if isinstance(item, Paragraph) and item.style.name == "heading":
            group = [item]
            index += 1
            while index < len(story) and isinstance(story[index], (Paragraph, Spacer)):
                if isinstance(story[index], Paragraph) and story[index].style.name == "heading":
                    break
                group.append(story[index])
                index += 1
            following = story[index] if index < len(story) else None
            if _row_count(following) > LONG_TABLE_ROWS:
                # A long table splits where the page ends: the heading only needs a few rows with it.
                out += [CondPageBreak(150), KeepTogether(group)]
                continue
            if following is not None and not isinstance(following, (Paragraph, Spacer, PageBreak)):
                group.append(following)
                index += 1
            out.append(KeepTogether(group))
        else:
            out.append(item)
            index += 1
    return out


def _row_count(flowable: Flowable | None) -> int:
    """A table's rows, its header included; 0 for anything else."""
    if isinstance(flowable, PlainTable):
        return flowable.row_count
    return len(flowable._cellvalues) if isinstance(flowable, Table) else 0


def _header(content: ReportContent) -> list[Flowable]:
    produced = date_time_text(content.produced_at, zone=True)
    by = f" by {_e(content.produced_by)}" if content.produced_by else ""
    service = f" · {_e(content.service_name)}" if content.service_name else ""
    definition = content.current.definition
    since = (
        f"in force from {definition.first_month.label()}"
        if definition.first_month
        else "in force from the start"
    )
    return [
        _p(
            f"Joint working summary: {_e(content.month.label())}{' (provisional)' if content.provisional else ''}",
            "title",
        ),
        _p(f"<b>{_e(content.scope)}</b>{service}", "subtitle"),
        _p(f"Produced {produced}{by}.", "small"),
        _p(
            f"<b>Definition version {definition.version}</b> ({since}): {_e(definition.plain_words())}",
            "small",
        ),
        Spacer(1, 6),
    ]


def _headline(content: ReportContent) -> list[Flowable]:
    current, previous = content.current, content.previous
    lines = [_p(_e(content.headline), "headline")]
    if content.provisional:
        lines += _in_progress_lines(content)
        change = None
    else:
        change = change_text(previous.percentage, current.percentage)
    previous_text = (
        f"{previous.jointly_worked} of {previous.mutual_clients} jointly worked, "
        f"{percent_text(previous.percentage)}"
    )
    if content.provisional:
        pass
    elif change is None:
        if previous.mutual_clients == 0:
            lines.append(_p(f"No mutual clients in {_e(previous.month.label())}, so no change to show."))
        else:
            lines.append(_p(f"{_e(previous.month.label())}: {_e(previous_text)}."))  # pragma: no cover
    else:
        counts = "; ".join(
            (
                _difference(current.jointly_worked - previous.jointly_worked, "jointly worked"),
                _difference(current.mutual_clients - previous.mutual_clients, "mutual clients"),
            )
        )
        lines.append(
            _p(
                f"<b>{_e(change.capitalize())}</b> from {_e(previous.month.label())} "
                f"({_e(previous_text)}): {_e(counts)}."
            )
        )
    if current.excluded:
        days = current.definition.min_overlap_days
        count = len(current.excluded)
        lines.append(
            _p(
                f"Not counted: {count} client{'s' if count != 1 else ''} open to both services for fewer "
                f"than {days} days of the month (listed as excluded).",
                "small",
            )
        )
    for month in (content.month, previous.month):
        revision = content.revision_of(month)
        if revision is not None:
            lines.append(_p(f"<b>Revised:</b> {_e(revision.text())}", "small"))
    box = Table([[line] for line in lines], colWidths=[FRAME_WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), styles.BOX_FILL),
                ("BOX", (0, 0), (-1, -1), 0.8, styles.NHS_BLUE),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, 0), 6),
                ("TOPPADDING", (0, 1), (-1, -1), 1),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -2), 1),
            ]
        )
    )
    return [box]


def _in_progress_lines(content: ReportContent) -> list[Flowable]:
    """The month in progress (SPEC §5): no change from last month until it ends; the last two
    ended months instead, when the chart holds them."""
    lines = [
        _p(
            f"<b>{_e(content.month.label())} is in progress</b>: this figure is provisional and will change; "
            "it is left out of the chart's centre line, limits and runs analysis, and no change from "
            "last month is given until it ends."
        )
    ]
    pair = last_two_ended(content.analysis.months)
    if pair is not None:
        before, last = pair
        change = change_text(before.percentage, last.percentage)
        if change is not None:
            lines.append(
                _p(
                    f"{_e(last.month.label())}, the last complete month: {last.jointly_worked} of "
                    f"{last.mutual_clients} jointly worked, {percent_text(last.percentage)} "
                    f"({_e(change)} from {_e(before.month.label())})."
                )
            )
    return lines


def _difference(value: int, what: str) -> str:
    if value == 0:
        return f"no change in {what}"
    return f"{abs(value)} {'more' if value > 0 else 'fewer'} {what}"


def _method(parts: Sequence[PartAnalysis]) -> str:
    kinds = {part.chart for part in parts}
    if kinds == {ChartKind.P}:
        return "p chart (centre = all jointly worked / all mutual clients), 3-sigma limits, Anhøj runs rules"
    if kinds == {ChartKind.RUN}:
        return "run chart (centre = median), Anhøj runs rules"
    return "run chart for parts under 12 months, p chart with 3-sigma limits from 12; Anhøj runs rules"


def _chart_section(content: ReportContent) -> list[Flowable]:
    analysis = content.analysis
    if not analysis.months:
        return []
    notes = chart_notes(analysis, [*content.annotations, *content.cycle_marks])
    first, last = analysis.months[0].month, analysis.months[-1].month
    aim = content.settings.aim_percentage
    height = 255 if len(analysis.parts) > 1 else 240
    chart = RunChart(analysis, notes=notes, aim=aim, width=FRAME_WIDTH, height=height).drawing()
    out: list[Flowable] = [
        _p("The monthly figure over time", "heading"),
        _p(
            f"% of mutual clients jointly worked, {_e(month_text(first))} to {_e(month_text(last))}: "
            f"{_e(_method(analysis.parts))}.",
            "small",
        ),
        Spacer(1, 3),
        chart,
    ]
    if aim is not None:
        by = f" by {content.settings.aim_by.label()}" if content.settings.aim_by else ""
        aim_words = f" ({_e(content.settings.aim_text)})" if content.settings.aim_text else ""
        out.append(
            _p(f"Aim: {percent_text(aim)} of mutual clients jointly worked{_e(by)}{aim_words}.", "small")
        )
    out.append(_reading(analysis))
    out.append(Spacer(1, 4))
    out.append(_critical_values(analysis.parts))
    if notes:
        out.append(_p("Notes on the chart", "heading"))
        out += [_note_line(note) for note in notes]
    versions = _versions_shown(content)
    if len(versions) > 1:
        out.append(_p("Definition versions on the chart", "heading"))
        for definition in versions:
            since = definition.first_month.label() if definition.first_month else "the start"
            out.append(
                _p(
                    f"<b>Version {definition.version}</b> (from {_e(since)}): {_e(definition.plain_words())}",
                    "small",
                )
            )
    others = [r for r in content.revisions if r.month not in (content.month, content.previous.month)]
    if others:
        out.append(_p("Revised since earlier reports", "heading"))
        out += [_p(_e(r.text()), "small") for r in others]
    return out


def _versions_shown(content: ReportContent) -> list[Any]:
    shown = {m.definition_version for m in content.analysis.months}
    return [d for d in content.definitions if d.version in shown]


def _note_line(note: ChartNote) -> Paragraph:
    part = " <i>(new part of the chart from here)</i>" if note.new_part else ""
    return _p(f"<b>{note.number}</b>&nbsp;&nbsp;{_e(month_text(note.month))}: {_e(note.text)}{part}", "small")


def _reading(analysis: SeriesAnalysis) -> Paragraph:
    """What the chart says, part by part, in a meeting's words, naming the months."""
    parts = analysis.parts
    sentences = []
    for part in parts:
        prefix = (
            f"<b>Part {part.part}</b> ({_e(month_text(part.from_))} to {_e(month_text(part.to))}): "
            if len(parts) > 1
            else ""
        )
        points = [m.month for m in analysis.months if m.part == part.part and not m.is_gap]
        signal = part.runs_signal or part.months_outside_limits
        verdict = (
            "<b>Signal.</b> " if signal else ("<b>No signal.</b> " if part.verdict is Verdict.RANDOM else "")
        )
        text = " ".join(_part_sentences(part, analysis, points[-1] if points else None))
        sentences.append(f"{prefix}{verdict}{_e(text)}")
    return _p("<br/>".join(sentences), "reading")


def _part_sentences(part: PartAnalysis, analysis: SeriesAnalysis, last_point: Month | None) -> list[str]:
    if part.centre is None:
        return ["No months with mutual clients, so nothing to chart."]
    out: list[str] = []
    if part.verdict is Verdict.TOO_FEW_POINTS:
        out.append(
            f"Too few months ({part.useful_observations} off the centre line) for a runs verdict: "
            "10 are needed."
        )
    elif part.verdict is Verdict.RANDOM:
        out.append(
            f"No unusual runs: longest run {part.longest_run} (signal when more than {part.longest_run_limit}), "
            f"crossings {part.crossings} (signal when fewer than {part.crossings_limit})."
        )
    else:
        findings = []
        if part.longest_run_signal:
            for run in part.longest_runs:
                when = (
                    f"since {month_text(run.months[0])}"
                    if run.months[-1] == last_point
                    else f"{month_text(run.months[0])} to {month_text(run.months[-1])}"
                )
                findings.append(
                    f"a run of {run.length} months {run.side.value} the centre line {when} "
                    f"(signal when more than {part.longest_run_limit})"
                )
        if part.crossings_signal:
            findings.append(
                f"only {part.crossings} crossing{'s' if part.crossings != 1 else ''} of the centre line "
                f"(signal when fewer than {part.crossings_limit})"
            )
        text = "; and ".join(findings)
        out.append(f"{text[0].upper()}{text[1:]}: unlikely to be chance.")
        out.append(_direction(part, last_point))
    if part.chart is ChartKind.P:
        out.append(_outside_sentence(part, analysis))
        if part.trial:
            out.append(
                f"Trial limits: from {len(part.baseline_months)} months, fewer than the 12 needed to fix them."
            )
    return [sentence for sentence in out if sentence]


def _outside_sentence(part: PartAnalysis, analysis: SeriesAnalysis) -> str:
    months = [m for m in analysis.months if m.part == part.part and m.limit_breach is not None]
    if not months:
        return "No month outside the limits."
    pieces = []
    for side, words in (("above", "above the upper limit"), ("below", "below the lower limit")):
        chosen = [m.month for m in months if m.limit_breach is not None and m.limit_breach.value == side]
        if chosen:
            count = len(chosen)
            pieces.append(f"{count} month{'s' if count != 1 else ''} {words} ({month_spans(chosen)})")
    return f"{'; '.join(pieces)}."[0].upper() + f"{'; '.join(pieces)}."[1:]


def _direction(part: PartAnalysis, last_point: Month | None) -> str:
    """What a run signal means for the team (higher is better): improvement or concern when the
    run reaches the latest month; otherwise a change already past, a cue to consider a new part."""
    if not part.longest_run_signal or len(part.longest_runs) != 1:
        return ""
    run = part.longest_runs[0]
    if run.months[-1] == last_point:
        return (
            "Higher is better, so this points to improvement."
            if run.side.value == "above"
            else "Higher is better, so this is a concern."
        )
    return (
        f"The run ended in {month_text(run.months[-1])}: if the change since has a known cause and is "
        "expected to last, the team may start a new part of the chart from it."
    )


def _critical_values(parts: Sequence[PartAnalysis]) -> Table:
    head = [
        "Part",
        "Months",
        "Chart",
        "Centre line",
        "Useful\nmonths",
        "Longest run\n(signal if more than)",
        "Crossings\n(signal if fewer than)",
        "Outside\nlimits",
        "Verdict",
    ]
    rows: list[list[Any]] = [head]
    for part in parts:
        chart = "p chart" if part.chart is ChartKind.P else "run chart"
        if part.trial:
            chart += " (trial limits)"
        centre = f"{centre_name(part)} {percent_text(100 * part.centre)}" if part.centre is not None else "–"
        run_limit = "–" if part.longest_run_limit is None else str(part.longest_run_limit)
        cross_limit = "–" if part.crossings_limit is None else str(part.crossings_limit)
        outside = (
            f"{len(part.months_outside_limits)} month{'s' if len(part.months_outside_limits) != 1 else ''}"
            if part.months_outside_limits
            else ("none" if part.chart is ChartKind.P else "–")
        )
        rows.append(
            [
                str(part.part),
                _p(f"{_e(month_text(part.from_))} to {_e(month_text(part.to))}", "cell"),
                _p(_e(chart), "cell"),
                _p(_e(centre), "cell"),
                str(part.useful_observations),
                _p(
                    f"{'<b>' if part.longest_run_signal else ''}{part.longest_run} (limit {run_limit})"
                    f"{'</b>' if part.longest_run_signal else ''}",
                    "cell",
                ),
                _p(
                    f"{'<b>' if part.crossings_signal else ''}{part.crossings} (limit {cross_limit})"
                    f"{'</b>' if part.crossings_signal else ''}",
                    "cell",
                ),
                _p(_e(outside), "cell"),
                _p(_e(part.verdict.value), "cell"),
            ]
        )
    widths = [28, 62, 52, 56, 42, 72, 72, 58]
    widths.append(FRAME_WIDTH - sum(widths))
    return _table(rows, widths, numeric_columns=(0, 4))


def _table(
    rows: list[list[Any]],
    widths: Sequence[float],
    *,
    numeric_columns: Sequence[int] = (),
    bold_last: bool = False,
) -> Table | PlainTable:
    """A table that splits cleanly across pages, its header row repeated on each. Rows of plain
    text only (after the header) make a PlainTable: the same look, drawn far faster."""
    rows = [_header_row(rows[0], numeric_columns)] + rows[1:]
    heights = _row_heights(rows)
    if len(rows) > 1 and not bold_last and all(height is not None for height in heights[1:]):
        header = _styled_table(rows[:1], widths, heights[:1], numeric_columns, last_rule=False)
        body = [[str(cell) for cell in row] for row in rows[1:]]
        plain = [height for height in heights[1:] if height is not None]
        return PlainTable(header, body, widths, plain, cell_look(), right=numeric_columns)
    return _styled_table(rows, widths, heights, numeric_columns, bold_last=bold_last)


def _styled_table(
    rows: list[list[Any]],
    widths: Sequence[float],
    heights: list[float | None],
    numeric_columns: Sequence[int],
    *,
    bold_last: bool = False,
    last_rule: bool = True,
) -> Table:
    # A LongTable works out row heights only as far as the page it is split on, not the rest of
    # a list that runs to thousands of rows at every page.
    kind = LongTable if len(rows) > LONG_LIST_ROWS else Table
    table = kind(
        rows,
        colWidths=list(widths),
        rowHeights=heights,
        repeatRows=1,
        hAlign="LEFT",
        cellStyles=_cell_styles(len(rows), len(widths), numeric_columns, bold_last),
    )
    look = cell_look()
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), styles.HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, styles.INK),
        # Zebra stripes from the second data row, as one command: a command per row is carried
        # into every page a long table splits onto. Each page's rows start unshaded.
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, look.zebra]),
    ]
    if last_rule and look.last_rule is not None:
        commands.append(("LINEBELOW", (0, -1), (-1, -1), *look.last_rule))
    table.setStyle(TableStyle(commands))
    return table


def _row_heights(rows: list[list[Any]]) -> list[float | None]:
    """Each row of plain text's height, worked out as ReportLab would (the cell's leading times
    its lines, plus the padding), so it need not measure every row again at every page a long
    table splits on; None for a row with a Paragraph or drawing in it, which ReportLab measures."""
    look = cell_look()
    leading, padding = look.leading, look.v_padding + look.v_padding
    one_line = leading + padding
    heights: list[float | None] = []
    # A long list's rows are mostly one line in every cell: seen at once from the row's text
    # joined (in C), which also fails on a cell that is not text.
    for row in rows:
        try:
            text = "".join(row)
        except TypeError:
            heights.append(None)
            continue
        if "\n" not in text:
            heights.append(one_line)
        else:
            heights.append(leading * max(cell.count("\n") + 1 for cell in row) + padding)
    return heights


def _cell_styles(
    rows: int, columns: int, numeric_columns: Sequence[int], bold_last: bool
) -> list[list[CellStyle]]:
    """Every cell's font, colour, alignment and padding, as a few shared CellStyles rather than
    a style per cell set by commands that visit every cell (a trust's follow-up list has 18,000
    cells). No cell-level command may then be given to the table: it would change them all."""
    look = cell_look()

    def style(name: str, font: str, alignment: str) -> CellStyle:
        made = CellStyle(name)
        made.fontname, made.fontsize, made.leading = font, look.size, look.leading
        made.color = look.color
        made.valign = "TOP"
        made.topPadding = made.bottomPadding = look.v_padding
        made.leftPadding = made.rightPadding = look.h_padding
        made.alignment = alignment
        return made

    def row(font: str, numbers_right: bool) -> list[CellStyle]:
        left, right = style(f"{font}-left", font, "LEFT"), style(f"{font}-right", font, "RIGHT")
        return [right if numbers_right and i in numeric_columns else left for i in range(columns)]

    header = row(styles.bold(), numbers_right=False)
    body = row(styles.regular(), numbers_right=True)
    out = [header] + [body] * (rows - 1)
    if bold_last and rows > 1:
        out[-1] = row(styles.bold(), numbers_right=True)
    return out


def _header_row(row: list[Any], numeric_columns: Sequence[int]) -> list[Any]:
    """Header cells wrap (a Paragraph), right-aligned over numbers."""
    return [
        _p(_e(cell).replace("\n", "<br/>"), "cell_head_right" if i in numeric_columns else "cell_head")
        if isinstance(cell, str)
        else cell
        for i, cell in enumerate(row)
    ]


def _group_table(title: str, groups: Sequence[GroupFigures], name_width: float = 150) -> Table | PlainTable:
    rows: list[list[Any]] = [[title, "Mutual clients", "Jointly worked", "%", "Not jointly worked"]]
    for group in groups:
        rows.append(
            [
                _wrapped(group.name, name_width),
                str(group.mutual_clients),
                str(group.jointly_worked),
                percent_text(group.percentage),
                str(group.mutual_clients - group.jointly_worked),
            ]
        )
    return _table(rows, [name_width, 66, 66, 40, 80], numeric_columns=(1, 2, 3, 4))


def _breakdowns(content: ReportContent) -> list[Flowable]:
    current = content.current
    out: list[Flowable] = [CondPageBreak(300), _p(f"Breakdown for {_e(content.month.label())}", "heading")]
    if current.mutual_clients == 0:
        return out + [_p("No mutual clients this month.")]
    out.append(
        _p(
            "A client whose care moved between teams during the month counts for each team, so the team "
            "rows can add up to more than the total.",
            "small",
        )
    )
    out.append(Spacer(1, 3))
    tables = (
        ("Team", current.by_team()),
        ("Care coordinator", current.by_care_coordinator()),
        ("Drug and alcohol provider", current.by_provider()),
    )
    for number, (title, groups) in enumerate(tables):
        table = _group_table(title, groups)
        # The first table stays with the heading; a later short one is kept whole on a page.
        out.append(KeepTogether([table]) if number and len(groups) < 12 else table)
        out.append(Spacer(1, 7))
    return out


def _reasons(content: ReportContent) -> list[Flowable]:
    current = content.current
    reasons = current.reasons()
    not_worked = len(current.not_jointly_worked())
    out: list[Flowable] = [_p("Why mutual clients were not jointly worked", "heading")]
    if current.mutual_clients == 0:
        return out + [_p("No mutual clients this month.")]
    rows: list[list[Any]] = [["What was missing", "Clients", "% of not jointly worked"]]
    for criterion, count in reasons:
        rows.append(
            [
                _p(_e(why_not(criterion).capitalize()), "cell"),
                str(count),
                percent_text(percentage(count, not_worked)),
            ]
        )
    table = _table(rows, [150, 40, 60], numeric_columns=(1, 2))
    side = Table(
        [[pareto_chart(reasons, width=FRAME_WIDTH - 262, height=140), table]],
        colWidths=[FRAME_WIDTH - 256, 256],
        hAlign="LEFT",
    )
    side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    noun = "client was" if not_worked == 1 else "clients were"
    return out + [
        side,
        _p(
            f"{not_worked} mutual {noun} not jointly worked. A client may miss more than one "
            "criterion, so the counts can add up to more than that; the line is the running share of "
            "all reasons.",
            "small",
        ),
    ]


def _completeness(content: ReportContent) -> list[Flowable]:
    data = content.completeness
    out: list[Flowable] = [_p("Data completeness", "heading")]
    if data.clients == 0:
        return out + [_p("No mutual clients this month.")]
    rows: list[list[Any]] = [["Of the month's mutual clients", "Recorded", "Not recorded", "% recorded"]]
    for label, recorded in data.items():
        rows.append(
            [
                label,
                str(recorded),
                str(data.clients - recorded),
                percent_text(percentage(recorded, data.clients)),
            ]
        )
    note = (
        f"{data.ethnicity_not_stated} of the ethnicity entries are Z (not stated: asked, and chose not to say)."
        if data.ethnicity_not_stated
        else ""
    )
    return out + [
        _p(
            f"Of {data.clients} mutual clients. Consent counts when recorded by the end of the month. {note}",
            "small",
        ),
        Spacer(1, 3),
        _table(rows, [170, 60, 70, 60], numeric_columns=(1, 2, 3)),
    ]


def _excluded(content: ReportContent) -> list[Flowable]:
    excluded = content.current.excluded
    days = content.current.definition.min_overlap_days
    out: list[Flowable] = [_p("Excluded this month", "heading")]
    if not excluded:
        return out + [
            _p(f"No client was excluded: every client open to both services was so for at least {days} days.")
        ]
    count = len(excluded)
    where = " They are listed after the follow-up list." if content.client_list else ""
    return out + [
        _p(
            f"{count} client{'s were' if count != 1 else ' was'} open to both services for fewer than {days} "
            f"days of the month, so neither counted nor dropped: they are outside this month's figure.{where}"
        )
    ]


def _follow_up(content: ReportContent) -> list[Flowable]:
    current = content.current
    waiting = sorted(
        current.not_jointly_worked(), key=lambda c: ((c.care_coordinator or "~").lower(), c.client_ref)
    )
    out: list[Flowable] = [
        CondPageBreak(260),
        _p(f"Follow-up list: mutual clients not jointly worked in {_e(content.month.label())}", "heading"),
        _p(
            "Reference and initials only. For the team meeting: keep it secure, do not email it, and shred it "
            "after use. Sorted by care coordinator.",
            "small",
        ),
        Spacer(1, 3),
    ]
    none = "none"
    # Names, dates and reasons repeat down a long list: each is wrapped once.
    wrapped = cache(_wrapped)
    if not waiting:
        out.append(_p("Every mutual client was jointly worked this month."))
    else:
        rows: list[list[Any]] = [
            [
                "Ref",
                "Initials",
                "Care coordinator",
                "Key worker",
                f"Last joint contact ({current.definition.joint_contact_window_days} days)",
                "What is missing",
            ]
        ]
        widths = [52, 38, 84, 84, 62]
        widths.append(FRAME_WIDTH - sum(widths))
        # Plain text, wrapped here, not a Paragraph per cell: a trust's list runs to thousands
        # of rows, and a Paragraph per cell was most of the report's time.
        for c in waiting:
            rows.append(
                [
                    c.client_ref,
                    c.initials,
                    wrapped(c.care_coordinator or "none named", widths[2]),
                    wrapped(c.key_worker or "none named", widths[3]),
                    wrapped(
                        short_date_text(c.last_joint_contact) if c.last_joint_contact else none,
                        widths[4],
                    ),
                    wrapped("; ".join(_missing(c)), widths[5]),
                ]
            )
        out.append(_table(rows, widths))
    if current.excluded:
        out.append(_p("Excluded for a short overlap", "heading"))
        rows = [["Ref", "Initials", "Days open to both", "Care coordinator", "Key worker"]]
        widths = [52, 38, 72, 110, 110]
        for c in current.excluded:
            rows.append(
                [
                    c.client_ref,
                    c.initials,
                    str(c.mutual_days),
                    wrapped(c.care_coordinator or "none named", widths[3]),
                    wrapped(c.key_worker or "none named", widths[4]),
                ]
            )
        out.append(_table(rows, widths, numeric_columns=(2,)))
    return out


def _missing(client: ClientMonth) -> list[str]:
    return list(client.missing())


def _chart_data(content: ReportContent) -> list[Flowable]:
    analysis = content.analysis
    if not analysis.months:
        return []
    rows: list[list[Any]] = [
        [
            "Month",
            "Jointly\nworked",
            "Mutual\nclients",
            "%",
            "Part",
            "Centre",
            "Lower\nlimit",
            "Upper\nlimit",
            "Flag",
        ]
    ]
    signalling = {m for p in analysis.parts if p.longest_run_signal for m in p.longest_run_months}
    for m in analysis.months:
        flags = []
        if m.is_gap:
            flags.append("no mutual clients")
        elif m.mutual_clients < 10:
            flags.append("fewer than 10 clients")
        if m.limit_breach is not None:
            flags.append(f"{m.limit_breach.value} limits")
        if m.month in signalling:
            flags.append("in long run")
        rows.append(
            [
                month_text(m.month),
                str(m.jointly_worked),
                str(m.mutual_clients),
                percent_text(m.percentage),
                str(m.part),
                percent_text(100 * m.centre) if m.centre is not None else "–",
                percent_text(100 * m.lower_limit) if m.lower_limit is not None else "–",
                percent_text(100 * m.upper_limit) if m.upper_limit is not None else "–",
                _p(_e("; ".join(flags)), "cell"),
            ]
        )
    widths = [58, 44, 44, 38, 30, 44, 44, 44]
    widths.append(FRAME_WIDTH - sum(widths))
    return [
        CondPageBreak(120),
        _p("The chart's months", "heading"),
        _p(
            "Every point on the chart, so the meeting can check it. Limits are shown for p chart parts only.",
            "small",
        ),
        Spacer(1, 3),
        _table(rows, widths, numeric_columns=(1, 2, 3, 4, 5, 6, 7)),
    ]


def _about(content: ReportContent) -> list[Flowable]:
    return [
        Spacer(1, 8),
        _p(
            "How to read the chart: a month is a point; the centre line is the median (run chart) or all jointly "
            "worked divided by all mutual clients (p chart). A run of more months than the limit on one side of "
            "the centre line, or fewer crossings than the limit, means the process has changed (Anhøj rules); a "
            "point outside the limits (p chart) is unlikely to be chance. Below 10 useful months no verdict is "
            "given. Figures come from the same calculation as `ddcase figures` and `ddcase series`; "
            "percentages are rounded to whole numbers, half up.",
            "small",
        ),
    ]

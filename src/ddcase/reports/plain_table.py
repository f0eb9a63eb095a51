"""A table of plain text under a header row that splits across pages with the header repeated:
the report's long lists (a trust's follow-up list runs to 3,000 rows and 80 pages).

It looks exactly as ReportLab's `Table` draws the report's tables (`monthly_report._table`: the
same padding, zebra stripes from the second row of each page, the header's fill and rule, the
muted rule under the last row), but it is split and drawn in a fraction of the time: a `Table`
copies the rest of a long list and its styles at every page it splits on, and draws each cell's
text as a text object of its own. Here a split is two index ranges over the same rows, and a
page's text is one text object in which a line repeated down the list (a name, a date, a
reason) is encoded once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable, Table

from ddcase.reports.replay import once


@dataclass(frozen=True, slots=True)
class PlainLook:
    """How the body's cells look: one font and colour, the padding, the zebra and last rules."""

    font: str
    size: float
    leading: float
    color: Color
    h_padding: float
    v_padding: float
    zebra: Color
    last_rule: tuple[float, Color] | None
    """The rule under the last row (width and colour), or None."""


@dataclass(slots=True)
class _Shared:
    """What every page's piece of one table shares: its rows and the text already encoded for
    the document being built (a subset font's codes belong to one document)."""

    header: Table
    header_height: float
    rows: Sequence[Sequence[str]]
    heights: Sequence[float]
    widths: Sequence[float]
    right: frozenset[int]
    look: PlainLook
    document: object = None
    encoded: dict[Any, dict[str, tuple[str, Any]]] = field(default_factory=dict)
    starts: dict[int, dict[str, str]] = field(default_factory=dict)


class PlainTable(Flowable):
    """`header` is a one-row `Table` (the header's cells, fill and rule); `rows` are plain text,
    a cell's lines separated by newlines; `heights` each row's height as a `Table` would measure
    it; columns in `right` are right-aligned."""

    def __init__(
        self,
        header: Table,
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        heights: Sequence[float],
        look: PlainLook,
        *,
        right: Sequence[int] = (),
    ) -> None:
        super().__init__()
        _, header_height = header.wrap(sum(widths), 1e9)
        shared = _Shared(header, header_height, rows, heights, widths, frozenset(right), look)
        self._take(shared, 0, len(rows))

    def _take(self, shared: _Shared, start: int, stop: int) -> None:
        self._shared, self._start, self._stop = shared, start, stop
        self.hAlign = "LEFT"
        self.width = sum(shared.widths)
        self.height = shared.header_height + sum(shared.heights[start:stop])

    def _piece(self, start: int, stop: int) -> PlainTable:
        piece = PlainTable.__new__(PlainTable)
        Flowable.__init__(piece)
        piece._take(self._shared, start, stop)
        return piece

    @property
    def row_count(self) -> int:
        """The rows in this piece, the header included (as `len(Table._cellvalues)`)."""
        return 1 + self._stop - self._start

    def rows(self) -> Sequence[Sequence[str]]:
        """This piece's rows of plain text, the header left out."""
        return self._shared.rows[self._start : self._stop]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab's names)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        """As `Table` splits by rows with one header row repeated: as many rows as fit, header
        included; nothing when not even one row fits under the header."""
        shared = self._shared
        height, stop = shared.header_height, self._start
        while stop < self._stop and height + shared.heights[stop] <= availHeight:
            height += shared.heights[stop]
            stop += 1
        if stop == self._start:
            return []
        if stop == self._stop:
            return [self]
        return [self._piece(self._start, stop), self._piece(stop, self._stop)]

    def draw(self) -> None:
        canvas: Canvas = self.canv
        shared, look = self._shared, self._shared.look
        _Header(shared.header).drawOn(canvas, 0, self.height - shared.header_height)
        tops: list[float] = []
        top = self.height - shared.header_height
        for index in range(self._start, self._stop):
            tops.append(top)
            top -= shared.heights[index]
        canvas.saveState()
        canvas.setFillColor(look.zebra)
        for offset in range(1, len(tops), 2):  # each page's first row unshaded, as ROWBACKGROUNDS
            canvas.rect(0, tops[offset], self.width, -shared.heights[self._start + offset], stroke=0, fill=1)
        canvas.setFillColor(look.color)
        text = canvas.beginText()
        text.setFont(look.font, look.size, look.leading)
        self._lines(text, tops)
        canvas.drawText(text)
        if self._stop == len(shared.rows) and look.last_rule is not None:
            width, color = look.last_rule
            canvas.setStrokeColor(color)
            canvas.setLineWidth(width)
            canvas.setLineCap(1)
            canvas.setLineJoin(1)
            canvas.line(0, 0, self.width, 0)
        canvas.restoreState()

    def _lines(self, text: PDFTextObject, tops: Sequence[float]) -> None:
        """Every cell's lines where `Table._drawCell` puts them (top-aligned; left, or right in a
        right-aligned column), in one text object.

        Each line is placed by its own origin, written as `setTextOrigin` writes it (numbers as
        `fp_str` writes them, one by one), then its text as `_formatText` writes it, then "next
        line", as a Table's text does (drawString's textLine), so that the PDF's text is read
        back line by line as before. A text object's operators are joined by spaces
        (`PDFTextObject.getCode`), so a line's three are added as one string of them so joined.
        What repeats is written once: a left-aligned column's x; a right-aligned column's x for
        each text (a number, a date); each height down the page; each distinct line's text
        (`_encoded`)."""
        shared, look = self._shared, self._shared.look
        encoded, starts = self._encoded(text)
        lefts = [0.0]
        for width in shared.widths[:-1]:
            lefts.append(lefts[-1] + width)
        prefix = "1 0 0 1 " if self.canv.bottomup else "1 0 0 -1 "
        columns = []
        for index, (left, width) in enumerate(zip(lefts, shared.widths, strict=True)):
            right = index in shared.right
            x = left + width - look.h_padding if right else left + look.h_padding
            columns.append(
                (index, starts.setdefault(index, {}) if right else None, x, f"{prefix}{fp_str(x)} ")
            )
        font, size, leading = look.font, look.size, look.leading
        heights: dict[float, str] = {}
        append = text._code.append
        subset = text._curSubset
        lines = encoded.setdefault(subset, {})
        for row, top in zip(shared.rows[self._start : self._stop], tops, strict=True):
            first = top - look.v_padding - look.size
            for index, across, x, start in columns:
                y = first
                for line in row[index].split("\n"):
                    if line:
                        if across is not None:
                            known = across.get(line)
                            if known is None:
                                known = across[line] = f"{prefix}{fp_str(x - _width(line, font, size))} "
                            start = known
                        height = heights.get(y)
                        if height is None:
                            height = heights[y] = fp_str(y)
                        found = lines.get(line)
                        if found is None:
                            # ReportLab's own, whose result depends on nothing but the font's
                            # subset in use before it (which it may change) and the document's.
                            text._curSubset = subset
                            found = lines[line] = (text._formatText(line), text._curSubset)
                        append(f"{start}{height} Tm {found[0]} T*")
                        if found[1] != subset:
                            subset = found[1]
                            lines = encoded.setdefault(subset, {})
                    y -= leading
        text._curSubset = subset

    def _encoded(
        self, text: PDFTextObject
    ) -> tuple[dict[Any, dict[str, tuple[str, Any]]], dict[int, dict[str, str]]]:
        """For the document being built (a subset font's codes belong to one document): each
        distinct line's text operators by the font subset in use before it, with the subset in
        use after it; and each right-aligned column's start of a line's origin by its text."""
        shared = self._shared
        document = self.canv._doc
        if shared.document is not document:
            shared.document, shared.encoded, shared.starts = document, {}, {}
        return shared.encoded, shared.starts


class _Header(Flowable):
    """The header row placed as itself, drawn once a document and its operators written again on
    each page after (`replay.once`: a `Table` saves and restores the state around itself)."""

    def __init__(self, header: Table) -> None:
        super().__init__()
        self._header = header

    def draw(self) -> None:
        header = self._header
        header.canv = self.canv
        once(self.canv, header, header.draw)
        del header.canv


@cache
def cell_look() -> PlainLook:
    """The look of the report's table cells (`monthly_report`'s tables, their CellStyles too)."""
    from ddcase.reports import styles

    cell = styles.paragraph_styles()["cell"]
    return PlainLook(
        font=cell.fontName,
        size=cell.fontSize,
        leading=cell.leading,
        color=cell.textColor,
        h_padding=3.5,
        v_padding=2.2,
        zebra=styles.ZEBRA_FILL,
        last_rule=(0.5, styles.MUTED),
    )


#: Less than any width a text could be measured at, more than the rounding of adding its words'
#: widths one by one (`simpleSplit`) rather than measuring it whole.
_ROUNDING = 1e-6


def wrapped(text: str, font: str, size: float, width: float) -> str:
    """`text` broken into lines at spaces as a Paragraph `width` points wide in that font would
    break it, the lines separated by newlines (a table cell's plain text).

    Most cells' text is one line as it is (a name, a date): its words one space apart, no break,
    and its whole width within `width` (less `_ROUNDING`), which is `simpleSplit`'s answer
    without measuring it a word at a time."""
    if text == " ".join(text.split()) and stringWidth(text, font, size) <= width - _ROUNDING:
        return text
    return "\n".join(simpleSplit(text, font, size, width)) or text


@lru_cache(maxsize=4096)
def _width(line: str, font: str, size: float) -> float:
    return float(stringWidth(line, font, size))

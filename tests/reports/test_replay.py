"""What is drawn again in one PDF, its operators written again (`replay.once`, issue 18): the
same bytes as drawing it each time, and drawn afresh where the canvas's state it takes differs."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A5
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

import ddcase.reports.plain_table
from ddcase.reports import styles
from ddcase.reports.monthly_report import _table
from ddcase.reports.plain_table import PlainTable
from ddcase.reports.replay import once
from tests.reports.test_tables import WIDTHS, _rows


def _drawn_each_time(canvas, drawn, draw, key=None):
    return draw()


def _document(rows: list[list[str]]) -> bytes:
    out = io.BytesIO()
    table = _table(rows, WIDTHS)
    assert isinstance(table, PlainTable)
    SimpleDocTemplate(out, pagesize=A5, invariant=True, pageCompression=0).build([table])
    return out.getvalue()


def test_a_long_tables_header_written_again_on_each_page_is_as_drawn_each_time(monkeypatch):
    styles.paragraph_styles()
    rows = _rows(150)
    replayed = _document(rows)
    monkeypatch.setattr(ddcase.reports.plain_table, "once", _drawn_each_time)
    drawn = _document(rows)
    assert replayed.count(b"Care coordinator") >= 3  # the header on every page
    assert replayed == drawn


class _Word:
    """Draws a word in the canvas's font (it sets none); half transparent when `veiled`."""

    def __init__(self, word: str, *, veiled: bool = False) -> None:
        self.word, self.veiled = word, veiled

    def draw(self, canvas: Canvas) -> None:
        canvas.saveState()
        if self.veiled:
            canvas.setFillAlpha(0.5)  # no operator where it is half transparent already
        canvas.drawString(10, 10, self.word)
        canvas.restoreState()


def _page(replay: bool) -> bytes:
    styles.paragraph_styles()  # the fonts
    canvas = Canvas(io.BytesIO(), invariant=1, pageCompression=0)
    word = _Word("ÉÅ again")  # its codes differ between a subset font and a standard one
    veiled = _Word("veiled", veiled=True)

    def draw(what: _Word) -> None:
        if replay:
            once(canvas, what, lambda: what.draw(canvas))
        else:
            what.draw(canvas)

    canvas.setFont(styles.regular(), 9)
    draw(word)
    canvas.setFillColor(colors.red)
    draw(word)  # another colour: written again (the word sets none, and writes no colour)
    canvas.setFont("Courier", 14)
    draw(word)  # another font: drawn afresh
    canvas.translate(30, 40)
    draw(word)  # only moved: written again
    canvas.saveState()
    canvas.setFillAlpha(0.5)
    draw(veiled)  # half transparent already: sets none
    canvas.restoreState()
    draw(veiled)  # not: drawn afresh
    canvas.showPage()
    canvas.setFont(styles.regular(), 9)
    draw(word)  # on the next page, as on the first
    canvas.showPage()
    return canvas.getpdfdata()


def test_what_is_written_again_depends_on_the_canvas_state_it_takes():
    assert _page(replay=True) == _page(replay=False)

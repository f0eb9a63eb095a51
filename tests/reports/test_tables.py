"""The report's tables: row heights given to ReportLab must be the ones it would work out, and a
long list of plain text (`PlainTable`) must split and draw exactly as ReportLab's `Table` does."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.lib.pagesizes import A5
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from ddcase.reports import styles
from ddcase.reports.monthly_report import (
    FRAME_WIDTH,
    _header_row,
    _row_heights,
    _styled_table,
    _table,
    _wrapped,
)
from ddcase.reports.plain_table import PlainTable, wrapped


def _rows(count: int = 80) -> list[list[str]]:
    rows = [["Ref", "Initials", "Care coordinator", "What is missing", "Days"]]
    for number in range(count):
        rows.append(
            [
                f"C{number:05d}",
                "ÉÅ" if number % 7 == 0 else "AB",  # outside ASCII: the font's subset codes
                _wrapped("Alexandra Montgomery-Featherstonehaugh" if number % 3 else "Jo Li", 84),
                _wrapped("; ".join(["contact within 28 days"] * (number % 4)) or "", 120),
                str(number * 37 % 1000),
            ]
        )
    return rows


WIDTHS = [52, 38, 84, 180, 40]


def test_plain_rows_are_given_the_heights_reportlab_would_measure():
    rows = _rows()
    heights = _row_heights(rows)
    measured = _styled_table(rows, WIDTHS, [None] * len(rows), ())  # ReportLab measures every row
    measured.wrap(FRAME_WIDTH, 10_000)
    assert heights[1:] == measured._rowHeights[1:]
    assert len({round(h, 3) for h in measured._rowHeights[1:]}) > 2  # one, two and more lines


def test_a_row_with_a_flowable_is_left_to_reportlab():
    rows = [["A", "B"], ["x", Table([["inner"]])], ["y", "z"]]
    table = _table(rows, [60, 60])
    assert isinstance(table, Table)
    assert table._argH[1] is None
    assert table._argH[2] is not None


def test_rows_of_plain_text_make_a_plain_table_with_every_row():
    table = _table(_rows(), WIDTHS, numeric_columns=(4,))
    assert isinstance(table, PlainTable)
    assert table.row_count == 81
    assert list(table.rows()) == _rows()[1:]


def _pdf(story: list, out: Path) -> Path:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A5, invariant=True, leftMargin=20, rightMargin=20)
    document.build(story)
    out.write_bytes(buffer.getvalue())
    return out


def _both(tmp_path: Path, rows: list[list[str]]) -> tuple[Path, Path]:
    """The same rows after a paragraph, as a PlainTable and as ReportLab's own Table."""
    intro = styles.paragraph_styles()["body"]
    plain = _table(rows, WIDTHS, numeric_columns=(4,))
    assert isinstance(plain, PlainTable)
    reference = _styled_table([_header_row(rows[0], (4,)), *rows[1:]], WIDTHS, _row_heights(rows), (4,))
    return (
        _pdf([Paragraph("Before the list.", intro), plain], tmp_path / "plain.pdf"),
        _pdf([Paragraph("Before the list.", intro), reference], tmp_path / "table.pdf"),
    )


def test_a_long_plain_table_splits_across_pages_as_reportlab_does(tmp_path):
    plain, table = _both(tmp_path, _rows(150))
    # The text read back as it is from a Table's: each line of a cell on a line of its own.
    plain_pages = [page.extract_text() for page in PdfReader(str(plain)).pages]
    table_pages = [page.extract_text() for page in PdfReader(str(table)).pages]
    assert len(plain_pages) == len(table_pages) > 3
    assert plain_pages == table_pages
    for page in plain_pages:  # the header on every page, the rows in order
        assert page.count("Care coordinator\n") == 1
    assert "C00149" in plain_pages[-1] and "C00148" in plain_pages[-1] and "C00149" not in plain_pages[-2]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
@pytest.mark.parametrize("letters", ["few", "many"])
def test_a_long_plain_table_draws_as_reportlab_does(tmp_path, letters):
    """Pixel for pixel: the padding, right-aligned numbers, zebra stripes restarting on each
    page, the header's fill and rule, and the rule under the last row on the last page only;
    and with more letters than a font subset holds, each line's letters from its own subset."""
    from PIL import Image, ImageChops

    plain, table = _both(tmp_path, _rows(150) if letters == "few" else _rows_of_many_letters())
    for pdf in (plain, table):
        subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(tmp_path / pdf.stem)], check=True)
    plain_images = sorted(tmp_path.glob("plain-*.png"))
    table_images = sorted(tmp_path.glob("table-*.png"))
    assert len(plain_images) == len(table_images) > 3
    for ours, theirs in zip(plain_images, table_images, strict=True):
        with Image.open(ours) as a, Image.open(theirs) as b:
            assert ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None, ours.name


def _rows_of_many_letters(count: int = 150) -> list[list[str]]:
    """Rows whose initials go through more letters than one of the font's subsets holds (256
    codes): Latin, Greek and Cyrillic, three new letters a row, with a plain "AB" (the first
    subset's) and the same few lines again between them, so that lines already written are
    written again with the other subset in use."""
    letters = [chr(code) for code in (*range(0x0100, 0x0180), *range(0x0391, 0x03A2), *range(0x03A3, 0x03CA))]
    letters += [chr(code) for code in range(0x0400, 0x0460)]
    rows = [["Ref", "Initials", "Care coordinator", "What is missing", "Days"]]
    for number in range(count):
        initials = "AB" if number % 2 else "".join(letters[(3 * number + k) % len(letters)] for k in range(3))
        rows.append(
            [
                f"C{number:05d}",
                initials,
                _wrapped("Zoë Ní" if number % 3 else "Ада Ли", 84),
                "ŁŃ; contact within 28 days" if number % 5 == 0 else "liaison",
                str(number % 11),
            ]
        )
    return rows


def test_a_plain_table_through_more_letters_than_a_font_subset_holds_reads_as_reportlabs(tmp_path):
    """Each distinct line's text is written once a document for each font subset in use before
    it: a line met again with another subset in use must be written with its own subset again
    (read back, the wrong subset's codes are other letters)."""
    rows = _rows_of_many_letters()
    plain, table = _both(tmp_path, rows)
    # Read back line by line (where the font changes pypdf may read a space before a Table's
    # line, not before a PlainTable's: the same letters either way).
    plain_text = "\n".join(
        line.strip() for page in PdfReader(str(plain)).pages for line in page.extract_text().splitlines()
    )
    table_text = "\n".join(
        line.strip() for page in PdfReader(str(table)).pages for line in page.extract_text().splitlines()
    )
    assert plain_text == table_text
    assert re.search(rb"/F\d+\+1 ", plain.read_bytes())  # a second subset of the font was used
    for row in rows[1:]:
        assert row[1] in plain_text


_WORDS = st.text(alphabet="abcdefghij ABCDEÉÅëœ.;-–\t\n\xa0", max_size=40)


@settings(max_examples=400, deadline=None)
@given(
    text=_WORDS, width=st.floats(min_value=0, max_value=200), nudge=st.sampled_from([None, -1e-9, 0.0, 1e-9])
)
def test_a_cells_text_wrapped_is_reportlabs_simple_split(text, width, nudge):
    """`wrapped`'s one-line answer (the text as it is, measured whole) is `simpleSplit`'s, also
    for widths at the text's own width and a hair either side of it (the words' widths added
    one by one may round the other way), and for spaces doubled, tabs, breaks and no-break
    spaces (which `simpleSplit` makes single spaces or lines)."""
    font, size = styles.regular(), 7.8
    if nudge is not None:
        width = max(0.0, stringWidth(text, font, size) + nudge)
    assert wrapped(text, font, size, width) == ("\n".join(simpleSplit(text, font, size, width)) or text)


def test_a_name_that_fits_is_its_own_line_and_one_that_does_not_is_broken():
    font, size = styles.regular(), 7.8
    name = "Alexandra Montgomery-Featherstonehaugh"
    assert wrapped("Jo Li", font, size, 77) == "Jo Li"
    assert wrapped("Jo  Li", font, size, 77) == "Jo Li"
    assert wrapped(name, font, size, 77) == "Alexandra\nMontgomery-Featherstonehaugh"
    assert wrapped(name, font, size, stringWidth(name, font, size)) == "\n".join(
        simpleSplit(name, font, size, stringWidth(name, font, size))
    )

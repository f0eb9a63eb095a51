"""The summary table's Making Data Count icons: each kind is drawn once per PDF as a form and
placed by every row that shows it; the page must look exactly as with a drawing in each row."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A5
from reportlab.platypus import SimpleDocTemplate, Table

from ddcase.reports.measures_pages import assurance_icon, icon_drawing, variation_icon

ENTRIES = [
    {"variation": variation, "better": better, "assurance": assurance}
    for variation in ("special_cause_improvement", "special_cause_concern", "common_cause", "none")
    for better in ("higher", "lower")
    for assurance in ("pass", "fail", "hit_and_miss", "none")
]


def _pdf(out: Path, *, forms: bool) -> Path:
    rows = []
    for entry in ENTRIES * 2:  # each kind more than once: one form, placed again
        icons = [variation_icon(entry), assurance_icon(entry)]
        if not forms:
            icons = [icon_drawing(icon.fill, icon.letter) for icon in icons]
        rows.append([*icons, "text"])
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A5, invariant=True).build([Table(rows, colWidths=[15, 15, 60])])
    out.write_bytes(buffer.getvalue())
    return out


def test_an_icon_is_one_form_per_kind_and_document(tmp_path):
    pdf = _pdf(tmp_path / "forms.pdf", forms=True)
    names = set()
    for page in PdfReader(str(pdf)).pages:
        names |= {name for name in page["/Resources"]["/XObject"] if "ddcaseIcon" in name}
    kinds = {(icon.fill, icon.letter) for e in ENTRIES for icon in (variation_icon(e), assurance_icon(e))}
    assert len(names) == len(kinds) == 9


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_icons_placed_as_forms_look_as_drawn_in_each_row(tmp_path):
    from PIL import Image, ImageChops

    for forms in (True, False):
        pdf = _pdf(tmp_path / f"{forms}.pdf", forms=forms)
        subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / f"{forms}")], check=True)
    ours, theirs = sorted(tmp_path.glob("True-*.png")), sorted(tmp_path.glob("False-*.png"))
    assert len(ours) == len(theirs) > 0
    for a, b in zip(ours, theirs, strict=True):
        with Image.open(a) as left, Image.open(b) as right:
            assert ImageChops.difference(left.convert("RGB"), right.convert("RGB")).getbbox() is None

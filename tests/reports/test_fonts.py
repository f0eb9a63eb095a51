"""The report's fonts (reports/styles.py): DejaVu Sans's regular and bold faces are read when the
first PDF is made, its oblique only when a text in italics asks for it (issue 18: each face read
is about 0.025 s of Python, and a trust's meeting PDF has no italics). Each check runs in a fresh
interpreter: the faces registered are the process's, and other tests register them."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
import io, json, sys
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import SimpleDocTemplate
from ddcase.reports import styles
from ddcase.reports.monthly_report import _p, _note_line
from ddcase.reports.run_chart import ChartNote
from ddcase.domain import Month

regular, bold, italic = styles.fonts()
before = sorted(pdfmetrics.getRegisteredFontNames())
story = [_p("<b>Plain</b> and bold")]
if sys.argv[1] == "italic":
    story.append(_note_line(ChartNote(1, Month(2025, 11), "A new joint clinic", new_part=True)))
buffer = io.BytesIO()
SimpleDocTemplate(buffer, invariant=True).build(story)
print(json.dumps({
    "names": [regular, bold, italic],
    "before": before,
    "after": sorted(pdfmetrics.getRegisteredFontNames()),
    "embedded": [n for n in (regular, bold, italic) if ("+" + n).encode() in buffer.getvalue()],
}))
"""


def _run(kind: str) -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, kind], capture_output=True, text=True, encoding="utf-8"
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, list[str]] = json.loads(result.stdout.splitlines()[-1])
    return found


def test_the_oblique_face_is_read_only_for_a_text_in_italics_and_then_printed_in_it():
    plain = _run("plain")
    regular, bold, italic = plain["names"]
    if regular == "Helvetica":  # the fonts are not installed: nothing to read
        return
    assert {regular, bold} <= set(plain["before"])
    assert italic not in plain["after"]  # no italics, no oblique face read
    assert plain["embedded"] == [regular, bold]

    slanted = _run("italic")
    assert italic not in slanted["before"]
    assert italic in slanted["after"]
    assert slanted["embedded"] == [regular, bold, italic]

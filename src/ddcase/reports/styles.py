"""The look of ddcase's PDFs: fonts, colours and paragraph styles.

Colours are chosen to read in black and white too: every mark that carries meaning in colour
also differs in shape, dash or weight. DejaVu Sans (in resources/fonts, embedded as a subset) is
used so that any name in the log prints, accents and all; Helvetica is the fallback."""

from __future__ import annotations

from functools import cache

from reportlab.graphics.shapes import Line
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

from ddcase.domain import marks
from ddcase.paths import resources_dir

PAGE_MARGIN = 16 * mm
MARKING = "OFFICIAL-SENSITIVE"

# Ink and marks
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#595959")
NHS_BLUE = colors.HexColor("#005EB8")
DATA = colors.HexColor(marks.DATA_LINE)
CENTRE = colors.HexColor(marks.CENTRE_LINE)
LIMIT = colors.HexColor(marks.LIMIT_LINE)
GRID = colors.HexColor("#dddddd")
AIM = colors.HexColor("#4b2c6f")
AIM_DASH = (7, 2, 1.5, 2)
"""The aim line's dash-dot, on every chart and in its legend."""
NOTE = colors.HexColor("#4d4d4d")
# The points' colours and shapes are declared once, for the screen too, in domain/marks.py.
BAR_DARK = colors.HexColor("#5f5f5f")
HEADER_FILL = colors.HexColor("#e4e4e4")
ZEBRA_FILL = colors.HexColor("#f4f4f4")
BOX_FILL = colors.HexColor("#eef3f9")
WHITE = colors.white


def aim_line(x0: float, x1: float, y: float) -> Line:
    """The horizontal aim line across a chart's plot, from `x0` to `x1` at height `y`."""
    return Line(x0, y, x1, y, strokeColor=AIM, strokeWidth=1.0, strokeDashArray=list(AIM_DASH))


_FONT_FILES = {
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf",
}


@cache
def fonts() -> tuple[str, str, str]:
    """(regular, bold, italic) font names, registering DejaVu Sans on first use: its regular and
    bold faces now, its oblique named in the family but registered only when a report asks for it
    (`italic()`; each face read is 0.01-0.02 s of Python, and a trust's PDF has no italics)."""
    folder = resources_dir() / "fonts"
    if all((folder / name).is_file() for name in _FONT_FILES.values()):
        for font in ("DejaVuSans", "DejaVuSans-Bold"):
            pdfmetrics.registerFont(TTFont(font, str(folder / _FONT_FILES[font])))
        pdfmetrics.registerFontFamily(
            "DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold", italic="DejaVuSans-Oblique"
        )
        return "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
    return "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"


@cache
def italic() -> str:
    """The italic font's name, registered first: every text in italics (`<i>` in a Paragraph)
    is made through `paragraph`, which calls this first."""
    name = fonts()[2]
    if name == "DejaVuSans-Oblique":
        folder = resources_dir() / "fonts"
        pdfmetrics.registerFont(TTFont(name, str(folder / _FONT_FILES[name])))
    return name


def regular() -> str:
    return fonts()[0]


def bold() -> str:
    return fonts()[1]


@cache
def paragraph_styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body", fontName=regular(), fontSize=8.8, leading=11.5, textColor=INK, alignment=TA_LEFT
    )
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.4, leading=9.4, textColor=MUTED),
        "title": ParagraphStyle("title", parent=base, fontName=bold(), fontSize=15, leading=18, spaceAfter=1),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=9.5, leading=12.5, textColor=MUTED),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontName=bold(),
            fontSize=11,
            leading=14,
            spaceBefore=9,
            spaceAfter=4,
            textColor=NHS_BLUE,
            keepWithNext=True,
        ),
        "headline": ParagraphStyle(
            "headline", parent=base, fontName=bold(), fontSize=15.5, leading=19.5, textColor=INK
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.8, leading=9.6),
        "cell_head": ParagraphStyle("cell_head", parent=base, fontName=bold(), fontSize=7.8, leading=9.6),
        "cell_head_right": ParagraphStyle(
            "cell_head_right", parent=base, fontName=bold(), fontSize=7.8, leading=9.6, alignment=TA_RIGHT
        ),
        "reading": ParagraphStyle("reading", parent=base, fontSize=9, leading=12, spaceBefore=4),
    }


def paragraph(text: str, style: str = "body") -> Paragraph:
    """A Paragraph of the report's markup in one of `paragraph_styles()`: the one way the reports
    make one, so that text in italics finds its face registered (`italic`)."""
    if "<i>" in text:
        italic()
    return Paragraph(text, paragraph_styles()[style])

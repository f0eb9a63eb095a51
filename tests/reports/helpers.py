"""Shared by the report tests: a demo database with an aim and notes, a fixed clock, and reading
a PDF back."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from pypdf import PdfReader

from ddcase.cli import main
from ddcase.domain import Annotation, MeasureSettings, Month

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 10, 42, tzinfo=UTC)
OCT = Month(2026, 10)


def services_for(path: Path, *, now: datetime = NOW):  # -> Services
    """Services over an SQLite file with today and the clock fixed. Close with .close()."""
    from ddcase.services.base import Context
    from ddcase.services.registry import Services
    from ddcase.storage.database import Database, make_engine
    from ddcase.storage.migrations import migrate

    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    return Services.build(Context(Database(engine), user="Sam Manager", today=lambda: TODAY, now=lambda: now))


def fill_demo(path: Path) -> None:
    """The demo team, with the aim and two change ideas a team would record."""
    services = services_for(path)
    try:
        services.demo.fill(seed=1)
        services.notes.save_measure_settings(
            MeasureSettings(aim_percentage=75, aim_by=Month(2027, 3), aim_text="three in four by March 2027")
        )
        services.notes.save_annotation(
            Annotation(Month(2026, 1), "PDSA 1: a joint clinic slot each Tuesday at the CMHT base")
        )
        services.notes.save_annotation(
            Annotation(Month(2026, 4), "PDSA 2: consent asked at the first joint visit")
        )
    finally:
        services.close()


def pages_text(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(pdf)).pages]


def opening_text(pages: list[str]) -> str:
    """The report's opening: the family's summary of measures (its pages repeat the header ending
    "Rule that fired"; two pages once issue 17's measures are in) and the headline page after it."""
    summary = 0
    while summary < len(pages) and "Rule that fired" in pages[summary]:
        summary += 1
    return "\n".join(pages[: summary + 1])


def cli_json(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)

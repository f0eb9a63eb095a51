"""Make docs/sample-report.pdf and docs/screenshots/report-page-1.png from the demo team.

The demo data (`ddcase demo`, seed 1) plus what a team records for its chart: an aim and two
change ideas (PDSA cycles). The date and clock are fixed, so the sample only changes when the
report or the demo data does.

    PYTHONPATH=src python scripts/sample_report.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ddcase.domain import Annotation, MeasureSettings, Month  # noqa: E402
from ddcase.services.base import Context  # noqa: E402
from ddcase.services.registry import Services  # noqa: E402
from ddcase.storage.database import Database, make_engine  # noqa: E402
from ddcase.storage.migrations import migrate  # noqa: E402

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
MONTH = Month(2026, 10)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'demo.sqlite3'}")
        migrate(engine)
        services = Services.build(
            Context(Database(engine), user="Team manager", today=lambda: TODAY, now=lambda: NOW)
        )
        try:
            services.demo.fill(seed=1)
            services.notes.save_measure_settings(
                MeasureSettings(
                    aim_percentage=75, aim_by=Month(2027, 3), aim_text="three in four by March 2027"
                )
            )
            services.notes.save_annotation(
                Annotation(Month(2026, 1), "PDSA 1: a joint clinic slot each Tuesday at the CMHT base")
            )
            services.notes.save_annotation(
                Annotation(Month(2026, 4), "PDSA 2: consent to share asked at the first joint visit")
            )
            out = ROOT / "docs" / "sample-report.pdf"
            summary = services.reporting.monthly_report(MONTH, None, out)
            out.chmod(0o644)  # a published sample of synthetic data, not a real report
            print(summary.text(), end="")
        finally:
            services.close()
    screenshots = ROOT / "docs" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", str(out), str(Path(folder) / "page")],
            check=True,
        )
        (image,) = Path(folder).glob("page-*.png")
        shutil.copyfile(image, screenshots / "report-page-1.png")
    print(f"Wrote {screenshots / 'report-page-1.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

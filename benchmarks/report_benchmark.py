"""How long the monthly report takes for 24 months of a 300-client team (issue 4: under 3 s).

The demo team (300 clients, 24 months) is written once, then the report for its last full month
is made several times, all teams and each team, and the times printed. Not a timed test: run it
by hand on the machine that matters.

    PYTHONPATH=src python benchmarks/report_benchmark.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ddcase.domain import Month  # noqa: E402
from ddcase.services.base import Context  # noqa: E402
from ddcase.services.registry import Services  # noqa: E402
from ddcase.storage.database import Database, make_engine  # noqa: E402
from ddcase.storage.migrations import migrate  # noqa: E402

MONTH = Month(2026, 10)
RUNS = 5


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        migrate(engine)
        services = Services.build(
            Context(
                Database(engine),
                today=lambda: date(2026, 11, 22),
                now=lambda: datetime(2026, 11, 22, 9, 30, tzinfo=UTC),
            )
        )
        try:
            print(services.demo.fill(seed=1))
            start = time.perf_counter()
            reporting = services.reporting  # the first use imports ReportLab
            import ddcase.reports.monthly_report  # noqa: F401

            print(f"import ReportLab and the report modules: {time.perf_counter() - start:.2f} s")
            for team in [None, *services.figures.teams()]:
                times = []
                for run in range(RUNS):
                    start = time.perf_counter()
                    summary = reporting.monthly_report(MONTH, team, Path(folder) / f"report-{run}.pdf")
                    times.append(time.perf_counter() - start)
                print(
                    f"{team or 'All teams':<20} {summary.mutual_clients:>4} mutual clients, {summary.pages} pages: "
                    f"first {times[0]:.2f} s, median {statistics.median(times):.2f} s, worst {max(times):.2f} s"
                )
        finally:
            services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

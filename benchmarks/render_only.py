"""The meeting PDF's rendering alone (reports/, ReportLab), without the content's reads: the
report's content for a month is made once from a database and kept in a file (pickle), then
rendered several times, each run's thread CPU printed. Two trees compare on the same content:

    PYTHONPATH=src python benchmarks/render_only.py --db trust.sqlite3 --content all.pkl
    PYTHONPATH=/other/tree/src python /other/tree/benchmarks/render_only.py --content all.pkl

(the first makes all.pkl when it is not there; --team for one team's report; --profile FILE
for cProfile's statistics of the last run). Run by hand, never as a timed test.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, required=True, help="the kept content (made if missing)")
    parser.add_argument("--db", help="the database to make the content from")
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--team")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, help="write the last run's PDF here")
    parser.add_argument("--profile", type=Path, help="cProfile's statistics of the last run")
    args = parser.parse_args()

    if not args.content.exists():
        if not args.db:
            parser.error("--db is needed to make the content")
        from ddcase.cli import open_services
        from ddcase.domain import Month

        services = open_services(args.db)
        content = services.reporting.content(Month.parse(args.month), args.team)
        services.close()
        args.content.write_bytes(pickle.dumps(content))
    content = pickle.loads(args.content.read_bytes())

    from ddcase.reports import styles
    from ddcase.reports.monthly_report import render

    styles.paragraph_styles()  # the fonts, registered once per process
    times = []
    for run in range(args.runs):
        profile = cProfile.Profile() if args.profile and run == args.runs - 1 else None
        gc.disable()  # as ReportingService renders (cyclic_gc_paused)
        started = time.thread_time()
        if profile:
            profile.enable()
        pdf, pages = render(content)
        if profile:
            profile.disable()
            profile.dump_stats(args.profile)
        times.append(time.thread_time() - started)
        gc.enable()
        print(f"run {run + 1}: {times[-1]:.3f} s thread CPU, {pages} pages", flush=True)
    print(f"min {min(times):.3f} s, median {sorted(times)[len(times) // 2]:.3f} s")
    if args.out:
        args.out.write_bytes(pdf)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

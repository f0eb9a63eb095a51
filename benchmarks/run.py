"""The trust-scale benchmarks of issue 7, run by hand: every timing beside its floor, measured in
the same run, with the peak memory of each. Prints a table and writes JSON.

    PYTHONPATH=src python benchmarks/run.py [--runs 3] [--out benchmarks/results.json] [--only NAME]

The data set comes from benchmarks/generate.py (cached). Every measurement runs in a fresh
process of its own, so one does not warm the next, and its peak memory is that process's peak
resident set size (from os.wait4). A timing is the median of `--runs` runs. docs/performance.md
explains the method and records the results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

MONTH = "2026-10"
TEAM = "Ashby CMHT"
FLOOR_SQL = """
WITH pairs AS (
  SELECT m.client_id,
         MAX(0, julianday(MIN(COALESCE(m.end_date, :last), COALESCE(s.end_date, :last), :last))
                - julianday(MAX(m.start_date, s.start_date, :first)) + 1) AS days,
         m.worker_id IS NOT NULL AND s.worker_id IS NOT NULL AS named,
         m.team AS team
  FROM episode m JOIN episode s ON s.client_id = m.client_id
  WHERE m.service = 'mental_health' AND s.service = 'substance_misuse'
    AND m.start_date <= :last AND (m.end_date IS NULL OR m.end_date >= :first)
    AND s.start_date <= :last AND (s.end_date IS NULL OR s.end_date >= :first)
    AND (:team IS NULL OR m.team = :team)
),
mutual AS (
  SELECT client_id, MAX(named) AS named FROM pairs GROUP BY client_id HAVING SUM(days) >= 14
),
joint AS (
  SELECT client_id, COUNT(*) AS n FROM contact
  WHERE date BETWEEN :window AND :last AND outcome = 'attended'
    AND kind IN ('joint_appointment', 'care_plan_review') AND mode NOT IN ('email', 'letter')
  GROUP BY client_id
),
liaison AS (
  SELECT client_id, COUNT(*) AS n FROM contact
  WHERE date BETWEEN :first AND :last AND outcome = 'attended'
    AND kind IN ('joint_appointment', 'care_plan_review', 'liaison') AND mode NOT IN ('email', 'letter')
  GROUP BY client_id
)
SELECT COUNT(*), SUM(m.named AND c.consent_to_share_on <= :last AND j.n >= 1 AND l.n >= 1)
FROM mutual m JOIN client c ON c.id = m.client_id
LEFT JOIN joint j ON j.client_id = m.client_id
LEFT JOIN liaison l ON l.client_id = m.client_id
"""
"""The floor for the figures: one hand-written aggregate over the same tables that counts a
month's mutual clients and (roughly: it ignores the finer points of SPEC §2) the jointly worked."""


# ------------------------------------------------------------------------------- child measurements
# Each runs in its own process and prints one JSON object with "seconds" (and anything else).


def _services(db: str):  # type: ignore[no-untyped-def]
    from ddcase.cli import open_services

    return open_services(db)


def child_figures(db: str, which: str) -> dict[str, object]:
    from ddcase.domain import Month

    app = _services(db)
    month = Month.parse(MONTH)
    start, cpu = time.perf_counter(), time.thread_time()
    if which == "month_all":
        result = app.figures.month(month)
        detail = f"{result.jointly_worked} of {result.mutual_clients}"
    elif which == "month_team":
        result = app.figures.month(month, TEAM)
        detail = f"{result.jointly_worked} of {result.mutual_clients}"
    else:
        series = app.figures.series(month.plus(-23), month)
        detail = f"{len(series.months)} months"
    seconds, cpu = time.perf_counter() - start, time.thread_time() - cpu
    app.close()
    # This thread's CPU beside the wall time: on a shared machine the wall time measures the load.
    return {"seconds": seconds, "detail": f"{detail}; this thread's CPU {cpu:.3f} s"}


def child_measures(db: str) -> dict[str, object]:
    """The measures × teams summary of the meeting PDF for all teams (issue 16): every measure of
    the family for the whole service and for each team, one month, each on its 24-month chart."""
    from ddcase.domain import Month

    app = _services(db)
    start, cpu = time.perf_counter(), time.thread_time()
    rows, _, _ = app.reporting.measures(Month.parse(MONTH), None)
    seconds, cpu = time.perf_counter() - start, time.thread_time() - cpu
    app.close()
    return {"seconds": seconds, "detail": f"{len(rows)} rows; this thread's CPU {cpu:.2f} s"}


def child_floor_sql(db: str, which: str) -> dict[str, object]:
    import sqlite3
    from datetime import timedelta

    from ddcase.domain import Month

    connection = sqlite3.connect(db)
    last = Month.parse(MONTH)
    months = [last] if which != "series24" else [last.plus(i) for i in range(-23, 1)]
    start = time.perf_counter()
    for month in months:
        row = connection.execute(
            FLOOR_SQL,
            {
                "first": month.first_day.isoformat(),
                "last": month.last_day.isoformat(),
                "window": (month.last_day - timedelta(days=89)).isoformat(),
                "team": TEAM if which == "month_team" else None,
            },
        ).fetchone()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "detail": f"{row[1]} of {row[0]}"}


def child_report(db: str, team: str = "") -> dict[str, object]:
    from ddcase.domain import Month

    app = _services(db)
    with tempfile.TemporaryDirectory() as folder:
        start, cpu = time.perf_counter(), time.thread_time()
        summary = app.reporting.monthly_report(Month.parse(MONTH), team or None, Path(folder) / "report.pdf")
        seconds, cpu = time.perf_counter() - start, time.thread_time() - cpu
    app.close()
    return {"seconds": seconds, "detail": f"{summary.pages} pages; this thread's CPU {cpu:.2f} s"}


def child_floor_report() -> dict[str, object]:
    """A one-page PDF with ReportLab: importing it and building a document."""
    start = time.perf_counter()
    from io import BytesIO

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=True).build(
        [Paragraph("Jointly worked", getSampleStyleSheet()["Title"])]
    )
    return {"seconds": time.perf_counter() - start, "detail": "1 page"}


def child_floor_import(folder: str, target: str) -> dict[str, object]:
    """Read contacts.csv with the csv module and executemany its rows into a bare SQLite table."""
    import csv
    import sqlite3

    start = time.perf_counter()
    connection = sqlite3.connect(target, isolation_level=None)
    with open(Path(folder) / "contacts.csv", newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        header = next(rows)
        connection.execute(f"CREATE TABLE contact ({', '.join(header)})")
        connection.execute("BEGIN")
        connection.executemany(f"INSERT INTO contact VALUES ({', '.join('?' * len(header))})", rows)
        connection.execute("COMMIT")
    count = connection.execute("SELECT COUNT(*) FROM contact").fetchone()[0]
    connection.close()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "contacts": count, "detail": f"{count / seconds:,.0f} contacts/s"}


def child_window(db: str, bare: bool) -> dict[str, object]:
    """Seconds from the moment the parent started this process until the first pass of the event
    loop with a main window shown (offscreen): the interpreter's start, the imports, opening the
    window. Since issue 18 the app shows its opening window ("Opening the log...") first and
    opens the database after it has painted: that is when a window is shown; the main window
    (its pages built over the open log) and the caseload filled in are noted as well."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    shown: dict[str, float] = {}

    def check() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
        if windows:
            shown.setdefault("at", time.time())
            shown.setdefault("cpu", time.thread_time())  # the GUI thread's own CPU time until shown
            main = [w for w in windows if hasattr(w, "caseload_page")]
            if not bare and not main:  # the opening window: the main window is still to come
                QTimer.singleShot(1, check)
                return
            shown.setdefault("main", time.time())
            shown.setdefault("main_cpu", time.thread_time())
            page = getattr(main[0], "caseload_page", None) if main else None
            if page is not None and page.is_loading():  # also note when the caseload is filled in
                QTimer.singleShot(5, check)
                return
            shown["filled"] = time.time()
            QApplication.quit()
        else:
            QTimer.singleShot(1, check)

    original_exec = QApplication.exec

    def exec_and_watch(*args):  # type: ignore[no-untyped-def]
        QTimer.singleShot(0, check)
        return original_exec()

    QApplication.exec = exec_and_watch  # type: ignore[method-assign]
    if bare:
        app = QApplication([])
        window = QMainWindow()
        window.setWindowTitle("bare")
        window.show()
        app.exec()
    else:
        from ddcase.cli import main

        main(["--db", db])
    t0 = float(os.environ["DDCASE_BENCH_T0"])
    filled = shown["filled"] - t0
    main = shown["main"] - t0
    return {
        "seconds": shown["at"] - t0,
        "main_seconds": main,
        "filled_seconds": filled,
        "gui_cpu_seconds": shown["cpu"],
        "main_cpu_seconds": shown["main_cpu"],
        "detail": f"GUI thread CPU {shown['cpu']:.2f} s until shown; main window at {main:.2f} s "
        f"(GUI CPU {shown['main_cpu']:.2f} s); caseload filled in at {filled:.2f} s",
    }


def child_table(db: str, bare: bool) -> dict[str, object]:
    """Load the caseload (the mutual-clients table) for the month, then type a search a key at a
    time: seconds to load, and the slowest keystroke's filter. The floor: a bare
    QStandardItemModel with the same rows under a plain QSortFilterProxyModel."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ddcase.domain import Month

    application = QApplication([])  # noqa: F841  (models need one)
    app = _services(db)
    typed = "bt10"  # a reference typed a key at a time
    start = time.perf_counter()
    figures = app.figures.month(Month.parse(MONTH))
    clients = app.casework.client_names()  # (reference, initials): what the table shows
    if bare:
        from PySide6.QtCore import QRegularExpression, QSortFilterProxyModel
        from PySide6.QtGui import QStandardItem, QStandardItemModel

        model = QStandardItemModel(len(clients), 2)
        for row, (ref, initials) in enumerate(clients):
            model.setItem(row, 0, QStandardItem(ref))
            model.setItem(row, 1, QStandardItem(initials))
        proxy = QSortFilterProxyModel()
        proxy.setSourceModel(model)
        proxy.setFilterKeyColumn(-1)
        loaded = time.perf_counter() - start

        def search(text: str) -> None:
            proxy.setFilterRegularExpression(
                QRegularExpression(
                    QRegularExpression.escape(text), QRegularExpression.PatternOption.CaseInsensitiveOption
                )
            )
    else:
        from ddcase.ui.models.mutual_client_model import (
            ClientFilterProxy,
            MutualClientTableModel,
            StatusFilter,
            caseload,
        )

        model = MutualClientTableModel()
        model.set_rows(caseload(clients, [*figures.clients, *figures.excluded]))
        proxy = ClientFilterProxy()
        proxy.setSourceModel(model)
        proxy.set_status(StatusFilter.ALL)
        loaded = time.perf_counter() - start
        search = proxy.set_search
    keystrokes = []
    for end in range(1, len(typed) + 1):
        began = time.perf_counter()
        search(typed[:end])
        proxy.rowCount()
        keystrokes.append(time.perf_counter() - began)
    app.close()
    return {
        "seconds": max(keystrokes),
        "load_seconds": loaded,
        "detail": f"{len(clients)} rows loaded in {loaded:.2f} s; {proxy.rowCount()} match {typed!r}",
    }


# ------------------------------------------------------------------------------- the parent


def timed(arguments: list[str], env: dict[str, str] | None = None) -> dict[str, object]:
    """Run one child to its end: its JSON result, its wall time and its peak resident set size in
    MB (from wait4, so the child is started and reaped here by hand)."""
    started = time.perf_counter()
    environment = {**os.environ, **(env or {}), "DDCASE_BENCH_T0": repr(time.time())}
    pid = os.posix_spawn(
        arguments[0],
        arguments,
        environment,
        file_actions=[(os.POSIX_SPAWN_OPEN, 1, OUT, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)],
    )
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed with status {status}")
    # The whole process's CPU (user + sys): what a loaded machine does not inflate.
    cpu = usage.ru_utime + usage.ru_stime
    result: dict[str, object] = {"wall": wall, "cpu": cpu, "peak_mb": usage.ru_maxrss / 1024}
    text = Path(OUT).read_text(encoding="utf-8", errors="replace")
    lines = [line for line in text.splitlines() if line.startswith("{")]
    if lines:
        result.update(json.loads(lines[-1]))
    return result


OUT = os.path.join(tempfile.gettempdir(), f"ddcase-bench-{os.getpid()}.out")
PY = sys.executable
ME = str(Path(__file__).resolve())


def child(*arguments: str) -> list[str]:
    return [PY, ME, "--child", *arguments]


def median_of(runs: int, make: object, key: str = "seconds") -> dict[str, object]:
    results = [make() for _ in range(runs)]  # type: ignore[operator]
    values = [float(r[key]) for r in results]
    best = dict(results[values.index(statistics.median_low(values))])
    best["median"] = statistics.median(values)
    best["all"] = values
    best["peak_mb"] = max(float(r["peak_mb"]) for r in results)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description="ddcase trust-scale benchmarks")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.json")
    parser.add_argument(
        "--only",
        action="append",
        help="run only these measurements (window, figures-process, month_all, month_team, series24, "
        "report, report_team, report_all, measures, table, import)",
    )
    parser.add_argument("--clients", type=int, default=20_000, help="a smaller data set, for a quick try")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_as_child(args.child)

    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])
    )
    import generate

    data = generate.ensure(clients=args.clients)
    work = Path(tempfile.mkdtemp(prefix="ddcase-bench-"))
    db = str(work / "trust.sqlite3")
    shutil.copyfile(data.database, db)
    # As installed (pip and the bundle keep compiled bytecode), even where the environment says
    # not to write any (PYTHONDONTWRITEBYTECODE): otherwise every start compiles every module.
    # The bytecode goes to the run's own folder, and the migration below warms it.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    # Migrate once (a new index, say) so that no measurement pays for it.
    subprocess.run([PY, "-m", "ddcase", "check", "--db", db], check=True, capture_output=True)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])
    )
    rows: list[dict[str, object]] = []

    def wanted(name: str) -> bool:
        return not args.only or name in args.only

    def add(name: str, target: str, limit: float | None, measured: dict[str, object],
            floor: dict[str, object] | None, unit: str = "s", value_key: str = "median") -> None:  # fmt: skip
        value = float(measured[value_key]) if value_key in measured else None
        row = {
            "name": name,
            "target": target,
            "unit": unit,
            "measured": value,
            "floor": float(floor[value_key]) if floor and value_key in floor else None,
            "peak_mb": measured.get("peak_mb"),
            "floor_peak_mb": floor.get("peak_mb") if floor else None,
            "detail": measured.get("detail"),
            "floor_detail": floor.get("detail") if floor else None,
            "runs": measured.get("all"),
        }
        if limit is not None and value is not None:
            row["met"] = value >= limit if unit == "contacts/s" else value <= limit
        rows.append(row)
        print(_line(row), flush=True)

    print(_header(), flush=True)
    if wanted("window"):
        try:
            import ddcase.ui.app  # noqa: F401

            has_ui = True
        except ImportError:
            has_ui = False
        bare = median_of(args.runs, lambda: timed(child("window-bare", db)))
        if has_ui:
            app_window = median_of(args.runs, lambda: timed(child("window-app", db)))
            add("window shown (cold start)", "≤ 0.45 s", 0.45, app_window, bare)
            built = {**app_window, "median": float(app_window["main_seconds"])}  # of the median run
            add("window: main window built over the log", "(no target)", None, built, bare)
            filled = {**app_window, "median": float(app_window["filled_seconds"])}  # of the median run
            add("window: caseload filled in", "(no target)", None, filled, bare)

            def changed_once() -> dict[str, object]:
                stat = os.stat(db)  # another program touched the file: the full check comes first
                os.utime(db, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
                return timed(child("window-app", db))

            changed = median_of(args.runs, changed_once)
            add("window shown, file changed since last close", "(no target)", None, changed, bare)
            add_one_core_window(args.runs, db, add)
        else:
            add(
                "window shown (cold start)",
                "≤ 1.5 s (UI not merged yet)",
                None,
                {"detail": "no ddcase.ui"},
                bare,
            )
    if wanted("figures-process"):
        floor = median_of(args.runs, lambda: timed([PY, "-c", "pass"]), "wall")
        figures = [PY, "-m", "ddcase", "figures", "--db", db, "--month", MONTH, "--json"]
        # Once untimed, as a tool calling it through the day finds the file: closed cleanly and
        # checked (the window's runs above end with os._exit, leaving the file unchecked).
        timed(figures)
        measured = median_of(args.runs, lambda: timed(figures), "wall")
        measured["detail"] = f"process CPU {float(measured['cpu']):.2f} s (user + sys), of the median run"
        add("`ddcase figures --json` process", "≤ 0.5 s", 0.5, measured, floor)
    for name, label, limit in (
        # Issue 18's targets (issue 7's were 0.2, 0.2 and 2 s).
        ("month_all", "month figures, all teams", 0.10),
        ("month_team", f"month figures, one team ({TEAM})", 0.10),
        ("series24", "24-month series", 0.5),
    ):
        if wanted(name):
            measured = median_of(args.runs, lambda n=name: timed(child("figures", db, n)))
            floor = median_of(args.runs, lambda n=name: timed(child("floor-sql", db, n)))
            add(label, f"≤ {limit:g} s", limit, measured, floor)
    # "report" runs both reports; "report_team" or "report_all" one of them (issue 18).
    if wanted("report") or wanted("report_team") or wanted("report_all"):

        def report_once(team: str = "") -> dict[str, object]:
            copy = str(work / "report.sqlite3")
            shutil.copyfile(db, copy)  # the report records what it printed; start each run afresh
            return timed(child("report", copy, team))

        floor = median_of(args.runs, lambda: timed(child("floor-report")))
        if wanted("report") or wanted("report_team"):
            measured = median_of(args.runs, lambda: report_once(TEAM))
            add(f"24-month PDF report, one team ({TEAM})", "≤ 3 s", 3.0, measured, floor)
        if wanted("report") or wanted("report_all"):
            measured = median_of(args.runs, report_once)
            add("24-month PDF report, all 20 teams", "≤ 1.5 s", 1.5, measured, floor)
    if wanted("measures"):
        measured = median_of(args.runs, lambda: timed(child("measures", db)))
        add("measures × teams summary, one month", "≤ 1.0 s", 1.0, measured, None)
    if wanted("table"):
        measured = median_of(args.runs, lambda: timed(child("table-app", db)))
        floor = median_of(args.runs, lambda: timed(child("table-bare", db)))
        add("caseload table: slowest keystroke's filter", "≤ 0.05 s", 0.05, measured, floor)
        loading = {**measured, "median": measured["load_seconds"]}
        add("caseload table: load the month's rows", "(no target)", None, loading,
            {**floor, "median": floor["load_seconds"]})  # fmt: skip
    if wanted("import"):

        def import_once() -> dict[str, object]:
            target = work / "import.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            result = timed([PY, "-m", "ddcase", "import", "--db", str(target), str(data.folder)])
            result["rate"] = data.contacts / float(result["wall"])
            result["detail"] = (
                f"{data.contacts:,} contacts in {float(result['wall']):.1f} s "
                f"({float(result['cpu']):.1f} s CPU)"
            )
            return result

        def floor_once() -> dict[str, object]:
            target = work / "floor-import.sqlite3"
            target.unlink(missing_ok=True)
            result = timed(child("floor-import", str(data.folder), str(target)))
            result["rate"] = float(result["contacts"]) / float(result["seconds"])
            return result

        measured = median_of(max(1, args.runs - 2), import_once, "rate")  # minutes each
        floor = median_of(max(1, args.runs - 2), floor_once, "rate")
        add("import of the CSV folder", "≥ 150,000 contacts/s", 150_000, measured, floor, unit="contacts/s")

    peak = max((float(r["peak_mb"]) for r in rows if r.get("peak_mb")), default=0.0)
    rows.append({"name": "peak memory (largest of the above)", "target": "≤ 250 MB", "unit": "MB",
                 "measured": peak, "floor": None, "met": peak <= 250})  # fmt: skip
    print(_line(rows[-1]))
    report = {
        "machine": _machine(),
        "data": {"clients": data.clients, "episodes": data.episodes, "contacts": data.contacts},
        "month": MONTH,
        "runs": args.runs,
        "results": rows,
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def add_one_core_window(runs: int, db: str, add) -> None:  # type: ignore[no-untyped-def]
    """Issue 18: the window on one core only (`taskset -c 0`: a slow laptop's one free core),
    beside the bare window on the same one core."""
    taskset = shutil.which("taskset")
    if taskset is None:  # not Linux: no way to pin a process to one core here
        return

    def one_core(kind: str) -> dict[str, object]:
        return timed([taskset, "-c", "0", *child(kind, db)])

    bare = median_of(runs, lambda: one_core("window-bare"))
    measured = median_of(runs, lambda: one_core("window-app"))
    add("window shown, one core (taskset -c 0)", "≤ 0.7 s", 0.7, measured, bare)
    main = {**measured, "median": float(measured["main_seconds"])}  # of the median run
    add("window: main window built, one core", "(no target)", None, main, bare)


def run_as_child(arguments: list[str]) -> int:
    kind, *rest = arguments
    if kind == "figures":
        result = child_figures(*rest)
    elif kind == "measures":
        result = child_measures(*rest)
    elif kind == "floor-sql":
        result = child_floor_sql(*rest)
    elif kind == "report":
        result = child_report(*rest)
    elif kind == "floor-report":
        result = child_floor_report()
    elif kind == "floor-import":
        result = child_floor_import(*rest)
    elif kind in ("table-bare", "table-app"):
        result = child_table(rest[0], bare=kind == "table-bare")
    elif kind in ("window-bare", "window-app"):
        result = child_window(rest[0], bare=kind == "window-bare")
    else:
        raise SystemExit(f"unknown child {kind}")
    print(json.dumps(result), flush=True)
    if kind.startswith(("table", "window")):
        os._exit(0)  # skip Qt's teardown at exit: it is not measured, and PySide may crash in it
    return 0


def _machine() -> dict[str, object]:
    info: dict[str, object] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        info["load_average_at_start"] = os.getloadavg()
    except OSError:
        pass
    return info


def _header() -> str:
    return f"{'measurement':<44} {'target':<22} {'measured':>12} {'floor':>12} {'peak MB':>8}  met"


def _line(row: dict[str, object]) -> str:
    def show(value: object) -> str:
        if value is None:
            return "-"
        if row.get("unit") == "contacts/s":
            return f"{float(value):,.0f}/s"  # type: ignore[arg-type]
        if row.get("unit") == "MB":
            return f"{float(value):.0f} MB"  # type: ignore[arg-type]
        return f"{float(value):.3f} s"  # type: ignore[arg-type]

    peak = row.get("peak_mb")
    met = {True: "yes", False: "NO", None: ""}[row.get("met")]  # type: ignore[index]
    return (
        f"{str(row['name']):<44} {str(row['target']):<22} {show(row['measured']):>12} "
        f"{show(row['floor']):>12} {'' if peak is None else f'{float(peak):.0f}':>8}  {met}"  # type: ignore[arg-type]
    )


if __name__ == "__main__":
    raise SystemExit(main())

"""How the cost grows (issue 18): month figures (all teams and one team), the 24-month series,
loading the caseload and the CSV import, at 1x, 2x and 5x trust scale on PostgreSQL and at 1x
and 2x on SQLite; cost against size drawn as docs/scale.png. Run by hand; never a timed test.

    pip install -e '.[bench]'                  # matplotlib and psycopg, for this script only
    PYTHONPATH=src python benchmarks/generate.py --size 5 --snapshot 1 --snapshot 2   # data, cached
    nice -n 10 python benchmarks/scale.py --pg-folder /tmp/ddcase-scale-pg   # measure, write, draw
    python benchmarks/scale.py --plot-only                                    # redraw from the JSON

Size N is N trusts side by side (benchmarks/generate.py --size N): N x 20 CMHTs, N x 20,000
clients, about N x 1,000,000 contacts. A team stays the size of a team, so one team's month should
cost the same at every size. PostgreSQL runs as a server of its own on 127.0.0.1 (as the tests
start it: tests/pg_server.py); each size is one database in it, loaded from the generated SQLite
file with COPY. `--pg-folder` keeps that server's files between runs, so the loading (minutes at
5x) is paid once; without it they go to a temporary folder that is removed at the end. Before
measuring, a table whose visibility map is not whole is vacuumed (`settle_pg`), as a team
server's autovacuum would leave it, so that every size is measured in the same state.

Each measurement runs in a fresh process, `--runs` times (the median is kept; the runs alternate
between the sizes, a round of every size and query at a time): its wall time, the
calling thread's CPU time (not the process's: on an SQLite file ddcase's opening check runs in a
thread of its own meanwhile; the process's is kept too) and, on PostgreSQL, the server's CPU
time over the same call (every process of the server, read from /proc: so parallel workers are
counted too). CPU time is the number that holds on a loaded machine; the JSON keeps both. An
import is a `ddcase import` process of its own: its CPU is the whole process's (from wait4).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: ddcase's source to measure: this tree's, or another's (DDCASE_SCALE_SRC=/elsewhere/src) to
#: compare a branch against the same databases.
SRC = Path(os.environ.get("DDCASE_SCALE_SRC") or ROOT / "src")
sys.path.insert(0, str(SRC))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))  # tests/pg_server.py starts PostgreSQL as the tests do

MONTH = "2026-10"
TEAM = "Ashby CMHT"  # trust 1's first team: there at every size, and the same team at every size
MEASURES = {
    "month_all": "month figures, all teams",
    "month_team": f"month figures, one team ({TEAM})",
    "series24": "24-month series, all teams",
    "caseload": "caseload: load the month's rows",
    "import": "import of the CSV folder",
}
PY = sys.executable
ME = str(Path(__file__).resolve())
#: Tables the generator fills, in an order that keeps foreign keys satisfied.
TABLES = ("organisation", "worker", "client", "episode", "contact")
LOADED_KEY = "benchmark_loaded_from"


# ------------------------------------------------------------------------------------- the server


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process and all its children, alive and reaped (utime, stime, cutime,
    cstime from /proc), for the PostgreSQL server: the postmaster and every backend."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        ppid = int(fields[1])
        if int(entry) == pid or ppid == pid:
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / tick


class Server:
    """A PostgreSQL server in `folder` (made on first use, kept if the folder is given), as the
    tests start one: initdb as the `postgres` user when root, 127.0.0.1 only, trust auth."""

    def __init__(self, folder: Path | None, port: int | None = None) -> None:
        from tests.pg_server import SUPERUSER, free_port, server_bin_dir

        self.keep = folder is not None
        self.folder = folder or Path(tempfile.mkdtemp(prefix="ddcase-scale-pg-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.data = self.folder / "data"
        self.bin = server_bin_dir()
        self.port = port or free_port()
        self.user = SUPERUSER
        self.run_as: list[str] = []
        if os.geteuid() == 0:
            self.run_as = ["runuser", "-u", os.environ.get("PG_TEST_OS_USER", "postgres"), "--"]
            shutil.chown(self.folder, user=self.run_as[2])

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.run_as, *args], capture_output=True, text=True, encoding="utf-8")
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stderr or done.stdout}\n{tail}")

    def start(self) -> Server:
        if not (self.data / "PG_VERSION").exists():
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust",
                      "-E", "UTF8", "--no-sync")  # fmt: skip
            (self.data / "pg_hba.conf").write_text(
                "host all all 127.0.0.1/32 trust\nlocal all all trust\n", encoding="utf-8"
            )
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-p {self.port}",
                f"-k {self.folder}",
                "-c fsync=off",  # a benchmark's server: the data are remade if it crashes
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c shared_buffers=512MB",  # a modest team server; the default 128 MB is a laptop's
                "-c max_wal_size=4GB",
                "-c autovacuum=off",  # analysed after loading; keeps the server's CPU time ours
                "-c timezone=UTC",
            ]
        )
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
                  "-w", "-t", "120", "-o", options, "start")  # fmt: skip
        return self

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        if not self.keep:
            shutil.rmtree(self.folder, ignore_errors=True)

    def pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text(encoding="ascii").split()[0])

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname=database, autocommit=True
        )

    def recreate(self, database: str) -> None:
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{database}"')

    def loaded_from(self, database: str) -> str | None:
        import psycopg

        try:
            with self.connect(database) as conn:
                row = conn.execute("SELECT value FROM setting WHERE key = %s", (LOADED_KEY,)).fetchone()
        except psycopg.Error:
            return None
        return None if row is None else str(row[0])


def load_pg(server: Server, database: str, source: Path, quiet: bool = False) -> None:
    """The generated SQLite data set into a fresh PostgreSQL database at ddcase's schema (migrated
    by ddcase itself), with COPY. The rows are written with the session's triggers off
    (session_replication_role = replica): a bulk load of a benchmark's synthetic data is not a
    change someone made outside ddcase, and revision 0008 would otherwise write an audit entry
    for each of the millions of rows. Then VACUUM ANALYZE, as a server's autovacuum would."""
    import sqlite3

    from ddcase.storage.database import make_engine
    from ddcase.storage.migrations import migrate

    started = time.perf_counter()
    server.recreate(database)
    engine = make_engine(server.url(database))
    migrate(engine)
    engine.dispose()
    # immutable: the cached file is shared by everyone benchmarking; not even its -shm is touched
    lite = sqlite3.connect(f"file:{source}?mode=ro&immutable=1", uri=True)
    with server.connect(database) as conn:
        conn.autocommit = False
        with conn.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
            for table in TABLES:
                columns = [row[1] for row in lite.execute(f"PRAGMA table_info({table})")]
                booleans = {
                    i for i, row in enumerate(lite.execute(f"PRAGMA table_info({table})"))
                    if str(row[2]).upper() == "BOOLEAN"
                }  # fmt: skip
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in lite.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id"):
                        if booleans:
                            row = tuple(
                                None if v is None else bool(v) if i in booleans else v
                                for i, v in enumerate(row)
                            )
                        copy.write_row(row)
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
                if not quiet:
                    print(
                        f"  {table} copied ({time.perf_counter() - started:.0f} s)",
                        file=sys.stderr,
                        flush=True,
                    )
            for key, value in lite.execute("SELECT key, value FROM setting"):
                cur.execute(
                    "INSERT INTO setting (key, value) VALUES (%s, %s) "
                    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    (key, value),
                )
            cur.execute("INSERT INTO setting (key, value) VALUES (%s, %s)", (LOADED_KEY, source.parent.name))
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    lite.close()
    if not quiet:
        print(f"  loaded {source.parent.name} into {database} in {time.perf_counter() - started:.0f} s",
              file=sys.stderr, flush=True)  # fmt: skip


def settle_pg(server: Server, database: str, quiet: bool = False) -> list[str]:
    """VACUUM the tables whose visibility map is not whole (`relallvisible` < `relpages`), as a
    team server's autovacuum would have done after the load (the benchmark's server runs with
    autovacuum off): the planner costs an index-only scan by it. Found so (eighth round): the
    1x and 2x databases' episode and client tables had none after loading (a snapshot open
    elsewhere when their VACUUM ran), the 5x's all; so at 1x and 2x the episodes came by a bitmap
    scan of the heap, in the order they were written (cheap to sort and group in Python), and at
    5x by the covering index in its own order: a different plan and a different client cost at
    each size, not the cost of the size. Returns the tables vacuumed."""
    with server.connect(database) as conn:
        stale = [
            str(name)
            for name, pages, visible in conn.execute(
                "SELECT relname, relpages, relallvisible FROM pg_class WHERE relname = ANY(%s)",
                (list(TABLES),),
            )
            if int(visible) < int(pages)
        ]
        for table in stale:
            conn.execute(f"VACUUM {table}")
    if stale and not quiet:
        print(
            f"  {database}: vacuumed {', '.join(stale)} (visibility map not whole)",
            file=sys.stderr,
            flush=True,
        )
    return stale


# ------------------------------------------------------------------------------------- the children


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(kind: str, db: str) -> dict[str, Any]:
    """One measurement in this fresh process: open ddcase's services on `db`, then time the call
    alone (wall, this process's CPU, and the server's CPU when DDCASE_SCALE_PG_PID is set)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ddcase.cli import open_services
    from ddcase.domain import Month

    qt = None
    if kind == "caseload":
        from PySide6.QtWidgets import QApplication

        from ddcase.ui.models.mutual_client_model import MutualClientTableModel, caseload

        qt = QApplication([])  # noqa: F841  (models need one)
    app = open_services(db, daily_backup=False)
    month = Month.parse(MONTH)
    if os.environ.get("DDCASE_SCALE_NO_GC"):  # --no-gc: how much of the growth is the collector's
        import gc

        gc.collect()
        gc.disable()
    server_pid = int(os.environ.get("DDCASE_SCALE_PG_PID", "0"))
    server_before = _tree_cpu(server_pid) if server_pid else 0.0
    # The calling thread's CPU: on an SQLite file ddcase checks the file in a thread of its own
    # while the first calls run (storage/opening.py), and that is not the call's cost.
    cpu, process_cpu, wall = time.thread_time(), _cpu(), time.perf_counter()
    if kind == "month_all":
        result = app.figures.month(month)
        detail = f"{result.jointly_worked} of {result.mutual_clients}"
    elif kind == "month_team":
        result = app.figures.month(month, TEAM)
        detail = f"{result.jointly_worked} of {result.mutual_clients}"
    elif kind == "series24":
        series = app.figures.series(month.plus(-23), month)
        detail = f"{len(series.months)} months"
    elif kind == "caseload":  # as the caseload page loads it (benchmarks/run.py's table-app)
        figures = app.figures.month(month)
        names = getattr(app.casework, "client_names", None)  # a tree before it (DDCASE_SCALE_SRC)
        clients: Any = names() if names is not None else app.casework.clients()
        model = MutualClientTableModel()
        model.set_rows(caseload(clients, [*figures.clients, *figures.excluded]))
        detail = f"{model.rowCount()} rows of {len(clients)} clients"
    else:
        raise SystemExit(f"unknown measurement {kind}")
    wall, cpu, process_cpu = time.perf_counter() - wall, time.thread_time() - cpu, _cpu() - process_cpu
    server_cpu = _tree_cpu(server_pid) - server_before if server_pid else 0.0
    app.close()
    return {"wall": wall, "client_cpu": cpu, "process_cpu": process_cpu, "server_cpu": server_cpu,
            "detail": detail}  # fmt: skip


def run_child(arguments: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    out = Path(tempfile.gettempdir()) / f"ddcase-scale-{os.getpid()}.out"
    with out.open("w", encoding="utf-8") as handle:
        done = subprocess.run(arguments, stdout=handle, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, **(env or {})}, encoding="utf-8")  # fmt: skip
    text = out.read_text(encoding="utf-8", errors="replace")
    out.unlink(missing_ok=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed: {done.stderr[-3000:]}")
    return dict(json.loads([line for line in text.splitlines() if line.startswith("{")][-1]))


def measure_import(engine_name: str, size: int, folder: Path, contacts: int, server: Server | None,
                   work: Path) -> dict[str, Any]:  # fmt: skip
    """`ddcase import` of the generated CSV folder into an empty database, as a process of its
    own: wall and CPU of that process (from wait4) and, on PostgreSQL, the server's CPU."""
    if server is not None:
        database = f"import_{size}x"
        server.recreate(database)
        target = server.url(database)
    else:
        path = work / f"import-{size}x.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        target = str(path)
    before = _tree_cpu(server.pid()) if server is not None else 0.0
    started = time.perf_counter()
    process = subprocess.Popen([PY, "-m", "ddcase", "import", "--db", target, str(folder)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    error = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"import into {target} failed: {error[-3000:]}")
    server_cpu = _tree_cpu(server.pid()) - before if server is not None else 0.0
    if server is not None:
        with server.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "import_{size}x" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    return {
        "wall": wall,
        "client_cpu": usage.ru_utime + usage.ru_stime,
        "server_cpu": server_cpu,
        "detail": f"{contacts:,} contacts, {contacts / wall:,.0f}/s",
    }


def median_of(runs: int, make: Any) -> dict[str, Any]:
    return median_of_results([make() for _ in range(runs)])


def median_of_results(results: list[dict[str, Any]]) -> dict[str, Any]:
    for r in results:
        r["cpu"] = float(r["client_cpu"]) + float(r["server_cpu"])
    cpus = [float(r["cpu"]) for r in results]
    kept = dict(results[cpus.index(statistics.median_low(cpus))])
    kept.update(
        wall=statistics.median(float(r["wall"]) for r in results),
        client_cpu=statistics.median(float(r["client_cpu"]) for r in results),
        # the whole client process's (the calling thread's and any read beside's)
        process_cpu=statistics.median(float(r.get("process_cpu", r["client_cpu"])) for r in results),
        server_cpu=statistics.median(float(r["server_cpu"]) for r in results),
        cpu=statistics.median(cpus),
        runs=[
            {
                k: round(float(r.get(k, r["client_cpu"])), 4)
                for k in ("wall", "client_cpu", "process_cpu", "server_cpu")
            }
            for r in results
        ],
    )
    return kept


# ------------------------------------------------------------------------------------- the parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-sizes", default="1,2,5", help="sizes on PostgreSQL ('' for none)")
    parser.add_argument("--sqlite-sizes", default="1,2", help="sizes on SQLite ('' for none)")
    parser.add_argument("--import-sizes", default="1,2,5", help="sizes whose import is measured too")
    parser.add_argument("--only", action="append", choices=sorted(MEASURES), help="only these measurements")
    parser.add_argument("--runs", type=int, default=3, help="runs of each query measurement (median kept)")
    parser.add_argument("--import-runs", type=int, default=1)
    parser.add_argument(
        "--clients", type=int, default=20_000, help="clients in one trust (smaller: a quick try)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-folder", type=Path, help="keep the PostgreSQL server's files here, to reuse")
    parser.add_argument("--pg-port", type=int, help="the PostgreSQL server's port (default: a free one)")
    parser.add_argument(
        "--load-only", action="store_true", help="load the PostgreSQL databases, measure nothing"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "scale-results.json")
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "scale.png")
    parser.add_argument("--plot-only", action="store_true", help="draw --plot from --out and stop")
    parser.add_argument("--markdown", action="store_true", help="print --out as docs/performance.md's table")
    parser.add_argument("--merge", action="store_true", help="keep --out's other results, replace these")
    parser.add_argument("--pg-prefix", default="scale",
                        help="measure databases PREFIX_Nx; other than 'scale', each is made as a copy of "
                        "scale_Nx (CREATE DATABASE ... TEMPLATE), e.g. for another branch to migrate")  # fmt: skip
    parser.add_argument("--no-gc", action="store_true",
                        help="a diagnosis: measure with Python's cyclic garbage collector off")  # fmt: skip
    parser.add_argument("--no-settle", action="store_true",
                        help="measure the PostgreSQL databases as found: no VACUUM of a table whose "
                        "visibility map is not whole (settle_pg)")  # fmt: skip
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)), flush=True)
        if args.child[0] == "caseload":
            os._exit(0)  # skip Qt's teardown: not measured, and PySide may crash in it
        return 0
    if args.plot_only:
        draw(json.loads(args.out.read_text(encoding="utf-8")), args.plot)
        return 0
    if args.markdown:
        print(markdown(json.loads(args.out.read_text(encoding="utf-8"))))
        return 0

    import generate

    def sizes(text: str) -> list[int]:
        return [int(s) for s in text.split(",") if s.strip()]

    pg_sizes, sqlite_sizes, import_sizes = (
        sizes(args.pg_sizes),
        sizes(args.sqlite_sizes),
        sizes(args.import_sizes),
    )
    wanted = args.only or list(MEASURES)
    if args.no_gc:
        os.environ["DDCASE_SCALE_NO_GC"] = "1"
    data = {}
    for size in sorted({*pg_sizes, *sqlite_sizes}):
        found = generate.cached(args.seed, args.clients, size)
        if found is None:
            print(f"generating the {size}x data set (benchmarks/generate.py --size {size})", file=sys.stderr)
            found = generate.ensure(args.seed, args.clients, size=size)
        data[size] = found
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
    # The audit trail's keys and witness (storage/witness.py) of these throwaway databases are
    # kept in a folder of the benchmark's own, not in the config folder of the person running it.
    os.environ.setdefault("DDCASE_CONFIG_DIR", str(generate.cache_dir() / "scale-config"))
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled once, not in every child
    work = Path(tempfile.mkdtemp(prefix="ddcase-scale-"))
    os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    previous = json.loads(args.out.read_text(encoding="utf-8")) if args.merge and args.out.exists() else {}
    rows: list[dict[str, Any]] = []
    server = None
    try:
        if pg_sizes:
            server = Server(args.pg_folder, args.pg_port).start()
            for size in pg_sizes if wanted != ["import"] else ():  # the import makes its own
                source = data[size].database
                if server.loaded_from(f"scale_{size}x") != source.parent.name:
                    print(f"loading the {size}x data set into PostgreSQL", file=sys.stderr, flush=True)
                    load_pg(server, f"scale_{size}x", source)
                copy = f"{args.pg_prefix}_{size}x"
                if copy != f"scale_{size}x" and server.loaded_from(copy) != source.parent.name:
                    with server.connect() as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
                        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "scale_{size}x"')
                if not args.no_settle:
                    settle_pg(server, f"scale_{size}x")
                    if copy != f"scale_{size}x":
                        settle_pg(server, copy)
        if args.load_only:
            return 0
        targets: list[tuple[str, int, str]] = []
        for size in sqlite_sizes:
            db = str(work / f"scale-{size}x.sqlite3")
            shutil.copyfile(data[size].database, db)
            targets.append(("sqlite", size, db))
        for size in pg_sizes:
            assert server is not None
            targets.append(("postgresql", size, server.url(f"{args.pg_prefix}_{size}x")))

        def show(row: dict[str, Any]) -> None:
            rows.append(row)
            print(f"{row['engine']:10} {row['size']}x {MEASURES[row['measure']]:42} wall {row['wall']:8.3f} s  "
                  f"cpu {row['cpu']:8.3f} s (client {row['client_cpu']:.3f}, process {row['process_cpu']:.3f}, "
                  f"server {row['server_cpu']:.3f})  "
                  f"{row['detail']}", flush=True)  # fmt: skip

        queries = [kind for kind in wanted if kind != "import"]
        for _engine, _size, db in targets:
            # Open once first: a migration or the first check is paid here, not in a measurement.
            # (An SQLite copy is then in the OS's cache at every size: just written, and every
            # page read by the check.)
            if queries:
                subprocess.run([PY, "-m", "ddcase", "check", "--db", db], check=True, capture_output=True)
        # The queries' runs alternate: a round measures every size and query once, and the next
        # round begins again, so that the sizes share the machine's load alike (measured a size
        # after another, a burst of the other work on the machine lands on one size's runs and
        # reads as growth). The median of each (engine, size, query)'s runs is kept.
        runs: dict[tuple[str, int, str], list[dict[str, Any]]] = {}
        for _ in range(args.runs if queries else 0):
            for engine_name, size, db in targets:
                env = (
                    {"DDCASE_SCALE_PG_PID": str(server.pid())}
                    if engine_name == "postgresql" and server
                    else {}
                )
                for kind in queries:
                    runs.setdefault((engine_name, size, kind), []).append(
                        run_child([PY, ME, "--child", kind, db], env)
                    )
        for (engine_name, size, kind), results in runs.items():
            show({"engine": engine_name, "size": size, "measure": kind, **median_of_results(results)})
        for engine_name, size, _db in targets:
            if "import" in wanted and size in import_sizes:
                result = median_of(args.import_runs, lambda s=size, e=engine_name: measure_import(
                    e, s, data[s].folder, data[s].contacts, server if e == "postgresql" else None, work))  # fmt: skip
                show({"engine": engine_name, "size": size, "measure": "import", **result})
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    done = {(r["engine"], r["size"], r["measure"]) for r in rows}
    kept = [r for r in previous.get("results", []) if (r["engine"], r["size"], r["measure"]) not in done]
    report = {
        "machine": _machine(),
        "month": MONTH,
        "team": TEAM,
        "runs": args.runs,
        "gc": "off (--no-gc)" if args.no_gc else "on",
        "source": str(SRC),
        "data": {
            **previous.get("data", {}),
            **{
                str(s): {"clients": d.clients, "episodes": d.episodes, "contacts": d.contacts}
                for s, d in data.items()
            },
        },
        "results": sorted(kept + rows, key=lambda r: (r["engine"], r["measure"], r["size"])),
    }
    report["verdicts"] = verdicts(report["results"])
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    for line in report["verdicts"]:
        print(line)
    try:
        draw(report, args.plot)
    except ImportError:
        print("matplotlib is missing (pip install -e '.[bench]'): no plot drawn", file=sys.stderr)
    return 0


def verdicts(results: list[dict[str, Any]]) -> list[str]:
    """Each curve's growth against size (CPU time, and wall time), and the targets: linear or
    better everywhere; one team's month at 5x on PostgreSQL ≤ 0.1 s."""
    lines = []
    by = {(r["engine"], r["measure"], r["size"]): r for r in results}
    for (engine_name, measure, size), row in sorted(by.items()):
        base = by.get((engine_name, measure, 1))
        if size == 1 or base is None:
            continue
        cpu = row["cpu"] / base["cpu"] if base["cpu"] else float("nan")
        wall = row["wall"] / base["wall"] if base["wall"] else float("nan")
        # Within 10% of linear is linear: run-to-run noise of CPU time here is about that.
        ok = "sublinear" if cpu < 0.9 * size else "linear" if cpu <= 1.1 * size else "SUPERLINEAR"
        lines.append(
            f"{engine_name} {measure} {size}x/1x: CPU {cpu:.2f}, wall {wall:.2f} (size {size}): {ok}"
        )
    team = by.get(("postgresql", "month_team", 5))
    if team is not None:
        lines.append(f"postgresql month_team at 5x: wall {team['wall']:.3f} s, CPU {team['cpu']:.3f} s "
                     f"(target ≤ 0.1 s): {'met' if team['wall'] <= 0.1 else 'NOT met'}")  # fmt: skip
    return lines


def markdown(report: dict[str, Any]) -> str:
    """One row per engine and measurement: wall and CPU (client + server) at each size, and the
    growth of CPU time against 1x."""
    by = {(r["engine"], r["measure"], r["size"]): r for r in report["results"]}
    sizes = sorted({r["size"] for r in report["results"]})
    head = (
        ["engine", "measurement"]
        + [f"{s}x wall / CPU (s)" for s in sizes]
        + [f"{s}x÷1x CPU" for s in sizes[1:]]
    )
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|" * (len(head) - 2)]
    for engine_name in ("postgresql", "sqlite"):
        for measure, label in MEASURES.items():
            cells = [by.get((engine_name, measure, s)) for s in sizes]
            if not any(cells):
                continue
            shown = [f"{c['wall']:.3f} / {c['cpu']:.3f}" if c else "–" for c in cells]
            one = by.get((engine_name, measure, 1))
            growth = [f"{c['cpu'] / one['cpu']:.2f}" if c and one and one["cpu"] else "–" for c in cells[1:]]
            lines.append("| " + " | ".join([engine_name, label, *shown, *growth]) + " |")
    return "\n".join(lines)


def draw(report: dict[str, Any], target: Path) -> None:
    """Cost against size, one panel per measurement: CPU time (client + server) on PostgreSQL
    and SQLite, with the line a linear cost would follow from 1x, dashed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = report["results"]
    measures = [m for m in MEASURES if any(r["measure"] == m for r in results)]
    columns = min(3, len(measures))
    rows = -(-len(measures) // columns)
    fig, grid = plt.subplots(rows, columns, figsize=(4.0 * columns, 3.3 * rows), squeeze=False)
    axes = [ax for row in grid for ax in row]
    for spare in axes[len(measures) :]:
        spare.set_visible(False)
    colours = {"postgresql": "#1f5fa8", "sqlite": "#c0552b"}
    for ax, measure in zip(axes, measures, strict=False):
        for engine_name, colour in colours.items():
            points = sorted((r["size"], r["cpu"]) for r in results
                            if r["engine"] == engine_name and r["measure"] == measure)  # fmt: skip
            if not points:
                continue
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, "o-", color=colour, label=engine_name)
            one = dict(points).get(1)
            if one:
                ax.plot([1, max(xs)], [one, one * max(xs)], "--", color=colour, alpha=0.4, linewidth=1)
        ax.set_title(MEASURES[measure].replace(f" ({TEAM})", "").replace(": ", ":\n"), fontsize=9)
        ax.set_xlabel("size (trusts of 20,000 clients)", fontsize=8)
        ax.set_xticks([1, 2, 5])
        ax.set_ylim(bottom=0)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    for row in grid:
        row[0].set_ylabel("CPU seconds (client + server)", fontsize=8)
    axes[0].legend(fontsize=8)
    fig.suptitle("How the cost grows (issue 18): dashed = linear from 1x", fontsize=10)
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    plt.close(fig)
    print(f"drew {target}")


def _machine() -> dict[str, Any]:
    info: dict[str, Any] = {"python": platform.python_version(), "platform": platform.platform(),
                            "cpus": os.cpu_count(), "load_average_at_end": os.getloadavg()}  # fmt: skip
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            info["cpu"] = line.split(":", 1)[1].strip()
            break
    return info


if __name__ == "__main__":
    raise SystemExit(main())

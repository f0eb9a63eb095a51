"""A team database under load (issue 18): N simulated people for M minutes against one database.

It starts a real PostgreSQL server on 127.0.0.1 (initdb into a temporary folder, durable settings:
fsync and synchronous_commit on), sets it up as a trust's IT team would (`team-setup`, one
coordinator login per person), loads benchmarks/generate.py's trust-scale data set through
ddcase's own import, then runs the people: each in a process of its own by default, through
ddcase's services (never SQL), with its own connection pool, config folder (the audit trail's
witness) and login. Each person repeats a seeded, weighted mix of actions with think pauses:

  caseload   the caseload page: the team's month figures and the client list
  search     find a client by reference
  client     open a client: details, episodes and contacts
  contact    log a contact (a save)
  episode    change the named worker on an open episode (a save)
  month      the month's figures for the whole service
  report     print the team's monthly report (PDF)

and records each action's latency and any error a person would see. `--model` says how people
pause and who prints the report (MODELS: "team" by default, "stress" the second round's). At the end every
acknowledged save is checked to be in the database exactly once (a contact by its unique note,
an episode edit by its worker and version), and `ddcase check` must pass.

`--backend sqlite` runs the same load against one SQLite file, with `--processes` processes
(people are threads within them: several people on one laptop each).

    PYTHONPATH=src python benchmarks/team_load.py [--people 50] [--minutes 5] [--pin] [--statements]
    PYTHONPATH=src python benchmarks/team_load.py --model stress   # the second round's people
    PYTHONPATH=src python benchmarks/team_load.py --backend sqlite --processes 5
    PYTHONPATH=src python benchmarks/team_load.py --clients 1000 --people 5 --minutes 0.5   # quick try

Run by hand, never as a timed test. Latencies are wall time on the machine as it is: say whether
it was idle.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

ACTIONS = ("caseload", "search", "client", "contact", "episode", "month", "report")
SAVES = ("contact", "episode")
#: How often each action comes up (weights), as a care coordinator's day might go. A report is
#: printed only by the people who print one (`Person.prints`: a team's manager, for the meeting).
DEFAULT_MIX = {
    "caseload": 15,
    "search": 15,
    "client": 30,
    "contact": 20,
    "episode": 5,
    "month": 10,
    "report": 5,
}
MONTH = "2026-10"  # the data set's last month: saves land in it while others read its figures
OWNER = "ddcase_owner"
DATABASE = "ddcase_load"
TARGETS_P95 = {"contact": 0.150, "episode": 0.150, "month": 0.500}
#: How people are modelled (`--model`): the mean think pause (seconds, exponential, capped at 4x)
#: and who prints the team's report. "team" (the default from the third round): a pause of 15 s
#: (reading the screen, typing a contact's note: still 20 actions in 5 minutes, hundreds an
#: hour, far busier than a care coordinator's day) and one person in ten a manager, the only one
#: who prints the report (for the team's meeting). "stress" (the second round's): 5 s, and
#: every person prints the report as often as a manager's mix says (122 reports in 5 minutes).
MODELS = {"team": (15.0, 10), "stress": (5.0, 1)}
ME = Path(__file__).resolve()


# ------------------------------------------------------------------------------- the plan


@dataclass
class Person:
    """One simulated person: their login, team, the clients on their caseload (open mental
    health episodes with a named worker) and the team's coordinators (to reallocate to)."""

    number: int
    login: str
    team: str
    clients: list[str]
    coordinators: list[str]
    prints: bool = True  # prints the team's report (a manager), else the mix's report weight is 0


@dataclass
class Plan:
    url: str  # with {login} where each person's name goes (PostgreSQL), or the SQLite file
    people: list[Person]
    seconds: float
    think: float
    seed: int
    mix: dict[str, int]
    go_file: str
    out_folder: str
    all_refs: list[str] = field(default_factory=list)


def read_caseloads(folder: Path) -> tuple[dict[str, list[str]], dict[str, list[str]], list[str]]:
    """From the data set's episodes.csv: each team's clients with an open, named mental health
    episode, the team's coordinators, and every client reference."""
    clients: dict[str, list[str]] = {}
    coordinators: dict[str, set[str]] = {}
    refs: set[str] = set()
    with (folder / "episodes.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            refs.add(row["client_ref"])
            if row["service"] != "mental_health" or not row["team"] or not row["worker"]:
                continue
            coordinators.setdefault(row["team"], set()).add(row["worker"])
            if not row["end_date"]:
                clients.setdefault(row["team"], []).append(row["client_ref"])
    teams = sorted(clients)
    return (
        {t: sorted(set(clients[t])) for t in teams},
        {t: sorted(coordinators[t]) for t in teams},
        sorted(refs),
    )


def make_people(count: int, folder: Path, one_printer_in: int = 1) -> tuple[list[Person], list[str]]:
    """Person i works in team i mod the number of teams; a team's caseload is shared out among
    its people so that no two people edit the same client (a conflict there is right, not load).
    Every `one_printer_in`th person (person 1, 11, 21, ...: each in a different team) prints
    reports."""
    caseloads, coordinators, refs = read_caseloads(folder)
    teams = sorted(caseloads)
    people = []
    for i in range(count):
        team = teams[i % len(teams)]
        colleagues = list(range(i % len(teams), count, len(teams)))
        share = caseloads[team][colleagues.index(i) :: len(colleagues)]
        prints = i % one_printer_in == 0
        people.append(Person(i, f"person{i + 1:02d}", team, share, coordinators[team], prints))
    return people, refs


# ------------------------------------------------------------------------------- the server


class LoadServer:
    """PostgreSQL on 127.0.0.1 with its durable defaults (tests/pg_server.py turns fsync off)."""

    def __init__(self, fast: bool = False, statements: bool = False, port: int | None = None) -> None:
        from tests.pg_server import PostgresServer

        self.server = PostgresServer()
        if port:  # a port of the caller's own (several benchmarks on one machine); else a free one
            self.server.port = port
        self.fast = fast
        self.statements = statements

    def start(self) -> LoadServer:
        from tests.pg_server import PASSWORD_USER, SUPERUSER, PostgresUnavailable

        s = self.server
        done = s._run(str(s.bin / "initdb"), "-D", str(s.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8")
        if done.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {done.stderr.strip()}")
        (s.data / "pg_hba.conf").write_text(
            f"host all {PASSWORD_USER} {s.host}/32 scram-sha-256\nhost all all {s.host}/32 trust\n"
            "local all all trust\n",
            encoding="utf-8",
        )
        options = [
            f"-c listen_addresses={s.host}",
            f"-p {s.port}",
            f"-k {s.folder}",
            "-c max_connections=300",
            "-c shared_buffers=512MB",
            "-c timezone=UTC",
        ]
        if self.fast:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        if self.statements:  # PostgreSQL's contrib: what each statement costs the server
            options += [
                "-c shared_preload_libraries=pg_stat_statements",
                "-c pg_stat_statements.track=all",
                "-c pg_stat_statements.track_planning=on",
            ]
        done = s._run(
            str(s.bin / "pg_ctl"), "-D", str(s.data), "-l", str(s.folder / "server.log"), "-w", "-t", "60",
            "-o", " ".join(options), "start",
        )  # fmt: skip
        if done.returncode != 0:
            raise PostgresUnavailable(f"pg_ctl start failed: {done.stderr.strip()}")
        s.started = True
        return self

    def url(self, database: str = "postgres", user: str | None = None) -> str:
        from tests.pg_server import SUPERUSER

        return self.server.url(database, user or SUPERUSER)

    def cpu_seconds(self) -> float:
        """The server's CPU so far: the postmaster's and its ended backends' (they are reaped)."""
        pid = int((self.server.data / "postmaster.pid").read_text(encoding="utf-8").split()[0])
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return sum(int(x) for x in fields[11:15]) / ticks  # utime, stime, cutime, cstime

    def pin(self, cores: set[int]) -> None:
        """Keep the server (the postmaster, its processes, and so every backend it starts later)
        on these cores: a team's server has cores of its own, the people's laptops theirs."""
        pid = int((self.server.data / "postmaster.pid").read_text(encoding="utf-8").split()[0])
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                ppid = int((proc / "stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[1])
                if int(proc.name) == pid or ppid == pid:
                    os.sched_setaffinity(int(proc.name), cores)
            except (OSError, ValueError):
                continue  # a process that ended meanwhile

    def stop(self) -> None:
        self.server.stop()


def superuser_sql(server: LoadServer, *statements: str, database: str = "postgres") -> list[Any]:
    """Run statements as the cluster's superuser; the rows of the last one."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(server.url(database), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    rows: list[Any] = []
    with engine.connect() as conn:
        for statement in statements:
            done = conn.execute(text(statement))
            rows = list(done) if done.returns_rows else []
    engine.dispose()
    return rows


#: The statements that took the server longest during the run (pg_stat_statements, `--statements`;
#: the execution time includes waiting for a lock, such as the audit trail's).
TOP_STATEMENTS = """
SELECT sum(calls), round(sum(total_exec_time)::numeric, 1), round(sum(total_plan_time)::numeric, 1),
       sum(rows), left(regexp_replace(query, '\\s+', ' ', 'g'), 150)
FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat%'
GROUP BY query ORDER BY sum(total_exec_time + total_plan_time) DESC LIMIT 12
"""  # each person is a role of their own: one statement's entries summed over them


def split_cores() -> tuple[set[int], set[int]] | None:
    """The machine's cores in two halves (the people's, the server's); None where they cannot be
    pinned (not Linux, or one core)."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None
    half = len(cores) // 2
    return set(cores[:half]), set(cores[half:])


def prepare_postgresql(server: LoadServer, folder: Path, people: list[Person]) -> tuple[str, float]:
    """The team database as its administrator sets it up, the data set imported by the owner."""
    from ddcase.bootstrap import open_services

    superuser_sql(
        server,
        f"CREATE ROLE {OWNER} LOGIN CREATEROLE",
        f"CREATE DATABASE {DATABASE} OWNER {OWNER} ENCODING 'UTF8'",
    )
    owner_url = server.url(DATABASE, OWNER)
    app = open_services(owner_url, daily_backup=False)
    try:
        app.team_database.setup()
        for person in people:
            app.team_database.add_user(person.login, "coordinator", None)
        started = time.perf_counter()
        app.transfer.import_folder(folder)
        loaded = time.perf_counter() - started
    finally:
        app.close()
    # As a DBA would after a bulk load; in the team's database (until the fifth round this ran in
    # `postgres`, so the load's first minute ran on plans without statistics, until autovacuum's).
    superuser_sql(server, "VACUUM ANALYZE", database=DATABASE)
    return owner_url, loaded


def prepare_sqlite(path: Path, folder: Path) -> float:
    from ddcase.bootstrap import open_services

    app = open_services(str(path), daily_backup=False)
    try:
        started = time.perf_counter()
        app.transfer.import_folder(folder)
        return time.perf_counter() - started
    finally:
        app.close()


# ------------------------------------------------------------------------------- a person


class Recorder:
    """One process's results, a JSON line each, written as they happen."""

    def __init__(self, path: Path) -> None:
        self._handle = path.open("w", encoding="utf-8")
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        with self._lock:
            self._handle.write(json.dumps(record) + "\n")
            self._handle.flush()

    def close(self) -> None:
        self._handle.close()


class RetryCounter(logging.Handler):
    """Counts the storage layer's "busy, trying again" notes (SQLite's bounded retry)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "trying to start the save again" in record.getMessage():
            self.count += 1


_write_times = threading.local()


def watch_writes(engine: Any) -> None:
    """Time each write transaction's parts: waiting for BEGIN (SQLite's write lock, or the pool),
    and from then to the end of COMMIT (on PostgreSQL this includes the audit trail's lock)."""
    from sqlalchemy import event

    @event.listens_for(engine, "begin", insert=True)
    def _asked(conn: Any) -> None:
        _write_times.asked = time.perf_counter()

    @event.listens_for(engine, "begin")
    def _began(conn: Any) -> None:
        _write_times.began = time.perf_counter()

    @event.listens_for(engine, "commit")
    def _committing(conn: Any) -> None:
        _write_times.committing = time.perf_counter()


def run_person(person: Person, plan: Plan, recorder: Recorder, app: Any, start: float) -> None:
    from ddcase.domain import Contact, ContactKind, ContactMode, DomainError, Month, Service

    rng = random.Random(plan.seed * 1000 + person.number)
    actions = [a for a in ACTIONS if plan.mix.get(a, 0) > 0 and (a != "report" or person.prints)]
    weights = [plan.mix[a] for a in actions]
    month = Month.parse(MONTH)
    report_folder = Path(plan.out_folder) / f"reports-{person.login}"
    report_folder.mkdir(exist_ok=True)
    saved = 0
    deadline = start + plan.seconds
    # Start at a random moment of the first think pause, as people do not all click at once.
    time.sleep(rng.uniform(0, plan.think))
    while time.monotonic() < deadline:
        action = rng.choices(actions, weights)[0]
        ref = rng.choice(person.clients) if person.clients else rng.choice(plan.all_refs)
        record: dict[str, Any] = {"person": person.login, "action": action, "at": time.monotonic() - start}
        began, cpu = time.perf_counter(), time.thread_time()
        try:
            if action == "caseload":
                app.figures.month(month, person.team)
                app.casework.clients()
            elif action == "search":
                app.casework.clients([rng.choice(plan.all_refs)])
            elif action == "client":
                app.casework.history(ref)
            elif action == "contact":
                saved += 1
                note = f"load {person.login} {saved}"
                contact = Contact(
                    client_ref=ref,
                    date=date(2026, 10, rng.randint(1, 31)),
                    kind=rng.choice((ContactKind.LIAISON, ContactKind.JOINT_APPOINTMENT)),
                    mode=ContactMode.TELEPHONE,
                    mh_worker=rng.choice(person.coordinators),
                    duration_minutes=rng.choice((15, 30, 45)),
                    note=note,
                )
                done = app.casework.save_contact(contact)
                record["ack"] = {"kind": "contact", "ref": ref, "note": note, "id": done.id}
            elif action == "episode":
                episodes = app.casework.episodes(ref)
                open_mh = [e for e in episodes if e.service is Service.MENTAL_HEALTH and e.end_date is None]
                if not open_mh:
                    record["skipped"] = "no open episode"
                else:
                    episode = open_mh[-1]
                    others = [c for c in person.coordinators if c != episode.worker] or person.coordinators
                    done = app.casework.save_episode(replace(episode, worker=rng.choice(others)))
                    record["ack"] = {
                        "kind": "episode", "ref": ref, "id": done.id, "version": done.version,
                        "worker": done.worker,
                    }  # fmt: skip
            elif action == "month":
                app.figures.month(month)
            elif action == "report":
                app.reporting.monthly_report(month, person.team, report_folder / "report.pdf")
        except DomainError as error:  # what the person would see, in the app's words
            record["error"] = f"{type(error).__name__}: {error}"
        except Exception as error:  # noqa: BLE001  (a crash is an error too, and is counted)
            record["error"] = f"unexpected {type(error).__name__}: {error}"
        record["seconds"] = time.perf_counter() - began
        if action in SAVES and "ack" in record:
            t = _write_times.__dict__
            if {"asked", "began", "committing"} <= t.keys() and t["asked"] >= began:
                record["begin_wait"] = t["began"] - t["asked"]
                record["in_transaction"] = t["committing"] - t["began"]
                record["commit"] = time.perf_counter() - t["committing"]
        record["cpu"] = time.thread_time() - cpu  # this person's own CPU: the part no load explains
        recorder.write(record)
        pause = min(rng.expovariate(1 / plan.think), 4 * plan.think) if plan.think > 0 else 0
        time.sleep(max(0.0, min(pause, deadline - time.monotonic())))


def child(plan_file: str, which: str) -> int:
    """One process: its people as threads, each with their own services (own pool) and login."""
    from ddcase.bootstrap import open_services

    plan_data = json.loads(Path(plan_file).read_text(encoding="utf-8"))
    people = [Person(**p) for p in plan_data.pop("people")]
    plan = Plan(people=people, **plan_data)
    mine = [people[int(i)] for i in which.split(",")]
    counter = RetryCounter()
    logging.getLogger("ddcase.storage.database").addHandler(counter)
    logging.getLogger("ddcase.storage.database").setLevel(logging.INFO)
    recorder = Recorder(Path(plan.out_folder) / f"results-{mine[0].login}.jsonl")
    apps = []
    for person in mine:
        app = open_services(plan.url.replace("{login}", person.login), daily_backup=False)
        app.wait_for_opening_check()  # a person's app was opened before their day began
        app.casework.counts()  # connected and warm before the start line
        watch_writes(app.context.db.engine)
        apps.append(app)
    print("ready", flush=True)
    while not Path(plan.go_file).exists():
        time.sleep(0.01)
    start = time.monotonic()
    threads = [
        threading.Thread(target=run_person, args=(p, plan, recorder, a, start), daemon=True)
        for p, a in zip(mine, apps, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    peak_mb = 0.0
    try:
        import resource  # not on Windows

        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    except ImportError:
        pass
    recorder.write(
        {"process": mine[0].login, "cpu_seconds": time.process_time(), "peak_mb": peak_mb,
         "busy_retries": counter.count}
    )  # fmt: skip
    recorder.close()
    for app in apps:
        app.close()
    return 0


# ------------------------------------------------------------------------------- the run


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))  # nearest rank
    return ordered[k]


def summarise(records: list[dict[str, Any]]) -> dict[str, Any]:
    by_action: dict[str, Any] = {}
    for action in ACTIONS:
        mine = [r for r in records if r.get("action") == action]
        if not mine:
            continue
        ok = [r["seconds"] for r in mine if "error" not in r]
        cpu = [r["cpu"] for r in mine if "error" not in r and "cpu" in r]
        errors = [r["error"] for r in mine if "error" in r]
        by_action[action] = {
            "count": len(mine),
            "median_s": statistics.median(ok) if ok else None,
            "p95_s": percentile(ok, 95) if ok else None,
            "max_s": max(ok) if ok else None,
            "cpu_median_s": statistics.median(cpu) if cpu else None,
            **{
                f"{part}_median_p95_s": [statistics.median(v), percentile(v, 95)]
                for part in ("begin_wait", "in_transaction", "commit")
                if (v := [r[part] for r in mine if part in r])
            },
            "errors": len(errors),
            "error_kinds": sorted({e[:160] for e in errors}),
        }
    return by_action


def verify(url: str, acks: list[dict[str, Any]]) -> dict[str, Any]:
    """Every acknowledged save is there exactly once: each contact by its unique note, each
    episode with the worker of its last acknowledged edit (and at least that version)."""
    from ddcase.bootstrap import open_services

    app = open_services(url, daily_backup=False)
    try:
        problems: list[str] = []
        contacts = [a for a in acks if a["kind"] == "contact"]
        by_ref: dict[str, list[str]] = {}
        for ack in contacts:
            by_ref.setdefault(ack["ref"], []).append(ack["note"])
        extra = 0
        for ref, notes in by_ref.items():
            found = [c.note for c in app.casework.contacts(ref) if c.note and c.note.startswith("load ")]
            for note in notes:
                n = found.count(note)
                if n != 1:
                    problems.append(f"contact {note!r} of {ref} is there {n} times")
            extra += len(set(found) - set(notes))
        last_edit: dict[int, dict[str, Any]] = {}
        for ack in (a for a in acks if a["kind"] == "episode"):
            if ack["id"] not in last_edit or ack["version"] > last_edit[ack["id"]]["version"]:
                last_edit[ack["id"]] = ack
        for ack in last_edit.values():
            episode = next((e for e in app.casework.episodes(ack["ref"]) if e.id == ack["id"]), None)
            if episode is None or episode.version < ack["version"] or episode.worker != ack["worker"]:
                problems.append(f"episode {ack['id']} of {ack['ref']}: acknowledged edit not there")
        return {
            "contacts_acknowledged": len(contacts),
            "episode_edits_acknowledged": sum(1 for a in acks if a["kind"] == "episode"),
            "unacknowledged_contacts_found": extra,  # a save that failed yet was kept
            "problems": problems[:20],
            "lost_or_doubled": len(problems),
        }
    finally:
        app.close()


def ddcase_check(db: str, env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "ddcase", "check", "--db", db],
        capture_output=True, text=True, encoding="utf-8", env=env, check=False,
    )  # fmt: skip
    return {"exit": done.returncode, "output": (done.stdout + done.stderr).strip()[-600:]}


class ServerWatch(threading.Thread):
    """Once a second: how many of the server's ddcase connections are waiting, and on what
    (a lock, the advisory lock of the audit trail, I/O), to see why a save is slow."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.samples: list[dict[str, int]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url, pool_size=1)
        query = text(
            "SELECT coalesce(wait_event_type, 'cpu') || ':' || coalesce(wait_event, state), count(*) "
            "FROM pg_stat_activity WHERE application_name = 'ddcase' AND state <> 'idle' GROUP BY 1"
        )
        while not self.stop.wait(1.0):
            with engine.connect() as conn:
                self.samples.append({k: int(n) for k, n in conn.execute(query)})
        engine.dispose()

    def summary(self) -> dict[str, float]:
        totals: dict[str, int] = {}
        for sample in self.samples:
            for k, n in sample.items():
                totals[k] = totals.get(k, 0) + n
        count = max(1, len(self.samples))
        return {k: round(n / count, 2) for k, n in sorted(totals.items(), key=lambda kv: -kv[1])[:12]}


def load_average() -> tuple[float, float, float]:
    """The machine's load average (how loaded the run was), NaN where there is none (Windows)."""
    if hasattr(os, "getloadavg"):
        return os.getloadavg()
    return (float("nan"),) * 3


def parse_mix(items: list[str]) -> dict[str, int]:
    mix = dict(DEFAULT_MIX)
    for item in items:
        action, _, weight = item.partition("=")
        if action not in ACTIONS or not weight.isdigit():
            raise SystemExit(f"--mix takes ACTION=WEIGHT with ACTION one of {', '.join(ACTIONS)}")
        mix[action] = int(weight)
    if not any(mix.values()):
        raise SystemExit("--mix: at least one action needs a weight")
    return mix


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument(
        "--clients", type=int, default=20_000, help="the data set's size (1000 for a quick try)"
    )
    parser.add_argument("--processes", type=int, help="default: one per person (PostgreSQL), 5 (SQLite)")
    parser.add_argument(
        "--model", choices=sorted(MODELS), default="team",
        help="how people pause and who prints reports (see MODELS); default team",
    )  # fmt: skip
    parser.add_argument(
        "--think", type=float, help="mean pause between actions, seconds (default: the model's)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mix", action="append", default=[], metavar="ACTION=WEIGHT")
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--fast-unsafe", action="store_true", help="PostgreSQL with fsync off (to compare)")
    parser.add_argument("--port", type=int, help="PostgreSQL: the server's port (default: a free one)")
    parser.add_argument(
        "--pin", action="store_true",
        help="Linux: the server on half the cores, the people on the other half (as on their own laptops)",
    )  # fmt: skip
    parser.add_argument(
        "--statements",
        action="store_true",
        help="PostgreSQL: the server's costliest statements (pg_stat_statements)",
    )
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)

    mix = parse_mix(args.mix)
    think, one_printer_in = MODELS[args.model]
    if args.think is not None:
        think = args.think
    pinned = split_cores() if args.pin else None
    if args.pin and (pinned is None or args.backend != "postgresql"):
        raise SystemExit("--pin needs PostgreSQL, Linux and at least 2 cores")
    from benchmarks.generate import ensure

    data = ensure(args.seed, args.clients)
    people, refs = make_people(args.people, data.folder, one_printer_in)
    processes = args.processes or (args.people if args.backend == "postgresql" else 5)
    processes = max(1, min(processes, args.people))
    work = Path(tempfile.mkdtemp(prefix="ddcase-load-"))
    os.environ["DDCASE_CONFIG_DIR"] = str(work / "config-admin")  # never the real user's witness
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    server = None
    children: list[subprocess.Popen[str]] = []
    watch = None
    try:
        print(f"loading {data.clients} clients, {data.contacts} contacts into {args.backend} ...", flush=True)
        if args.backend == "postgresql":
            server = LoadServer(fast=args.fast_unsafe, statements=args.statements, port=args.port).start()
            admin_url, load_seconds = prepare_postgresql(server, data.folder, people)
            url = server.url(DATABASE, "{login}")
            if args.statements:
                superuser_sql(server, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", database=DATABASE)
            if pinned is not None:
                server.pin(pinned[1])
        else:
            path = work / "team.sqlite3"
            load_seconds = prepare_sqlite(path, data.folder)
            admin_url = url = str(path)
        print(f"loaded in {load_seconds:.0f} s; {args.people} people in {processes} processes", flush=True)
        plan = Plan(
            url=url, people=people, seconds=args.minutes * 60, think=think, seed=args.seed, mix=mix,
            go_file=str(work / "go"), out_folder=str(work), all_refs=refs,
        )  # fmt: skip
        plan_file = work / "plan.json"
        plan_file.write_text(json.dumps(plan, default=lambda o: o.__dict__), encoding="utf-8")
        for p in range(processes):
            which = ",".join(str(i) for i in range(p, args.people, processes))
            child_env = {**env, "DDCASE_CONFIG_DIR": str(work / f"config-{p}")}  # each a laptop of its own
            children.append(
                subprocess.Popen(
                    [sys.executable, str(ME), "--child", str(plan_file), which],
                    stdout=subprocess.PIPE,
                    text=True,
                    encoding="utf-8",
                    env=child_env,
                )  # fmt: skip
            )
            if pinned is not None:
                os.sched_setaffinity(children[-1].pid, pinned[0])
        for proc in children:
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != "ready":
                raise SystemExit("a person's process did not start")
        if server is not None:
            watch = ServerWatch(server.url(DATABASE))
            watch.start()
        if args.statements and server is not None:
            superuser_sql(server, "SELECT pg_stat_statements_reset()", database=DATABASE)
        before = load_average()
        server_cpu = server.cpu_seconds() if server is not None and sys.platform == "linux" else None
        (work / "go").touch()
        started = time.monotonic()
        for proc in children:
            proc.wait()
        wall = time.monotonic() - started
        after = load_average()
        if server_cpu is not None and server is not None:
            time.sleep(1)  # the people's backends end as their processes close
            server_cpu = server.cpu_seconds() - server_cpu
        if watch is not None:
            watch.stop.set()
            watch.join()
        statements = None
        if args.statements and server is not None:
            statements = [
                {
                    "calls": int(calls),
                    "exec_ms": float(ex),
                    "plan_ms": float(plan),
                    "rows": int(rows),
                    "query": query,
                }
                for calls, ex, plan, rows, query in superuser_sql(server, TOP_STATEMENTS, database=DATABASE)
            ]
        records = []
        for results in work.glob("results-*.jsonl"):
            records += [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines() if line]
        actions = [r for r in records if "action" in r]
        processes_info = [r for r in records if "process" in r]
        acks = [r["ack"] for r in actions if "ack" in r]
        print("checking every acknowledged save ...", flush=True)
        checked = verify(admin_url, acks)
        check = ddcase_check(admin_url, {**env, "DDCASE_CONFIG_DIR": str(work / "config-admin")})
        result = {
            "backend": args.backend,
            "people": args.people,
            "processes": processes,
            "minutes": args.minutes,
            "model": args.model,
            "think_s": think,
            "people_who_print": sum(p.prints for p in people),
            "pinned": None if pinned is None else {"people": sorted(pinned[0]), "server": sorted(pinned[1])},
            "seed": args.seed,
            "mix": mix,
            "clients": data.clients,
            "contacts": data.contacts,
            "fsync": not args.fast_unsafe,
            "load_seconds": round(load_seconds, 1),
            "wall_seconds": round(wall, 1),
            "loadavg_before_after": [round(before[0], 2), round(after[0], 2)],
            "actions": summarise(actions),
            "actions_per_second": round(len(actions) / wall, 2) if wall else None,
            "busy_retries": sum(r.get("busy_retries", 0) for r in processes_info),
            "people_cpu_seconds": round(sum(r["cpu_seconds"] for r in processes_info), 1),
            "server_cpu_seconds": None if server_cpu is None else round(server_cpu, 1),
            "peak_mb_per_process": round(max((r["peak_mb"] for r in processes_info), default=0), 1),
            "server_waits": watch.summary() if watch is not None else None,
            "server_statements": statements,
            "writes": checked,
            "ddcase_check": check,
        }
        print_result(result)
        if args.out:
            args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        bad = (
            checked["lost_or_doubled"]
            or check["exit"] != 0
            or any(a["errors"] for a in result["actions"].values())
        )
        return 1 if bad else 0
    finally:
        for proc in children:
            if proc.poll() is None:
                proc.kill()
        if watch is not None:
            watch.stop.set()
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


def print_result(result: dict[str, Any]) -> None:
    print(
        f"\n{result['backend']}: {result['people']} people in {result['processes']} processes, "
        f"{result['minutes']} min, model {result['model']} (think {result['think_s']} s, "
        f"{result['people_who_print']} print reports), pinned {result['pinned']}, load average "
        f"{result['loadavg_before_after'][0]} -> {result['loadavg_before_after'][1]}"
    )
    print(
        f"{'action':<10}{'count':>7}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}{'CPU ms':>8}{'errors':>8}  target"
    )
    for action, row in result["actions"].items():

        def ms(v: float | None) -> str:
            return "-" if v is None else f"{v * 1000:.0f}"

        target = TARGETS_P95.get(action)
        verdict = ""
        if target is not None and row["p95_s"] is not None:
            verdict = f"p95 <= {target * 1000:.0f} ms: {'met' if row['p95_s'] <= target else 'NOT met'}"
        print(
            f"{action:<10}{row['count']:>7}{ms(row['median_s']):>11}{ms(row['p95_s']):>9}"
            f"{ms(row['max_s']):>9}{ms(row['cpu_median_s']):>8}{row['errors']:>8}  {verdict}"
        )
        parts = [
            f"{part.split('_median')[0]} {row[part][0] * 1000:.0f}/{row[part][1] * 1000:.0f}"
            for part in row
            if part.endswith("_median_p95_s")
        ]
        if parts:
            print(f"           of which (median/p95 ms): {', '.join(parts)}")
        for kind in row["error_kinds"][:3]:
            print(f"           {kind}")
    w = result["writes"]
    print(
        f"saves acknowledged: {w['contacts_acknowledged']} contacts, {w['episode_edits_acknowledged']} "
        f"episode edits; lost or doubled: {w['lost_or_doubled']}; busy retries: {result['busy_retries']}"
    )
    print(f"ddcase check: exit {result['ddcase_check']['exit']}")
    if result["server_waits"]:
        print(f"server connections busy, by wait (mean per second): {result['server_waits']}")
    print(f"server's CPU: {result['server_cpu_seconds']} s")
    for row in result["server_statements"] or []:
        print(
            f"  {row['calls']:>6} calls {row['exec_ms'] / 1000:7.1f} s exec {row['plan_ms'] / 1000:5.1f} s plan"
            f"  {row['query'][:100]}"
        )
    print(
        f"people's CPU: {result['people_cpu_seconds']} s; peak {result['peak_mb_per_process']} MB a process"
    )


if __name__ == "__main__":
    raise SystemExit(main())

"""How fast are the figures on a trust-sized PostgreSQL team database? (issue 6: under 1 s for
the month with 20,000 clients and 1,000,000 contacts). Run by hand; not part of the test suite.

    PYTHONPATH=src:. python benchmarks/pg_figures.py                 # starts a throwaway server
    PYTHONPATH=src:. python benchmarks/pg_figures.py --url postgresql+psycopg://me@host/empty_db

The data are synthetic and written with COPY: 10 CMHTs, 200 workers, 20,000 clients with one or
two episodes on each side over three years, 1,000,000 contacts. It prints one line per timing
(the best of --repeat runs, and the first, cold run).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ddcase.domain import ContactKind, ContactMode, Month, Outcome, Service
from ddcase.services.base import Context
from ddcase.services.figures import FiguresService
from ddcase.storage.database import Database, make_engine
from ddcase.storage.migrations import migrate

TEAMS = [f"Benchmark {n} CMHT" for n in range(1, 11)]
KINDS = [k.value for k in ContactKind]
MODES = [m.value for m in ContactMode]
OUTCOMES = [o.value for o in Outcome]


def generate(engine, clients: int, contacts: int, today: date, seed: int = 1) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    start_of_time = today - timedelta(days=3 * 365)
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO organisation (name, service) VALUES ('Bench Trust', %s), ('Bench Provider', %s) "
                "RETURNING id",
                (Service.MENTAL_HEALTH.value, Service.SUBSTANCE_MISUSE.value),
            )
            mh_org, sm_org = (row[0] for row in cur.fetchall())
            workers: dict[str, list[int]] = {"mh": [], "sm": []}
            for side, org, service in (("mh", mh_org, "mental_health"), ("sm", sm_org, "substance_misuse")):
                for n in range(100):
                    cur.execute(
                        "INSERT INTO worker (name, organisation_id, service, version) VALUES (%s, %s, %s, 1) "
                        "RETURNING id",
                        (f"{side} worker {n}", org, service),
                    )
                    workers[side].append(cur.fetchone()[0])
            with cur.copy(
                "COPY client (id, client_ref, initials, consent_to_share_on, is_demo, version) FROM STDIN"
            ) as copy:
                for i in range(1, clients + 1):
                    consent = (
                        start_of_time + timedelta(days=rng.randint(0, 1000)) if rng.random() < 0.8 else None
                    )
                    copy.write_row((i, f"B{i:07d}", "AB", consent, False, 1))
            spans: list[tuple[date, date]] = []
            with cur.copy(
                "COPY episode (client_id, service, organisation_id, team, worker_id, start_date, end_date, version) "
                "FROM STDIN"
            ) as copy:
                for i in range(1, clients + 1):
                    mh_start = start_of_time + timedelta(days=rng.randint(-400, 900))
                    sm_start = mh_start + timedelta(days=rng.randint(-300, 400))
                    first = min(mh_start, sm_start)
                    last = first
                    for side, org, begin in (("mh", mh_org, mh_start), ("sm", sm_org, sm_start)):
                        team = rng.choice(TEAMS) if side == "mh" else None
                        for _ in range(rng.choice((1, 1, 2))):
                            end = begin + timedelta(days=rng.randint(30, 700))
                            open_ended = end >= today
                            worker = rng.choice(workers[side]) if rng.random() < 0.9 else None
                            service = "mental_health" if side == "mh" else "substance_misuse"
                            copy.write_row(
                                (i, service, org, team, worker, begin, None if open_ended else end, 1)
                            )
                            last = max(last, min(end, today))
                            if open_ended:
                                break
                            begin = end + timedelta(days=1)
                    spans.append((max(first, start_of_time), max(last, first)))
            with cur.copy(
                "COPY contact (client_id, date, kind, mode, outcome, mh_worker_id, sm_worker_id, client_present, "
                "duration_minutes, note, fingerprint, version) FROM STDIN"
            ) as copy:
                for n in range(contacts):
                    client = rng.randint(1, clients)
                    first, last = spans[client - 1]
                    day = first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
                    copy.write_row(
                        (
                            client,
                            min(day, today),
                            rng.choice(KINDS),
                            rng.choice(MODES),
                            "attended" if rng.random() < 0.8 else rng.choice(OUTCOMES),
                            rng.choice(workers["mh"]),
                            rng.choice(workers["sm"]),
                            True,
                            30,
                            None,
                            hashlib.sha256(n.to_bytes(8, "little")).hexdigest(),
                            1,
                        )
                    )
            for table in ("client", "episode", "contact", "worker", "organisation"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    finally:
        raw.close()


def timed(label: str, repeat: int, call) -> tuple[str, float, float, str]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return label, times[0], min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="an EMPTY PostgreSQL database (default: start a throwaway server)")
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    server = None
    url = args.url
    if url is None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.pg_server import PostgresServer

        server = PostgresServer().start()
        url = server.url()
    try:
        engine = make_engine(url)
        migrate(engine)
        today = date.today()
        started = time.perf_counter()
        generate(engine, args.clients, args.contacts, today)
        print(
            f"generated {args.clients:,} clients and {args.contacts:,} contacts in {time.perf_counter() - started:.1f} s"
        )
        figures = FiguresService(Context(Database(engine), now=lambda: datetime.now(UTC)))
        month = Month.of(today).previous()
        rows = [
            timed(f"month {month}, all teams", args.repeat, lambda: figures.month(month)),
            timed(f"month {month}, {TEAMS[0]}", args.repeat, lambda: figures.month(month, TEAMS[0])),
            timed(
                f"series {month.plus(-23)}..{month}, all teams",
                args.repeat,
                lambda: figures.series(month.plus(-23), month),
            ),
            timed(
                f"series {month.plus(-23)}..{month}, one team",
                args.repeat,
                lambda: figures.series(month.plus(-23), month, TEAMS[0]),
            ),
        ]
        print(f"{'what':45} {'first (s)':>10} {'best (s)':>10}  result")
        for label, first, best, result in rows:
            if hasattr(result, "mutual_clients"):
                shown = f"{result.jointly_worked}/{result.mutual_clients} jointly worked"
            else:
                shown = f"{len(result.months)} months"
            print(f"{label:45} {first:10.3f} {best:10.3f}  {shown}")
        engine.dispose()
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

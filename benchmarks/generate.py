"""A trust-scale synthetic data set for the benchmarks (issue 7): 20 CMHTs, five substance misuse
providers, 20,000 clients and about 1,000,000 contacts over the five years to October 2026.

The shapes follow services/demo_data.py (a mutual period per client, chains of episodes that
change worker with unallocated gaps, contacts month by month during the mutual period, missed and
cancelled appointments, emails and letters), simplified so that a million contacts take seconds.
Nobody in it is real: NHS numbers come from the never-issued 999 range.

It writes both forms the benchmarks need, from one deterministic stream:
- an SQLite database at the current schema (migrated by ddcase, then filled with plain
  `executemany`; every contact carries the fingerprint the repository would give it);
- the same records as an import folder (SPEC §3 CSV files).

Both are cached under DDCASE_BENCH_CACHE (default: the platformdirs user cache folder for
"ddcase-benchmarks"), keyed by seed, size and GENERATOR_VERSION, so repeated runs reuse them.

A size factor (`--size N`, issue 18's "how the cost grows") makes N trusts side by side in one
database: trust 1 is exactly the one-trust data set (same random stream, same rows and ids), and
trusts 2..N each have their own 20 CMHTs, five providers, staff and clients, drawn from their own
seeded stream, so a team stays the size of a team and only the number of teams grows. Worker
names, team names, organisations, client references and NHS numbers stay unique across trusts
(SPEC §3's import matches workers by name). `--snapshot 2` also keeps the two-trust data set,
copied on the way to the five-trust one, so 1x, 2x and 5x cost one generation of five trusts.

    PYTHONPATH=src python benchmarks/generate.py [--seed 1] [--clients 20000] [--size 1] [--force]
    PYTHONPATH=src python benchmarks/generate.py --size 5 --snapshot 2     # 2x and 5x in one run
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ddcase.domain import Contact, ContactKind, ContactMode, Outcome  # noqa: E402
from ddcase.services.transfer import COLUMNS  # noqa: E402
from ddcase.storage.database import mark_as_ddcase  # noqa: E402
from ddcase.storage.repository import contact_fingerprint  # noqa: E402

#: 2: worker names shuffled from a sorted list (version 1 shuffled a set, whose order changes with
#: the process's string hashing, so its worker names and fingerprints differed from run to run);
#: written through ddcase's session function (revision 0008); the size factor.
GENERATOR_VERSION = 2
TODAY = date(2026, 10, 31)
FIRST_DAY = date(2021, 11, 1)  # five years of months: 2021-11 .. 2026-10
WARM_UP = FIRST_DAY - timedelta(days=120)
TEAM_NAME = "Benchmark NHS Foundation Trust (synthetic)"
TRUST = "Benchmark NHS Foundation Trust"
TEAMS = tuple(
    f"{place} CMHT"
    for place in (
        "Ashby Bridgeford Carlow Dunmore Elmbridge Fenwick Greystone Harlow Inverby Jesmond "
        "Kingsmere Larkhill Marlow Northgate Oakham Penrith Queensbury Redbourne Stanwick Thornbury"
    ).split()
)
PROVIDERS = ("Phoenix Recovery", "Open Road Services", "Turning Point North", "Aspire Wellbeing", "Renew")
COORDINATORS_PER_TEAM = 10
KEY_WORKERS_PER_PROVIDER = 30
#: Mean contacts a month during a mutual period, chosen so 20,000 clients give about 1,000,000.
CONTACTS_PER_MONTH = 3.5

_FIRST = "Aisha Amir Amy Anna Asif Ben Bilal Carla Chloe Daniel Deborah Emma Farah Fiona Gareth Grace Hannah Imran Jade James Karen Kwame Laura Leah Liam Maria Nadia Oliver Priya Rachel Ryan Sadia Sarah Tariq Thomas Usha Yasmin Zoe".split()  # noqa: E501
_LAST = "Adeyemi Ahmed Ali Bailey Begum Bennett Campbell Carter Clarke Dawson Edwards Fletcher Foster Gill Green Hall Harris Hughes Hussain Iqbal Jackson Kaur Khan Lewis Mensah Nowak Okafor Osei Parker Patel Quinn Rahman Reid Shah Sharma Taylor Turner Walsh Ward Young".split()  # noqa: E501
_KINDS = (
    (ContactKind.LIAISON, 48),
    (ContactKind.JOINT_APPOINTMENT, 19),
    (ContactKind.CARE_PLAN_REVIEW, 8),
    (ContactKind.INFORMATION_SHARED, 19),
    (ContactKind.OTHER, 6),
)
_MODES = {
    ContactKind.LIAISON: (
        (ContactMode.TELEPHONE, 45),
        (ContactMode.MEETING, 20),
        (ContactMode.VIDEO, 15),
        (ContactMode.EMAIL, 20),
    ),  # noqa: E501
    ContactKind.JOINT_APPOINTMENT: (
        (ContactMode.FACE_TO_FACE, 70),
        (ContactMode.VIDEO, 15),
        (ContactMode.TELEPHONE, 15),
    ),  # noqa: E501
    ContactKind.CARE_PLAN_REVIEW: (
        (ContactMode.MEETING, 50),
        (ContactMode.FACE_TO_FACE, 35),
        (ContactMode.VIDEO, 15),
    ),  # noqa: E501
    ContactKind.INFORMATION_SHARED: ((ContactMode.LETTER, 40), (ContactMode.EMAIL, 60)),
    ContactKind.OTHER: ((ContactMode.MEETING, 50), (ContactMode.TELEPHONE, 50)),
}
_NOTES = {
    ContactKind.LIAISON: (
        "Discussed care plan",
        "Discussed at joint MDT",
        "Agreed next joint appointment",
        None,
    ),
    ContactKind.JOINT_APPOINTMENT: ("Joint home visit", "Joint clinic appointment", "Joint assessment", None),
    ContactKind.CARE_PLAN_REVIEW: ("CPA review, both services attended", "Care plan reviewed jointly", None),
    ContactKind.INFORMATION_SHARED: ("Copy of care plan sent", "Risk assessment shared", None),
    ContactKind.OTHER: ("Professionals meeting", "Safeguarding meeting", None),
}
_CHUNK = 50_000


@dataclass(frozen=True, slots=True)
class DataSet:
    """Where the generated data set lives, and how big it is."""

    database: Path
    folder: Path
    clients: int
    episodes: int
    contacts: int


@dataclass(frozen=True, slots=True)
class Trust:
    """One trust of a data set: its name, teams and providers. Trust 0 is the original one."""

    index: int
    name: str
    teams: tuple[str, ...]
    providers: tuple[str, ...]


def trust(index: int) -> Trust:
    if index == 0:
        return Trust(0, TRUST, TEAMS, PROVIDERS)
    n = index + 1
    return Trust(
        index,
        f"Benchmark {n} NHS Foundation Trust",
        tuple(f"{team.removesuffix(' CMHT')} {n} CMHT" for team in TEAMS),
        tuple(f"{provider} {n}" for provider in PROVIDERS),
    )


def base_dir(seed: int, clients: int, size: int) -> Path:
    """The cache folder of one data set: unchanged for one trust, so existing caches stay valid."""
    suffix = "" if size == 1 else f"x{size}"
    return cache_dir() / f"trust-v{GENERATOR_VERSION}-seed{seed}-{clients}{suffix}"


def cache_dir() -> Path:
    configured = os.environ.get("DDCASE_BENCH_CACHE")
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ddcase-benchmarks", appauthor=False))


def cached(seed: int = 1, clients: int = 20_000, size: int = 1) -> DataSet | None:
    """The data set if it is cached and complete, else None."""
    base = base_dir(seed, clients, size)
    done = base / "COMPLETE"
    if not done.exists():
        return None
    counts = [int(x) for x in done.read_text(encoding="utf-8").split()]
    return DataSet(base / "trust.sqlite3", base / "import", *counts)


def ensure(
    seed: int = 1,
    clients: int = 20_000,
    *,
    size: int = 1,
    snapshots: tuple[int, ...] = (),
    force: bool = False,
    quiet: bool = False,
) -> DataSet:
    """The cached data set for this seed and size (trusts of `clients` clients each), generating it
    first if need be; `snapshots` are smaller sizes to keep on the way (if not cached already)."""
    found = cached(seed, clients, size)
    if found is not None and not force:
        return found
    base = base_dir(seed, clients, size)
    database, folder, done = base / "trust.sqlite3", base / "import", base / "COMPLETE"
    if base.exists():
        shutil.rmtree(base)
    folder.mkdir(parents=True)
    start = time.perf_counter()

    def keep(trusts: int, counts: tuple[int, int, int]) -> None:
        if trusts == size or trusts not in snapshots or (cached(seed, clients, trusts) and not force):
            return
        copy = base_dir(seed, clients, trusts)
        if copy.exists():
            shutil.rmtree(copy)
        shutil.copytree(base, copy)
        (copy / "COMPLETE").write_text(" ".join(str(c) for c in counts), encoding="utf-8")
        if not quiet:
            print(f"kept the {trusts}-trust data set in {copy}", file=sys.stderr)

    counts = generate(database, folder, seed=seed, clients=clients, size=size, progress=keep, quiet=quiet)
    done.write_text(" ".join(str(c) for c in counts), encoding="utf-8")
    if not quiet:
        print(
            f"generated {counts[0]} clients, {counts[1]} episodes, {counts[2]} contacts "
            f"in {time.perf_counter() - start:.1f} s into {base}",
            file=sys.stderr,
        )
    return DataSet(database, folder, *counts)


# ------------------------------------------------------------------------------------- generation


def _weighted(rng: random.Random, pairs: tuple[tuple[object, int], ...]) -> object:
    return rng.choices([v for v, _ in pairs], [w for _, w in pairs])[0]


def _poisson(rng: random.Random, mean: float) -> int:
    import math

    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _nhs_number(rng: random.Random, seen: set[str]) -> str:
    while True:
        body = f"999{rng.randrange(1_000_000):06d}"
        check = 11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11
        if check == 10:
            continue
        number = body + str(0 if check == 11 else check)
        if number not in seen:
            seen.add(number)
            return number


def _chain(
    rng: random.Random,
    start: date,
    end: date | None,
    staff: tuple[str, ...],
    mean_days: int,
    gap_chance: float,
) -> list[tuple[date, date | None, str | None]]:
    """Consecutive episodes from start to end (None: still open), changing worker every so often,
    sometimes with an unallocated wait first or between workers."""
    limit = end or TODAY
    segments: list[tuple[date, date | None, str | None]] = []
    cursor = start
    if rng.random() < 0.2:
        wait = rng.randint(7, 40)
        segments.append((cursor, cursor + timedelta(days=wait - 1), None))
        cursor += timedelta(days=wait)
    while cursor <= limit:
        stop = cursor + timedelta(days=30 + int(rng.expovariate(1 / mean_days)))
        worker = rng.choice(staff)
        if stop >= limit:
            segments.append((cursor, end, worker))
            return segments
        segments.append((cursor, stop, worker))
        cursor = stop + timedelta(days=1)
        if rng.random() < gap_chance:
            gap_end = cursor + timedelta(days=rng.randint(14, 60) - 1)
            if gap_end >= limit:
                segments.append((cursor, end, None))
                return segments
            segments.append((cursor, gap_end, None))
            cursor = gap_end + timedelta(days=1)
    first, _, worker = segments[-1]
    segments[-1] = (first, end, worker)
    return segments


def _on(chain: list[tuple[date, date | None, str | None]], day: date) -> str | None:
    for start, end, worker in chain:
        if start <= day and (end is None or day <= end):
            return worker
    return None


def generate(
    database: Path,
    folder: Path,
    *,
    seed: int,
    clients: int,
    size: int = 1,
    progress: Callable[[int, tuple[int, int, int]], None] | None = None,
    quiet: bool = True,
) -> tuple[int, int, int]:
    """Write `size` trusts of `clients` clients each; `progress(trusts, counts)` is called after
    each trust with everything so far committed and the CSV files flushed (a consistent copy)."""
    from ddcase.storage.database import make_engine
    from ddcase.storage.migrations import migrate

    engine = make_engine(f"sqlite:///{database}")
    migrate(engine)
    engine.dispose()

    trust_orgs: list[list[tuple[str, str]]] = []  # name, service
    trust_workers: list[list[tuple[str, str, str, str]]] = []  # name, organisation, service, role
    coordinators: dict[str, tuple[str, ...]] = {}
    key_workers: dict[str, tuple[str, ...]] = {}
    streams: list[random.Random] = []
    for t in range(size):
        # Trust 0 draws from random.Random(seed) exactly as the one-trust generator always did.
        rng = random.Random(seed if t == 0 else seed * 1_000 + t)
        streams.append(rng)
        place = trust(t)
        initial = "" if t == 0 else f"{'BCDEFGHJKLMNPRSTW'[(t - 1) % 17]}. "  # unique names per trust
        everyone = sorted(f"{f} {initial}{last}" for f in _FIRST for last in _LAST)
        names = iter(sorted(everyone, key=lambda _: rng.random()))  # shuffled, the same every run
        trust_orgs.append(
            [(place.name, "mental_health")] + [(p, "substance_misuse") for p in place.providers]
        )
        staff: list[tuple[str, str, str, str]] = []
        for team in place.teams:
            coordinators[team] = tuple(next(names) for _ in range(COORDINATORS_PER_TEAM))
            staff += [(n, place.name, "mental_health", "care_coordinator") for n in coordinators[team]]
        for provider in place.providers:
            key_workers[provider] = tuple(next(names) for _ in range(KEY_WORKERS_PER_PROVIDER))
            staff += [(n, provider, "substance_misuse", "key_worker") for n in key_workers[provider]]
        trust_workers.append(staff)
    organisations = [row for rows in trust_orgs for row in rows]
    workers = [row for rows in trust_workers for row in rows]
    org_id = {name: i + 1 for i, (name, _) in enumerate(organisations)}
    worker_id = {(service, name): i + 1 for i, (name, _, service, _) in enumerate(workers)}

    stamp = ("2026-11-01 09:00:00.000000", "benchmark")
    db = sqlite3.connect(database, isolation_level=None)
    mark_as_ddcase(db)  # revision 0008's triggers refuse changes on any other connection
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")  # a cache file, remade if anything goes wrong
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO setting (key, value) VALUES (?, ?)", [("team_name", TEAM_NAME), ("is_demo", "yes")]
    )
    files = {name: (folder / name).open("w", newline="", encoding="utf-8") for name in COLUMNS}
    out = {name: csv.writer(handle, lineterminator="\n") for name, handle in files.items()}
    for name, writer in out.items():
        writer.writerow(COLUMNS[name])  # SPEC §3's header, from the importer itself

    def add_staff(t: int) -> None:
        """A trust's organisations and workers, written when its clients begin, so that a copy
        taken after trust t holds nothing of the trusts after it."""
        db.executemany(
            "INSERT INTO organisation (id, name, service) VALUES (?, ?, ?)",
            [(org_id[n], n, s) for n, s in trust_orgs[t]],
        )
        db.executemany(
            "INSERT INTO worker (id, name, organisation_id, service, role, version, updated_at, updated_by) "
            "VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
            [(worker_id[(s, n)], n, org_id[o], s, r, *stamp) for n, o, s, r in trust_workers[t]],
        )
        out["workers.csv"].writerows([n, o, s, r, "", ""] for n, o, s, r in trust_workers[t])

    client_rows: list[tuple[object, ...]] = []
    episode_rows: list[tuple[object, ...]] = []
    contact_rows: list[tuple[object, ...]] = []
    totals = [0, 0, 0]
    nhs_seen: set[str] = set()
    span = (TODAY - WARM_UP).days

    def flush(final: bool = False) -> None:
        if client_rows and (final or len(contact_rows) >= _CHUNK):
            db.executemany(
                "INSERT INTO client (id, client_ref, initials, nhs_number, date_of_birth, ethnicity, "
                "referral_route, consent_to_share_on, is_demo, version, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?)",
                client_rows,
            )
            db.executemany(
                "INSERT INTO episode (client_id, service, organisation_id, team, worker_id, start_date, "
                "end_date, version, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                episode_rows,
            )
            db.executemany(
                "INSERT INTO contact (client_id, date, kind, mode, outcome, mh_worker_id, sm_worker_id, "
                "client_present, duration_minutes, note, fingerprint, version, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                contact_rows,
            )
            client_rows.clear()
            episode_rows.clear()
            contact_rows.clear()

    def iso(day: date | None) -> str | None:
        return None if day is None else day.isoformat()

    for number in range(1, clients * size + 1):
        t = (number - 1) // clients
        rng, place = streams[t], trust(t)
        if (number - 1) % clients == 0:
            add_staff(t)
        TEAMS, PROVIDERS, TRUST = place.teams, place.providers, place.name  # noqa: N806  (this trust's)
        ref = f"BT{100000 + number * 3}"
        team = TEAMS[rng.randrange(len(TEAMS))]
        provider = (
            PROVIDERS[TEAMS.index(team) % len(PROVIDERS)] if rng.random() < 0.8 else rng.choice(PROVIDERS)
        )
        mutual_start = (
            WARM_UP - timedelta(days=rng.randint(0, 500))
            if rng.random() < 0.15
            else WARM_UP + timedelta(days=rng.randrange(span - 7))
        )  # noqa: E501
        length = rng.randint(3, 12) if rng.random() < 0.04 else max(20, int(rng.expovariate(1 / 800)))
        mutual_end = mutual_start + timedelta(days=length)
        mh_start = (
            mutual_start - timedelta(days=rng.randint(30, 700)) if rng.random() < 0.55 else mutual_start
        )
        sm_start = mutual_start - timedelta(days=rng.randint(14, 400)) if rng.random() < 0.3 else mutual_start
        mh_end: date | None = None
        sm_end: date | None = None
        if mutual_end < TODAY:
            roll = rng.random()
            later = mutual_end + timedelta(days=1 + int(rng.expovariate(1 / 200)))
            if roll < 0.5:
                sm_end, mh_end = mutual_end, (later if later < TODAY else None)
            elif roll < 0.85:
                mh_end, sm_end = mutual_end, (later if later < TODAY else None)
            else:
                mh_end = sm_end = mutual_end
        else:
            mutual_end = TODAY
        mh_chain = _chain(rng, mh_start, mh_end, coordinators[team], 480, 0.35)
        sm_chain = _chain(rng, sm_start, sm_end, key_workers[provider], 400, 0.25)
        consent = None
        if rng.random() < 0.8:
            consent = min(TODAY, max(mh_start, mutual_start + timedelta(days=rng.randint(-120, 200))))
        born = date(rng.randint(1951, 2006), rng.randint(1, 12), rng.randint(1, 28))
        initials = "".join(rng.choice("ABCDEFGHJKLMNPRSTWY") for _ in range(2 if rng.random() < 0.8 else 3))
        nhs = _nhs_number(rng, nhs_seen) if rng.random() < 0.93 else None
        ethnicity = rng.choice("AAAAABCDGHJJKLMNRSZZ")
        route = rng.choice(("staff", "staff", "staff", "self", "drop_in", "other"))
        client_rows.append((number, ref, initials, nhs, iso(born), ethnicity, route, iso(consent), *stamp))
        out["clients.csv"].writerow(
            [ref, initials, nhs or "", born.isoformat(), ethnicity, route, iso(consent) or ""]
        )  # noqa: E501
        for service, organisation, chain, team_name in (
            ("mental_health", TRUST, mh_chain, team),
            ("substance_misuse", provider, sm_chain, None),
        ):
            for start, end, worker in chain:
                wid = worker_id[(service, worker)] if worker else None
                episode_rows.append(
                    (number, service, org_id[organisation], team_name, wid, iso(start), iso(end), *stamp)
                )  # noqa: E501
                out["episodes.csv"].writerow(
                    [
                        ref,
                        service,
                        organisation,
                        team_name or "",
                        worker or "",
                        start.isoformat(),
                        iso(end) or "",
                    ]
                )  # noqa: E501
                totals[1] += 1

        seen: set[str] = set()
        first = max(mutual_start, WARM_UP)
        engagement = 0.4 if rng.random() < 0.15 else rng.uniform(0.8, 1.2)
        month_start = date(first.year, first.month, 1)
        while month_start <= mutual_end:
            days_in = ((month_start.replace(day=28) + timedelta(days=4)).replace(day=1) - month_start).days
            for _ in range(_poisson(rng, CONTACTS_PER_MONTH * engagement)):
                day = month_start + timedelta(days=rng.randrange(days_in))
                if day.weekday() >= 5:
                    day -= timedelta(days=day.weekday() - 4)
                if not first <= day <= mutual_end:
                    continue
                kind = _weighted(rng, _KINDS)
                mode = _weighted(rng, _MODES[kind])  # type: ignore[index]
                roll = rng.random()
                outcome = Outcome.ATTENDED
                if kind in (ContactKind.JOINT_APPOINTMENT, ContactKind.CARE_PLAN_REVIEW):
                    dna = 0.33 if engagement < 0.5 else 0.13
                    outcome = (
                        Outcome.DID_NOT_ATTEND
                        if roll < dna
                        else Outcome.CANCELLED
                        if roll < dna + 0.07
                        else Outcome.ATTENDED
                    )  # noqa: E501
                elif kind is ContactKind.LIAISON and mode is not ContactMode.EMAIL and roll < 0.06:
                    outcome = Outcome.CANCELLED
                mh, sm = _on(mh_chain, day), _on(sm_chain, day)
                present = (
                    None
                    if kind is ContactKind.OTHER
                    else kind in (ContactKind.JOINT_APPOINTMENT, ContactKind.CARE_PLAN_REVIEW)
                    and outcome is Outcome.ATTENDED
                )  # noqa: E501
                minutes = (
                    rng.choice((15, 30, 45, 60, 90))
                    if outcome is Outcome.ATTENDED and not mode.is_written
                    else None
                )  # noqa: E501
                note = rng.choice(_NOTES[kind])  # type: ignore[index]
                contact = Contact(ref, day, kind, mode, outcome, mh, sm, present, minutes, note)  # type: ignore[arg-type]
                fingerprint = contact_fingerprint(contact)
                if fingerprint in seen:
                    continue  # SPEC §3: two equal contact rows are one contact
                seen.add(fingerprint)
                contact_rows.append(
                    (
                        number, day.isoformat(), kind, mode, outcome,
                        worker_id[("mental_health", mh)] if mh else None,
                        worker_id[("substance_misuse", sm)] if sm else None,
                        present, minutes, note, fingerprint, *stamp,
                    )
                )  # fmt: skip
                out["contacts.csv"].writerow(
                    [ref, day.isoformat(), kind, mode, outcome, mh or "", sm or "",
                     "" if present is None else ("yes" if present else "no"),
                     "" if minutes is None else minutes, note or ""]
                )  # fmt: skip
                totals[2] += 1
            month_start = (month_start + timedelta(days=32)).replace(day=1)
        totals[0] += 1
        flush()
        if number % clients == 0 and (progress is not None or not quiet):
            flush(final=True)
            if not quiet:
                print(f"trust {t + 1} of {size} written: {totals}", file=sys.stderr, flush=True)
            if progress is not None and t + 1 < size:
                db.execute("COMMIT")
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                for handle in files.values():
                    handle.flush()
                progress(t + 1, (totals[0], totals[1], totals[2]))
                db.execute("BEGIN")
    flush(final=True)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for handle in files.values():
        handle.close()
    return totals[0], totals[1], totals[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=20_000, help="clients in each trust")
    parser.add_argument("--size", type=int, default=1, help="how many trusts (the size factor)")
    parser.add_argument(
        "--snapshot", type=int, action="append", default=[], help="also keep this smaller size on the way"
    )
    parser.add_argument("--force", action="store_true", help="generate again even if cached")
    args = parser.parse_args()
    data = ensure(args.seed, args.clients, size=args.size, snapshots=tuple(args.snapshot), force=args.force)
    print(f"{data.clients} clients, {data.episodes} episodes, {data.contacts} contacts")
    print(f"database: {data.database}")
    print(f"import folder: {data.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

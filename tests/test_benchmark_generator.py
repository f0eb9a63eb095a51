"""benchmarks/generate.py's size factor (issue 18, how the cost grows): N trusts side by side,
the first of them exactly the one-trust data set, the same in every process, and a folder that
ddcase's own import takes and counts as the generator's database does. The benchmarks themselves
are run by hand, never here; this checks only the data they run on."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402

CLIENTS = 40  # a trust of 40 clients: enough for every shape, fast


def _make(tmp_path: Path, name: str, size: int) -> tuple[Path, Path, tuple[int, int, int]]:
    base = tmp_path / name
    (base / "import").mkdir(parents=True)
    counts = generate.generate(base / "trust.sqlite3", base / "import", seed=1, clients=CLIENTS, size=size)
    return base / "trust.sqlite3", base / "import", counts


def _rows(folder: Path, name: str) -> list[list[str]]:
    with (folder / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_the_first_trust_of_a_larger_data_set_is_the_one_trust_data_set(tmp_path: Path) -> None:
    _, one, one_counts = _make(tmp_path, "one", 1)
    _, two, two_counts = _make(tmp_path, "two", 2)
    assert one_counts[0] == CLIENTS and two_counts[0] == 2 * CLIENTS
    first_refs = {row[0] for row in _rows(one, "clients.csv")[1:]}
    for name in ("clients.csv", "episodes.csv", "contacts.csv"):
        larger = [row for row in _rows(two, name)[1:] if row[0] in first_refs]
        assert larger == _rows(one, name)[1:], name
    assert _rows(two, "workers.csv")[: len(_rows(one, "workers.csv"))] == _rows(one, "workers.csv")


def test_each_trust_has_its_own_teams_and_staff(tmp_path: Path) -> None:
    database, folder, _ = _make(tmp_path, "three", 3)
    workers = _rows(folder, "workers.csv")[1:]
    per_service = [(row[2], row[0]) for row in workers]
    assert len(per_service) == len(set(per_service))  # SPEC §3: a worker is found by name
    teams = {row[3] for row in _rows(folder, "episodes.csv")[1:] if row[3]}
    assert generate.TEAMS[0] in teams and all(t in generate.TEAMS or " 2 " in t or " 3 " in t for t in teams)
    assert len({row[0] for row in _rows(folder, "clients.csv")[1:]}) == 3 * CLIENTS
    nhs = [row[2] for row in _rows(folder, "clients.csv")[1:] if row[2]]
    assert len(nhs) == len(set(nhs))


def test_the_data_set_is_the_same_in_every_process(tmp_path: Path) -> None:
    """Version 1 shuffled a set of names, whose order follows the process's string hashing: two
    runs gave different worker names and so different contacts."""
    outputs = []
    for hash_seed in ("1", "2"):
        cache = tmp_path / f"cache-{hash_seed}"
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--clients", "10", "--size", "2"],
            check=True,
            capture_output=True,
            env={
                **os.environ,
                "PYTHONHASHSEED": hash_seed,
                "DDCASE_BENCH_CACHE": str(cache),
                "PYTHONPATH": str(ROOT / "src"),
            },  # fmt: skip
        )
        folder = next(cache.glob("trust-*x2")) / "import"
        outputs.append({name: (folder / name).read_bytes() for name in ("workers.csv", "contacts.csv")})
    assert outputs[0] == outputs[1]


def test_ddcase_imports_the_folder_and_counts_it_as_the_generated_database(tmp_path: Path) -> None:
    from ddcase.cli import main

    database, folder, counts = _make(tmp_path, "two", 2)
    imported = tmp_path / "imported.sqlite3"
    assert main(["import", "--db", str(imported), str(folder)], stdout=io.StringIO()) == 0
    for team in ([], ["--team", generate.TEAMS[0]], ["--team", generate.trust(1).teams[0]]):
        answers = []
        for db in (database, imported):
            out = io.StringIO()
            assert main(["figures", "--db", str(db), "--month", "2026-10", "--json", *team], stdout=out) == 0
            answers.append(json.loads(out.getvalue()))
        assert answers[0] == answers[1]
        if not team:
            assert answers[0]["mutual_clients"] > 0  # not an empty month


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DDCASE_BENCH_CACHE", str(tmp_path / "cache"))

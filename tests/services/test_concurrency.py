"""Concurrent users lose nothing (issue 6), on SQLite and PostgreSQL: two sessions editing one
client, and real processes racing to edit one client and to append to one audit chain."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ddcase.domain import Client, ConflictError
from ddcase.services.base import Context
from ddcase.services.casework import CaseworkService
from ddcase.storage import audit
from ddcase.storage.database import Database, make_engine
from ddcase.storage.tables import AuditEventRow
from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parents[2]


def a_user(db_url: str, name: str, hour: int) -> CaseworkService:
    """Another person on another computer: their own engine, their own clock."""
    engine = make_engine(db_url)
    return CaseworkService(
        Context(
            Database(engine),
            user=name,
            today=lambda: TODAY,
            now=lambda: datetime(2026, 11, 22, hour, 5, tzinfo=UTC),
        )
    )


def test_the_second_of_two_users_editing_one_client_is_refused_with_who_and_when(db_url, casework):
    casework.save_client(Client("RT100001", "AB"))
    ann, bob = a_user(db_url, "ann", 9), a_user(db_url, "bob", 11)
    try:
        anns_copy, bobs_copy = ann.client("RT100001"), bob.client("RT100001")
        ann.save_client(replace(anns_copy, initials="AC"))
        with pytest.raises(ConflictError, match="changed by ann on 22 Nov 2026 at 09:05"):
            bob.save_client(replace(bobs_copy, initials="AD"))
        assert casework.client("RT100001").initials == "AC"
        assert casework.client("RT100001").version == 2
    finally:
        for user in (ann, bob):
            user._db.dispose()


def race(db_url: str, tmp_path: Path, mode: str, processes: int, count: int) -> list[list[dict]]:
    """Start `processes` real processes, release them together, and collect what each was told."""
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.services.race_worker",
                db_url,
                f"user-{n}",
                mode,
                str(count),
                str(go),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for n in range(1, processes + 1)
    ]
    for worker in workers:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready", worker.stderr.read() if worker.stderr else ""
    go.touch()
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results.append([json.loads(line) for line in out.splitlines()])
    return results


def test_processes_racing_to_edit_one_client_lose_no_acknowledged_save(db_url, casework, tmp_path):
    casework.save_client(Client("RACE1", "RC", consent_to_share_on=date(2019, 1, 1)))
    results = race(db_url, tmp_path, "edit", processes=3, count=25)
    saves = [r for result in results for r in result if "version" in r]
    conflicts = sum(1 for result in results for r in result if r.get("conflict"))
    assert len(saves) + conflicts == 75
    assert saves, "nobody managed to save"
    # Every acknowledged save made exactly one new version, and none was overwritten unseen.
    assert sorted(s["version"] for s in saves) == list(range(2, len(saves) + 2))
    final = casework.client("RACE1")
    assert final.version == len(saves) + 1
    assert final.consent_to_share_on.isoformat() == max(saves, key=lambda s: s["version"])["consent"]
    with casework._db.read() as session:
        chain = audit.verify(session)
        updates = [
            json.loads(row.after_json) for row in audit.entries(session, AuditEventRow.action == "update")
        ]
    assert chain.intact and chain.entries == len(saves) + 1
    acknowledged = {s["version"]: s["consent"] for s in saves}
    assert {u["version"]: u["consent_to_share_on"] for u in updates} == acknowledged


def test_processes_adding_clients_at_once_keep_one_unbroken_audit_chain(db_url, casework, tmp_path):
    results = race(db_url, tmp_path, "add", processes=3, count=20)
    assert all(len(result) == 20 for result in results)
    assert len(casework.clients()) == 60
    with casework._db.read() as session:
        chain = audit.verify(session)
    assert chain.intact and chain.entries == 60

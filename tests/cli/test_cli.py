"""The command line as a user runs it: `main([...])`, exit status, stdout/stderr, JSON numbers."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from ddcase.cli import main
from ddcase.domain import ContactMode, Month, Outcome, Service

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def demo_template(backend: str, tmp_path_factory, request) -> Iterator[str]:
    """`ddcase demo --seed 3` once per module and database: a file, or a PostgreSQL database
    that each test's database is copied from."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
        assert main(["demo", "--db", str(path), "--seed", "3"]) == 0
        yield str(path)
        return
    admin = request.getfixturevalue("pg_admin")
    name = admin.create_database(prefix="demo")
    assert main(["demo", "--db", admin.url(name), "--seed", "3"]) == 0
    yield name
    admin.drop_database(name)


@pytest.fixture
def demo_db(backend: str, demo_template: str, tmp_path: Path, capsys, request) -> str:
    """A fresh copy of the demo database for each test (the engine was closed, so no WAL):
    a file path on SQLite, a URL on PostgreSQL."""
    capsys.readouterr()
    if backend == "sqlite":
        path = tmp_path / "demo.sqlite3"
        shutil.copyfile(demo_template, path)
        return str(path)
    return request.getfixturevalue("pg_database")(demo_template)


def execute_raw(target: str, sql: str) -> None:
    """Change the database behind ddcase's back (a tamperer, an older or newer version)."""
    from sqlalchemy import create_engine, text

    from ddcase.storage.database import database_url

    engine = create_engine(database_url(target))
    with engine.begin() as conn:
        conn.execute(text(sql))
    engine.dispose()


def test_no_arguments_but_a_bad_command_is_a_usage_error(capsys):
    code, out, err = run(capsys, "frobnicate")
    assert code == 2 and "invalid choice" in err and "Traceback" not in err


def test_a_malformed_month_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "figures", "--db", str(tmp_path / "x.sqlite3"), "--month", "2026-13")
    assert code == 2 and "2026-13" in err


def test_the_database_comes_from_the_environment_when_not_given(capsys, db_target, monkeypatch):
    monkeypatch.setenv("DDCASE_DB", db_target)
    code, out, _ = run(capsys, "figures", "--month", "2026-10", "--json")
    assert code == 0 and json.loads(out)["mutual_clients"] == 0
    code, out, _ = run(capsys, "check")
    assert code == 0 and "Audit trail: intact (" in out


def test_demo_twice_refuses_the_second_time_and_if_empty_succeeds(capsys, demo_db):
    code, _, err = run(capsys, "demo", "--db", demo_db)
    assert code == 2 and "empty one" in err
    code, out, _ = run(capsys, "demo", "--db", demo_db, "--if-empty")
    assert code == 0 and "already has clients" in out


def _brute_force(history, month: Month) -> tuple[str, list[str]] | None:
    """SPEC §1-2 read literally, day by day, with the default definition."""
    days = [month.first_day + timedelta(days=i) for i in range(month.days)]

    def open_on(side, day):
        return [
            e
            for e in history.episodes
            if e.service is side and e.start_date <= day and (e.end_date is None or day <= e.end_date)
        ]

    mutual = [d for d in days if open_on(MH, d) and open_on(SM, d)]
    if not mutual:
        return None
    if len(mutual) < 14:
        return ("excluded", [])
    last = mutual[-1]
    counting = [
        c
        for c in history.contacts
        if c.outcome is Outcome.ATTENDED and c.mode not in (ContactMode.EMAIL, ContactMode.LETTER)
    ]
    failed = []
    if not (any(e.worker for e in open_on(MH, last)) and any(e.worker for e in open_on(SM, last))):
        failed.append("named_workers")
    consent = history.client.consent_to_share_on
    if consent is None or consent > month.last_day:
        failed.append("consent")
    window = month.last_day - timedelta(days=89)
    if not any(
        c.kind.value in ("joint_appointment", "care_plan_review") and window <= c.date <= month.last_day
        for c in counting
    ):
        failed.append("joint_contact")
    if not any(
        c.kind.value in ("joint_appointment", "care_plan_review", "liaison")
        and month.first_day <= c.date <= month.last_day
        for c in counting
    ):
        failed.append("liaison")
    return ("mutual", failed)


def test_demo_figures_agree_with_a_hand_check_of_every_client(capsys, demo_db):
    """The acceptance check: `ddcase demo` then `figures --json` for the last complete month,
    recomputed client by client from the raw records by a literal reading of SPEC."""
    from ddcase.cli import open_services

    month = Month.of(date.today()).previous()
    code, out, _ = run(capsys, "figures", "--db", demo_db, "--month", str(month), "--json")
    assert code == 0
    figures = json.loads(out)
    services = open_services(demo_db)
    try:
        expected_clients, expected_excluded = [], []
        for client in services.casework.clients():
            verdict = _brute_force(services.casework.history(client.client_ref), month)
            if verdict is None:
                continue
            if verdict[0] == "excluded":
                expected_excluded.append({"client_ref": client.client_ref, "reason": "short_overlap"})
            else:
                expected_clients.append(
                    {
                        "client_ref": client.client_ref,
                        "jointly_worked": not verdict[1],
                        "failed_criteria": verdict[1],
                    }
                )
    finally:
        services.close()
    assert figures["clients"] == expected_clients
    assert figures["excluded"] == expected_excluded
    assert figures["mutual_clients"] == len(expected_clients) > 50
    jointly = sum(c["jointly_worked"] for c in expected_clients)
    assert figures["jointly_worked"] == jointly
    assert figures["percentage"] == 100 * jointly / len(expected_clients)
    assert figures["definition_version"] == 1 and figures["team"] is None


def test_team_figures_add_up_to_at_least_the_whole(capsys, demo_db):
    month = str(Month.of(date.today()).previous())
    whole = json.loads(run(capsys, "figures", "--db", demo_db, "--month", month, "--json")[1])
    teams = ["Luton North CMHT", "Luton South CMHT", "Luton Central CMHT"]
    parts = [
        json.loads(run(capsys, "figures", "--db", demo_db, "--month", month, "--team", t, "--json")[1])
        for t in teams
    ]
    refs = {c["client_ref"] for p in parts for c in p["clients"]}
    assert refs == {c["client_ref"] for c in whole["clients"]}
    assert sum(p["mutual_clients"] for p in parts) >= whole["mutual_clients"]


def test_series_json_has_a_month_per_month_and_the_figures_of_figures(capsys, demo_db):
    code, out, _ = run(capsys, "series", "--db", demo_db, "--from", "2025-11", "--to", "2026-10", "--json")
    assert code == 0
    series = json.loads(out)
    assert [m["month"] for m in series["months"]][0] == "2025-11" and len(series["months"]) == 12
    october = json.loads(run(capsys, "figures", "--db", demo_db, "--month", "2026-10", "--json")[1])
    last = series["months"][-1]
    assert (last["mutual_clients"], last["jointly_worked"], last["percentage"]) == (
        october["mutual_clients"],
        october["jointly_worked"],
        october["percentage"],
    )
    part = series["parts"][0]
    assert part["chart"] == "p" and part["useful_observations"] <= 12
    total_j = sum(m["jointly_worked"] for m in series["months"])
    total_n = sum(m["mutual_clients"] for m in series["months"])
    assert part["centre"] == pytest.approx(total_j / total_n)


def test_series_forced_run_chart_has_no_limits(capsys, demo_db):
    out = run(
        capsys, "series", "--db", demo_db, "--from", "2026-05", "--to", "2026-10", "--chart", "run", "--json"
    )[1]
    series = json.loads(out)
    assert series["parts"][0]["chart"] == "run"
    assert all(m["lower_limit"] is None and m["upper_limit"] is None for m in series["months"])


def test_series_csv_writes_one_row_a_month(capsys, demo_db):
    out = run(capsys, "series", "--db", demo_db, "--from", "2026-09", "--to", "2026-10", "--csv")[1]
    lines = out.splitlines()
    assert lines[0] == "month,mutual_clients,jointly_worked,percentage"
    assert [line.split(",")[0] for line in lines[1:]] == ["2026-09", "2026-10"]


def test_a_series_that_ends_before_it_starts_is_refused(capsys, demo_db):
    code, _, err = run(capsys, "series", "--db", demo_db, "--from", "2026-10", "--to", "2026-01")
    assert code == 2 and "before it starts" in err


def test_check_reports_an_intact_database(capsys, demo_db):
    code, out, _ = run(capsys, "check", "--db", demo_db)
    assert code == 0 and "Database: intact" in out and "Audit trail: intact" in out


GUARD_UPDATE = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
)


def test_check_finds_a_tampered_audit_entry(capsys, demo_db):
    if demo_db.startswith("postgresql"):  # a superuser can switch the guard off
        execute_raw(demo_db, "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
    else:  # someone holding the file can drop the guard (and put it back afterwards)
        execute_raw(demo_db, "DROP TRIGGER audit_event_no_update")
    execute_raw(demo_db, "UPDATE audit_event SET app_user = 'someone else' WHERE seq = 1")
    if not demo_db.startswith("postgresql"):
        execute_raw(demo_db, GUARD_UPDATE)
    code, out, _ = run(capsys, "check", "--db", demo_db)
    assert code == 1 and "entry 1 was altered" in out


def test_a_newer_database_is_refused_with_exit_2(capsys, demo_db):
    execute_raw(demo_db, "UPDATE alembic_version SET version_num = 'ffff'")
    code, _, err = run(capsys, "figures", "--db", demo_db, "--month", "2026-10")
    assert code == 2 and "newer version of ddcase" in err


def test_the_same_demo_gives_identical_figures_on_sqlite_and_postgresql(capsys, tmp_path, pg_database):
    """Issue 6: a manager's laptop shows the same figures as the team database. Every month of
    the demo, the whole service and each team, compared as JSON."""
    targets = [str(tmp_path / "demo.sqlite3"), pg_database()]
    for target in targets:
        assert run(capsys, "demo", "--db", target, "--seed", "5")[0] == 0
    last = Month.of(date.today())
    first = last.plus(-23)
    teams = [None, "Luton North CMHT"]

    def outputs(target: str) -> list[dict]:
        found = []
        for team in teams:
            team_args = ["--team", team] if team else []
            code, out, _ = run(
                capsys,
                "series",
                "--db",
                target,
                "--from",
                str(first),
                "--to",
                str(last),
                "--json",
                *team_args,
            )
            assert code == 0
            found.append(json.loads(out))
        from ddcase.cli import open_services
        from ddcase.services.output import month_json

        services = open_services(target)  # one connection for the 24 months: the same call as `figures`
        try:
            found += [month_json(services.figures.month(first.plus(i))) for i in range(24)]
        finally:
            services.close()
        return found

    on_sqlite, on_postgresql = (outputs(t) for t in targets)
    assert on_sqlite == on_postgresql
    assert sum(f["mutual_clients"] for f in on_sqlite[len(teams) :]) > 1000

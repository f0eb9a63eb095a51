"""Issue 15: a worker who leaves (`ddcase worker-left`) and their caseload moved to a colleague
(`ddcase move-caseload`), on the demo team, checked against `figures --json` for every month
before and after: the figures of earlier months do not move (nor, the new worker being named,
any month's)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from ddcase.cli import main
from ddcase.domain import Month, Service, month_range


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def demo(db_target: str, capsys) -> str:
    assert main(["demo", "--db", db_target, "--seed", "3"]) == 0
    capsys.readouterr()
    return db_target


def every_month(capsys, db: str, months: list[Month], team: str | None = None) -> dict[str, object]:
    figures = {}
    for month in months:
        code, out, err = run(
            capsys,
            "figures",
            "--db",
            db,
            "--month",
            str(month),
            "--json",
            *(["--team", team] if team else []),
        )
        assert code == 0, err
        figures[str(month)] = json.loads(out)
    return figures


def test_moving_a_leavers_caseload_leaves_every_months_figures_as_they_were(demo, capsys):
    from ddcase.cli import open_services

    today = date.today()
    this_month = Month.of(today)
    moved_from = this_month.first_day  # the new worker's first day: the 1st of this month
    app = open_services(demo)
    try:
        coordinators = app.casework.workers(Service.MENTAL_HEALTH)
        caseloads = {w.name: app.team.open_caseload(w, moved_from) for w in coordinators}
        leaver = max(caseloads, key=lambda name: len(caseloads[name]))
        colleague = next(name for name in sorted(caseloads) if name != leaver)
        episodes_before = app.casework.counts()["episodes"]
        team = next(e.team for e in caseloads[leaver] if e.team)
    finally:
        app.close()
    refs = sorted({e.client_ref for e in caseloads[leaver]})
    assert len(refs) >= 5
    months = list(month_range(this_month.plus(-24), this_month))  # the demo's two years, and before
    before = every_month(capsys, demo, months)
    before_team = every_month(capsys, demo, months, team)
    assert sum(f["mutual_clients"] for f in before.values()) > 0

    code, out, err = run(capsys, "worker-left", leaver, "--db", demo, "--on", moved_from.isoformat())
    assert code == 0, err
    assert f"{leaver} marked as left on" in out and f"still has {len(caseloads[leaver])} open episode" in out

    code, out, err = run(
        capsys, "move-caseload", "--db", demo, "--leaver", leaver, "--to", colleague,
        "--from", moved_from.isoformat(),
    )  # fmt: skip
    assert code == 0, err
    assert f"{leaver}'s caseload moved to {colleague}" in out and f"{len(refs)} clients" in out

    assert every_month(capsys, demo, months) == before
    assert every_month(capsys, demo, months, team) == before_team
    app = open_services(demo)
    try:
        leaver_worker = app.team.worker_named(leaver)
        assert leaver_worker.left_on == moved_from
        assert app.team.open_caseload(leaver_worker, moved_from) == []
        started = [e for e in app.casework.episodes(refs[0]) if e.start_date == moved_from]
        assert [e.worker for e in started] == [colleague]
        ended = [e for e in app.casework.episodes(refs[0]) if e.end_date == moved_from - timedelta(days=1)]
        assert leaver in [e.worker for e in ended]
        reopened = sum(1 for e in caseloads[leaver] if e.start_date < moved_from)
        assert app.casework.counts()["episodes"] == episodes_before + reopened
        trail = [e for e in app.audit_trail.latest() if e.entity == "caseload"]
        assert len(trail) == 1 and trail[0].action == "move"
    finally:
        app.close()


def test_a_name_on_neither_side_or_a_move_to_nobody_is_refused_with_exit_2(demo, capsys):
    code, _out, err = run(capsys, "worker-left", "Nobody Here", "--db", demo, "--on", "2026-01-01")
    assert code == 2 and "No worker called Nobody Here" in err
    code, _out, err = run(
        capsys, "move-caseload", "--db", demo, "--leaver", "Yasmin Hall", "--to", "Nobody Here",
        "--from", "2026-01-01",
    )  # fmt: skip
    assert code == 2 and "no mental health worker called Nobody Here" in err

"""`ddcase measures`, `measure-define` and `measure-import` as a user runs them (SPEC §6)."""

from __future__ import annotations

import json
from datetime import date

from ddcase.domain import Month
from tests.cli.test_cli import demo_db as demo_db  # noqa: F401  (a fixture)
from tests.cli.test_cli import demo_template as demo_template  # noqa: F401  (a fixture)
from tests.cli.test_cli import run
from tests.rules.test_measures import SPEC_KEYS


def test_the_family_agrees_with_figures_client_by_client(capsys, demo_db):
    month = str(Month.of(date.today()).previous())
    code, out, err = run(capsys, "measures", "--db", demo_db, "--month", month, "--json")
    assert code == 0, err
    table = json.loads(out)
    assert table["month"] == month and table["team"] is None
    entries = {e["key"]: e for e in table["measures"]}
    for entry in table["measures"]:
        assert list(entry) == SPEC_KEYS
        assert entry["variation"] in (
            None,
            "common_cause",
            "special_cause_improvement",
            "special_cause_concern",
        )
        assert entry["assurance"] in (None, "pass", "fail", "hit_and_miss")
    code, out, _ = run(capsys, "figures", "--db", demo_db, "--month", month, "--json")
    figures = json.loads(out)
    main = entries["jointly_worked"]
    assert (main["numerator"], main["denominator"]) == (figures["jointly_worked"], figures["mutual_clients"])
    assert main["value"] == figures["percentage"] / 100
    for name in ("named_workers", "consent", "joint_contact", "liaison"):
        held = sum(1 for c in figures["clients"] if name not in c["failed_criteria"])
        entry = entries[f"criterion:{name}"]
        assert (entry["numerator"], entry["denominator"]) == (held, figures["mutual_clients"]), name
        assert entry["type"] == "process"


def test_a_measure_is_defined_imported_and_read(capsys, demo_db, tmp_path):
    code, out, err = run(
        capsys,
        "measure-define",
        "--db",
        demo_db,
        "incidents",
        "--name",
        "Incidents on the ward",
        "--type",
        "balancing",
        "--unit",
        "count",
        "--better",
        "lower",
        "--aim",
        "2",
    )
    assert code == 0, err
    assert "Defined manual:incidents" in out
    this = Month.of(date.today())
    months = [this.plus(-k) for k in range(3, 0, -1)]
    good = tmp_path / "incidents.csv"
    good.write_text(
        "month,value\n" + "".join(f"{m},{n}\n" for m, n in zip(months, (4, 2, 3), strict=True)),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "measure-import", "--db", demo_db, "incidents", str(good))
    assert code == 0, err
    assert "3 new month(s)" in out
    code, out, _ = run(capsys, "measures", "--db", demo_db, "--month", str(months[-1]), "--json")
    entry = next(e for e in json.loads(out)["measures"] if e["key"] == "manual:incidents")
    assert (entry["numerator"], entry["denominator"], entry["value"], entry["aim"]) == (3, None, 3.0, 2.0)
    assert entry["unit"] == "count" and entry["better"] == "lower" and entry["type"] == "balancing"

    bad = tmp_path / "bad.csv"
    bad.write_text("month,value\n2026-01,-1\n", encoding="utf-8")
    code, out, err = run(capsys, "measure-import", "--db", demo_db, "incidents", str(bad))
    assert code == 2
    assert "bad.csv:2: value: a count is a whole number, 0 or more" in err and "nothing was written" in err


def test_the_text_table_says_each_measure_in_words(capsys, demo_db):
    month = str(Month.of(date.today()).previous())
    code, out, _ = run(capsys, "measures", "--db", demo_db, "--month", month)
    assert code == 0
    assert "Mutual clients jointly worked [jointly_worked, outcome]" in out
    assert "Consent to share (mutual clients) [criterion:consent, process]" in out
    assert "rule:" in out


def test_an_unknown_slug_is_a_clear_error(capsys, demo_db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("month,value\n", encoding="utf-8")
    code, _, err = run(capsys, "measure-import", "--db", demo_db, "nosuch", str(path))
    assert code == 2 and "No measure entered by hand is called 'nosuch'" in err


def test_the_family_has_the_discharge_guard_and_each_audit_question(capsys, casework, db_url, tmp_path):
    """Issue 17's measures in `ddcase measures --json` (SPEC §6), against hand-worked numbers."""
    from dataclasses import replace

    from ddcase.domain import Client, Contact, ContactKind, ContactMode, Episode, Role, Service, Worker

    mh, sm = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE
    casework.save_worker(Worker("Ann Smith", "ELFT", mh, Role.CARE_COORDINATOR))
    casework.save_worker(Worker("Bob Jones", "ResoLUTiONs", sm, Role.KEY_WORKER))
    # Discharges of the substance misuse side while the CMHT is open. Hand-worked for October
    # 2026: RT2 (1 Oct, a reason), RT3 (31 Oct, a call with Ann on 2 Oct, the 30th day back) and
    # RT4 (31 Oct, a call on 1 Oct: too early) are guarded, RT2 and RT3 involved: 2 of 3. RT1
    # ends on 30 Sep (September's); RT5's change of worker is no discharge. North has RT2, RT3.
    for ref, end, reason, call in [
        ("RT1", date(2026, 9, 30), None, None),
        ("RT2", date(2026, 10, 1), "Phoned the CMHT duty worker", None),
        ("RT3", date(2026, 10, 31), None, date(2026, 10, 2)),
        ("RT4", date(2026, 10, 31), None, date(2026, 10, 1)),
        ("RT5", date(2026, 10, 15), None, None),
    ]:
        casework.save_client(Client(ref, "AB", consent_to_share_on=date(2026, 1, 1)))
        team = "South CMHT" if ref == "RT4" else "North CMHT"
        casework.save_episode(Episode(ref, mh, "ELFT", date(2026, 1, 1), team=team, worker="Ann Smith"))
        episode = casework.save_episode(Episode(ref, sm, "ResoLUTiONs", date(2026, 1, 1), worker="Bob Jones"))
        if call:
            casework.save_contact(
                Contact(ref, call, ContactKind.LIAISON, ContactMode.TELEPHONE, mh_worker="Ann Smith")
            )
        casework.save_episode(replace(episode, end_date=end), discharge_reason=reason)
        if ref == "RT5":
            casework.save_episode(Episode(ref, sm, "ResoLUTiONs", date(2026, 10, 16), worker="Bob Jones"))

    # A caseload audit of North's October: four people, all drawn, answered by hand.
    caseload = tmp_path / "caseload.csv"
    caseload.write_text("client_ref,initials\nRT1,AB\nRT2,AB\nRT3,AB\nRT9,CD\n", encoding="utf-8")
    code, _, err = run(capsys, "audit", "define", "north", "--name", "North CMHT", "--team", "North CMHT",
                       "--db", db_url)  # fmt: skip
    assert code == 0, err
    code, _, err = run(capsys, "audit", "sample", "north", "--month", "2026-10", "--caseload", str(caseload),
                       "--size", "4", "--seed", "7", "--db", db_url)  # fmt: skip
    assert code == 0, err
    # substance_use_asked: yes, yes, no, yes -> 3 of 4; care_plan_substance_use: no, n/a, yes and
    # one not answered -> 1 of 2 (not applicable and unanswered count in neither).
    for ref, asked, plan in [
        ("RT1", "yes", "no"),
        ("RT2", "yes", "na"),
        ("RT3", "no", "yes"),
        ("RT9", "yes", None),
    ]:
        answers = ["--answer", f"substance_use_asked={asked}"]
        if plan:
            answers += ["--answer", f"care_plan_substance_use={plan}"]
        code, _, err = run(capsys, "audit", "answer", "north", "--month", "2026-10", "--client", ref, *answers,
                           "--db", db_url)  # fmt: skip
        assert code == 0, err

    def family(*team: str) -> dict[str, dict]:  # type: ignore[type-arg]
        code, out, err = run(capsys, "measures", "--db", db_url, "--month", "2026-10", "--json", *team)
        assert code == 0, err
        return {e["key"]: e for e in json.loads(out)["measures"]}

    def counts(entry: dict) -> tuple:  # type: ignore[type-arg]
        return entry["numerator"], entry["denominator"], entry["value"], entry["unit"], entry["provisional"]

    whole = family()
    assert list(whole["discharges_with_other_service"]) == SPEC_KEYS
    assert counts(whole["discharges_with_other_service"]) == (2, 3, 2 / 3, "proportion", False)
    assert counts(whole["audit:north:substance_use_asked"]) == (3, 4, 0.75, "proportion", False)
    assert counts(whole["audit:north:care_plan_substance_use"]) == (1, 2, 0.5, "proportion", False)
    north = family("--team", "North CMHT")
    assert counts(north["discharges_with_other_service"]) == (2, 2, 1.0, "proportion", False)
    assert counts(north["audit:north:substance_use_asked"]) == (3, 4, 0.75, "proportion", False)
    south = family("--team", "South CMHT")
    assert counts(south["discharges_with_other_service"]) == (0, 1, 0.0, "proportion", False)
    assert not [key for key in south if key.startswith("audit:")]  # North's audit, not South's

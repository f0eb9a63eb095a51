"""`ddcase measures`, `measure-define` and `measure-import` as a user runs them (SPEC §6)."""

from __future__ import annotations

import json
from datetime import date

from ddcase.domain import Month
from tests.cli.test_cli import demo_db as demo_db  # noqa: F401  (a fixture)
from tests.cli.test_cli import demo_template as demo_template  # noqa: F401  (a fixture)
from tests.cli.test_cli import run

SPEC_KEYS = [
    "key",
    "name",
    "type",
    "unit",
    "numerator",
    "denominator",
    "value",
    "provisional",
    "better",
    "aim",
    "variation",
    "assurance",
    "mdc_signals",
]


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

"""The meeting PDF opens on the family of measures (issue 16): its first pages, parsed back with
pypdf, gives every measure × team of `ddcase measures --json` (and `--team T`) in order, with the
same counts, aims and MDC readings; each measure's chart follows."""

from __future__ import annotations

import json
import re
from datetime import date

from ddcase.domain import Month
from ddcase.rules.measures import ASSURANCE_WORDS, VARIATION_SHORT, aim_text, value_text
from tests.cli.test_cli import demo_db as demo_db  # noqa: F401  (a fixture)
from tests.cli.test_cli import demo_template as demo_template  # noqa: F401  (a fixture)
from tests.cli.test_cli import run
from tests.reports.helpers import pages_text

TEAMS = ["Luton Central CMHT", "Luton North CMHT", "Luton South CMHT"]


def measures_json(capsys, db: str, month: str, team: str | None = None) -> dict:  # type: ignore[type-arg]
    code, out, err = run(
        capsys, "measures", "--db", db, "--month", month, "--json", *(["--team", team] if team else [])
    )
    assert code == 0, err
    return json.loads(out)


def test_the_first_page_is_the_summary_of_measures_json(capsys, demo_db, tmp_path):
    month = str(Month.of(date.today()).previous())
    out = tmp_path / "meeting.pdf"
    code, _, err = run(capsys, "report", "--db", demo_db, "--month", month, "--out", str(out))
    assert code == 0, err
    pages = pages_text(out)
    # The summary opens the report; with issue 17's measures it runs on to a second page, its
    # header repeated ("Rule that fired" ends the header row).
    summary_pages = 1
    while "Rule that fired" in pages[summary_pages]:
        summary_pages += 1
    assert summary_pages == 2
    first = "\n".join(pages[:summary_pages])
    whole = json.loads(json.dumps(measures_json(capsys, demo_db, month)))
    per_team = {team: measures_json(capsys, demo_db, month, team) for team in TEAMS}

    # The demo's family: the jointly-worked figure, its four criteria, the discharge guard, the
    # caseload audit's two questions (issue 17) and two measures entered by hand.
    keys = [e["key"] for e in whole["measures"]]
    assert len(keys) >= 6
    assert keys == [
        "jointly_worked",
        "criterion:named_workers",
        "criterion:consent",
        "criterion:joint_contact",
        "criterion:liaison",
        "discharges_with_other_service",  # issue 17
        "audit:cmht-caseload:substance_use_asked",
        "audit:cmht-caseload:care_plan_substance_use",
        "manual:staff-trained",
        "manual:satisfaction",
    ]
    # Rows in order: each measure for all teams, then for each team that has it.
    expected_rows = []
    for entry in whole["measures"]:
        expected_rows.append(entry)
        for team in TEAMS:
            expected_rows += [e for e in per_team[team]["measures"] if e["key"] == entry["key"]]
    # (a month without a denominator, e.g. a team with no discharges, reads "–", checked below)
    proportions = [value_text(e) for e in expected_rows if e["unit"] == "proportion" and e["denominator"]]
    assert re.findall(r"\d+% \(\d+/\d+\)", first) == proportions
    flat = " ".join(first.split())
    unbroken = "".join(first.split())  # a long key wraps inside its cell
    for entry in expected_rows:
        assert value_text(entry) in flat
        assert entry["key"] in unbroken
    variation = "|".join(re.escape(w) for w in VARIATION_SHORT.values())
    table = flat.split("Rule that fired", 1)[1]
    found = re.findall(variation, table)
    assert found == [VARIATION_SHORT[e["variation"]] for e in expected_rows]
    satisfaction = whole["measures"][-1]
    assert aim_text(satisfaction) == "4" and ASSURANCE_WORDS[satisfaction["assurance"]] in flat

    # One chart per measure follows (the jointly-worked one is the main chart).
    rest = " ".join(" ".join(pages[summary_pages:]).split())
    for entry in whole["measures"][1:]:
        assert f"{entry['key']} · {entry['type']} · {entry['unit']}" in rest
    assert "XmR chart" in rest and "manual:staff-trained · process · proportion" in rest

    # Teams side by side: each team's jointly-worked chart with its figure, as --team gives it.
    assert "Teams side by side" in rest
    for team in TEAMS:
        entry = per_team[team]["measures"][0]
        assert f"{team}: {value_text(entry)}" in rest


def test_a_team_report_opens_on_that_teams_measures(capsys, demo_db, tmp_path):
    month = str(Month.of(date.today()).previous())
    out = tmp_path / "north.pdf"
    code, _, err = run(
        capsys, "report", "--db", demo_db, "--month", month, "--team", TEAMS[1], "--out", str(out)
    )
    assert code == 0, err
    first = pages_text(out)[0]
    team = measures_json(capsys, demo_db, month, TEAMS[1])
    assert re.findall(r"\d+% \(\d+/\d+\)", first) == [
        value_text(e) for e in team["measures"] if e["unit"] == "proportion" and e["denominator"]
    ]
    assert "manual:satisfaction" not in first  # the whole service's measure, not this team's
    assert "Teams side by side" not in " ".join(pages_text(out))

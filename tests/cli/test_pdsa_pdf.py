"""The meeting PDF and PDSA cycles (issue 16 item 6), parsed back with pypdf: each cycle's start
is listed under the charts of its measures, and the open cycles are listed with their prediction
beside the measure's value in the start month and in the month reported, as `figures --json`
gives them, with the signal `measures --json` reads."""

from __future__ import annotations

import json
from datetime import date

from ddcase.domain import Month
from ddcase.domain.format import percent_text
from ddcase.rules.charts import month_text
from ddcase.rules.measures import rule_words
from tests.cli.test_cli import demo_db as demo_db  # noqa: F401  (a fixture)
from tests.cli.test_cli import demo_template as demo_template  # noqa: F401  (a fixture)
from tests.cli.test_cli import run
from tests.reports.helpers import pages_text


def figure(capsys, db: str, month: Month) -> str:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, "figures", "--db", db, "--month", str(month), "--json")
    assert code == 0, err
    f = json.loads(out)
    return f"{percent_text(f['percentage'])} ({f['jointly_worked']}/{f['mutual_clients']})"


def test_open_cycles_are_listed_with_the_chart_then_and_now(capsys, demo_db, tmp_path):
    month = Month.of(date.today()).previous()
    code, out, err = run(capsys, "pdsa", "list", "--db", demo_db, "--json")
    assert code == 0, err
    closed, huddle = json.loads(out)["cycles"]  # the demo's two: one closed, one open
    assert (closed["open"], huddle["open"]) == (False, True)
    assert huddle["measures"] == ["jointly_worked", "criterion:joint_contact"]
    start = Month.of(date.fromisoformat(huddle["start"]))

    pdf = tmp_path / "meeting.pdf"
    code, _, err = run(capsys, "report", "--db", demo_db, "--month", str(month), "--out", str(pdf))
    assert code == 0, err
    text = " ".join(" ".join(pages_text(pdf)).split())

    # The main chart's notes: both cycles' starts (a closed cycle's start stays on the chart).
    notes = text.split("Notes on the chart", 1)[1]
    assert f"PDSA starts: {closed['title']}" in notes and f"PDSA starts: {huddle['title']}" in notes
    # The joint-contact criterion's chart lists the open cycle's start under it.
    assert f"Notes on this chart: 1 {month_text(start)}: PDSA starts: {huddle['title']}" in text

    section = text.split("Open PDSA cycles", 1)[1].split("Data completeness", 1)[0]
    assert closed["title"] not in section
    assert f"#{huddle['id']} {huddle['title']}" in section
    assert f"Prediction: {huddle['prediction']}" in section
    code, out, err = run(capsys, "measures", "--db", demo_db, "--month", str(month), "--json")
    entries = {e["key"]: e for e in json.loads(out)["measures"]}
    row = section.split("(jointly_worked)", 1)[1].split("(criterion:joint_contact)", 1)[0]
    assert f"{month_text(start)}: {figure(capsys, demo_db, start)}" in row
    assert f"{month_text(month)}: {figure(capsys, demo_db, month)}" in row
    # The jointly-worked measure's signal: the Anhøj runs analysis of its latest part (as
    # `series --json` gives it), beside the MDC rules of `measures --json`.
    code, out, err = run(
        capsys, "series", "--db", demo_db, "--from", str(month.plus(-23)), "--to", str(month), "--json"
    )
    runs = json.loads(out)["parts"][-1]["runs_signal"]
    words = rule_words(entries["jointly_worked"])
    expected = (
        ("Anhøj runs signal" + ("" if words in ("none", "too few points") else f"; {words}"))
        if runs
        else words
    )
    assert expected in row
    joint = section.split("(criterion:joint_contact)", 1)[1]
    entry = entries["criterion:joint_contact"]
    assert (
        f"{month_text(month)}: {percent_text(100 * entry['value'])} ({entry['numerator']}/{entry['denominator']})"
        in joint
    )
    assert rule_words(entry) in joint

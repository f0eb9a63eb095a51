"""Measures entered by hand (issue 16 item 2): defined, a month's value set or cleared, a CSV of
values imported all or nothing with every error as FILE:LINE: column: message, and every change in
the audit trail; their SPEC §6 entries in the family."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ddcase.domain import ImportRejected, Month, ValidationError
from ddcase.domain.measures import ManualMeasure, ManualValue
from ddcase.services.audit_trail import AuditTrailService
from ddcase.services.manual_measures import ManualMeasuresService
from ddcase.services.measures import MeasuresService

OCT = Month(2026, 10)
SATISFACTION = ManualMeasure(
    "satisfaction",
    "Satisfaction with joint care (mean, 1-5)",
    "outcome",
    "value",
    "higher",
    aim=4.0,
    owner="Ann",
    data_source="Monthly survey",
)
TRAINED = ManualMeasure("trained", "CMHT staff trained in dual diagnosis", "process", "proportion", aim=0.8)


@pytest.fixture
def manual(context):
    return ManualMeasuresService(context)


def write(tmp_path, name, text):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_measure_is_defined_and_its_values_make_an_entry_of_the_family(manual, context):
    manual.define(SATISFACTION)
    for month, value in ((Month(2026, 8), 3.5), (Month(2026, 9), 4.0), (OCT, 4.5)):
        manual.set_value("satisfaction", ManualValue(month, value=value))
    entry = next(
        e for e in MeasuresService(context).table(OCT).json()["measures"] if e["key"] == "manual:satisfaction"
    )
    # mean 4.0; moving ranges 0.5, 0.5 -> AMR 0.5; limits 4 +- 1.33: all common cause; the aim
    # 4.0 lies between the limits: hit and miss
    assert entry == {
        "key": "manual:satisfaction",
        "name": "Satisfaction with joint care (mean, 1-5)",
        "type": "outcome",
        "unit": "value",
        "numerator": None,
        "denominator": None,
        "value": 4.5,
        "provisional": False,
        "better": "higher",
        "aim": 4.0,
        "variation": "common_cause",
        "assurance": "hit_and_miss",
        "mdc_signals": [],
    }


def test_a_definition_is_checked_field_by_field(manual):
    with pytest.raises(ValidationError) as caught:
        manual.define(ManualMeasure("Bad Slug", "", "output", "percent", "up", aim=2.0))
    fields = [p.field for p in caught.value.problems]
    assert fields == ["slug", "name", "type", "unit", "better"]
    with pytest.raises(ValidationError, match="aim: a proportion's aim is between 0 and 1"):
        manual.define(replace(TRAINED, aim=80.0))
    with pytest.raises(ValidationError, match="team: no team called 'Nowhere'"):
        manual.define(replace(TRAINED, team="Nowhere"))
    manual.define(TRAINED)
    with pytest.raises(ValidationError, match="already a measure called trained"):
        manual.define(TRAINED)


def test_a_unit_cannot_change_once_there_are_values(manual):
    saved = manual.define(TRAINED)
    renamed = manual.define(replace(saved, name="Staff trained"))
    assert renamed.name == "Staff trained" and renamed.version == saved.version + 1
    manual.set_value("trained", ManualValue(OCT, 6, 10))
    with pytest.raises(ValidationError, match="unit: the measure has values as a proportion"):
        manual.define(replace(renamed, unit="count"))


def test_a_months_value_is_checked_set_replaced_and_cleared(manual):
    manual.define(TRAINED)
    with pytest.raises(ValidationError, match="numerator: 11 is more than the denominator 10"):
        manual.set_value("trained", ManualValue(OCT, 11, 10))
    with pytest.raises(ValidationError, match="month: 2026-12 is in the future"):
        manual.set_value("trained", ManualValue(Month(2026, 12), 1, 10))
    manual.set_value("trained", ManualValue(OCT, 6, 10))
    manual.set_value("trained", ManualValue(OCT, 7, 10))
    assert manual.values("trained") == [ManualValue(OCT, 7, 10)]
    manual.set_value("trained", ManualValue(OCT))
    assert manual.values("trained") == []


def test_every_change_is_in_the_audit_trail(manual, context):
    manual.define(TRAINED)
    manual.set_value("trained", ManualValue(OCT, 6, 10))
    manual.set_value("trained", ManualValue(OCT, 7, 10))
    manual.set_value("trained", ManualValue(OCT))
    entries = [
        (e.action, e.entity, e.entity_key)
        for e in AuditTrailService(context).latest()
        if e.entity.startswith("manual_measure")
    ]
    assert sorted(entries) == sorted(
        [
            ("create", "manual_measure", "trained"),
            ("create", "manual_measure_value", "trained 2026-10"),
            ("update", "manual_measure_value", "trained 2026-10"),
            ("delete", "manual_measure_value", "trained 2026-10"),
        ]
    )
    assert AuditTrailService(context).verify().intact


def test_a_csv_is_imported_in_any_column_order_with_a_byte_order_mark_and_twice_changes_nothing(
    manual, tmp_path
):
    manual.define(TRAINED)
    path = write(
        tmp_path,
        "trained.csv",
        "\ufeffdenominator,month,numerator\n10,2026-08,4\n10,2026-09,5\n\n12,2026-10,9\n",
    )
    first = manual.import_values("trained", path)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert manual.values("trained") == [
        ManualValue(Month(2026, 8), 4, 10),
        ManualValue(Month(2026, 9), 5, 10),
        ManualValue(OCT, 9, 12),
    ]
    again = manual.import_values("trained", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_csv_with_errors_writes_nothing_and_lists_every_one(manual, tmp_path):
    manual.define(TRAINED)
    manual.set_value("trained", ManualValue(OCT, 1, 2))
    path = write(
        tmp_path,
        "trained.csv",
        "month,numerator,denominator\n"
        "2026-08,4,10\n"  # fine
        "2026-13,5,10\n"  # line 3: not a month
        "2026-09,11,10\n"  # line 4: more than the denominator
        "2026-09,x,\n"  # line 5: twice, and not numbers
        "2026-10,3,4\n"  # fine (would replace October)
        "2026-12,1,1\n",  # line 7: the future (today is 22 Nov 2026)
    )
    with pytest.raises(ImportRejected) as caught:
        manual.import_values("trained", path)
    assert [str(p) for p in caught.value.problems] == [
        "trained.csv:3: month: not a month YYYY-MM: '2026-13'",
        "trained.csv:4: numerator: 11 is more than the denominator 10",
        "trained.csv:5: month: 2026-09 is already on line 4",
        "trained.csv:5: numerator: needs a whole number, not 'x'",
        "trained.csv:5: denominator: needs a whole number, not ''",
        "trained.csv:7: month: 2026-12 is in the future",
    ]
    assert manual.values("trained") == [ManualValue(OCT, 1, 2)]


def test_a_csv_with_the_wrong_columns_is_refused_by_its_header(manual, tmp_path):
    manual.define(SATISFACTION)
    path = write(tmp_path, "survey.csv", "month,numerator,denominator\n2026-10,1,2\n")
    with pytest.raises(ImportRejected) as caught:
        manual.import_values("satisfaction", path)
    assert [str(p) for p in caught.value.problems] == [
        "survey.csv:1: numerator: unknown column; a value has month,value",
        "survey.csv:1: denominator: unknown column; a value has month,value",
        "survey.csv:1: value: required column missing",
    ]


def test_a_count_is_a_whole_number(manual, tmp_path):
    manual.define(ManualMeasure("incidents", "Incidents", "balancing", "count", "lower"))
    path = write(tmp_path, "incidents.csv", "month,value\n2026-09,2\n2026-10,1.5\n")
    with pytest.raises(ImportRejected, match=r"incidents.csv:3: value: a count is a whole number, 0 or more"):
        manual.import_values("incidents", path)


def test_a_teams_measure_is_in_that_teams_family_only(manual, context, casework):
    from datetime import date

    from ddcase.domain import Client, Episode, Service

    casework.save_client(Client("RT1", "AB"))
    casework.save_episode(Episode("RT1", Service.MENTAL_HEALTH, "ELFT", date(2025, 1, 1), team="North"))
    manual.define(replace(TRAINED, team="North"))
    manual.define(SATISFACTION)
    service = MeasuresService(context)
    assert [
        e["key"] for e in service.table(OCT, "North").json()["measures"] if e["key"].startswith("manual:")
    ] == ["manual:trained"]
    assert [e["key"] for e in service.table(OCT).json()["measures"] if e["key"].startswith("manual:")] == [
        "manual:satisfaction"
    ]


def test_every_teams_measures_are_read_in_one_query_each_team_its_own_in_its_order(manual, engine, casework):
    """The family of every team at once reads the measures defined once for all teams (not once
    a team): each team gets its own, in the order its own read gives (by name, then slug), and
    each its own values."""
    from datetime import date

    from sqlalchemy import event

    from ddcase.domain import Client, Episode, Service

    for number, team in enumerate(("North", "South"), 1):
        casework.save_client(Client(f"RT{number}", "AB"))
        casework.save_episode(
            Episode(f"RT{number}", Service.MENTAL_HEALTH, "ELFT", date(2025, 1, 1), team=team)
        )
    for slug, name, team in (
        ("b-north", "beds", "North"),
        ("a-north", "Beds", "North"),
        ("waits", "Waits", None),
        ("c-south", "alpha", "South"),
        ("z-north", "Alpha", "North"),
    ):
        manual.define(ManualMeasure(slug, name, "balancing", "count", "lower", team=team))
        manual.set_value(slug, ManualValue(OCT, value=len(slug)))
    teams = [None, "North", "South", "East"]
    statements: list[str] = []

    def note(conn, cursor, statement, *rest):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        together = manual.measures_of_teams(Month(2026, 9), OCT, teams)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert [[m.key for m, _ in each] for each in together] == [
        [f"manual:{d.slug}" for d in manual.definitions(team)] for team in teams
    ]
    assert [[m.key for m, _ in each] for each in together] == [
        ["manual:waits"],
        ["manual:z-north", "manual:a-north", "manual:b-north"],
        ["manual:c-south"],
        [],
    ]
    assert [[months[-1].value for _, months in each] for each in together] == [[5], [7, 7, 7], [7], []]
    assert (
        sum("FROM manual_measure " in s or s.rstrip().endswith("FROM manual_measure") for s in statements)
        == 1
    )

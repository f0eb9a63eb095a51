"""The family of measures (SPEC §6 `measures`): the jointly-worked measure and one process measure
per enabled criterion, from the log, checked against counts worked out by hand; the registry of
sources."""

from __future__ import annotations

from datetime import date

import pytest

from ddcase.domain import (
    Criterion,
    Definition,
    Episode,
    Month,
)
from ddcase.rules.mdc import Better
from ddcase.rules.measures import Measure, MeasureMonth, MeasureType, Unit
from ddcase.services import measures as measures_module
from ddcase.services.measures import MeasuresService
from tests.services.hand_worked import DNA, LI, MH, OCT, PHONE, SEP, SM, contact, mutual_client, workers


@pytest.fixture
def log(casework):
    """Four mutual clients of team North from June 2026, all with named workers.
    RT1: consent, joint appointment 5 Oct (so liaison in Oct too).
    RT2: consent, a joint appointment 9 Oct not attended.
    RT3: no consent, a liaison call 20 Sep and a joint appointment 20 Oct.
    RT4: no consent, no contacts; and in September no key worker (Bob named from 1 Oct)."""
    workers(casework, ("Ann", MH), ("Bob", SM))
    mutual_client(casework, "RT1", "Ann", "Bob")
    mutual_client(casework, "RT2", "Ann", "Bob")
    mutual_client(casework, "RT3", "Ann", "Bob", consent=None)
    mutual_client(casework, "RT4", "Ann", None, consent=None, sm_to=date(2026, 9, 30))
    casework.save_episode(Episode("RT4", SM, "CGL", date(2026, 10, 1), worker="Bob"))
    contact(casework, "RT1", date(2026, 10, 5))
    contact(casework, "RT2", date(2026, 10, 9), outcome=DNA)
    contact(casework, "RT3", date(2026, 9, 20), LI, PHONE)
    contact(casework, "RT3", date(2026, 10, 20))
    return casework


def counts(table, key):  # type: ignore[no-untyped-def]
    entry = next(e for e in table.json()["measures"] if e["key"] == key)
    return entry["numerator"], entry["denominator"]


def test_each_enabled_criterion_is_a_process_measure_counted_as_worked_by_hand(log, context):
    table = MeasuresService(context).table(OCT)
    keys = [e["key"] for e in table.json()["measures"]]
    assert keys[:5] == [
        "jointly_worked",
        "criterion:named_workers",
        "criterion:consent",
        "criterion:joint_contact",
        "criterion:liaison",
    ]
    assert counts(table, "jointly_worked") == (1, 4)  # RT1 only (RT3 lacks consent)
    assert counts(table, "criterion:named_workers") == (4, 4)
    assert counts(table, "criterion:consent") == (2, 4)
    assert counts(table, "criterion:joint_contact") == (2, 4)  # RT1, RT3; RT2's was missed
    assert counts(table, "criterion:liaison") == (2, 4)
    entry = table.json()["measures"][1]
    assert entry["type"] == "process" and entry["unit"] == "proportion" and entry["better"] == "higher"
    assert entry["value"] == 1.0 and entry["aim"] is None and entry["provisional"] is False


def test_september_has_its_own_counts(log, context):
    table = MeasuresService(context).table(SEP, "North")
    assert table.team == "North"
    assert counts(table, "jointly_worked") == (0, 4)
    assert counts(table, "criterion:named_workers") == (3, 4)  # RT4 has no key worker
    assert counts(table, "criterion:joint_contact") == (0, 4)
    assert counts(table, "criterion:liaison") == (1, 4)  # RT3's call


def test_the_criteria_follow_the_definition_in_force(log, context, definitions):
    """Liaison dropped from October: October's family has no liaison measure, September's keeps
    it; consent dropped in October and taken back in November leaves October a gap on its chart,
    in a part of its own (a new definition version)."""
    definitions.agree(Definition(liaison=False, consent=False), OCT)
    definitions.agree(Definition(liaison=False), Month(2026, 11))
    service = MeasuresService(context)
    october = [e["key"] for e in service.table(OCT).json()["measures"]]
    assert "criterion:liaison" not in october and "criterion:consent" not in october
    assert "criterion:liaison" in [e["key"] for e in service.table(SEP).json()["measures"]]
    november = service.table(Month(2026, 11))
    consent = next(r for r in november.readings if r.key == "criterion:consent")
    by_month = {m.month: m for m in consent.series}
    assert (by_month[SEP].numerator, by_month[SEP].denominator) == (2, 4)
    assert (by_month[OCT].numerator, by_month[OCT].denominator) == (None, None)
    assert [by_month[m].definition_version for m in (SEP, OCT, Month(2026, 11))] == [1, 2, 3]
    # November is the month in progress on the tests' today (22 Nov 2026)
    assert counts(november, "criterion:consent") == (2, 4)
    assert next(e for e in november.json()["measures"] if e["key"] == "criterion:consent")["provisional"]


def test_the_team_aim_is_the_jointly_worked_measures_aim(log, context):
    from ddcase.domain import MeasureSettings
    from ddcase.services.notes import NotesService

    NotesService(context).save_measure_settings(MeasureSettings(aim_percentage=75.0))
    entry = MeasuresService(context).table(OCT).json()["measures"][0]
    assert entry["aim"] == 0.75


def test_each_teams_table_of_all_at_once_has_its_own_notes_and_settings(log, context):
    """The tables of every team at once (the summary, the meeting PDF) read the teams' notes,
    settings, audits and measures entered by hand together: each team's table still has its own
    new parts, baseline, aim and measures, as the team's table read alone has them."""
    from ddcase.domain import Annotation, MeasureSettings
    from ddcase.domain.audits import CaseloadEntry
    from ddcase.domain.measures import ManualMeasure, ManualValue
    from ddcase.services.audits import AuditService
    from ddcase.services.manual_measures import ManualMeasuresService
    from ddcase.services.notes import NotesService

    mutual_client(log, "RT5", "Ann", "Bob", team="South")
    contact(log, "RT5", date(2026, 10, 7))
    notes = NotesService(context)
    notes.save_annotation(Annotation(Month(2026, 8), "New triage", team="South", new_part=True))
    notes.save_annotation(Annotation(Month(2026, 7), "Everyone's change", new_part=True))
    notes.save_measure_settings(MeasureSettings(team="North", aim_percentage=60.0, baseline_months=3))
    notes.save_measure_settings(MeasureSettings(team="South", aim_percentage=40.0))
    manual = ManualMeasuresService(context)
    for team, slug in ((None, "beds"), ("North", "waits-north"), ("South", "waits-south")):
        manual.define(ManualMeasure(slug, f"{slug} of {team}", "balancing", "count", "lower", team=team))
        manual.set_value(slug, ManualValue(SEP, value=3 if team == "South" else 5))
    audits = AuditService(context)
    audits.define("north-a", "North's audit", "North")
    audits.define("south-a", "South's audit", "South")
    audits.draw("south-a", SEP, [CaseloadEntry("RT5", "AB")], 1, seed=7)
    service = MeasuresService(context)
    together = service.tables(OCT, [None, "North", "South"])
    assert together == [service.table(OCT, team) for team in (None, "North", "South")]
    north, south = together[1], together[2]
    assert (north.new_part_months, north.baseline_months) == ((Month(2026, 7),), 3)
    assert (south.new_part_months, south.baseline_months) == ((Month(2026, 7), Month(2026, 8)), None)
    assert [t.json()["measures"][0]["aim"] for t in together] == [None, 0.6, 0.4]
    audit_keys = [
        sorted({e["key"].split(":")[1] for e in t.json()["measures"] if e["key"].startswith("audit:")})
        for t in together
    ]
    assert audit_keys == [["north-a", "south-a"], ["north-a"], ["south-a"]]
    manual_entries = [
        [(e["key"], e["name"]) for e in t.json()["measures"] if e["key"].startswith("manual:")]
        for t in together
    ]
    assert manual_entries == [
        [("manual:beds", "beds of None")],
        [("manual:waits-north", "waits-north of North")],
        [("manual:waits-south", "waits-south of South")],
    ]


def test_every_teams_notes_and_settings_are_one_read_each_and_each_teams_own(context, engine):
    """The tables of every team read the notes and the settings once each (not twice a team) and
    give each team what its own read gives it: its notes and everyone's in order, its settings
    or the defaults, and the service's (None) only everyone's notes and its own settings."""
    from sqlalchemy import event

    from ddcase.domain import Annotation, MeasureSettings
    from ddcase.services.notes import NotesService
    from ddcase.storage import repository

    notes = NotesService(context)
    notes.save_annotation(Annotation(Month(2026, 8), "South's triage", team="South", new_part=True))
    notes.save_annotation(Annotation(Month(2026, 7), "Everyone's change", new_part=True))
    notes.save_annotation(Annotation(Month(2026, 7), "North's note", team="North"))
    notes.save_annotation(Annotation(Month(2026, 6), "South's first", team="South"))
    notes.save_measure_settings(MeasureSettings(team="North", aim_percentage=60.0, baseline_months=3))
    notes.save_measure_settings(MeasureSettings(team=None, aim_percentage=50.0, aim_text="All"))
    teams = [None, "North", "South", "East"]
    statements: list[str] = []

    def note(conn, cursor, statement, *rest):  # type: ignore[no-untyped-def]
        statements.append(statement)

    with context.db.read() as session:
        plain = [(repository.annotations(session, t), repository.measure_settings(session, t)) for t in teams]
        event.listen(engine, "before_cursor_execute", note)
        try:
            together = list(
                zip(
                    repository.annotations_of_teams(session, teams),
                    repository.measure_settings_of_teams(session, teams),
                    strict=True,
                )
            )
        finally:
            event.remove(engine, "before_cursor_execute", note)
    assert together == plain
    assert [[a.text for a in each] for each, _ in together] == [
        ["Everyone's change"],
        ["Everyone's change", "North's note"],
        ["South's first", "Everyone's change", "South's triage"],
        ["Everyone's change"],
    ]
    assert [s.aim_percentage for _, s in together] == [50.0, 60.0, None, None]
    assert len(statements) == 2


def test_a_source_is_one_line_in_the_registry(log, context, monkeypatch):
    def beds(ctx, first, last, team):  # type: ignore[no-untyped-def]
        measure = Measure("manual:beds", "Beds", MeasureType.BALANCING, Unit.COUNT, Better.LOWER)
        return [(measure, [MeasureMonth(SEP, value=3), MeasureMonth(OCT, value=5)])]

    monkeypatch.setattr(measures_module, "SOURCES", [*measures_module.SOURCES, beds])
    entry = MeasuresService(context).table(OCT).json()["measures"][-1]
    assert (entry["key"], entry["numerator"], entry["value"], entry["unit"]) == (
        "manual:beds",
        5,
        5.0,
        "count",
    )


def test_the_discharges_are_read_beside_the_counting_and_their_failure_is_the_callers(
    log, context, monkeypatch
):
    """Issue 18, fifth round: the discharge measure's read (`READ_BESIDE`) runs in a thread of
    its own while the log's measures are counted, gives the same table, and an error in it
    reaches the caller."""
    import threading

    from ddcase.domain import DomainError
    from ddcase.services.discharges import DischargeService

    plain = MeasuresService(context, measures_module.SOURCES).table(OCT)
    real = DischargeService.discharges_of_teams
    threads = []

    def read(self, *args):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return real(self, *args)

    monkeypatch.setattr(DischargeService, "discharges_of_teams", read)
    assert MeasuresService(context).table(OCT) == plain
    assert len(threads) == 1 and threads[0] is not threading.current_thread()

    def fails(*_args):  # type: ignore[no-untyped-def]
        raise DomainError("the discharges could not be read")

    monkeypatch.setattr(DischargeService, "discharges_of_teams", fails)
    with pytest.raises(DomainError, match="could not be read"):
        MeasuresService(context).table(OCT)


def test_the_collector_is_paused_while_the_tables_and_the_discharges_beside_are_made(
    log, context, monkeypatch
):
    """Issue 18, eighth round: no cyclic collection while the family's tables are made, in the
    calling thread or in the discharges' thread beside (`MeasuresService.tables`); the collector
    back as it was afterwards, the tables the same, and after a failure too."""
    import gc

    from ddcase.domain import DomainError
    from ddcase.services.discharges import DischargeService

    assert gc.isenabled()
    plain = MeasuresService(context).table(OCT)
    real = DischargeService.discharges_of_teams
    seen: list[bool] = []

    def read(self, *args):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(self, *args)

    def notes(*args):  # type: ignore[no-untyped-def]  # the calling thread, after the reads beside
        seen.append(gc.isenabled())
        return real_notes(*args)

    real_notes = measures_module.repository.annotations_of_teams
    monkeypatch.setattr(DischargeService, "discharges_of_teams", read)
    monkeypatch.setattr(measures_module.repository, "annotations_of_teams", notes)
    assert MeasuresService(context).table(OCT) == plain
    assert seen == [False, False] and gc.isenabled()

    def fails(*_args):  # type: ignore[no-untyped-def]
        raise DomainError("the discharges could not be read")

    monkeypatch.setattr(DischargeService, "discharges_of_teams", fails)
    with pytest.raises(DomainError, match="could not be read"):
        MeasuresService(context).table(OCT)
    assert gc.isenabled()


def test_the_discharges_read_beside_are_waited_for_last(log, context, monkeypatch):
    """Issue 18, ninth round: every other source's measures are read and made entries while the
    discharges' read beside goes on (`MeasuresService.tables` waits for it last), in the same
    table. The read beside is held until the calling thread has made every other entry."""
    import threading

    from ddcase.rules.discharges import MEASURE

    plain = MeasuresService(context).table(OCT)
    others = [r.key for r in plain.readings if r.key != MEASURE.key]
    assert len(others) >= 3 and MEASURE.key in [r.key for r in plain.readings]
    made: list[str] = []
    released = threading.Event()
    held: list[bool] = []
    real_entry = measures_module.measure_entry
    real_read = measures_module.OF_TEAMS[measures_module.discharge_measures]

    def entry(measure, *args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(measure.key)
        if len(made) == len(others):
            released.set()
        return real_entry(measure, *args, **kwargs)

    def read(*args):  # type: ignore[no-untyped-def]
        held.append(released.wait(2))  # False: the calling thread waited for this read first
        made.append("read beside")
        return real_read(*args)

    monkeypatch.setattr(measures_module, "measure_entry", entry)
    monkeypatch.setitem(measures_module.OF_TEAMS, measures_module.discharge_measures, read)
    assert MeasuresService(context).table(OCT) == plain
    assert held == [True]
    assert made == [*others, "read beside", MEASURE.key]


def test_an_unknown_team_is_refused(log, context):
    from ddcase.domain import DomainError

    with pytest.raises(DomainError, match="No team called 'Nowhere'"):
        MeasuresService(context).table(OCT, "Nowhere")


def test_the_fast_counts_agree_with_each_clients_judgement_month_by_month(context, definitions):
    """The process measures come from the fast counts of a series (each criterion as a definition
    with it alone); every month's numerator equals the count of the month's judged clients for
    whom the criterion holds, across a change of definition (consent dropped, a 30-day window)."""
    from ddcase.services.demo import DemoService
    from ddcase.services.figures import FiguresService
    from ddcase.services.measures import log_measures

    DemoService(context).fill(seed=4)
    definitions.agree(Definition(consent=False, joint_contact_window_days=30), Month(2026, 6))
    first, last = Month(2026, 1), Month(2026, 10)
    for team in (None, "Luton North CMHT"):
        judged = {f.month: f for f in FiguresService(context).months(first, last, team)}
        for measure, series in log_measures(context, first, last, team)[1:]:
            name = Criterion(measure.key.removeprefix("criterion:"))
            for row in series:
                figures = judged[row.month]
                if name not in figures.definition.enabled():
                    assert (row.numerator, row.denominator) == (None, None)
                    continue
                held = sum(1 for c in figures.clients if c.holds(name))
                assert (row.numerator, row.denominator) == (held, figures.mutual_clients), (
                    team,
                    name,
                    row.month,
                )

"""The meeting PDF reads the 24 months once for its measures × teams summary and its chart
(`services.figures.facts_shared`, `figures_read.figure_days`): what it prints equals what the plain reads give, for all
teams and for one, across a change of definition."""

from __future__ import annotations

import pytest

from ddcase.domain import Definition, Month
from ddcase.services import figures as figures_module
from ddcase.services.figures import FiguresService
from ddcase.services.reporting import CHART_MONTHS, ReportingService

OCT = Month(2026, 10)


@pytest.fixture
def demo(context, definitions):
    from ddcase.services.demo import DemoService

    DemoService(context).fill(seed=4)
    definitions.agree(Definition(consent=False, joint_contact_window_days=30), Month(2026, 6))
    return context


def _days_read(monkeypatch, name):
    """Each call of `figures_read.<name>` from then on, by its first and last day (it still reads)."""
    calls = []
    real = getattr(figures_module.figures_read, name)
    monkeypatch.setattr(
        figures_module.figures_read,
        name,
        lambda *args, **kwargs: calls.append(args[1:3]) or real(*args, **kwargs),
    )
    return calls


@pytest.mark.parametrize("team", [None, "Luton North CMHT"])
def test_the_report_reads_the_months_once_and_prints_what_the_plain_reads_give(demo, team, monkeypatch):
    reporting = ReportingService(demo)
    plain_rows, _, _ = reporting.measures(OCT, team)
    plain_series = FiguresService(demo).overview(OCT, CHART_MONTHS, team, leading_gaps=False).series
    reads = _days_read(monkeypatch, "figure_days")
    counted = []
    real_counts = figures_module.months_counts
    monkeypatch.setattr(
        figures_module,
        "months_counts",
        lambda clients, months, *args: counted.append(months) or real_counts(clients, months, *args),
    )
    content = reporting.content(OCT, team)
    assert reads == [(OCT.plus(-(CHART_MONTHS - 1)).first_day, OCT.last_day)]  # once, for the 24 months
    assert counted == []  # the chart's months are those the summary counted (issue 18)
    assert content.measure_rows == plain_rows
    assert content.analysis == plain_series.analysis
    # Outside the report, each read reads.
    FiguresService(demo).overview(OCT, CHART_MONTHS, team, leading_gaps=False)
    assert len(reads) == 2


def test_an_open_pdsa_cycles_check_reads_the_reports_own_table_of_the_family(demo, monkeypatch):
    """Issue 18: the PDSA pages take the family's table the summary read, not a second read of
    every source, and check the cycle exactly as reading the family afresh does."""
    from datetime import date

    from ddcase.domain.pdsa import PdsaCycle
    from ddcase.services import measures as measures_module
    from ddcase.services.pdsa import PdsaService

    PdsaService(demo).add(
        PdsaCycle("Joint review slot", date(2026, 9, 14), ("jointly_worked", "discharges_with_other_service"))
    )
    reporting = ReportingService(demo)
    plain = reporting.pdsa_checks(OCT, None)
    assert len(plain) >= 2 and any(c.key == "discharges_with_other_service" for c in plain)
    calls = []
    for source, of_teams in list(measures_module.OF_TEAMS.items()):
        monkeypatch.setitem(
            measures_module.OF_TEAMS,
            source,
            lambda *args, _real=of_teams: calls.append(args[3]) or _real(*args),
        )
    from ddcase.services.discharges import DischargeService

    real = DischargeService.discharges_of_teams
    monkeypatch.setattr(
        DischargeService,
        "discharges_of_teams",
        lambda self, *args: calls.append(args[2]) or real(self, *args),
    )
    content = reporting.content(OCT, None)
    assert content.pdsa_checks == plain
    # Each source that reads all teams at once, once (not again per cycle): the log's measures,
    # the audits' and the measures entered by hand through OF_TEAMS, the discharges by the report
    # itself (read once for the measure and the safety section), each for every team shown.
    assert len(calls) == len(measures_module.OF_TEAMS) == 4
    assert all(teams == calls[0] for teams in calls)


@pytest.mark.parametrize("team", [None, "Luton North CMHT"])
def test_the_report_reads_the_discharges_once_for_the_measure_and_the_safety_section(demo, team, monkeypatch):
    """Issue 18, fourth round: the guarded discharges of the 24 months are read once, for every
    team shown, and serve both the discharge measure's series and the month's safety section,
    which print exactly what their own reads give."""
    from ddcase.services.discharges import DischargeService

    reporting = ReportingService(demo)
    plain_rows, plain_charts, plain_teams = reporting.measures(OCT, team)
    plain_safety = reporting.safety(OCT, team)
    assert plain_safety.discharges  # the demo has guarded discharges in the month
    reads = []
    real = DischargeService.discharges_of_teams
    monkeypatch.setattr(
        DischargeService,
        "discharges_of_teams",
        lambda self, first, last, teams: (
            reads.append((first, last, tuple(teams))) or real(self, first, last, teams)
        ),
    )
    month_reads = _days_read(monkeypatch, "month_facts")
    plain_overview = FiguresService(demo).overview(OCT, CHART_MONTHS, team, leading_gaps=False)
    plain_completeness = reporting.completeness(plain_overview.current)
    month_reads.clear()
    content = reporting.content(OCT, team)
    assert len(reads) == 1
    # The month and the month before, with every client, read once (beside the counting).
    assert month_reads == [(OCT.previous().first_day, OCT.last_day)]
    assert (content.current, content.previous) == (plain_overview.current, plain_overview.previous)
    assert content.analysis == plain_overview.series.analysis
    assert content.completeness == plain_completeness
    assert reads[0][:2] == (OCT.plus(-(CHART_MONTHS - 1)), OCT)
    assert content.safety == plain_safety
    assert content.measure_rows == plain_rows
    assert content.measure_charts == plain_charts
    assert content.team_charts == plain_teams


def test_a_failed_read_of_the_discharges_is_raised_to_the_caller(demo, monkeypatch):
    """The discharges read beside the counting fail as the report: the error reaches the caller."""
    from ddcase.domain import DomainError
    from ddcase.services.discharges import DischargeService

    def fails(*_args):
        raise DomainError("the discharges could not be read")

    monkeypatch.setattr(DischargeService, "discharges_of_teams", fails)
    with pytest.raises(DomainError, match="could not be read"):
        ReportingService(demo).content(OCT, None)

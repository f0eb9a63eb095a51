"""The meeting PDF reads the 24 months once for its measures × teams summary and its chart
(`services.figures.facts_shared`): what it prints equals what the plain reads give, for all
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


@pytest.mark.parametrize("team", [None, "Luton North CMHT"])
def test_the_report_reads_the_months_once_and_prints_what_the_plain_reads_give(demo, team, monkeypatch):
    reporting = ReportingService(demo)
    plain_rows, _, _ = reporting.measures(OCT, team)
    plain_series = FiguresService(demo).overview(OCT, CHART_MONTHS, team, leading_gaps=False).series
    reads = []
    real = figures_module.figures_read.figure_facts
    monkeypatch.setattr(
        figures_module.figures_read,
        "figure_facts",
        lambda *args, **kwargs: reads.append(args[1:3]) or real(*args, **kwargs),
    )
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

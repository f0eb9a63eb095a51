"""The command line's output formats: SPEC §4's JSON, plain text for a terminal, and CSV for
other QI tools. Numbers come straight from the figures service; nothing is recomputed here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ddcase.domain import Worker
from ddcase.domain.format import figure_text, percent_text, short_date_text
from ddcase.rules.criteria import label, why_not
from ddcase.rules.figures import MonthFigures
from ddcase.services.figures import Series, ToDo

if TYPE_CHECKING:
    from ddcase.services.measures import MeasuresTable


def month_json(figures: MonthFigures, *, provisional: bool = False) -> dict[str, Any]:
    """SPEC §4 `figures --json`; `provisional` for the month in progress (SPEC §5)."""
    return {
        "month": str(figures.month),
        "team": figures.team,
        "definition_version": figures.definition_version,
        "mutual_clients": figures.mutual_clients,
        "jointly_worked": figures.jointly_worked,
        "percentage": figures.percentage,
        "provisional": provisional,
        "clients": [
            {
                "client_ref": c.client_ref,
                "jointly_worked": c.jointly_worked,
                "failed_criteria": [str(f) for f in c.failed_criteria],
            }
            for c in figures.clients
        ],
        "excluded": [{"client_ref": c.client_ref, "reason": str(c.excluded)} for c in figures.excluded],
    }


def month_text(figures: MonthFigures, *, so_far: str | None = None) -> str:
    """`so_far` ('so far: 5 of 31 days') for the month in progress."""
    scope = figures.team or "all teams"
    headline = figure_text(figures.jointly_worked, figures.mutual_clients, figures.percentage)
    if so_far:
        headline += f", {so_far} (provisional)"
    lines = [
        f"{figures.month.label()}, {scope} (definition version {figures.definition_version})",
        headline,
    ]
    reasons = figures.reasons()
    if reasons:
        lines.append("Not jointly worked because of:")
        lines += [f"  {why_not(criterion)}: {count}" for criterion, count in reasons]
    if figures.excluded:
        lines.append(
            f"Excluded (fewer than {figures.definition.min_overlap_days} mutual days): {len(figures.excluded)}"
        )
    return "\n".join(lines) + "\n"


def series_json(series: Series) -> dict[str, Any]:
    """SPEC §5 `series --json`: proportions as fractions 0..1, percentage 0..100."""
    analysis = series.analysis
    return {
        "from": str(series.first),
        "to": str(series.last),
        "team": series.team,
        "months": [
            {
                "month": str(m.month),
                "definition_version": m.definition_version,
                "mutual_clients": m.mutual_clients,
                "jointly_worked": m.jointly_worked,
                "percentage": m.percentage,
                "part": m.part,
                "centre": m.centre,
                "lower_limit": m.lower_limit,
                "upper_limit": m.upper_limit,
                "outside_limits": m.outside_limits,
                "provisional": m.provisional,
            }
            for m in analysis.months
        ],
        "parts": [
            {
                "part": p.part,
                "from": str(p.from_),
                "to": str(p.to),
                "chart": str(p.chart),
                "centre": p.centre,
                "useful_observations": p.useful_observations,
                "longest_run": p.longest_run,
                "longest_run_limit": p.longest_run_limit,
                "crossings": p.crossings,
                "crossings_limit": p.crossings_limit,
                "runs_signal": p.runs_signal,
                "trial_limits": p.trial,
                "longest_run_months": [str(m) for m in p.longest_run_months],
                "months_outside_limits": [str(m) for m in p.months_outside_limits],
                "reading": p.reading,
            }
            for p in analysis.parts
        ],
    }


def series_csv(series: Series) -> str:
    """One row a month (month, mutual_clients, jointly_worked, percentage) for other QI tools;
    a month with no mutual clients has an empty percentage."""
    rows = ["month,mutual_clients,jointly_worked,percentage"]
    for m in series.months:
        value = "" if m.percentage is None else repr(m.percentage)
        rows.append(f"{m.month},{m.mutual_clients},{m.jointly_worked},{value}")
    return "\n".join(rows) + "\n"


def series_text(series: Series) -> str:
    scope = series.team or "all teams"
    lines = [f"{series.first.label()} to {series.last.label()}, {scope}", ""]
    lines.append(f"{'Month':<10} {'Worked':>6} {'Mutual':>6} {'%':>5}  Part  Centre  Limits")
    for m in series.analysis.months:
        limits = (
            f"{percent_text(100 * m.lower_limit)}-{percent_text(100 * m.upper_limit)}"
            if m.lower_limit is not None and m.upper_limit is not None
            else ""
        )
        flag = (
            "  outside limits" if m.outside_limits else "  provisional (in progress)" if m.provisional else ""
        )
        centre = percent_text(100 * m.centre) if m.centre is not None else "–"
        lines.append(
            f"{str(m.month):<10} {m.jointly_worked:>6} {m.mutual_clients:>6} {percent_text(m.percentage):>5}"
            f"  {m.part:>4}  {centre:>6}  {limits}{flag}"
        )
    lines.append("")
    for p in series.analysis.parts:
        lines.append(f"Part {p.part} ({p.from_} to {p.to}), {p.chart} chart: {p.reading}")
    return "\n".join(lines) + "\n"


__all__ = ["month_json", "month_text", "percent_text", "series_csv", "series_json", "series_text"]


def todo_json(todo: ToDo) -> dict[str, Any]:
    """SPEC §6 `todo --json`."""
    return {
        "month": str(todo.month),
        "team": todo.team,
        "coordinator": todo.coordinator,
        "not_yet": [
            {
                "client_ref": n.client_ref,
                "care_coordinator": n.client.care_coordinator,
                "key_worker": n.client.key_worker,
                "missing": [str(c) for c in n.missing],
                "due": n.due.isoformat(),
            }
            for n in todo.not_yet
        ],
        "at_risk_next_month": [
            {
                "client_ref": r.client_ref,
                "needs": str(r.needs),
                "by": r.by.isoformat(),
                "last_joint": None if r.last_joint is None else r.last_joint.isoformat(),
            }
            for r in todo.at_risk_next_month
        ],
        "missed_appointments": [
            {"client_ref": m.client_ref, "date": m.date.isoformat(), "followed_up": m.followed_up}
            for m in todo.missed_appointments
        ],
    }


def _reach(worker: Worker | None) -> str:
    """' (07700 900123, bob@cgl.org.uk)': how to reach the key worker, if the directory says."""
    ways = [w for w in (worker.phone, worker.email) if w] if worker is not None else []
    return f" ({', '.join(ways)})" if ways else ""


def todo_text(todo: ToDo) -> str:
    """The work list for a terminal: what is missing by the day it is due, who is at risk next
    month, and the missed joint appointments, each with the key worker and how to reach them."""
    scope = ", ".join(s for s in (todo.team, todo.coordinator) if s) or "all teams"
    lines = [f"To do, {todo.month.label()}, {scope}"]
    lines.append(f"Not yet jointly worked: {len(todo.not_yet)}")
    for n in todo.not_yet:
        client = n.client
        lines.append(
            f"  by {short_date_text(n.due)}  {n.client_ref}  {client.care_coordinator or '(none named)'}"
            f" / {client.key_worker or '(none named)'}{_reach(todo.key_worker(client))}: "
            + ", ".join(label(c).lower() for c in n.missing)
        )
    lines.append(f"At risk next month: {len(todo.at_risk_next_month)}")
    for r in todo.at_risk_next_month:
        lines.append(
            f"  {r.client_ref}  {r.advice()}"
            f"  ({r.client.key_worker or 'no key worker named'}{_reach(todo.key_worker(r.client))})"
        )
    lines.append(f"Missed joint appointments: {len(todo.missed_appointments)}")
    for m in todo.missed_appointments:
        done = "followed up" if m.followed_up else "to follow up"
        lines.append(
            f"  {short_date_text(m.date)}  {m.client_ref}  {done}"
            f"  ({m.client.key_worker or 'no key worker named'}{_reach(todo.key_worker(m.client))})"
        )
    return "\n".join(lines) + "\n"


def measures_text(table: MeasuresTable) -> str:
    """`ddcase measures` for a terminal: one block per measure, as the summary table says it."""
    from ddcase.rules.measures import ASSURANCE_WORDS, VARIATION_WORDS, aim_text, value_text

    lines = [f"Measures for {table.month.label()}, {table.team or 'all teams'}:"]
    for reading in table.readings:
        e = reading.entry
        lines.append(f"- {e['name']} [{e['key']}, {e['type']}]")
        lines.append(
            f"    {value_text(e)}{' (provisional)' if e['provisional'] else ''}; aim {aim_text(e)}; "
            f"{VARIATION_WORDS[e['variation']]}; {ASSURANCE_WORDS[e['assurance']]}; rule: {reading.rule_text()}"
        )
    return "\n".join(lines) + "\n"

"""The command line's output formats: SPEC §4's JSON, plain text for a terminal, and CSV for
other QI tools. Numbers come straight from the figures service; nothing is recomputed here."""

from __future__ import annotations

from typing import Any

from ddcase.domain.format import figure_text, percent_text
from ddcase.rules.figures import MonthFigures


def month_json(figures: MonthFigures) -> dict[str, Any]:
    """SPEC §4 `figures --json`."""
    return {
        "month": str(figures.month),
        "team": figures.team,
        "definition_version": figures.definition_version,
        "mutual_clients": figures.mutual_clients,
        "jointly_worked": figures.jointly_worked,
        "percentage": figures.percentage,
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


def month_text(figures: MonthFigures) -> str:
    scope = figures.team or "all teams"
    lines = [
        f"{figures.month.label()}, {scope} (definition version {figures.definition_version})",
        figure_text(figures.jointly_worked, figures.mutual_clients, figures.percentage),
    ]
    reasons = figures.reasons()
    if reasons:
        lines.append("Not jointly worked because of:")
        lines += [f"  {criterion.missing_text}: {count}" for criterion, count in reasons]
    if figures.excluded:
        lines.append(
            f"Excluded (fewer than {figures.definition.min_overlap_days} mutual days): {len(figures.excluded)}"
        )
    return "\n".join(lines) + "\n"


__all__ = ["month_json", "month_text", "percent_text"]

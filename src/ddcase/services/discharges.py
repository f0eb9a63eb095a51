"""The discharge guard's reads (issue 17): the guarded discharges of a range of months, the
flagged ones for the other side's worker (To do, the meeting PDF) and the monthly measure
`discharges_with_other_service` (SPEC §6). The rule is `rules.discharges`; the check made when
an episode is ended is `CaseworkService.discharge_check`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from ddcase.domain import Contact, Month, definition_in_force, month_range
from ddcase.rules.criteria import COUNTING_OUTCOMES, counted_modes
from ddcase.rules.discharges import (
    INVOLVEMENT_WINDOW_DAYS,
    MEASURE,
    Discharge,
    discharge_of,
    guarded_endings,
    monthly_series,
)
from ddcase.rules.measures import Measure, MeasureMonth
from ddcase.services.base import Context
from ddcase.storage import discharge_notes, repository


class DischargeService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    def discharges(self, first: Month, last: Month, team: str | None = None) -> list[Discharge]:
        """Every guarded discharge ending in `first`..`last` (of `team`'s CMHT when given),
        by end date then client."""
        return self.discharges_of_teams(first, last, [team])[0]

    def discharges_of_teams(
        self, first: Month, last: Month, teams: list[str | None]
    ) -> list[list[Discharge]]:
        """`discharges` for each of `teams` (None: all teams), from one read of every client who
        may have a guarded discharge in the range (`discharge_notes.ending_histories`): each
        episode is judged by the rule with the client's episodes around its end and the contacts
        that can count in its window (only the guarded discharges' are read)."""
        first_day, last_day = first.first_day, last.last_day
        with self._db.read() as session:
            definitions = repository.definitions(session)
            read = discharge_notes.ending_histories(session, first_day, last_day)
            guarded = [  # an Episode made only of the discharges (most episodes read are not)
                (ending.episode(), episodes)
                for episodes in read.episodes.values()
                for ending in guarded_endings(episodes, first_day, last_day)
            ]
            in_force = {m: definition_in_force(definitions, m) for m in month_range(first, last)}
            contacts = discharge_notes.contacts_before_ends(
                session,
                [episode.id for episode, _ in guarded if episode.id is not None],
                INVOLVEMENT_WINDOW_DAYS,
                [o.value for o in COUNTING_OUTCOMES],
                sorted({mode.value for d in in_force.values() for mode in counted_modes(d)}),
            )
        no_contacts: list[Contact] = []
        found = [
            discharge_of(
                episode,
                episodes,
                contacts.get(episode.id, no_contacts) if episode.id is not None else no_contacts,
                in_force[Month.of(episode.end_date)],
                read.reasons.get(episode.id) if episode.id is not None else None,
            )
            for episode, episodes in guarded
            if episode.end_date is not None  # ended in the range: guarded_endings
        ]
        found.sort(key=_order)
        by_team: dict[str | None, list[Discharge]] = {}
        for discharge in found:
            by_team.setdefault(discharge.team, []).append(discharge)
        return [list(found) if team is None else by_team.get(team, []) for team in teams]

    def flagged(
        self, month: Month, other_worker: str | None = None, team: str | None = None
    ) -> list[Discharge]:
        """The month's discharges made without the other service (for `other_worker`, the other
        side's named worker, when given): To do and the meeting PDF list them."""
        return [
            d
            for d in self.discharges(month, month, team)
            if d.flagged and (other_worker is None or d.other_worker == other_worker)
        ]


def _order(discharge: Discharge) -> tuple[date, str, str]:
    """Discharges by end date, then client, then side (`end_date` and `client_ref` read from the
    episode itself: a property's call for each of a trust's 6,700 is most of the sort's time)."""
    episode = discharge.episode
    assert episode.end_date is not None
    return (episode.end_date, episode.client_ref, episode.service.value)


def discharge_measures(
    context: Context, first: Month, last: Month, team: str | None
) -> list[tuple[Measure, list[MeasureMonth]]]:
    """SPEC §6 `discharges_with_other_service`, monthly from `first` to `last`: the month's
    guarded discharges (denominator) and those with the other service involved (numerator)."""
    return discharge_measures_of_teams(context, first, last, [team])[0]


def discharge_measures_of_teams(
    context: Context,
    first: Month,
    last: Month,
    teams: list[str | None],
    read: Callable[[], Sequence[list[Discharge]]] | None = None,
) -> list[list[tuple[Measure, list[MeasureMonth]]]]:
    """`discharge_measures` for each of `teams`, from one read of the discharges: `read`, when
    given, gives `DischargeService.discharges_of_teams(first, last, teams)` as the caller read
    it (the meeting PDF reads them once for the measure and its safety section)."""
    months = list(month_range(first, last))
    today = context.today()
    found = DischargeService(context).discharges_of_teams(first, last, teams) if read is None else read()
    return [[(MEASURE, monthly_series(discharges, months, today))] for discharges in found]

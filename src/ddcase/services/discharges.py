"""The discharge guard's reads (issue 17): the guarded discharges of a range of months, the
flagged ones for the other side's worker (To do, the meeting PDF) and the monthly measure
`discharges_with_other_service` (SPEC §6). The rule is `rules.discharges`; the check made when
an episode is ended is `CaseworkService.discharge_check`."""

from __future__ import annotations

from ddcase.domain import Contact, Month, month_range
from ddcase.rules.criteria import COUNTING_OUTCOMES
from ddcase.rules.discharges import (
    INVOLVEMENT_WINDOW_DAYS,
    MEASURE,
    Discharge,
    guarded_discharge,
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
        """`discharges` for each of `teams` (None: all teams), from one read of every client with
        an episode ending in the range (`discharge_notes.ending_histories`, a few queries whatever
        their number): each episode is judged by the rule with the client's episodes around its
        end and the contacts that can count in its window."""
        with self._db.read() as session:
            definitions = repository.definitions(session)
            read = discharge_notes.ending_histories(session, first.first_day, last.last_day)
            first_day, last_day = first.first_day, last.last_day
            guarded = [
                (client_id, episode, episodes)
                for client_id, episodes in read.episodes.items()
                for episode in guarded_endings(episodes, first_day, last_day)
            ]
            # Only the guarded discharges' contacts are read: the rule picks the one that counts.
            contacts = discharge_notes.contacts_before_ends(
                session,
                [episode.id for _, episode, _ in guarded if episode.id is not None],
                INVOLVEMENT_WINDOW_DAYS,
                [o.value for o in COUNTING_OUTCOMES],
            )
        found: list[Discharge] = []
        no_contacts: list[Contact] = []
        for client_id, episode, episodes in guarded:
            reason = read.reasons.get(episode.id) if episode.id is not None else None
            discharge = guarded_discharge(
                episode, episodes, contacts.get(client_id, no_contacts), definitions, reason
            )
            if discharge is not None:
                found.append(discharge)
        found.sort(key=lambda d: (d.end_date, d.client_ref, d.episode.service.value))
        return [[d for d in found if team is None or d.team == team] for team in teams]

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


def discharge_measures(
    context: Context, first: Month, last: Month, team: str | None
) -> list[tuple[Measure, list[MeasureMonth]]]:
    """SPEC §6 `discharges_with_other_service`, monthly from `first` to `last`: the month's
    guarded discharges (denominator) and those with the other service involved (numerator)."""
    return discharge_measures_of_teams(context, first, last, [team])[0]


def discharge_measures_of_teams(
    context: Context, first: Month, last: Month, teams: list[str | None]
) -> list[list[tuple[Measure, list[MeasureMonth]]]]:
    """`discharge_measures` for each of `teams`, from one read of the discharges."""
    months = list(month_range(first, last))
    today = context.today()
    return [
        [(MEASURE, monthly_series(discharges, months, today))]
        for discharges in DischargeService(context).discharges_of_teams(first, last, teams)
    ]

"""The discharge guard's reads (issue 17): the guarded discharges of a range of months, the
flagged ones for the other side's worker (To do, the meeting PDF) and the monthly measure
`discharges_with_other_service` (SPEC §6). The rule is `rules.discharges`; the check made when
an episode is ended is `CaseworkService.discharge_check`."""

from __future__ import annotations

from ddcase.domain import Month, month_range
from ddcase.rules.discharges import MEASURE, Discharge, guarded_discharge, monthly_series
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
        found: list[Discharge] = []
        with self._db.read() as session:
            definitions = repository.definitions(session)
            for client_id in discharge_notes.clients_with_endings(session, first.first_day, last.last_day):
                episodes = repository.episodes_for(session, client_id)
                ending = [
                    e
                    for e in episodes
                    if e.end_date is not None and first.first_day <= e.end_date <= last.last_day
                ]
                contacts = repository.contacts_for(session, client_id)
                noted = discharge_notes.reasons(session, [e.id for e in ending if e.id is not None])
                for episode in ending:
                    reason = noted.get(episode.id) if episode.id is not None else None
                    discharge = guarded_discharge(episode, episodes, contacts, definitions, reason)
                    if discharge is not None and (team is None or discharge.team == team):
                        found.append(discharge)
        return sorted(found, key=lambda d: (d.end_date, d.client_ref, d.episode.service.value))

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
    discharges = DischargeService(context).discharges(first, last, team)
    months = list(month_range(first, last))
    return [(MEASURE, monthly_series(discharges, months, context.today()))]

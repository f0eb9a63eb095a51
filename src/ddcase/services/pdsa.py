"""PDSA cycles linked to measures (issue 16 item 6): list, add, update and close, each checked
(`rules.pdsa`), in one transaction and with an audit entry; the marks their starts leave on each
linked chart; and the meeting's list of open cycles, each prediction beside what the chart then
showed. The CLI (`ddcase pdsa`), the desktop app and the meeting PDF all call this."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from ddcase.domain import Annotation, FieldProblem, Month, ValidationError
from ddcase.domain.format import short_date_text
from ddcase.domain.pdsa import PdsaCycle
from ddcase.rules import pdsa as rules
from ddcase.services.base import Context, as_record, audit_change, changed_by, check_version
from ddcase.storage import pdsa as store
from ddcase.storage import repository
from ddcase.storage.database import Session


class PdsaService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    # ------------------------------------------------------------------ reading

    def cycles(
        self, team: str | None = None, *, every_team: bool = False, open_only: bool = False
    ) -> list[PdsaCycle]:
        """A team's cycles with the whole service's (None: the whole service's), or every team's;
        by start date."""
        with self._db.read() as session:
            found = store.cycles(session, team, every_team=every_team)
        return [c for c in found if c.is_open] if open_only else found

    def get(self, cycle_id: int) -> PdsaCycle:
        with self._db.read() as session:
            return store.cycle_value(store.cycle_row(session, cycle_id, f"No PDSA cycle number {cycle_id}."))

    def marks(self, key: str, team: str | None = None) -> list[Annotation]:
        """The marks on the chart of measure `key` for a team: each linked cycle's start."""
        return rules.cycle_marks(self.cycles(team), key)

    # ------------------------------------------------------------------ changing

    def add(self, draft: PdsaCycle) -> PdsaCycle:
        """A new cycle (open: study, act and closing come later, with `close`)."""
        draft = replace(_tidy(draft), id=None, version=0, closed_on=None)
        self._check(draft)
        with self._db.write() as session:
            return self._write(session, store.new_cycle_row(draft), draft, None, "create")

    def update(self, draft: PdsaCycle) -> PdsaCycle:
        """Change a cycle (its `version` as read); its closing day stays as it is."""
        if draft.id is None:
            raise ValidationError([FieldProblem("id", "which cycle? (its number)")])
        cycle_id = draft.id
        before = self._read(cycle_id)
        draft = replace(_tidy(draft), closed_on=before.closed_on)
        self._check(draft, before)  # checked before writing: the measures' keys are read
        with self._db.write() as session:
            row = _row(session, cycle_id)
            check_version(row, draft.version, "The PDSA cycle")
            return self._write(session, row, draft, store.cycle_value(row), "update")

    def close(
        self,
        cycle_id: int,
        version: int,
        *,
        study: str | None = None,
        act: str | None = None,
        closed_on: date | None = None,
    ) -> PdsaCycle:
        """Close a cycle on `closed_on` (default today) with its study and act notes (each kept
        as it was when not given; both are needed to close). Its end date, if not set, becomes
        the closing day."""
        before = self._read(cycle_id)
        if not before.is_open:
            raise ValidationError([FieldProblem("closed_on", f"closed already, on {before.closed_on}")])
        day = closed_on or self._context.today()
        draft = _tidy(
            replace(
                before,
                study=before.study if study is None else study,
                act=before.act if act is None else act,
                closed_on=day,
                end=before.end or day,
                version=version,
            )
        )
        self._check(draft, before)
        with self._db.write() as session:
            row = _row(session, cycle_id)
            check_version(row, version, "The PDSA cycle")
            return self._write(session, row, draft, store.cycle_value(row), "close")

    # ------------------------------------------------------------------ helpers

    def known_keys(self, team: str | None = None) -> dict[str, str]:
        """The keys of the family of measures (SPEC §6) this month, with their names."""
        from ddcase.services.measures import SOURCES

        month = Month.of(self._context.today())
        # Each source asked for this month alone: the keys and names, nothing charted.
        return {
            measure.key: measure.name
            for source in SOURCES
            for measure, _months in source(self._context, month, month, team)
        }

    def _check(self, draft: PdsaCycle, before: PdsaCycle | None = None) -> None:
        problems = rules.cycle_problems(draft, self._context.today())
        new_keys = [k for k in draft.measures if before is None or k not in before.measures]
        if new_keys and not any(p.field in {"measures", "team"} for p in problems):
            known = self.known_keys(draft.team) if _team_known(self, draft.team) else {}
            unknown = [k for k in new_keys if k not in known]
            if unknown and known:
                problems.append(
                    FieldProblem(
                        "measures",
                        f"no measure {', '.join(unknown)} (the measures: {', '.join(known)})",
                    )
                )
        if draft.team is not None:
            with self._db.read() as session:
                teams = repository.teams(session)
            if draft.team not in teams:
                named = ", ".join(teams) if teams else "none recorded yet"
                problems.append(
                    FieldProblem("team", f"no team called {draft.team!r} in the log (teams: {named})")
                )
        if problems:
            raise ValidationError(problems)

    def _read(self, cycle_id: int) -> PdsaCycle:
        with self._db.read() as session:
            return store.cycle_value(_row(session, cycle_id))

    def _write(
        self, session: Session, row: store.CycleRow, draft: PdsaCycle, before: PdsaCycle | None, action: str
    ) -> PdsaCycle:
        saved = store.save(session, row, draft, at=self._context.now(), by=changed_by(self._context))
        audit_change(
            self._context,
            session,
            action=action,
            entity="pdsa_cycle",
            key=str(saved.id),
            before=as_record(before) if before is not None else None,
            after=as_record(saved),
        )
        return saved


def _row(session: Session, cycle_id: int) -> store.CycleRow:
    return store.cycle_row(session, cycle_id, f"No PDSA cycle number {cycle_id}; nothing was saved.")


def _team_known(service: PdsaService, team: str | None) -> bool:
    if team is None:
        return True
    with service._db.read() as session:
        return team in repository.teams(session)


def _tidy(draft: PdsaCycle) -> PdsaCycle:
    def clean(text: str | None) -> str | None:
        return (text or "").strip() or None

    return replace(
        draft,
        title=draft.title.strip(),
        plan=clean(draft.plan),
        prediction=clean(draft.prediction),
        owner=clean(draft.owner),
        study=clean(draft.study),
        act=clean(draft.act),
        team=clean(draft.team),
        measures=tuple(k.strip() for k in draft.measures if k.strip()),
    )


def problems(cycle: PdsaCycle, today: date) -> list[FieldProblem]:
    """What is wrong with a cycle as typed (the forms check as the user types; the service
    checks again, with the measures' keys, when it saves)."""
    return rules.cycle_problems(cycle, today)


def cycle_json(cycle: PdsaCycle) -> dict[str, Any]:
    """A cycle as `ddcase pdsa ... --json` prints it (dates YYYY-MM-DD, null when not set)."""

    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": cycle.id,
        "team": cycle.team,
        "title": cycle.title,
        "plan": cycle.plan,
        "prediction": cycle.prediction,
        "owner": cycle.owner,
        "start": cycle.start.isoformat(),
        "end": day(cycle.end),
        "measures": list(cycle.measures),
        "study": cycle.study,
        "act": cycle.act,
        "open": cycle.is_open,
        "closed_on": day(cycle.closed_on),
    }


def cycle_text(cycle: PdsaCycle) -> str:
    """A cycle in a few lines, as `ddcase pdsa list` prints it."""
    closed_on = cycle.closed_on
    status = "open" if closed_on is None else f"closed {short_date_text(closed_on)}"
    until = f" to {short_date_text(cycle.end)}" if cycle.end else ""
    lines = [
        f"#{cycle.id} {cycle.title} ({status}; {short_date_text(cycle.start)}{until}"
        f"{'; ' + cycle.owner if cycle.owner else ''}{'; ' + cycle.team if cycle.team else ''})",
        f"  Measures: {', '.join(cycle.measures)}",
    ]
    for label, text in (
        ("Plan", cycle.plan),
        ("Prediction", cycle.prediction),
        ("Study", cycle.study),
        ("Act", cycle.act),
    ):
        if text:
            lines.append(f"  {label}: {text}")
    return "\n".join(lines) + "\n"

"""The chart's companions (SPEC §5, issue "team-meeting PDF"): dated notes (change ideas, PDSA
cycles, events, process changes that start a new part) and a team's aim and baseline."""

from __future__ import annotations

from dataclasses import replace

from ddcase.domain import Annotation, FieldProblem, MeasureSettings, ValidationError
from ddcase.domain.validation import text_problem
from ddcase.services.base import Context, as_record, audit_change, changed_by, check_version
from ddcase.storage import records, repository


class NotesService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    def annotations(self, team: str | None = None) -> list[Annotation]:
        """The notes drawn on a team's chart: its own and those for every team."""
        with self._db.read() as session:
            return repository.annotations(session, team)

    def save_annotation(self, note: Annotation) -> Annotation:
        note = replace(note, text=note.text.strip(), team=(note.team or "").strip() or None)
        problems = [
            FieldProblem(field, message)
            for field, value, required in (("text", note.text, True), ("team", note.team, False))
            if (message := text_problem(field, value, required=required))
        ]
        if problems:
            raise ValidationError(problems)
        with self._db.write() as session:
            if note.id is None:
                row = records.new_annotation(note)
                before = None
            else:
                row = records.annotation(session, note.id)
                check_version(row, note.version, "The note")
                before = as_record(repository.annotation_value(row))
            records.apply_annotation(row, note)
            records.store(session, row, at=self._context.now(), by=changed_by(self._context))
            saved = repository.annotation_value(row)
            audit_change(
                self._context,
                session,
                action="create" if before is None else "update",
                entity="annotation",
                key=str(saved.id),
                before=before,
                after=as_record(saved),
            )
            return saved

    def delete_annotation(self, note: Annotation) -> None:
        with self._db.write() as session:
            found = records.annotation_if_there(session, note.id)
            if found is None:
                return
            check_version(found, note.version, "The note")
            records.delete(session, found)
            audit_change(
                self._context,
                session,
                action="delete",
                entity="annotation",
                key=str(note.id),
                before=as_record(note),
            )

    def measure_settings(self, team: str | None = None) -> MeasureSettings:
        with self._db.read() as session:
            return repository.measure_settings(session, team)

    def save_measure_settings(self, settings: MeasureSettings) -> MeasureSettings:
        """Set a team's aim (a percentage, by a month) and baseline (the first k months of each
        part fix the centre line and limits)."""
        problems = []
        if settings.aim_percentage is not None and not 0 <= settings.aim_percentage <= 100:
            problems.append(FieldProblem("aim_percentage", "between 0 and 100"))
        if settings.baseline_months is not None and not 1 <= settings.baseline_months <= 60:
            problems.append(FieldProblem("baseline_months", "between 1 and 60 months"))
        message = text_problem("text", settings.aim_text)
        if message:
            problems.append(FieldProblem("aim_text", message))
        if message := text_problem("team", settings.team):
            problems.append(FieldProblem("team", message))
        if problems:
            raise ValidationError(problems)
        key = settings.team or ""
        with self._db.write() as session:
            row = records.measure_settings_row(session, key)
            before = None
            if row is None:
                row = records.new_measure_settings(key)
            else:
                check_version(row, settings.version, "The aim and baseline")
                before = as_record(repository.measure_settings(session, settings.team))
            records.apply_measure_settings(row, settings)
            records.store(session, row, at=self._context.now(), by=changed_by(self._context))
            saved = repository.measure_settings(session, settings.team)
            audit_change(
                self._context,
                session,
                action="create" if before is None else "update",
                entity="measure_settings",
                key=key or "(all teams)",
                before=before,
                after=as_record(saved),
            )
            return saved

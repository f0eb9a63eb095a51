"""The chart's companions (SPEC §5, issue "team-meeting PDF"): dated notes (change ideas, PDSA
cycles, events, process changes that start a new part) and a team's aim and baseline."""

from __future__ import annotations

from dataclasses import replace

from ddcase.domain import Annotation, FieldProblem, MeasureSettings, NotFoundError, ValidationError
from ddcase.domain.validation import text_problem
from ddcase.services.base import Context, as_record, check_version
from ddcase.storage import audit, repository
from ddcase.storage.tables import AnnotationRow, MeasureSettingsRow


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
        message = text_problem("text", note.text, required=True)
        if message:
            raise ValidationError([FieldProblem("text", message)])
        with self._db.write() as session:
            if note.id is None:
                row = AnnotationRow(month=str(note.month), text=note.text)
                before = None
            else:
                found = session.get(AnnotationRow, note.id)
                if found is None:
                    raise NotFoundError("This note was deleted by someone else; nothing was saved.")
                row = found
                check_version(row, note.version, "The note")
                before = as_record(repository.annotation_value(row))
            row.month = str(note.month)
            row.team = note.team or ""
            row.text = note.text
            row.new_part = note.new_part
            row.updated_at = self._context.now()
            row.updated_by = self._context.user or audit.os_user()
            session.add(row)
            session.flush()
            saved = repository.annotation_value(row)
            audit.append(
                session,
                action="create" if before is None else "update",
                entity="annotation",
                key=str(saved.id),
                before=before,
                after=as_record(saved),
                app_user=self._context.user,
                at=self._context.now(),
            )
            return saved

    def delete_annotation(self, note: Annotation) -> None:
        with self._db.write() as session:
            row = session.get(AnnotationRow, note.id)
            if row is None:
                return
            check_version(row, note.version, "The note")
            session.delete(row)
            audit.append(
                session,
                action="delete",
                entity="annotation",
                key=str(note.id),
                before=as_record(note),
                app_user=self._context.user,
                at=self._context.now(),
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
        if problems:
            raise ValidationError(problems)
        key = settings.team or ""
        with self._db.write() as session:
            row = session.get(MeasureSettingsRow, key)
            before = None
            if row is None:
                row = MeasureSettingsRow(team=key)
            else:
                check_version(row, settings.version, "The aim and baseline")
                before = as_record(repository.measure_settings(session, settings.team))
            row.aim_percentage = settings.aim_percentage
            row.aim_by = str(settings.aim_by) if settings.aim_by else None
            row.aim_text = settings.aim_text
            row.baseline_months = settings.baseline_months
            row.updated_at = self._context.now()
            row.updated_by = self._context.user or audit.os_user()
            session.add(row)
            session.flush()
            saved = repository.measure_settings(session, settings.team)
            audit.append(
                session,
                action="create" if before is None else "update",
                entity="measure_settings",
                key=key or "(all teams)",
                before=before,
                after=as_record(saved),
                app_user=self._context.user,
                at=self._context.now(),
            )
            return saved

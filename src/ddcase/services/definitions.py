"""The operational definition and its versions (SPEC §2). Versions are data, agreed by the team
from a month on; earlier months keep the version they were judged by."""

from __future__ import annotations

from dataclasses import replace

from ddcase.domain import Definition, DomainError, FieldProblem, Month, ValidationError, definition_in_force
from ddcase.domain.validation import check_definition
from ddcase.services.base import Context, as_record
from ddcase.storage import audit, repository


class DefinitionService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    def versions(self) -> list[Definition]:
        with self._db.read() as session:
            return repository.definitions(session) or [Definition()]

    def in_force(self, month: Month) -> Definition:
        return definition_in_force(self.versions(), month)

    def agree(self, definition: Definition, first_month: Month) -> Definition:
        """Agree a new version in force from `first_month` on. It must start after every earlier
        version's first month, so the history stays one line of versions."""
        problems = check_definition(definition)
        if problems:
            raise ValidationError(problems)
        with self._db.write() as session:
            existing = repository.definitions(session)
            latest_start = max((d.first_month for d in existing if d.first_month), default=None)
            if latest_start is not None and first_month <= latest_start:
                raise ValidationError(
                    [
                        FieldProblem(
                            "first_month",
                            f"must be after {latest_start.label()}, when the latest version began",
                        )
                    ]
                )
            number = max((d.version for d in existing), default=0) + 1
            if number == 1:
                raise DomainError("The database has no definition; run the migrations first.")
            new = replace(
                definition,
                version=number,
                first_month=first_month,
                agreed_on=definition.agreed_on or self._context.today(),
            )
            row = repository.definition_row(new)
            row.updated_at = self._context.now()
            row.updated_by = self._context.user or audit.os_user()
            session.add(row)
            session.flush()
            audit.append(
                session,
                action="create",
                entity="definition",
                key=str(number),
                after=as_record(new),
                app_user=self._context.user,
                at=self._context.now(),
            )
            return new

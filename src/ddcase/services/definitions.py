"""The operational definition and its versions (SPEC §2). Versions are data, agreed by the team
from a month on; earlier months keep the version they were judged by."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ddcase.domain import Definition, DomainError, FieldProblem, Month, ValidationError, definition_in_force
from ddcase.domain.validation import check_definition
from ddcase.rules.figures import MonthCounts
from ddcase.services.base import Context, as_record, audit_change, changed_by
from ddcase.services.figures import FiguresService
from ddcase.storage import records, repository


@dataclass(frozen=True, slots=True)
class Rejudged:
    """A month that has begun, judged again by a proposed version: its figure before and after
    (for every team). `so_far` marks the month in progress."""

    before: MonthCounts
    after: MonthCounts
    so_far: bool

    @property
    def month(self) -> Month:
        return self.before.month

    def changed(self) -> bool:
        return (self.before.jointly_worked, self.before.mutual_clients) != (
            self.after.jointly_worked,
            self.after.mutual_clients,
        )


class DefinitionService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    def versions(self) -> list[Definition]:
        with self._db.read() as session:
            return repository.definitions(session) or [Definition()]

    def in_force(self, month: Month) -> Definition:
        return definition_in_force(self.versions(), month)

    def latest(self) -> Definition:
        """The version with the highest number: the one a new version follows."""
        return self.versions()[-1]

    def this_month(self) -> Month:
        return Month.of(self._context.today())

    def agree(self, definition: Definition, first_month: Month) -> Definition:
        """Agree a new version in force from `first_month` on. It must start after every earlier
        version's first month, so the history stays one line of versions, and it must differ from
        the latest version in a criterion or a parameter (the same rules again would only start
        a new part of the chart)."""
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
            if existing and existing[-1].rules() == definition.rules():
                raise ValidationError([FieldProblem("definition", same_as_text(existing[-1]))])
            number = max((d.version for d in existing), default=0) + 1
            if number == 1:
                raise DomainError("The database has no definition; run the migrations first.")
            new = replace(
                definition,
                version=number,
                first_month=first_month,
                agreed_on=definition.agreed_on or self._context.today(),
                agreed_in=(definition.agreed_in or "").strip() or None,
            )
            row = repository.definition_row(new)
            records.store(session, row, at=self._context.now(), by=changed_by(self._context))
            audit_change(
                self._context,
                session,
                action="create",
                entity="definition",
                key=str(number),
                after=as_record(new),
            )
            return new

    def rejudged(self, definition: Definition, first_month: Month) -> list[Rejudged]:
        """The months that have begun (up to today's) that a version in force from `first_month`
        would judge again, each with its figure now and under `definition`; empty when the first
        month is still to come. Computed by the figures service; nothing is saved."""
        this_month = self.this_month()
        if first_month > this_month:
            return []
        figures = FiguresService(self._context)
        before = figures.counts(first_month, this_month)
        after = figures.counts_if(first_month, this_month, definition)
        return [Rejudged(b, a, b.month == this_month) for b, a in zip(before, after, strict=True)]

    def withdraw(self, definition: Definition) -> None:
        """Withdraw a version that is not yet in force (its first month is after today's): its
        row is deleted, never changed, and the audit trail keeps its values. A version in force
        has judged months that may have been reported, so it stays; agree a new one instead."""
        if definition.first_month is None or definition.first_month <= self.this_month():
            raise DomainError(
                f"Version {definition.version} is already in force, so it cannot be withdrawn; "
                "agree a new version from next month instead."
            )
        with self._db.write() as session:
            row = records.definition_row(session, definition.version)
            if row is None:
                raise DomainError(f"Version {definition.version} was already withdrawn.")
            stored = repository.definition_value(row)
            if stored.first_month != definition.first_month or stored.rules() != definition.rules():
                raise DomainError(
                    f"Version {definition.version} was changed by someone else; reload it and try again."
                )
            later = [d for d in repository.definitions(session) if d.version > definition.version]
            if later:
                raise DomainError(
                    f"Withdraw version {later[-1].version} first: it follows version {definition.version}."
                )
            records.delete(session, row)
            audit_change(
                self._context,
                session,
                action="delete",
                entity="definition",
                key=str(definition.version),
                before=as_record(stored),
                after=None,
            )


def same_as_text(version: Definition) -> str:
    """Why a proposed definition is refused when its rules are version N's."""
    return (
        f"the same as version {version.version}, which is in force: change a criterion or a "
        "parameter, or cancel"
    )

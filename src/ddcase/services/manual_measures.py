"""Measures a team enters by hand (issue 16, SPEC §6 `manual:SLUG`): define one, set a month's
value (the Measures page's grid), or import a CSV of values all or nothing (SPEC §3's errors,
`FILE:LINE: column: message`). Every change writes an audit entry, as every other record does."""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ddcase.domain import (
    DomainError,
    FieldProblem,
    ImportProblem,
    ImportRejected,
    Month,
    NotFoundError,
    ValidationError,
)
from ddcase.domain.measures import ManualMeasure, ManualValue
from ddcase.domain.validation import text_problem
from ddcase.rules.mdc import Better
from ddcase.rules.measures import Measure, MeasureMonth, MeasureType, Unit
from ddcase.services.base import Context, as_record, audit_change, changed_by, check_version
from ddcase.storage import manual_measures as store
from ddcase.storage import records, repository
from ddcase.storage.database import Session

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
WHOLE_ROW = "-"
#: The columns of an import, by unit (SPEC-silent; docs/decisions.md).
PROPORTION_COLUMNS = ("month", "numerator", "denominator")
VALUE_COLUMNS = ("month", "value")
MAX_IMPORT_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class ValuesImported:
    """What an import of a measure's values did."""

    file: str
    slug: str
    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return (
            f"Imported {self.file} into manual:{self.slug}: {self.created} new month(s), "
            f"{self.updated} changed, {self.unchanged} unchanged."
        )


def columns_for(unit: str) -> tuple[str, ...]:
    return PROPORTION_COLUMNS if unit == Unit.PROPORTION.value else VALUE_COLUMNS


def value_problems(unit: str, value: ManualValue) -> list[FieldProblem]:
    """What is wrong with a month's value for a measure of `unit` (none when it is right)."""
    problems = []
    if unit == Unit.PROPORTION.value:
        if value.value is not None:
            problems.append(
                FieldProblem("value", "a proportion has a numerator and a denominator, not a value")
            )
        if value.numerator is None:
            problems.append(FieldProblem("numerator", "required"))
        elif value.numerator < 0:
            problems.append(FieldProblem("numerator", "must be 0 or more"))
        if value.denominator is None:
            problems.append(FieldProblem("denominator", "required"))
        elif value.denominator < 1:
            problems.append(FieldProblem("denominator", "must be 1 or more (leave a month out for no data)"))
        elif value.numerator is not None and value.numerator > value.denominator:
            problems.append(
                FieldProblem(
                    "numerator", f"{value.numerator} is more than the denominator {value.denominator}"
                )
            )
        return problems
    if value.numerator is not None or value.denominator is not None:
        problems.append(FieldProblem("value", f"a {unit} has one value, not a numerator and a denominator"))
    if value.value is None:
        problems.append(FieldProblem("value", "required"))
    elif not math.isfinite(value.value):
        problems.append(FieldProblem("value", "must be a number"))
    elif unit == Unit.COUNT.value and (value.value < 0 or value.value != int(value.value)):
        problems.append(FieldProblem("value", "a count is a whole number, 0 or more"))
    return problems


class ManualMeasuresService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    # ------------------------------------------------------------------ reading

    def definitions(self, team: str | None = None, *, every_team: bool = False) -> list[ManualMeasure]:
        """The measures entered by hand for a team (None: the whole service), or every team's."""
        with self._db.read() as session:
            return store.measures(session, team, every_team=every_team)

    def get(self, slug: str) -> ManualMeasure:
        with self._db.read() as session:
            row = store.measure_row(session, slug)
            if row is None:
                raise NotFoundError(f"No measure entered by hand is called {slug!r}.")
            return store.measure_value(row)

    def values(self, slug: str) -> list[ManualValue]:
        with self._db.read() as session:
            row = store.measure_row(session, slug)
            if row is None or row.id is None:
                raise NotFoundError(f"No measure entered by hand is called {slug!r}.")
            return store.values(session, row.id)

    def measures(
        self, first: Month, last: Month, team: str | None
    ) -> list[tuple[Measure, list[MeasureMonth]]]:
        """The measure source (`services.measures.SOURCES`): each of the team's measures with
        its values from first to last; the month in progress is provisional (SPEC §5)."""
        return self.measures_of_teams(first, last, [team])[0]

    def measures_of_teams(
        self, first: Month, last: Month, teams: list[str | None]
    ) -> list[list[tuple[Measure, list[MeasureMonth]]]]:
        """`measures` for each of `teams`, in one read (`services.measures.OF_TEAMS`): every
        team's measures in one query (in the order of each team's own), then their values."""
        today = self._context.today()
        with self._db.read() as session:
            every = store.measures(session, every_team=True)
            return [
                self._measures(session, first, last, [m for m in every if m.team == (team or None)], today)
                for team in teams
            ]

    @staticmethod
    def _measures(
        session: Session, first: Month, last: Month, defined_measures: list[ManualMeasure], today: date
    ) -> list[tuple[Measure, list[MeasureMonth]]]:
        found = []
        for defined in defined_measures:
            assert defined.id is not None
            months = []
            for v in store.values(session, defined.id, first, last):
                provisional = v.month.is_provisional(today)
                if defined.unit == Unit.PROPORTION.value:
                    months.append(MeasureMonth(v.month, v.numerator, v.denominator, None, provisional))
                else:
                    number = (
                        int(v.value) if defined.unit == Unit.COUNT.value and v.value is not None else v.value
                    )
                    months.append(MeasureMonth(v.month, None, None, number, provisional))
            found.append((as_measure(defined), months))
        return found

    # ------------------------------------------------------------------ defining

    def define(self, draft: ManualMeasure) -> ManualMeasure:
        """Define a new measure (`id` None) or change one (its `version` as read). Its unit
        cannot change once it has values (they would mean something else)."""
        draft = _tidy(draft)
        problems = self._problems(draft)
        if problems:
            raise ValidationError(problems)
        with self._db.write() as session:
            before = None
            if draft.id is None:
                if store.measure_row(session, draft.slug) is not None:
                    raise ValidationError(
                        [FieldProblem("slug", f"there is already a measure called {draft.slug}")]
                    )
                row = store.new_measure_row(draft)
            else:
                row = store.measure_row_by_id(session, draft.id)
                check_version(row, draft.version, "The measure")
                before = store.measure_value(row)
                if before.unit != draft.unit and store.value_rows(session, draft.id):
                    raise ValidationError(
                        [
                            FieldProblem(
                                "unit", f"the measure has values as a {before.unit}; its unit cannot change"
                            )
                        ]
                    )
                taken = store.measure_row(session, draft.slug)
                if taken is not None and taken.id != draft.id:
                    raise ValidationError(
                        [FieldProblem("slug", f"there is already a measure called {draft.slug}")]
                    )
            store.apply_measure(row, draft)
            records.store(session, row, at=self._context.now(), by=changed_by(self._context))
            saved = store.measure_value(row)
            audit_change(
                self._context,
                session,
                action="create" if before is None else "update",
                entity="manual_measure",
                key=saved.slug,
                before=as_record(before) if before is not None else None,
                after=as_record(saved),
            )
            return saved

    def _problems(self, draft: ManualMeasure) -> list[FieldProblem]:
        problems = []
        if not SLUG.match(draft.slug):
            problems.append(
                FieldProblem(
                    "slug", "1 to 40 lower-case letters, digits and hyphens, starting with a letter or digit"
                )
            )
        for field, required, limit in (
            ("name", True, 120),
            ("owner", False, 80),
            ("data_source", False, 200),
            ("team", False, 80),
        ):
            text = getattr(draft, field)
            message = text_problem(field, text, required=required)
            if message is None and text is not None and len(text) > limit:
                message = f"too long ({len(text)} characters; at most {limit})"
            if message:
                problems.append(FieldProblem(field, message))
        for field, kind in (("type", MeasureType), ("unit", Unit), ("better", Better)):
            choices = [member.value for member in kind]
            if getattr(draft, field) not in choices:
                problems.append(FieldProblem(field, f"one of {', '.join(choices)}"))
        if draft.aim is not None:
            if not math.isfinite(draft.aim):
                problems.append(FieldProblem("aim", "must be a number"))
            elif draft.unit == Unit.PROPORTION.value and not 0 <= draft.aim <= 1:
                problems.append(FieldProblem("aim", "a proportion's aim is between 0 and 1 (0.8 for 80%)"))
            elif draft.unit == Unit.COUNT.value and draft.aim < 0:
                problems.append(FieldProblem("aim", "a count's aim is 0 or more"))
        if draft.team is not None:
            with self._db.read() as session:
                teams = repository.teams(session)
            if draft.team not in teams:
                known = ", ".join(teams) if teams else "none recorded yet"
                problems.append(
                    FieldProblem("team", f"no team called {draft.team!r} in the log (teams: {known})")
                )
        return problems

    # ------------------------------------------------------------------ values

    def set_value(self, slug: str, value: ManualValue) -> ManualValue | None:
        """Set (or, with every number blank, clear) one month's value. Returns what is stored."""
        self._check_month(value.month)
        blank = value.numerator is None and value.denominator is None and value.value is None
        with self._db.write() as session:
            row = store.measure_row(session, slug)
            if row is None or row.id is None:
                raise NotFoundError(f"No measure entered by hand is called {slug!r}.")
            if not blank:
                problems = value_problems(row.unit, value)
                if problems:
                    raise ValidationError(problems)
            existing = store.value_rows(session, row.id).get(str(value.month))
            if blank:
                if existing is not None:
                    cleared = store.month_value(existing)
                    records.delete(session, existing)
                    self._audit(session, "delete", slug, cleared, None)
                return None
            before = store.write_value(
                session, row.id, value, existing, at=self._context.now(), by=changed_by(self._context)
            )
            self._audit(session, "create" if before is None else "update", slug, before, value)
            return value

    def import_values(self, slug: str, path: Path) -> ValuesImported:
        """SPEC §3's rules for a measure's CSV (`month,numerator,denominator` for a proportion,
        `month,value` for a count or value): UTF-8 (a byte-order mark is accepted), exact column
        names in any order, every error listed as FILE:LINE: column: message, all or nothing. A
        month already stored is replaced; the same file twice changes nothing the second time."""
        path = Path(path)
        measure = self.get(slug)
        rows, problems = self._read_csv(path, measure.unit)
        if problems:
            raise ImportRejected(problems)
        created, updated, unchanged = self.store_values(slug, rows)
        return ValuesImported(path.name, slug, created, updated, unchanged)

    def store_values(self, slug: str, rows: list[ManualValue]) -> tuple[int, int, int]:
        """Store checked values in one transaction, each month audited: (created, updated,
        unchanged)."""
        created = updated = unchanged = 0
        with self._db.write() as session:
            row = store.measure_row(session, slug)
            if row is None or row.id is None:
                raise NotFoundError(f"No measure entered by hand is called {slug!r}.")
            stored = store.value_rows(session, row.id)
            for value in rows:
                problems = value_problems(row.unit, value)
                if problems:
                    raise ValidationError(problems)
                existing = stored.get(str(value.month))
                if existing is not None and store.month_value(existing) == value:
                    unchanged += 1
                    continue
                if existing is None:
                    created += 1
                else:
                    updated += 1
                before = store.write_value(
                    session, row.id, value, existing, at=self._context.now(), by=changed_by(self._context)
                )
                self._audit(session, "create" if before is None else "update", slug, before, value)
        return created, updated, unchanged

    # ------------------------------------------------------------------ helpers

    def _check_month(self, month: Month) -> None:
        this_month = Month.of(self._context.today())
        if month > this_month:
            raise ValidationError([FieldProblem("month", f"{month} is in the future")])

    def _audit(
        self, session: Session, action: str, slug: str, before: ManualValue | None, after: ManualValue | None
    ) -> None:
        changed = after or before
        assert changed is not None, "an audit entry records a value before or after"
        month = changed.month
        audit_change(
            self._context,
            session,
            action=action,
            entity="manual_measure_value",
            key=f"{slug} {month}",
            before=as_record(before) if before is not None else None,
            after=as_record(after) if after is not None else None,
        )

    def _read_csv(self, path: Path, unit: str) -> tuple[list[ManualValue], list[ImportProblem]]:
        file = path.name
        problems: list[ImportProblem] = []
        try:
            if path.stat().st_size > MAX_IMPORT_BYTES:
                return [], [ImportProblem(file, 1, WHOLE_ROW, "the file is larger than 1 MB")]
            data = path.read_bytes()
        except OSError as error:
            return [], [ImportProblem(file, 1, WHOLE_ROW, f"could not be read: {error.strerror or error}")]
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            return [], [
                ImportProblem(file, 1, WHOLE_ROW, "not UTF-8: save it as 'CSV UTF-8 (Comma delimited)'")
            ]
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [cell.strip() for cell in next(reader)]
        except StopIteration:
            return [], [ImportProblem(file, 1, WHOLE_ROW, "the file is empty; it needs a header row")]
        except csv.Error as error:
            return [], [ImportProblem(file, 1, WHOLE_ROW, str(error))]
        wanted = columns_for(unit)
        for name in header:
            if name not in wanted:
                problems.append(
                    ImportProblem(
                        file, 1, name or "(blank)", f"unknown column; a {unit} has {','.join(wanted)}"
                    )
                )
        for name in wanted:
            if name not in header:
                problems.append(ImportProblem(file, 1, name, "required column missing"))
        if len(set(header)) != len(header):
            problems.append(ImportProblem(file, 1, WHOLE_ROW, "a column is named twice"))
        if problems:
            return [], problems
        position = {name: header.index(name) for name in wanted}
        this_month = Month.of(self._context.today())
        seen: dict[Month, int] = {}
        found: list[ManualValue] = []
        line = 1
        try:
            for cells in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(header):
                    problems.append(
                        ImportProblem(
                            file, line, WHOLE_ROW, f"{len(cells)} cells; the header has {len(header)}"
                        )
                    )
                    continue
                cell = {name: cells[position[name]].strip() for name in wanted}
                row_problems: list[ImportProblem] = []
                month: Month | None = None
                try:
                    month = Month.parse(cell["month"])
                except DomainError:
                    row_problems.append(
                        ImportProblem(file, line, "month", f"not a month YYYY-MM: {cell['month']!r}")
                    )
                if month is not None:
                    if month > this_month:
                        row_problems.append(ImportProblem(file, line, "month", f"{month} is in the future"))
                    elif month in seen:
                        row_problems.append(
                            ImportProblem(file, line, "month", f"{month} is already on line {seen[month]}")
                        )
                    else:
                        seen[month] = line
                numbers: dict[str, int | float | None] = {}
                for name in wanted[1:]:
                    numbers[name] = _number(cell[name], whole=name != "value")
                    if numbers[name] is None:
                        kind = "a whole number" if name != "value" else "a number"
                        row_problems.append(
                            ImportProblem(file, line, name, f"needs {kind}, not {cell[name]!r}")
                        )
                if row_problems or month is None:
                    problems.extend(row_problems)
                    continue
                if unit == Unit.PROPORTION.value:
                    value = ManualValue(
                        month, int(numbers["numerator"] or 0), int(numbers["denominator"] or 0)
                    )
                else:
                    value = ManualValue(month, value=float(numbers["value"] or 0))
                for problem in value_problems(unit, value):
                    problems.append(ImportProblem(file, line, problem.field, problem.message))
                found.append(value)
        except csv.Error as error:
            problems.append(ImportProblem(file, line + 1, WHOLE_ROW, str(error)))
        return sorted(found, key=lambda v: v.month), problems


def as_measure(defined: ManualMeasure) -> Measure:
    """The rules' measure of one entered by hand (`manual:SLUG`)."""
    return Measure(
        defined.key,
        defined.name,
        MeasureType(defined.type),
        Unit(defined.unit),
        Better(defined.better),
        defined.aim,
    )


def _number(text: str, *, whole: bool) -> int | float | None:
    """A whole number (numerator, denominator) or a decimal (value); None when it is not one."""
    if whole:
        return int(text) if re.fullmatch(r"\d+", text) else None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _tidy(draft: ManualMeasure) -> ManualMeasure:
    def clean(text: str | None) -> str | None:
        return (text or "").strip() or None

    return replace(
        draft,
        slug=draft.slug.strip(),
        name=draft.name.strip(),
        type=draft.type.strip().lower(),
        unit=draft.unit.strip().lower(),
        better=draft.better.strip().lower(),
        owner=clean(draft.owner),
        data_source=clean(draft.data_source),
        team=clean(draft.team),
    )

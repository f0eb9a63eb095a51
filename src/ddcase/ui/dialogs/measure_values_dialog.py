"""A month's values of the measures a team enters by hand (issue 16): a small grid, one row per
measure (a numerator and a denominator for a proportion, one number otherwise), typed and tabbed
through by keyboard. A row left blank clears that month's value."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from ddcase.domain import Month
from ddcase.domain.measures import ManualMeasure, ManualValue
from ddcase.services.manual_measures import value_problems
from ddcase.ui.dialogs.form import FormDialog


class MeasureValuesDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget | None,
        *,
        month: Month,
        measures: list[ManualMeasure],
        values: dict[str, ManualValue],
    ) -> None:
        super().__init__(parent, self.tr("Values for %1").replace("%1", month.label()))
        self._month = month
        self._measures = measures
        self._before = values
        #: slug -> (numerator edit, denominator edit) for a proportion, (value edit, None) otherwise
        self.edits: dict[str, tuple[QLineEdit, QLineEdit | None]] = {}
        for measure in measures:
            row = QWidget()
            layout = QHBoxLayout(row)
            layout.setContentsMargins(0, 0, 0, 0)
            old = values.get(measure.slug)
            first = QLineEdit()
            first.setAccessibleName(measure.name)
            second: QLineEdit | None = None
            layout.addWidget(first)
            if measure.unit == "proportion":
                first.setPlaceholderText(self.tr("numerator"))
                second = QLineEdit()
                second.setPlaceholderText(self.tr("denominator"))
                second.setAccessibleName(self.tr("%1: denominator").replace("%1", measure.name))
                layout.addWidget(QLabel(self.tr("of")))
                layout.addWidget(second)
                if old is not None:
                    first.setText(str(old.numerator))
                    second.setText(str(old.denominator))
            else:
                first.setPlaceholderText(
                    self.tr("a whole number") if measure.unit == "count" else self.tr("value")
                )
                if old is not None and old.value is not None:
                    first.setText(f"{old.value:g}")
            for edit in (first, second):
                if edit is not None:
                    edit.textChanged.connect(self.revalidate)
            row.setFocusProxy(first)  # the dialog opens with the focus in the first row's first box
            self.edits[measure.slug] = (first, second)
            self.add_row(measure.name + ":", row)
            first.setAccessibleName(measure.name)
        if not measures:
            self.extra.addWidget(
                QLabel(self.tr("No measures entered by hand yet: define one with ddcase measure-define."))
            )
        self.revalidate()

    def _value(self, measure: ManualMeasure) -> ManualValue | str | None:
        """The row's value, None when blank, or the reason it cannot be read."""
        first, second = self.edits[measure.slug]
        texts = [first.text().strip(), second.text().strip() if second is not None else ""]
        if not any(texts):
            return None
        if second is not None:
            if not texts[0].isdigit() or not texts[1].isdigit():
                return self.tr("%1: whole numbers, numerator and denominator").replace("%1", measure.name)
            return ManualValue(self._month, int(texts[0]), int(texts[1]))
        try:
            number = float(texts[0])
        except ValueError:
            return self.tr("%1: %2 is not a number").replace("%1", measure.name).replace("%2", texts[0])
        return ManualValue(self._month, value=number)

    def problems(self) -> list[str]:
        if not hasattr(self, "edits") or len(self.edits) < len(self._measures):
            return []
        found = []
        for measure in self._measures:
            value = self._value(measure)
            if isinstance(value, str):
                found.append(value)
            elif value is not None:
                found += [f"{measure.name}: {p.message}" for p in value_problems(measure.unit, value)]
        return found

    def draft(self) -> list[tuple[str, ManualValue]]:
        """The rows that changed: (slug, value), a value with no numbers clearing the month."""
        changed = []
        for measure in self._measures:
            value = self._value(measure)
            assert not isinstance(value, str)
            now = value if value is not None else ManualValue(self._month)
            before = self._before.get(measure.slug)
            if before != value and not (before is None and value is None):
                changed.append((measure.slug, now))
        return changed

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        month: Month,
        measures: list[ManualMeasure],
        values: dict[str, ManualValue],
    ) -> list[tuple[str, ManualValue]] | None:
        dialog = cls(parent, month=month, measures=measures, values=values)
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

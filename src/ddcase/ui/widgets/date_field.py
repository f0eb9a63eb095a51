"""The one date field of every form: a date typed as DD/MM/YYYY (or D/M/YY, t, y, -N ...) over
whatever it shows, a calendar for the mouse, and beside it either the date understood, in words,
or why the text is not an acceptable date. The reading of the text is `domain.dates`; this widget
never turns a typed date into another one (a QDateEdit did: issue 12)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from ddcase.domain.dates import FORMAT_HINT, DateProblem, check_typed_date, day_text, long_day_text

PROBLEM_STYLE = "color: #b00020;"
UNDERSTOOD_STYLE = "color: #555;"


class DateField(QWidget):
    """`date()` is the date typed (None while blank or not acceptable); `problem()` says why not.
    By default the field needs a date and refuses one after today; `changed` is emitted on every
    edit. Focus given to the field (by Tab or its label's Alt+letter) selects the whole text, so
    typing replaces it."""

    changed = Signal()

    def __init__(
        self,
        accessible_name: str,
        *,
        today: date,
        value: date | None = None,
        required: bool = True,
        allow_future: bool = False,
        placeholder: str = FORMAT_HINT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._required = required
        self._latest = None if allow_future else today
        self.line_edit = QLineEdit()
        self.line_edit.setPlaceholderText(placeholder)
        self.line_edit.setAccessibleName(accessible_name)
        self.line_edit.setToolTip(
            self.tr("Type DD/MM/YYYY or D/M/YY; t for today, y for yesterday, -3 for three days ago")
        )
        self.line_edit.setMaxLength(40)
        metrics = self.line_edit.fontMetrics()
        self.line_edit.setMinimumWidth(metrics.horizontalAdvance("00/00/00000") + 24)
        self.line_edit.setMaximumWidth(metrics.horizontalAdvance(placeholder) + 32)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setMinimumDate(QDate(1900, 1, 1))
        if self._latest is not None:
            self.calendar.setMaximumDate(QDate(today.year, today.month, today.day))
        self._menu = QMenu(self)
        action = QWidgetAction(self._menu)
        action.setDefaultWidget(self.calendar)
        self._menu.addAction(action)
        self.calendar_button = QToolButton()
        self.calendar_button.setArrowType(Qt.ArrowType.DownArrow)
        self.calendar_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar_button.setMenu(self._menu)
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard types the date
        self.calendar_button.setToolTip(self.tr("Choose from a calendar"))
        self.calendar_button.setAccessibleName(
            self.tr("Choose %1 from a calendar").replace("%1", accessible_name)
        )
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)  # a long reason takes two lines, never clipped
        self.message_label.setAccessibleName(
            self.tr("%1: the date understood").replace("%1", accessible_name)
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line_edit)
        layout.addWidget(self.calendar_button)
        layout.addWidget(self.message_label, 1)
        self.setAccessibleName(accessible_name)
        if value is not None:
            self.line_edit.setText(day_text(value))
        self.line_edit.textChanged.connect(self._on_line_edit_text_changed)
        self.line_edit.editingFinished.connect(self._on_line_edit_editing_finished)
        self._menu.aboutToShow.connect(self._on_menu_about_to_show)
        self.calendar.clicked.connect(self._on_calendar_chosen)
        self.calendar.activated.connect(self._on_calendar_chosen)
        self._show_verdict()

    def event(self, event: QEvent) -> bool:
        # The focus proxy is set once the field is in its window: set while the field is still
        # a window of its own, Qt closes the focus chain inside it and Tab never leaves it.
        if event.type() == QEvent.Type.ParentChange and self.parentWidget() is not None:
            self.setFocusProxy(self.line_edit)
        return super().event(event)

    def _verdict(self) -> date | DateProblem | None:
        return check_typed_date(
            self.line_edit.text(), self._today, required=self._required, latest=self._latest
        )

    def date(self) -> date | None:
        verdict = self._verdict()
        return verdict if isinstance(verdict, date) else None

    def problem(self) -> str | None:
        verdict = self._verdict()
        return verdict.message if isinstance(verdict, DateProblem) else None

    def text(self) -> str:
        return self.line_edit.text()

    def set_date(self, value: date | None) -> None:
        self.line_edit.setText(day_text(value) if value is not None else "")

    def _show_verdict(self) -> None:
        verdict = self._verdict()
        if isinstance(verdict, DateProblem):
            # A blank required field is said once, under the form, not shouted beside it.
            text = "" if not self.line_edit.text().strip() else verdict.message
            self.message_label.setStyleSheet(PROBLEM_STYLE)
        elif isinstance(verdict, date):
            text = long_day_text(verdict)
            self.message_label.setStyleSheet(UNDERSTOOD_STYLE)
        else:
            text = ""
        self.message_label.setText(text)

    @Slot(str)
    def _on_line_edit_text_changed(self, _text: str) -> None:
        self._show_verdict()
        self.changed.emit()

    @Slot()
    def _on_line_edit_editing_finished(self) -> None:
        """Show the date understood in full (t becomes 05/12/2026): the same date, written out."""
        value = self.date()
        if value is not None and self.line_edit.text() != day_text(value):
            self.line_edit.setText(day_text(value))

    @Slot()
    def _on_menu_about_to_show(self) -> None:
        shown = self.date() or self._today
        self.calendar.setSelectedDate(QDate(shown.year, shown.month, shown.day))

    @Slot(QDate)
    def _on_calendar_chosen(self, chosen: QDate) -> None:
        self.set_date(date(chosen.year(), chosen.month(), chosen.day()))
        self._menu.close()
        self.line_edit.setFocus(Qt.FocusReason.PopupFocusReason)

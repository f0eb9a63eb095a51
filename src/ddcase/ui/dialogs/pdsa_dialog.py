"""PDSA cycles (issue 16 item 6): the list of a team's cycles, and the form of one cycle: its
title, owner, start and planned end, the measures it is linked to (ticked with Space), its plan
and prediction, then its study and act notes; closing a cycle asks for those and the day."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ddcase.domain import DomainError
from ddcase.domain.format import short_date_text
from ddcase.domain.pdsa import PdsaCycle
from ddcase.services.pdsa import problems as cycle_problems
from ddcase.services.registry import Services
from ddcase.ui.dialogs.form import FormDialog
from ddcase.ui.widgets.date_field import DateField

FIELD_NAMES = {
    "title": "Title",
    "owner": "Owner",
    "start": "Start",
    "end": "End",
    "measures": "Measures",
    "plan": "Plan",
    "prediction": "Prediction",
    "study": "Study",
    "act": "Act",
    "closed_on": "Closed on",
    "team": "Team",
}


def _paragraph(placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 14)
    return edit


class CycleDialog(FormDialog):
    """A new cycle, a cycle to change, or (`closing`) one to close: then only its study, act and
    closing day can change."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        today: date,
        measures: dict[str, str],
        team: str | None,
        cycle: PdsaCycle | None = None,
        closing: bool = False,
    ) -> None:
        title = self.tr("Close the PDSA cycle") if closing else self.tr("Edit the PDSA cycle")
        super().__init__(parent, title if cycle else self.tr("New PDSA cycle"))
        self._today, self._team, self._original, self._closing = today, team, cycle, closing
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(120)
        self.title_edit.setPlaceholderText(self.tr("e.g. Joint review slot in the weekly huddle"))
        self.owner_edit = QLineEdit()
        self.owner_edit.setMaxLength(80)
        self.start_edit = DateField(
            self.tr("Start"), today=today, value=cycle.start if cycle else today, allow_future=True
        )
        self.end_edit = DateField(
            self.tr("End (planned)"),
            today=today,
            value=cycle.end if cycle else None,
            required=False,
            allow_future=True,
        )
        self.measures_list = QListWidget()
        self.measures_list.setAccessibleName(self.tr("Measures"))
        self.measures_list.setToolTip(self.tr("Space ticks or unticks the measure chosen"))
        linked = set(cycle.measures) if cycle else set()
        keys = list(measures) + [k for k in (cycle.measures if cycle else ()) if k not in measures]
        for key in keys:
            item = QListWidgetItem(f"{measures.get(key, key)} ({key})")
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in linked else Qt.CheckState.Unchecked)
            self.measures_list.addItem(item)
        if self.measures_list.count():
            self.measures_list.setCurrentRow(0)
        rows = min(max(self.measures_list.count(), 3), 7)
        self.measures_list.setFixedHeight(self.measures_list.sizeHintForRow(0) * rows + 8)
        self.plan_edit = _paragraph(self.tr("What will be done, by whom, where and when"))
        self.prediction_edit = _paragraph(self.tr("What you expect to happen to the measures"))
        self.study_edit = _paragraph(self.tr("What happened, against the prediction"))
        self.act_edit = _paragraph(self.tr("Adopt, adapt or abandon, and what next"))
        self.closed_edit = DateField(self.tr("Closed on"), today=today, value=today)
        self.add_row(self.tr("&Title:"), self.title_edit)
        self.add_row(self.tr("&Owner:"), self.owner_edit)
        self.add_row(self.tr("&Start:"), self.start_edit)
        self.add_row(self.tr("&End (planned):"), self.end_edit)
        self.add_row(self.tr("&Measures:"), self.measures_list)
        self.add_row(self.tr("&Plan:"), self.plan_edit)
        self.add_row(self.tr("Pre&diction:"), self.prediction_edit)
        self.add_row(self.tr("St&udy:"), self.study_edit)
        self.add_row(self.tr("&Act:"), self.act_edit)
        if closing:
            self.add_row(self.tr("&Closed on:"), self.closed_edit)
        self.setMinimumWidth(560)
        if cycle is not None:
            self.title_edit.setText(cycle.title)
            self.owner_edit.setText(cycle.owner or "")
            self.plan_edit.setPlainText(cycle.plan or "")
            self.prediction_edit.setPlainText(cycle.prediction or "")
            self.study_edit.setPlainText(cycle.study or "")
            self.act_edit.setPlainText(cycle.act or "")
        if closing:
            for widget in (
                self.title_edit,
                self.owner_edit,
                self.start_edit,
                self.end_edit,
                self.measures_list,
            ):
                widget.setEnabled(False)
            for paragraph in (self.plan_edit, self.prediction_edit):
                paragraph.setReadOnly(True)  # shown to be read against, skipped by Tab
                paragraph.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for edit in (self.title_edit, self.owner_edit):
            edit.textChanged.connect(self.revalidate)
        for paragraph in (self.plan_edit, self.prediction_edit, self.study_edit, self.act_edit):
            paragraph.textChanged.connect(self.revalidate)
        self.measures_list.itemChanged.connect(self.revalidate)
        self.revalidate()

    def linked(self) -> tuple[str, ...]:
        items = (self.measures_list.item(i) for i in range(self.measures_list.count()))
        return tuple(
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        )

    def draft(self) -> PdsaCycle:
        start = self.start_edit.date() or self._today

        def text(edit: QPlainTextEdit) -> str | None:
            return edit.toPlainText().strip() or None

        cycle = PdsaCycle(
            title=self.title_edit.text().strip(),
            start=start,
            measures=self.linked(),
            plan=text(self.plan_edit),
            prediction=text(self.prediction_edit),
            owner=self.owner_edit.text().strip() or None,
            end=self.end_edit.date(),
            study=text(self.study_edit),
            act=text(self.act_edit),
            team=self._team,
        )
        if self._original is not None:
            cycle = replace(
                cycle, id=self._original.id, version=self._original.version, team=self._original.team
            )
        if self._closing:
            cycle = replace(cycle, closed_on=self.closed_edit.date())
        return cycle

    def problems(self) -> list[str]:
        found = cycle_problems(self.draft(), self._today)
        return [f"{FIELD_NAMES.get(p.field, p.field)}: {p.message}" for p in found]

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        today: date,
        measures: dict[str, str],
        team: str | None,
        cycle: PdsaCycle | None = None,
        closing: bool = False,
    ) -> PdsaCycle | None:
        dialog = cls(parent, today=today, measures=measures, team=team, cycle=cycle, closing=closing)
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


Save = Callable[[str, PdsaCycle], PdsaCycle]
"""Saves a cycle: ("add" | "update" | "close", the cycle as typed) -> the cycle as saved."""


class PdsaCyclesDialog(QDialog):
    """The team's PDSA cycles, open ones first unless closed ones are asked for too. `load`
    reads them (every one, closed too); `save` saves one; both are the service's."""

    COLUMNS = ("#", "Title", "Start", "End", "Measures", "Status")

    def __init__(
        self,
        parent: QWidget | None,
        *,
        load: Callable[[], list[PdsaCycle]],
        save: Save,
        measures: dict[str, str],
        today: date,
        team: str | None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("PDSA cycles: %1").replace("%1", team or self.tr("all teams")))
        self._load, self._save, self._measures = load, save, measures
        self._today, self._team = today, team
        self._cycles: list[PdsaCycle] = []
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setAccessibleName(self.tr("PDSA cycles"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        # The short columns as wide as their words; the title and the measures share the rest,
        # wrapping, so Status is never pushed off the right edge (it was at 1024x700).
        header = self.table.horizontalHeader()
        fit, share = QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch
        for column, mode in enumerate((fit, share, fit, fit, share, fit)):
            header.setSectionResizeMode(column, mode)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label.setAccessibleName(self.tr("The cycle chosen"))
        self.new_button = QPushButton(self.tr("&New cycle..."))
        self.edit_button = QPushButton(self.tr("&Edit cycle..."))
        self.close_cycle_button = QPushButton(self.tr("C&lose cycle..."))
        self.all_check = QCheckBox(self.tr("Show &all cycles, closed too"))
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.close_cycle_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.all_check)
        self.button_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.button_box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Each cycle's start is marked on the charts of the measures it is linked to "
                    "(the Dashboard, the Measures page and the meeting PDF)."
                )
            )
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail_label)
        layout.addLayout(buttons)
        layout.addWidget(self.button_box)
        self.resize(820, 460)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.close_cycle_button.clicked.connect(self._on_close_cycle_button_clicked)
        self.all_check.toggled.connect(self.reload)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self.table.doubleClicked.connect(self._on_edit_button_clicked)
        self.reload()
        self.table.setFocus()

    def cycles(self) -> list[PdsaCycle]:
        """The cycles shown, in the order shown."""
        return list(self._cycles)

    @Slot()
    def reload(self, keep: int | None = None) -> None:
        every = self._load()
        shown = every if self.all_check.isChecked() else [c for c in every if c.is_open]
        self._cycles = sorted(shown, key=lambda c: (not c.is_open, c.start, c.id or 0))
        self.table.setRowCount(len(self._cycles))
        for row, cycle in enumerate(self._cycles):
            closed_on = cycle.closed_on
            status = (
                self.tr("open")
                if closed_on is None
                else self.tr("closed %1").replace("%1", short_date_text(closed_on))
            )
            values = (
                str(cycle.id),
                cycle.title,
                short_date_text(cycle.start),
                short_date_text(cycle.end) if cycle.end else "",
                ", ".join(cycle.measures),
                status,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, column, item)
        if self._cycles:
            row = next((i for i, c in enumerate(self._cycles) if c.id == keep), 0)
            self.table.selectRow(row)
        self._on_table_selection_changed()

    def current(self) -> PdsaCycle | None:
        row = self.table.currentRow()
        return self._cycles[row] if 0 <= row < len(self._cycles) else None

    @Slot()
    def _on_table_selection_changed(self) -> None:
        cycle = self.current()
        self.edit_button.setEnabled(cycle is not None)
        self.close_cycle_button.setEnabled(cycle is not None and cycle.is_open)
        if cycle is None:
            self.detail_label.setText(self.tr("No cycles yet: New cycle starts one."))
            return
        parts = [
            f"{label}: {text}"
            for label, text in (
                (self.tr("Owner"), cycle.owner),
                (self.tr("Plan"), cycle.plan),
                (self.tr("Prediction"), cycle.prediction),
                (self.tr("Study"), cycle.study),
                (self.tr("Act"), cycle.act),
            )
            if text
        ]
        self.detail_label.setText("\n".join(parts))

    def _ask(self, cycle: PdsaCycle | None, closing: bool = False) -> None:
        draft = CycleDialog.ask(
            self, today=self._today, measures=self._measures, team=self._team, cycle=cycle, closing=closing
        )
        if draft is None:
            return
        action = "close" if closing else "update" if cycle is not None else "add"
        try:
            saved = self._save(action, draft)
        except DomainError as error:
            QMessageBox.warning(self, self.tr("PDSA cycle not saved"), str(error))
            return
        self.reload(saved.id)
        self.table.setFocus()

    @Slot()
    def _on_new_button_clicked(self) -> None:
        self._ask(None)

    @Slot()
    def _on_edit_button_clicked(self) -> None:
        if (cycle := self.current()) is not None:
            self._ask(cycle)

    @Slot()
    def _on_close_cycle_button_clicked(self) -> None:
        if (cycle := self.current()) is not None and cycle.is_open:
            self._ask(cycle, closing=True)


def show_cycles(parent: QWidget, services: Services, team: str | None) -> None:
    """The PDSA cycles of `team` (with the whole service's), saved through the service, from the
    Dashboard or the Measures page."""
    pdsa = services.pdsa

    def save(action: str, draft: PdsaCycle) -> PdsaCycle:
        if action == "add":
            return pdsa.add(draft)
        if action == "update":
            return pdsa.update(draft)
        assert draft.id is not None
        return pdsa.close(
            draft.id, draft.version, study=draft.study, act=draft.act, closed_on=draft.closed_on
        )

    dialog = PdsaCyclesDialog(
        parent,
        load=lambda: pdsa.cycles(team),
        save=save,
        measures=pdsa.known_keys(team),
        today=services.context.today(),
        team=team,
    )
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()

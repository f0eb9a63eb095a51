"""Measures: the family of measures for the month viewed (issue 16, SPEC §6 `ddcase measures`),
for all teams or one, with the Making Data Count readings; and the month's values of the measures
entered by hand, typed into a small grid."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ddcase.domain import DomainError, Month
from ddcase.services.measures import MeasuresTable, chart_points
from ddcase.services.registry import Services
from ddcase.ui.dialogs.measure_values_dialog import MeasureValuesDialog
from ddcase.ui.dialogs.pdsa_dialog import show_cycles
from ddcase.ui.models.base import VALUE_ROLE
from ddcase.ui.models.measures_model import MeasuresTableModel
from ddcase.ui.pages.page import Page
from ddcase.ui.widgets.measure_chart import MeasureChart
from ddcase.ui.widgets.tables import fit_columns, make_table
from ddcase.ui.widgets.team_combo import TeamCombo


class MeasuresPage(Page):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self._table: MeasuresTable | None = None
        self.team_combo = TeamCombo()
        caption = QLabel(self.tr("Te&am:"))
        caption.setBuddy(self.team_combo)
        self.summary_label = QLabel()
        self.side_by_side_check = QCheckBox(self.tr("Teams &side by side"))
        self.side_by_side_check.setToolTip(
            self.tr("One small chart per team for the measure chosen, all on the same scale")
        )
        self.enter_button = QPushButton(self.tr("&Enter this month's values..."))
        self.cycles_button = QPushButton(self.tr("PDSA c&ycles..."))
        top = QHBoxLayout()
        top.addWidget(caption)
        top.addWidget(self.team_combo)
        top.addSpacing(16)
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.side_by_side_check)
        top.addWidget(self.enter_button)
        top.addWidget(self.cycles_button)

        self.model = MeasuresTableModel(self)
        self.table_view, _ = make_table(
            self.model, self.tr("The family of measures"), stretch=MeasuresTableModel.Column.RULE, parent=self
        )
        fit_columns(self.table_view, {0: 40, 1: 9, 2: 16, 3: 6, 4: 24, 5: 20})
        legend = QLabel(
            self.tr(
                "Read the Making Data Count way. The jointly-worked figure's own verdict stays the Anhøj "
                "runs analysis on the Dashboard."
            )
        )
        self.chart = MeasureChart(self)
        #: teams side by side: one chart per team, made when asked for
        self.team_charts: list[MeasureChart] = []
        self._teams_box = QWidget(self)
        self._teams_layout = QGridLayout(self._teams_box)
        self._teams_layout.setContentsMargins(0, 0, 0, 0)
        self._teams_box.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table_view, 1)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self._teams_box, 1)
        layout.addWidget(legend)

        self.team_combo.currentIndexChanged.connect(self._on_team_combo_changed)
        self.enter_button.clicked.connect(self._on_enter_button_clicked)
        self.cycles_button.clicked.connect(self._on_cycles_button_clicked)
        self.side_by_side_check.toggled.connect(self._on_side_by_side_check_toggled)
        self.table_view.selectionModel().currentRowChanged.connect(self._on_table_view_current_changed)

    def title(self) -> str:
        return self.tr("Meas&ures")

    def team(self) -> str | None:
        return self.team_combo.currentData()

    def _fill_teams(self) -> None:
        self.team_combo.fill(self._services.figures.teams(), self.team_combo.currentData())

    def refresh(self, month: Month) -> None:
        self._month = month
        self._fill_teams()
        table = self._services.measures.table(month, self.team())
        self._table = table
        chosen = self.chart.title()
        self.model.set_rows(table.readings)
        row = next((i for i, r in enumerate(table.readings) if r.entry["name"] == chosen), 0)
        if table.readings:
            self.table_view.selectRow(row)
        count = len(table.readings)
        self.summary_label.setText(
            self.tr("%1 measures, %2").replace("%1", str(count)).replace("%2", month.label())
        )

    @Slot(QModelIndex)
    def _on_table_view_current_changed(self, current: QModelIndex) -> None:
        # The current row, not the selection: Qt moves the current row before it selects it.
        reading = current.siblingAtColumn(0).data(VALUE_ROLE) if current.isValid() else None
        if reading is None or self._table is None:
            return
        e = reading.entry
        chart = reading.chart(self._table.new_part_months, self._table.baseline_months)
        percent = e["unit"] == "proportion"
        aim = e["aim"] * 100 if percent and e["aim"] is not None else e["aim"]
        marks = self._services.pdsa.marks(reading.key, self.team())
        self.chart.set_chart(str(e["name"]), chart_points(chart), aim=aim, percent=percent, cycle_marks=marks)
        if self.side_by_side_check.isChecked():
            self._show_teams(reading.key)

    @Slot()
    def _on_side_by_side_check_toggled(self) -> None:
        on = self.side_by_side_check.isChecked()
        self.chart.setVisible(not on)
        self._teams_box.setVisible(on)
        reading = self.table_view.currentIndex().siblingAtColumn(0).data(VALUE_ROLE)
        if on and reading is not None:
            self._show_teams(reading.key)

    def _show_teams(self, key: str) -> None:
        """One chart per team for the measure `key`, all on one scale (issue 16 item 7)."""
        if self._month is None:
            return
        teams = self._services.figures.teams()
        tables = self._services.measures.tables(self._month, list(teams))
        shown = []
        for team, table in zip(teams, tables, strict=True):
            reading = next((r for r in table.readings if r.key == key), None)
            if reading is None:
                continue
            e = reading.entry
            points = chart_points(reading.chart(table.new_part_months, table.baseline_months))
            percent = e["unit"] == "proportion"
            aim = e["aim"] * 100 if percent and e["aim"] is not None else e["aim"]
            shown.append((f"{team}: {e['name']}", points, aim, percent))
        while len(self.team_charts) < len(shown):
            chart = MeasureChart(self._teams_box)
            self.team_charts.append(chart)
            index = len(self.team_charts) - 1
            self._teams_layout.addWidget(chart, index // 2, index % 2)
        for chart in self.team_charts[len(shown) :]:
            chart.setVisible(False)
        # The same scale for every team: the widest of their own.
        ranges = []
        for chart, (title, points, aim, percent) in zip(self.team_charts, shown, strict=False):
            chart.set_chart(title, points, aim=aim, percent=percent)
            ranges.append(chart.value_range())
        common = (min(r[0] for r in ranges), max(r[1] for r in ranges)) if ranges else None
        for chart, (title, points, aim, percent) in zip(self.team_charts, shown, strict=False):
            chart.set_chart(title, points, aim=aim, percent=percent, value_range=common)
            chart.setVisible(True)

    @Slot()
    def _on_team_combo_changed(self) -> None:
        if self._month is not None:
            self.refresh(self._month)

    @Slot()
    def _on_enter_button_clicked(self) -> None:
        if self._month is None:
            return
        manual = self._services.manual_measures
        measures = manual.definitions(self.team())
        values = {m.slug: v for m in measures for v in manual.values(m.slug) if v.month == self._month}
        changes = MeasureValuesDialog.ask(self, month=self._month, measures=measures, values=values)
        if not changes:
            return
        try:
            for slug, value in changes:
                manual.set_value(slug, value)
        except DomainError as error:
            QMessageBox.warning(self, self.tr("Values not saved"), str(error))
        self.refresh(self._month)

    @Slot()
    def _on_cycles_button_clicked(self) -> None:
        show_cycles(self, self._services, self.team())
        if self._month is not None:
            self.refresh(self._month)

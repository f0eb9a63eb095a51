"""The team dashboard for managers: the month's figure and its change from last month, the run
chart, the breakdown by care coordinator and provider, and why cases were not jointly worked.
Every number comes from FiguresService, the same calls `ddcase figures` and `ddcase series` make."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ddcase.domain import Annotation, DomainError, Month
from ddcase.domain.format import figure_text, percent_text
from ddcase.services.figures import MonthFigures, Overview, Series
from ddcase.services.registry import Services
from ddcase.ui.dialogs.aim_dialog import AimDialog
from ddcase.ui.dialogs.note_dialog import NoteDialog
from ddcase.ui.dialogs.pdsa_dialog import show_cycles
from ddcase.ui.files import choose_file, documents_folder
from ddcase.ui.models.definition_model import AnnotationTableModel
from ddcase.ui.models.figures_model import GroupFiguresTableModel, ReasonTableModel
from ddcase.ui.pages.page import Page
from ddcase.ui.tasks import LatestLoad, wait_cursor
from ddcase.ui.widgets.run_chart import RunChart
from ddcase.ui.widgets.tables import fit_columns, make_table, selected_value
from ddcase.ui.widgets.team_combo import TeamCombo

SPANS = (12, 18, 24)


def change_text(now: MonthFigures, before: MonthFigures) -> str:
    """'▲ Up from 12% in September 2026 (14 of 118 ...)': a comparison of two figures."""
    last = f"{before.jointly_worked} of {before.mutual_clients}"
    if now.percentage is None or before.percentage is None:
        return f"{before.month.label()}: " + figure_text(
            before.jointly_worked, before.mutual_clients, before.percentage
        )
    if now.percentage > before.percentage:
        word = "▲ Up from"
    elif now.percentage < before.percentage:
        word = "▼ Down from"
    else:
        word = "= Level with"
    return f"{word} {percent_text(before.percentage)} in {before.month.label()} ({last})"


def in_progress_text(series: Series) -> str:
    """The change line for the month in progress (SPEC §5): no verdict on a month that has not
    ended; the last complete month against the one before it instead, when the chart has both."""
    text = "In progress: no change is given until the month ends."
    pair = series.last_two_ended()
    if pair is None:
        return text
    before, last = pair
    figure = f"{percent_text(last.percentage)} ({last.jointly_worked} of {last.mutual_clients})"
    return f"{text} {last.month.label()}, the last complete month: {figure}, {change_text(last, before)}."


@dataclass(frozen=True)
class DashboardData:
    """What the page shows of a month, read by `DashboardPage.load` (any thread)."""

    month: Month
    team: str | None
    teams: list[str]
    overview: Overview
    so_far: str | None = None  # 'so far: 5 of 31 days' for the month in progress
    cycle_marks: tuple[Annotation, ...] = ()  # the PDSA cycles' starts on the chart


class DashboardPage(Page):
    print_requested = Signal()
    month_chosen = Signal(object)  # a point clicked on the chart: show that month's clients
    saved = Signal(str)  # a chart or series saved: where (the window says so)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self._pool: QThreadPool | None = None
        self._shown: DashboardData | None = None
        self._loads = LatestLoad(self._show, self.load_failed.emit, self._set_loading)
        self.team_combo = TeamCombo()
        self.span_combo = QComboBox()
        self.span_combo.setAccessibleName(self.tr("Months on the chart"))
        for span in SPANS:
            self.span_combo.addItem(self.tr("%1 months").replace("%1", str(span)), span)
        self.span_combo.setCurrentIndex(SPANS.index(24))
        self.print_button = QPushButton(self.tr("&Print summary..."))
        self.chart_button = QPushButton(self.tr("Save chart as PN&G..."))
        self.chart_button.setToolTip(self.tr("The run chart as a picture, for slides"))
        self.csv_button = QPushButton(self.tr("Save &series as CSV..."))
        self.csv_button.setToolTip(
            self.tr("The chart's months as ddcase series --csv gives them, for Life QI and other QI tools")
        )
        self.loading_label = QLabel(self.tr("Loading the figures..."))
        self.loading_label.setAccessibleName(self.tr("Loading"))
        self.loading_label.hide()
        team_caption = QLabel(self.tr("T&eam:"))
        team_caption.setBuddy(self.team_combo)
        span_caption = QLabel(self.tr("Cha&rt:"))
        span_caption.setBuddy(self.span_combo)
        top = QHBoxLayout()
        top.addWidget(team_caption)
        top.addWidget(self.team_combo)
        top.addSpacing(12)
        top.addWidget(span_caption)
        top.addWidget(self.span_combo)
        top.addSpacing(12)
        top.addWidget(self.loading_label)
        top.addStretch(1)
        top.addWidget(self.chart_button)
        top.addWidget(self.csv_button)
        top.addWidget(self.print_button)

        self.headline_label = QLabel()
        font = self.headline_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.headline_label.setFont(font)
        self.headline_label.setWordWrap(True)
        self.headline_label.setAccessibleName(self.tr("The month's figure"))
        self.change_label = QLabel()
        self.change_label.setAccessibleName(self.tr("Change from last month"))
        self.change_label.setWordWrap(True)
        self.scope_label = QLabel()
        self.scope_label.setStyleSheet("color: #555;")
        self.scope_label.setWordWrap(True)
        self.chart = RunChart()
        self.reading_label = QLabel()
        self.reading_label.setWordWrap(True)
        self.reading_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.notes_model = AnnotationTableModel(self)
        self.notes_view, _ = make_table(
            self.notes_model,
            self.tr("Notes on the chart"),
            stretch=AnnotationTableModel.Column.TEXT,
            parent=self,
        )
        fit_columns(self.notes_view, {0: 3, 1: 15, 3: 15})
        self.notes_view.setMaximumHeight(self.notes_view.verticalHeader().defaultSectionSize() * 4 + 30)
        self.add_note_button = QPushButton(self.tr("&Add note..."))
        self.edit_note_button = QPushButton(self.tr("Ed&it note..."))
        self.delete_note_button = QPushButton(self.tr("De&lete note..."))
        self.aim_button = QPushButton(self.tr("Aim and &baseline..."))
        self.cycles_button = QPushButton(self.tr("PDSA c&ycles..."))
        note_buttons = QHBoxLayout()
        for button in (
            self.add_note_button,
            self.edit_note_button,
            self.delete_note_button,
            self.aim_button,
            self.cycles_button,
        ):
            note_buttons.addWidget(button)
        note_buttons.addStretch(1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.headline_label)
        left_layout.addWidget(self.change_label)
        left_layout.addWidget(self.scope_label)
        left_layout.addWidget(self.chart, 1)
        left_layout.addWidget(self.reading_label)
        left_layout.addWidget(self.notes_view)
        left_layout.addLayout(note_buttons)

        self.coordinator_model = GroupFiguresTableModel(self.tr("Care coordinator"), self)
        self.coordinator_view, _ = make_table(
            self.coordinator_model, self.tr("By care coordinator"), stretch=0, parent=self
        )
        self.provider_model = GroupFiguresTableModel(self.tr("Provider"), self)
        self.provider_view, _ = make_table(
            self.provider_model, self.tr("By provider"), stretch=0, parent=self
        )
        self.reason_model = ReasonTableModel(self)
        self.reason_view, _ = make_table(self.reason_model, self.tr("Reasons"), stretch=0, parent=self)
        for view in (self.coordinator_view, self.provider_view):
            fit_columns(view, {1: 7, 2: 7, 3: 5})
        fit_columns(self.reason_view, {1: 7})
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        for title, view, stretch in (
            (self.tr("By care coordinator"), self.coordinator_view, 3),
            (self.tr("By provider"), self.provider_view, 1),
            (self.tr("Why mutual clients were not jointly worked"), self.reason_view, 1),
        ):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(view)
            right_layout.addWidget(box, stretch)
        self.provider_view.setMinimumHeight(self.provider_view.verticalHeader().defaultSectionSize() * 3 + 30)
        self.reason_view.setMinimumHeight(self.reason_view.verticalHeader().defaultSectionSize() * 4 + 30)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([880, 440])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.team_combo.currentIndexChanged.connect(self._on_team_combo_changed)
        self.span_combo.currentIndexChanged.connect(self._on_team_combo_changed)
        self.add_note_button.clicked.connect(self._on_add_note_button_clicked)
        self.edit_note_button.clicked.connect(self._on_edit_note_button_clicked)
        self.delete_note_button.clicked.connect(self._on_delete_note_button_clicked)
        self.aim_button.clicked.connect(self._on_aim_button_clicked)
        self.cycles_button.clicked.connect(self._on_cycles_button_clicked)
        self.print_button.clicked.connect(self.print_requested)
        self.chart_button.clicked.connect(self._on_chart_button_clicked)
        self.csv_button.clicked.connect(self._on_csv_button_clicked)
        self.chart.month_clicked.connect(self.month_chosen)
        self.notes_view.doubleClicked.connect(self._on_edit_note_button_clicked)

    def team(self) -> str | None:
        return self.team_combo.currentData()

    def month(self) -> Month | None:
        return self._month

    def use_pool(self, pool: QThreadPool) -> None:
        """Read the figures in `pool` when the month, team or chart span changes."""
        self._pool = pool

    def is_loading(self) -> bool:
        return self._loads.running

    def load(self, month: Month, team: str | None, span: int) -> DashboardData:
        """Read what the page shows: no widgets, so any thread may call it."""
        figures = self._services.figures
        teams = figures.teams()
        if team not in teams:
            team = None  # a team with no episodes left: all teams, as the list will show
        # One load for the month, the one before and the chart.
        overview = figures.overview(month, span, team)
        marks = tuple(self._services.pdsa.marks("jointly_worked", team))
        return DashboardData(month, team, teams, overview, figures.so_far_text(month), marks)

    def title(self) -> str:
        return self.tr("&Dashboard")

    def refresh(self, month: Month) -> None:
        """Read and show `month` now (after an edit on the page). A background load still
        running is superseded (its figures are dropped)."""
        self._month = month
        team, span = self.team(), int(self.span_combo.currentData())
        self._loads.now(lambda: self.load(month, team, span))

    def refresh_in_background(self, month: Month) -> None:
        """The same as `refresh`, read in the window's pool (a trust's all-teams dashboard takes
        about 1.3 s): the page says it is loading, keeps what it showed until the new figures
        come, and a later refresh wins over this one."""
        if self._pool is None:
            self.refresh(month)
            return
        self._month = month
        team, span = self.team(), int(self.span_combo.currentData())
        self._loads.start(lambda: self.load(month, team, span), self._pool)

    def _set_loading(self, loading: bool) -> None:
        self.loading_label.setVisible(loading)
        # Until the first figures come, the empty chart says they are on their way.
        self.chart.set_empty_text(self.tr("Loading the figures...") if loading else None)

    def _show(self, data: DashboardData) -> None:
        self._shown = data
        month, team = data.month, data.team
        self.team_combo.fill(data.teams, team)
        overview = data.overview
        now, before, series = overview.current, overview.previous, overview.series
        headline = figure_text(now.jointly_worked, now.mutual_clients, now.percentage)
        if data.so_far is None:
            self.headline_label.setText(headline)
            self.change_label.setText(change_text(now, before))
        else:
            self.headline_label.setText(f"{headline}, {data.so_far}")
            self.change_label.setText(in_progress_text(series))
        excluded = len(now.excluded)
        scope = self.tr("%1, %2. Judged by definition version %3.").replace("%1", month.label())
        scope = scope.replace("%2", team or self.tr("all teams")).replace("%3", str(now.definition_version))
        if excluded:
            scope += " " + self.tr(
                "%1 more not counted: open to both services for fewer than %2 days."
            ).replace("%1", str(excluded)).replace("%2", str(now.definition.min_overlap_days))
        self.scope_label.setText(scope)
        self.chart.set_series(series, highlight=month, cycle_marks=data.cycle_marks)
        self.reading_label.setText(series.analysis.reading)
        self.notes_model.set_rows(series.annotations)
        self.coordinator_model.set_rows(now.by_care_coordinator())
        self.provider_model.set_rows(now.by_provider())
        self.reason_model.set_rows(now.reasons())

    def _chart_months(self) -> tuple[Month, Month]:
        assert self._month is not None
        today = Month.of(self._services.context.today())
        return self._month.plus(-(int(self.span_combo.currentData()) - 1)), max(today, self._month)

    # ------------------------------------------------------------------ for slides and QI tools

    def _ask_where(self, caption: str, what: str, suffix: str, name_filter: str) -> Path | None:
        data = self._shown
        if data is None:
            return None
        name = self._services.reporting.file_name(data.month, data.team, what=what, suffix=suffix)
        return choose_file(self, caption, documents_folder() / name, name_filter, save=True)

    @Slot()
    def _on_chart_button_clicked(self) -> None:
        """The chart as shown, at twice the screen's resolution: sharp on a projector."""
        out = self._ask_where(
            self.tr("Save the chart as PNG"), "chart", ".png", self.tr("PNG images (*.png)")
        )
        if out is None:
            return
        scale = 2.0
        image = QImage(self.chart.size() * scale, QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(scale)
        image.fill(Qt.GlobalColor.white)
        self.chart.render(image)
        if not image.save(str(out), "PNG"):
            QMessageBox.warning(
                self, self.tr("Chart not saved"), self.tr("Could not write %1.").replace("%1", str(out))
            )
            return
        self.saved.emit(str(out))

    @Slot()
    def _on_csv_button_clicked(self) -> None:
        """The chart's months as `ddcase series --csv` writes them (ReportingService.series_csv)."""
        data = self._shown
        out = self._ask_where(
            self.tr("Save the series as CSV"), "series", ".csv", self.tr("CSV files (*.csv)")
        )
        if out is None or data is None:
            return
        series = data.overview.series
        try:
            with wait_cursor():
                self._services.reporting.series_csv(series.first, series.last, data.team, out)
        except DomainError as error:
            QMessageBox.warning(self, self.tr("Series not saved"), str(error))
            return
        self.saved.emit(str(out))

    @Slot()
    def _on_team_combo_changed(self) -> None:
        if self._month is not None:
            self.refresh_in_background(self._month)

    @Slot()
    def _on_add_note_button_clicked(self) -> None:
        if self._month is None:
            return
        first, last = self._chart_months()
        note = NoteDialog.ask(self, first=first, last=last, month=self._month, team=self.team())
        if note is not None:
            self._save_note(note)

    @Slot()
    def _on_edit_note_button_clicked(self) -> None:
        current = selected_value(self.notes_view)
        if current is None or self._month is None:
            return
        first, last = self._chart_months()
        note = NoteDialog.ask(
            self,
            first=min(first, current.month),
            last=last,
            month=self._month,
            team=self.team(),
            note=current,
        )
        if note is not None:
            self._save_note(note)

    def _save_note(self, note: Annotation) -> None:
        try:
            self._services.notes.save_annotation(note)
        except DomainError as error:
            QMessageBox.warning(self, self.tr("Note not saved"), str(error))
            return
        assert self._month is not None
        self.refresh(self._month)

    @Slot()
    def _on_delete_note_button_clicked(self) -> None:
        current = selected_value(self.notes_view)
        if current is None or self._month is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete note"),
            self.tr("Delete the note '%1'?").replace("%1", current.text),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._services.notes.delete_annotation(current)
        except DomainError as error:
            QMessageBox.warning(self, self.tr("Note not deleted"), str(error))
            return
        self.refresh(self._month)

    @Slot()
    def _on_aim_button_clicked(self) -> None:
        if self._month is None:
            return
        first, _last = self._chart_months()
        settings = self._services.notes.measure_settings(self.team())
        draft = AimDialog.ask(self, settings=settings, first=first, last=self._month.plus(24))
        if draft is None:
            return
        try:
            self._services.notes.save_measure_settings(draft)
        except DomainError as error:
            QMessageBox.warning(self, self.tr("Aim not saved"), str(error))
            return
        self.refresh(self._month)

    @Slot()
    def _on_cycles_button_clicked(self) -> None:
        show_cycles(self, self._services, self.team())
        if self._month is not None:
            self.refresh(self._month)

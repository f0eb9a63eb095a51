"""The main view: every mutual client of the month with their status, searchable and filtered,
and the chosen client's details beside the list."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QItemSelection, QObject, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ddcase.domain import Month, Service, available_workers
from ddcase.domain.format import figure_text
from ddcase.services.registry import Services
from ddcase.ui.casework_actions import CaseworkActions
from ddcase.ui.models.mutual_client_model import (
    CaseloadEntry,
    ClientFilterProxy,
    MutualClientTableModel,
    StatusFilter,
    caseload,
)
from ddcase.ui.pages.page import Page
from ddcase.ui.tasks import LatestLoad
from ddcase.ui.widgets.client_panel import ClientPanel
from ddcase.ui.widgets.tables import fit_columns, make_table

Column = MutualClientTableModel.Column


@dataclass(frozen=True, slots=True)
class CaseloadData:
    """Everything the page shows for a month, read from the services in any thread."""

    month: Month
    entries: list[CaseloadEntry]
    teams: list[str]
    coordinators: list[str]
    headline: str = ""  # the month's figure, 'so far: 5 of 31 days' while it is in progress


class CaseloadPage(Page):
    client_changed = Signal(str)
    loaded = Signal()  # the rows of the latest refresh are shown

    def __init__(self, services: Services, actions: CaseworkActions, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self._loads = LatestLoad(self._show, self._on_load_failed, self._set_loading)
        self._rows_by_ref: tuple[int, dict[str, int]] = (-1, {})
        self._search_moved = False  # Up or Down in the search box chose a row since the last typing

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search reference, initials or worker (Ctrl+F)"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(self.tr("Search clients"))
        self.team_combo = QComboBox()
        self.team_combo.setAccessibleName(self.tr("Team filter"))
        self.coordinator_combo = QComboBox()
        self.coordinator_combo.setAccessibleName(self.tr("Care coordinator filter"))
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName(self.tr("Status filter"))
        for status in StatusFilter:
            self.status_combo.addItem(self.tr(status.label), int(status))
        for combo in (self.team_combo, self.coordinator_combo, self.status_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.count_label = QLabel()
        self.month_label = QLabel()
        self.month_label.setAccessibleName(self.tr("The month shown"))
        self.month_label.setWordWrap(True)
        bold = self.month_label.font()
        bold.setBold(True)
        self.month_label.setFont(bold)
        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 3)
        for label, combo in (
            (self.tr("T&eam:"), self.team_combo),
            (self.tr("Coo&rdinator:"), self.coordinator_combo),
            (self.tr("&Show:"), self.status_combo),
        ):
            caption = QLabel(label)
            caption.setBuddy(combo)
            filters.addWidget(caption)
            filters.addWidget(combo)

        self.model = MutualClientTableModel(self)
        self.proxy = ClientFilterProxy(self)
        self.table_view, _ = make_table(
            self.model, self.tr("Mutual clients"), proxy=self.proxy, stretch=Column.STATUS, parent=self
        )
        fit_columns(
            self.table_view,
            {
                Column.REFERENCE: 10,
                Column.INITIALS: 6,
                Column.TEAM: 17,
                Column.CARE_COORDINATOR: 16,
                Column.KEY_WORKER: 16,
                Column.PROVIDER: 19,
                Column.LAST_JOINT_CONTACT: 12,
            },
        )
        self.table_view.horizontalHeader().moveSection(Column.LAST_JOINT_CONTACT, Column.STATUS)
        self.table_view.sortByColumn(Column.REFERENCE, Qt.SortOrder.AscendingOrder)

        self.panel = ClientPanel(services, actions, self)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.month_label)
        left_layout.addLayout(filters)
        self.loading_label = QLabel(self.tr("Loading the clients and this month's figures..."))
        self.loading_label.setAccessibleName(self.tr("Loading"))
        self.loading_bar = QProgressBar()
        self.loading_bar.setRange(0, 0)
        self.loading_bar.setMaximumWidth(160)
        self.loading_bar.setAccessibleName(self.tr("Loading the clients"))
        self.loading_row = QWidget()
        loading_layout = QHBoxLayout(self.loading_row)
        loading_layout.setContentsMargins(0, 0, 0, 0)
        loading_layout.addWidget(self.loading_label)
        loading_layout.addWidget(self.loading_bar)
        loading_layout.addStretch(1)
        self.loading_row.hide()
        left_layout.addWidget(self.loading_row)
        left_layout.addWidget(self.table_view)
        left_layout.addWidget(self.count_label)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([360, 300])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.installEventFilter(self)
        self.team_combo.currentIndexChanged.connect(self._on_filters_changed)
        self.coordinator_combo.currentIndexChanged.connect(self._on_filters_changed)
        self.status_combo.currentIndexChanged.connect(self._on_filters_changed)
        self.table_view.selectionModel().selectionChanged.connect(self._on_table_view_selection_changed)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.modelReset.connect(self._on_proxy_model_reset)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self.setTabOrder(self.search_edit, self.team_combo)
        self.setTabOrder(self.team_combo, self.coordinator_combo)
        self.setTabOrder(self.coordinator_combo, self.status_combo)
        self.setTabOrder(self.status_combo, self.table_view)

    def load(self, month: Month) -> CaseloadData:
        """Read the month's caseload from the services: no widgets, so any thread may call it."""
        figures = self._services.figures.month(month)
        entries = caseload(self._services.casework.client_names(), [*figures.clients, *figures.excluded])
        # A leaver is offered for the months they were still in the team (issue 15).
        coordinators = sorted(
            w.name
            for w in available_workers(
                self._services.casework.workers(Service.MENTAL_HEALTH), month.first_day
            )
        )
        headline = f"{month.label()}: " + figure_text(
            figures.jointly_worked, figures.mutual_clients, figures.percentage
        )
        so_far = self._services.figures.so_far_text(month)
        if so_far:
            headline += f", {so_far} (provisional)"
        return CaseloadData(month, entries, self._services.figures.teams(), coordinators, headline)

    def title(self) -> str:
        return self.tr("&Clients")

    def refresh(self, month: Month) -> None:
        """Reload the clients and their status in `month` now, keeping the filters and the
        choice. A background load still running is superseded (its rows are dropped)."""
        self._month = month
        self._loads.now(lambda: self.load(month))

    def refresh_in_background(self, month: Month, pool: QThreadPool) -> None:
        """The same as `refresh`, with the reading done in `pool` (20,000 clients take seconds):
        the page says it is loading, and the rows appear when they come. A `refresh` (after an
        edit) or a later background refresh meanwhile wins: this load's rows are then dropped, so
        a contact logged while loading is never hidden by the older rows."""
        self._month = month
        self._loads.start(lambda: self.load(month), pool)

    def is_loading(self) -> bool:
        return self._loads.running

    def _on_load_failed(self, error: Exception) -> None:
        self._update_count()
        self.load_failed.emit(error)

    def _set_loading(self, loading: bool) -> None:
        self.loading_row.setVisible(loading)
        if loading:
            self.count_label.setText(self.tr("Loading..."))

    def _show(self, data: CaseloadData) -> None:
        keep = self.current_client_ref()
        self._fill_combo(self.team_combo, self.tr("All teams"), data.teams)
        self._fill_combo(self.coordinator_combo, self.tr("All care coordinators"), data.coordinators)
        self.model.set_rows(data.entries)
        self.month_label.setText(data.headline)
        self._set_loading(self._loads.running)
        self._update_count()
        if keep is None or not self.select_client(keep):
            self.panel.show_client(None, data.month)
        self.loaded.emit()

    @staticmethod
    def _fill_combo(combo: QComboBox, everyone: str, names: list[str]) -> None:
        keep = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everyone, None)
        for name in names:
            combo.addItem(name, name)
        combo.setCurrentIndex(max(0, combo.findData(keep)) if keep else 0)
        combo.blockSignals(False)

    def current_client_ref(self) -> str | None:
        return self.panel.client_ref()

    def select_client(self, client_ref: str) -> bool:
        """Select a client's row, widening the filter to every client if it is hidden."""
        row = self.model.row_of(lambda entry: entry.client_ref == client_ref)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            self.search_edit.clear()
            self.team_combo.setCurrentIndex(0)
            self.coordinator_combo.setCurrentIndex(0)
            self.status_combo.setCurrentIndex(self.status_combo.findData(int(StatusFilter.ALL)))
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table_view.selectRow(index.row())
        self.table_view.scrollTo(index)
        if self.panel.client_ref() != client_ref and self._month is not None:
            self.panel.show_client(client_ref, self._month)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the search box, Up and Down move the selection in the list, and Enter opens the
        chosen client (the first shown if none is): the client panel, ready for Ctrl+N."""
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                if not self._search_moved:  # after typing, the list is entered at its first match
                    self.table_view.clearSelection()
                    self._move_selection(0)
                else:
                    self._move_selection(-1 if key == Qt.Key.Key_Up else 1)
                self._search_moved = True
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.proxy.rowCount():
                if not self._search_moved:
                    self.table_view.clearSelection()  # the first match, not the client shown before
                self._move_selection(0)
                self.table_view.setFocus()
                return True
        return super().eventFilter(watched, event)

    def _move_selection(self, step: int) -> None:
        """Select the row `step` rows from the selected one (the first row when none is shown)."""
        rows = self.proxy.rowCount()
        if not rows:
            return
        selected = self.table_view.selectionModel().selectedRows()
        row = min(max(selected[0].row() + step, 0), rows - 1) if selected else 0
        index = self.proxy.index(row, 0)
        self.table_view.selectRow(row)
        self.table_view.setCurrentIndex(index)
        self.table_view.scrollTo(index)

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    @Slot(str)
    def _on_search_edit_text_changed(self, text: str) -> None:
        self._search_moved = False
        self.proxy.set_search(text)

    @Slot()
    def _on_filters_changed(self) -> None:
        self.proxy.set_team(self.team_combo.currentData())
        self.proxy.set_coordinator(self.coordinator_combo.currentData())
        self.proxy.set_status(StatusFilter(self.status_combo.currentData()))

    @Slot()
    def _on_proxy_model_reset(self) -> None:
        """A filter changed (the proxy resets): select the chosen client's row again if it is
        still shown. The panel keeps showing them either way."""
        ref = self.panel.client_ref()
        if ref is None:
            return
        if self._rows_by_ref[0] != self.model.generation:
            self._rows_by_ref = (
                self.model.generation,
                {entry.client_ref: row for row, entry in enumerate(self.model.rows())},
            )
        row = self._rows_by_ref[1].get(ref)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table_view.selectRow(index.row())

    @Slot()
    def _update_count(self) -> None:
        shown = self.proxy.rowCount()
        self.count_label.setText(
            self.tr("%1 of %2 clients shown")
            .replace("%1", str(shown))
            .replace("%2", str(self.model.rowCount()))
        )

    @Slot(QItemSelection, QItemSelection)
    def _on_table_view_selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes or self._month is None:
            return
        entry = self.model.value(self.proxy.mapToSource(indexes[0]).row())
        if entry.client_ref != self.panel.client_ref():
            self.panel.show_client(entry.client_ref, self._month)
            self.client_changed.emit(entry.client_ref)

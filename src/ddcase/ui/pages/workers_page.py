"""The workers directory: everyone in both services, with how to reach them, and who has left."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ddcase.domain import Month
from ddcase.services.registry import Services
from ddcase.ui.casework_actions import CaseworkActions
from ddcase.ui.models.base import SortingProxy
from ddcase.ui.models.worker_model import WorkerTableModel
from ddcase.ui.pages.page import Page
from ddcase.ui.widgets.tables import fit_columns, make_table, selected_value


class WorkersPage(Page):
    #: the worker chosen (or None) for Mark as left... and Move caseload... (ui/actions/team.py)
    mark_left_requested = Signal(object)
    move_caseload_requested = Signal(object)

    def __init__(self, services: Services, actions: CaseworkActions, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self._actions = actions
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search names, organisations, phone numbers"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(self.tr("Search workers"))
        self.model = WorkerTableModel(self)
        proxy = SortingProxy(self)
        proxy.setFilterKeyColumn(-1)
        proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table_view, self.proxy = make_table(
            self.model, self.tr("Workers directory"), proxy=proxy, parent=self
        )
        fit_columns(self.table_view, {0: 20, 1: 36, 2: 18, 3: 17, 4: 15, 5: 30})
        self.table_view.sortByColumn(WorkerTableModel.Column.NAME, Qt.SortOrder.AscendingOrder)
        self.add_button = QPushButton(self.tr("&Add worker..."))
        self.edit_button = QPushButton(self.tr("&Edit worker..."))
        self.delete_button = QPushButton(self.tr("Delete wor&ker..."))
        self.left_button = QPushButton(self.tr("Ma&rk as left..."))
        self.move_button = QPushButton(self.tr("Move ca&seload..."))
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.delete_button,
            self.left_button,
            self.move_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.table_view)
        layout.addLayout(buttons)
        self.search_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.left_button.clicked.connect(self._on_left_button_clicked)
        self.move_button.clicked.connect(self._on_move_button_clicked)
        self.table_view.doubleClicked.connect(self._on_edit_button_clicked)

    def title(self) -> str:
        return self.tr("&Workers")

    def refresh(self, _month: Month) -> None:
        self.model.set_rows(self._services.casework.workers())

    @Slot()
    def _on_add_button_clicked(self) -> None:
        self._actions.save_worker(self)

    @Slot()
    def _on_edit_button_clicked(self) -> None:
        worker = selected_value(self.table_view)
        if worker is not None:
            self._actions.save_worker(self, worker)

    @Slot()
    def _on_delete_button_clicked(self) -> None:
        worker = selected_value(self.table_view)
        if worker is not None:
            self._actions.delete_worker(self, worker)

    @Slot()
    def _on_left_button_clicked(self) -> None:
        self.mark_left_requested.emit(selected_value(self.table_view))

    @Slot()
    def _on_move_button_clicked(self) -> None:
        self.move_caseload_requested.emit(selected_value(self.table_view))

"""The first run: try the demo (in its own file), or start a new team log."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ddcase.domain import Role
from ddcase.services.team import TeamSettings


class WelcomePage(QWidget):
    demo_requested = Signal()
    new_team_requested = Signal(object)  # TeamSettings

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(self.tr("Welcome to ddcase"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            self.tr(
                "A case log for joint working between a community mental health team and the drug and "
                "alcohol services it works with: who your mutual clients are, whether each was jointly "
                "worked this month, and what is missing. The clinical record stays in the EPR."
            )
        )
        intro.setWordWrap(True)

        demo_box = QGroupBox(self.tr("Look around first"))
        demo_text = QLabel(
            self.tr(
                "Open a made-up team of three Luton CMHTs and two drug and alcohol providers with two "
                "years of contacts. Nobody in it is real. It opens in a file of its own, never in your "
                "log; Leave the demo brings you back here."
            )
        )
        demo_text.setWordWrap(True)
        self.demo_button = QPushButton(self.tr("Try the &demo"))
        self.demo_button.setMinimumHeight(self.demo_button.sizeHint().height() * 3 // 2)
        demo_layout = QVBoxLayout(demo_box)
        demo_layout.addWidget(demo_text)
        demo_layout.addStretch(1)
        demo_layout.addWidget(self.demo_button)

        new_box = QGroupBox(self.tr("Start a new team log"))
        self.team_name_edit = QLineEdit()
        self.team_name_edit.setPlaceholderText(self.tr("e.g. Luton North CMHT dual diagnosis"))
        self.owner_name_edit = QLineEdit()
        self.role_combo = QComboBox()
        for role in Role:
            self.role_combo.addItem(role.label, role.value)
        self.providers_edit = QPlainTextEdit()
        self.providers_edit.setPlaceholderText(
            self.tr("One a line, e.g.\nResoLUTiONs\nTotal Wellbeing Luton")
        )
        self.providers_edit.setTabChangesFocus(True)
        self.providers_edit.setMaximumHeight(self.fontMetrics().height() * 5)
        form = QFormLayout()
        form.addRow(self.tr("&Team name:"), self.team_name_edit)
        form.addRow(self.tr("&Your name:"), self.owner_name_edit)
        form.addRow(self.tr("Your &role:"), self.role_combo)
        form.addRow(self.tr("Drug and alcohol &providers:"), self.providers_edit)
        self.team_name_edit.setAccessibleName(self.tr("Team name"))
        self.owner_name_edit.setAccessibleName(self.tr("Your name"))
        self.role_combo.setAccessibleName(self.tr("Your role"))
        self.providers_edit.setAccessibleName(self.tr("Drug and alcohol providers, one a line"))
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet("color: #b00020;")
        self.start_button = QPushButton(self.tr("&Start the team log"))
        new_layout = QVBoxLayout(new_box)
        new_layout.addLayout(form)
        new_layout.addWidget(self.problem_label)
        new_layout.addWidget(self.start_button)

        boxes = QHBoxLayout()
        boxes.addWidget(demo_box, 1)
        boxes.addWidget(new_box, 1)
        inner = QFrame()
        inner.setMaximumWidth(1000)
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(title)
        inner_layout.addWidget(intro)
        inner_layout.addSpacing(12)
        inner_layout.addLayout(boxes)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(inner)
        column.addStretch(2)
        outer.addLayout(column, 10)
        outer.addStretch(1)

        self.team_name_edit.textChanged.connect(self._revalidate)
        self.owner_name_edit.textChanged.connect(self._revalidate)
        self.demo_button.clicked.connect(self.demo_requested)
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.team_name_edit.returnPressed.connect(self._on_start_button_clicked)
        self._revalidate()

    def set_busy(self, busy: bool) -> None:
        for widget in (self.demo_button, self.start_button):
            widget.setEnabled(not busy)
        if not busy:
            self._revalidate()

    def _problem(self) -> str:
        if not self.team_name_edit.text().strip():
            return self.tr("Give the team log a name.")
        if not self.owner_name_edit.text().strip():
            return self.tr("Say who keeps the log (your name).")
        return ""

    @Slot()
    def _revalidate(self) -> None:
        problem = self._problem()
        self.start_button.setEnabled(not problem)
        self.problem_label.setText(problem)

    def draft(self) -> TeamSettings:
        providers = tuple(
            line.strip() for line in self.providers_edit.toPlainText().splitlines() if line.strip()
        )
        return TeamSettings(
            team_name=self.team_name_edit.text().strip(),
            owner_name=self.owner_name_edit.text().strip(),
            owner_role=self.role_combo.currentData(),
            providers=providers,
            is_demo=False,
        )

    @Slot()
    def _on_start_button_clicked(self) -> None:
        if not self._problem():
            self.new_team_requested.emit(self.draft())


__all__ = ["WelcomePage", "Qt"]

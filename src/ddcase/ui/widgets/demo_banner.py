"""The DEMO banner across the top of the window while the demo team's log is open (issue 15):
nobody in it is real, and one click leaves it for the user's own log."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class DemoBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demo_banner")
        # Amber with dark text (contrast above 7:1), as NHS services mark test systems.
        self.setStyleSheet(
            "#demo_banner { background: #ffb81c; border-bottom: 1px solid #8a6100; }"
            " #demo_banner QLabel { color: #212b32; }"
        )
        self.label = QLabel(
            self.tr(
                "<b>DEMO</b>: a made-up team in a file of its own (ddcase-demo). Nobody in it is real, "
                "and nothing here goes into your log."
            )
        )
        self.label.setWordWrap(True)
        self.label.setAccessibleName(self.tr("Demo"))
        self.leave_button = QPushButton(self.tr("Leave the demo"))
        self.leave_button.setToolTip(self.tr("Close the demo and open your own log"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.leave_button)
        self.hide()

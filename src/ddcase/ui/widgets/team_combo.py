"""The team chooser the dashboard, the work list and the measures share: "All teams" (None) and
then each team by name, as wide as its longest name."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QComboBox, QWidget


class TeamCombo(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Team"))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

    def fill(self, teams: Iterable[str], team: str | None) -> None:
        """Offer "All teams" and `teams`, with `team` chosen (All teams when it is None or no
        longer offered); silently: choosing here is not the user choosing."""
        self.blockSignals(True)
        self.clear()
        self.addItem(self.tr("All teams"), None)
        for name in teams:
            self.addItem(name, name)
        self.setCurrentIndex(max(0, self.findData(team)) if team else 0)
        self.blockSignals(False)

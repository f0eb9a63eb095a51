"""What every tab of the main window is: a `Page`."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ddcase.domain import Month
from ddcase.services.registry import Services


class Page(QWidget):
    """A tab of the main window. It is handed the services and calls them (slow reads through
    ui/tasks.py in the pool); it shows one month of the log, which the window gives it by
    `refresh(month)` when the page is shown and what it shows is out of date."""

    #: a background load's exception, for the window to explain (pages that load in the pool)
    load_failed = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._month: Month | None = None  # the month shown, once refreshed

    def title(self) -> str:
        """The tab's text, with its Alt key after the &."""
        raise NotImplementedError

    def refresh(self, month: Month) -> None:
        """Read and show `month` now (on the GUI thread)."""
        raise NotImplementedError

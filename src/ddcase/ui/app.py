"""Starts the desktop app: the QApplication (names set before QSettings is read, high-DPI safe),
the database through the opener the command line hands in, and the main window. A database the
app cannot open gives a clear message, never a traceback."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from ddcase.domain import DomainError
from ddcase.paths import log_dir
from ddcase.services.registry import Services

log = logging.getLogger("ddcase")

ORGANISATION = "ddcase"
APPLICATION = "ddcase"


def _tr(text: str) -> str:
    return QCoreApplication.translate("app", text)


def handle_exception(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook for the GUI: log the details, show a short message (no traceback)."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    if isinstance(value, DomainError):
        QMessageBox.warning(None, _tr("ddcase"), str(value))
        return
    log.error("unexpected error", exc_info=(kind, value, tb))
    QMessageBox.critical(
        None,
        _tr("Something went wrong"),
        _tr("Something unexpected went wrong. The details are in %1.").replace(
            "%1", str(log_dir() / "ddcase.log")
        ),
    )


def open_or_explain(
    db_argument: str | None, open_services: Callable[[str | None], Services]
) -> Services | None:
    """The services, or None after telling the user plainly why the database would not open."""
    try:
        return open_services(db_argument)
    except DomainError as error:
        QMessageBox.critical(None, _tr("ddcase cannot open the database"), str(error))
    except Exception:
        log.exception("could not open the database")
        QMessageBox.critical(
            None,
            _tr("ddcase cannot open the database"),
            _tr("The database could not be opened. The details are in %1.").replace(
                "%1", str(log_dir() / "ddcase.log")
            ),
        )
    return None


def run(db_argument: str | None, open_services: Callable[[str | None], Services]) -> int:
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    # The composition root creates the one QApplication; nothing else looks it up.
    app = QApplication.instance()
    if app is None:
        # Fractional scaling (125%, 150%) as the desktop asks, not rounded to 100% or 200%.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(sys.argv[:1])
    app.setApplicationDisplayName("ddcase")
    sys.excepthook = handle_exception
    services = open_or_explain(db_argument, open_services)
    if services is None:
        return 2
    from ddcase.ui.main_window import MainWindow  # after the QApplication: the window builds widgets

    try:
        window = MainWindow(services, QSettings())
        window.show()
        return app.exec()
    finally:
        services.close()

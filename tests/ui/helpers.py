"""Helpers for the window tests."""

from __future__ import annotations


def a_shown_window(services, settings, qtbot):  # type: ignore[no-untyped-def]
    """The main window as a person meets it: 1366x768, shown, active, its first reading done."""
    from ddcase.ui.main_window import MainWindow

    window = MainWindow(services, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    window.wait_for_background_work()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    return window


def dashboard_loaded(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Wait for the dashboard's figures: the window reads them in its pool."""
    qtbot.waitUntil(lambda: not window.dashboard_page.is_loading(), timeout=30_000)


def show_dashboard(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.dashboard_page)
    dashboard_loaded(window, qtbot)

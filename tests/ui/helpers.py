"""Helpers for the window tests."""

from __future__ import annotations


def dashboard_loaded(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Wait for the dashboard's figures: the window reads them in its pool."""
    qtbot.waitUntil(lambda: not window.dashboard_page.is_loading(), timeout=30_000)


def show_dashboard(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.dashboard_page)
    dashboard_loaded(window, qtbot)

"""Errors on a pool thread (ui/tasks.py, ui/app.py), found under Wine where the window's loads are
slow: a task still running when the window has gone (its signals deleted) must not raise, and an
error that reaches sys.excepthook on a thread other than the GUI's must be logged, never shown
there (a widget built off the GUI thread hangs the app: the smoke test under Wine hung so)."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
import shiboken6
from PySide6.QtWidgets import QMessageBox

from ddcase.ui import app as app_module
from ddcase.ui.tasks import Task


def test_a_task_whose_window_has_gone_finishes_quietly(qapp: Any, caplog: pytest.LogCaptureFixture) -> None:
    task = Task(lambda: "read")
    shiboken6.delete(task.signals)  # the window, and what heard the task, closed meanwhile
    with caplog.at_level(logging.INFO, logger="ddcase"):
        task.run()  # on the pool's thread in the app; nothing left to tell
    assert "no one is left to hear" in caplog.text


def test_an_error_on_a_pool_thread_is_logged_not_shown(
    qapp: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(threading.current_thread().name))
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(threading.current_thread().name))

    def fail() -> None:
        try:
            raise RuntimeError("from the pool")
        except RuntimeError as error:
            app_module.handle_exception(RuntimeError, error, error.__traceback__)

    worker = threading.Thread(target=fail, name="pool")
    with caplog.at_level(logging.ERROR, logger="ddcase"):
        worker.start()
        worker.join(10)
    assert not worker.is_alive()
    assert shown == []
    assert "from the pool" in caplog.text
    fail()  # on the GUI thread, the person is told
    assert shown == [threading.current_thread().name]

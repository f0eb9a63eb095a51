"""Driving the window as a person does: keystrokes to whatever has the focus, and a modal dialog
(opened by `exec()`) driven from inside its own event loop."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QWidget


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def type_text(text: str) -> None:
    QTest.keyClicks(focused(), text)


def press(key, modifier=None) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    QTest.keyClick(focused(), key, modifier or Qt.KeyboardModifier.NoModifier)


def ok_button(dialog: QDialog):  # type: ignore[no-untyped-def]
    box = dialog.findChild(QDialogButtonBox)
    return box.button(QDialogButtonBox.StandardButton.Ok)


def shown_texts(dialog: QDialog) -> list[str]:
    return [label.text() for label in dialog.findChildren(QLabel) if label.isVisible() and label.text()]


def in_modal(qtbot, open_it: Callable[[], object], drive: Callable[[QDialog], None]) -> None:  # type: ignore[no-untyped-def]
    """Call `open_it` (which shows a modal dialog and waits), and meanwhile `drive(dialog)` from
    the dialog's own event loop once it is shown and active. Whatever `drive` leaves open is
    cancelled, so a failing test fails instead of hanging; its exception is raised here."""
    errors: list[BaseException] = []
    seen: list[QDialog] = []

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog) or dialog in seen:
            QTimer.singleShot(10, step)
            return
        seen.append(dialog)
        try:
            qtbot.waitUntil(lambda: dialog.isActiveWindow() and QApplication.focusWidget() is not None)
            drive(dialog)
        except BaseException as error:  # noqa: BLE001 - handed back to the test below
            errors.append(error)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, step)
    open_it()
    if errors:
        raise errors[0]
    assert seen, "no dialog was shown"


def freeze_today(services, day: date) -> None:  # type: ignore[no-untyped-def]
    services.context.today = lambda: day

"""Driving the app as a person does: keystrokes to whatever has the focus (counted by `Keyboard`,
or sent by the plain functions), including inside modal dialogs, which block the test until they
close, so their steps run from a timer (`Modal` for a chain of windows, `in_modal` for one)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QWidget


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def type_text(text: str) -> None:
    QTest.keyClicks(focused(), text)


def press(key: Qt.Key, modifier: Qt.KeyboardModifier | None = None) -> None:
    QTest.keyClick(focused(), key, modifier or Qt.KeyboardModifier.NoModifier)


class Keyboard:
    """Sends keys to the focused widget and counts them: a chord (Ctrl+N) is one key, a typed
    text one key per character."""

    def __init__(self) -> None:
        self.count = 0

    def focused(self) -> QWidget:
        return focused()

    def type(self, text: str) -> None:
        type_text(text)
        self.count += len(text)

    def press(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        press(key, modifiers)
        self.count += 1

    def alt(self, letter: str) -> None:
        self.press(getattr(Qt.Key, f"Key_{letter.upper()}"), Qt.KeyboardModifier.AltModifier)

    def ctrl(self, letter: str) -> None:
        self.press(getattr(Qt.Key, f"Key_{letter.upper()}"), Qt.KeyboardModifier.ControlModifier)


Step = tuple[type, Callable[[QWidget], None]]


class Modal:
    """Runs steps on modal windows as they appear: each step (a kind of window, what to do with
    it) waits until a visible modal window of that kind is the active one. Start it before the
    key that opens the first modal window."""

    def __init__(self, steps: list[Step]) -> None:
        self.steps = list(steps)
        self.errors: list[BaseException] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        if not self.steps:
            self.timer.stop()
            return
        kind, action = self.steps[0]
        modal = QApplication.activeModalWidget()
        if modal is None or not isinstance(modal, kind) or not modal.isVisible():
            return
        focus = QApplication.focusWidget()
        if focus is None:
            # The offscreen platform gives no window back the focus when a modal one above it
            # closes, as a desktop's window manager does.
            modal.activateWindow()
            return
        if focus.window() is not modal:
            return  # the window manager gives a new window the focus a moment after it shows
        self.steps.pop(0)
        self.timer.stop()
        # From its own timer: a key that opens another modal window blocks until it closes, and a
        # timer's slot is not run again while it is still running.
        QTimer.singleShot(0, lambda: self._run(action, modal))

    def _run(self, action: Callable[[QWidget], None], modal: QWidget) -> None:
        self.timer.start()
        try:
            action(modal)
        except BaseException as error:  # noqa: BLE001 - re-raised by done(), on the test's side
            self.errors.append(error)
            self.steps.clear()
            modal.close()

    def done(self) -> None:
        self.timer.stop()
        if self.errors:
            raise self.errors[0]
        assert not self.steps, f"{len(self.steps)} steps never ran: no such window appeared"


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


def back_to(window: QWidget, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The window gets the focus back after a modal window closes, as a desktop gives it (the
    offscreen platform does not)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)


def freeze_today(services, day: date) -> None:  # type: ignore[no-untyped-def]
    """Every service reads today through the one context (services/base.py)."""
    services.context.today = lambda: day

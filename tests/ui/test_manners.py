"""Good desktop manners: every input and table has a name a screen reader can say."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from ddcase.domain import Definition, Episode, MeasureSettings, Month, Service
from ddcase.ui.dialogs.aim_dialog import AimDialog
from ddcase.ui.dialogs.change_worker_dialog import ChangeWorkerDialog
from ddcase.ui.dialogs.client_dialog import ClientDialog
from ddcase.ui.dialogs.contact_dialog import ContactDialog
from ddcase.ui.dialogs.definition_dialog import DefinitionDialog
from ddcase.ui.dialogs.episode_dialog import EpisodeDialog
from ddcase.ui.dialogs.note_dialog import NoteDialog
from ddcase.ui.dialogs.worker_dialog import WorkerDialog

INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QAbstractItemView)
TODAY = date(2026, 11, 22)


def _inside_an_input(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if (
            isinstance(parent, (QComboBox, QAbstractSpinBox, QAbstractItemView))
            or type(parent).__name__ == "QComboBoxPrivateContainer"
        ):
            return True
        parent = parent.parentWidget()
    return False


def unnamed_inputs(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or _inside_an_input(widget):
            continue  # a combo box's own line edit and popup list are named through the combo box
        if type(widget).__name__ in ("QCalendarView",) or widget.objectName().startswith("qt_"):
            continue
        if not widget.accessibleName():
            missing.append(
                f"{type(widget).__name__} {widget.objectName()!r} under {type(widget.parent()).__name__}"
            )
    return missing


def test_every_input_of_the_main_window_has_an_accessible_name(small_team, window):
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
    assert unnamed_inputs(window) == []
    unlabelled = [
        b
        for b in window.findChildren(QAbstractButton)
        if b.isVisibleTo(window) and not (b.text() or b.accessibleName())
    ]
    assert [type(b).__name__ for b in unlabelled if type(b).__name__ == "QPushButton"] == []


def test_every_input_of_every_dialog_has_an_accessible_name(qtbot):
    episode = Episode("RT1", Service.MENTAL_HEALTH, "ELFT", date(2026, 1, 1))
    dialogs = [
        ContactDialog(None, clients=[], workers=[], current_workers={}, today=TODAY),
        ClientDialog(None, today=TODAY, existing_refs=set()),
        EpisodeDialog(None, client_ref="RT1", today=TODAY, workers=[], organisations={}, teams=[]),
        ChangeWorkerDialog(None, episode=episode, workers=[], today=TODAY),
        WorkerDialog(None, organisations={}, taken=set()),
        DefinitionDialog(None, current=Definition(), first=Month(2026, 12), last=Month(2027, 3)),
        NoteDialog(None, first=Month(2026, 1), last=Month(2026, 11), month=Month(2026, 11), team=None),
        AimDialog(None, settings=MeasureSettings(), first=Month(2026, 1), last=Month(2027, 3)),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        assert unnamed_inputs(dialog) == [], type(dialog).__name__


def test_menus_and_pages_have_different_alt_keys(window):
    """Alt+letter opens exactly one menu or page: no two share a mnemonic."""
    import re

    titles = [action.text() for action in window.menuBar().actions()]
    titles += [window.tabs.tabText(i) for i in range(window.tabs.count())]
    keys = [re.search(r"&(\w)", title).group(1).lower() for title in titles]
    assert len(keys) == len(set(keys)), dict(zip(titles, keys, strict=True))


def test_the_about_box_gives_the_version_licence_and_folders(window, message_boxes):
    from ddcase import __licence__, __version__
    from ddcase.paths import data_dir

    window.about_action.trigger()
    title, text = message_boxes.of("about")[-1]
    assert title == "About ddcase"
    assert __version__ in text and f"Licence: {__licence__}" in text and str(data_dir()) in text

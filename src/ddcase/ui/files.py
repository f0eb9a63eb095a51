"""Files the app saves for a person and opens for them: the Documents folder (issue 15), the file
dialogs (Qt's own, not the platform's, so they look the same everywhere and a test can type into
them as a person does), and opening a saved file in the program the desktop gives it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget


def documents_folder() -> Path:
    """The user's Documents folder (QStandardPaths: Windows' Documents, XDG's on Linux); their
    home folder when there is none."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if found and Path(found).is_dir():
        return Path(found)
    return Path.home()


def file_dialog(
    parent: QWidget | None,
    caption: str,
    start: Path | str,
    name_filter: str,
    *,
    save: bool,
    replace: bool = True,
) -> QFileDialog:
    """Qt's own file dialog (DontUseNativeDialog): the same on every desktop, and driven in the
    tests by typing the file name and pressing Enter."""
    dialog = QFileDialog(parent, caption, str(start), name_filter)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, not replace)
        suffix = Path(str(start)).suffix.lstrip(".")
        if suffix:
            dialog.setDefaultSuffix(suffix)
    else:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    return dialog


def choose_file(
    parent: QWidget | None,
    caption: str,
    start: Path | str,
    name_filter: str,
    *,
    save: bool,
    replace: bool = True,
) -> Path | None:
    """Ask for a file (to save, or an existing one to open): its path, or None when cancelled.
    `start` is a folder, or a file whose name is offered. Without `replace`, the dialog does not
    offer to replace a file (the caller refuses an existing one itself)."""
    dialog = file_dialog(parent, caption, start, name_filter, save=save, replace=replace)
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return None
        chosen = dialog.selectedFiles()
        return Path(chosen[0]) if chosen else None
    finally:
        dialog.deleteLater()


def open_in_desktop(path: Path) -> bool:
    """Open a saved file (the PDF, a folder) in the program the desktop gives it."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

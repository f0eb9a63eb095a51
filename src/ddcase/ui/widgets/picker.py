"""Choosing one of many (a worker, a client) by typing any part of its name: "Yasmin A" finds
Yasmin Akhtar, "akh" too. The one picker for every worker and client field."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from PySide6.QtCore import QStringListModel, Qt, Signal, Slot
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QSizePolicy, QWidget

from ddcase.domain import Service, Worker

#: What `value()` gives while the typed text names no single choice.
UNCHOSEN = object()


class Picker(QComboBox):
    """An editable combo box over (label, value) choices. Typing filters the list on any part
    of a label, whatever the case; the text names a choice when it is a label, a value, or a part
    of exactly one label. Leaving the field completes the label of the one choice it names."""

    value_changed = Signal()

    def __init__(
        self,
        accessible_name: str,
        none_label: str | None = None,
        parent: QWidget | None = None,
        *,
        opens_blank: bool = False,
    ):
        """`opens_blank`: the field opens empty and even the "none" choice must be chosen (a
        new record's worker is chosen, never taken as the form opened: issue 12)."""
        super().__init__(parent)
        self._none_label = none_label
        self._opens_blank = opens_blank
        self._values: dict[str, Hashable | None] = {}
        self._labels: list[str] = []
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setAccessibleName(accessible_name)
        self.setMaxVisibleItems(15)
        # Sized by a typical name, not the longest in the list, so a form's labels keep their room.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(18)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._model = QStringListModel(self)
        self.setModel(self._model)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.currentTextChanged.connect(self._on_current_text_changed)

    def set_choices(self, choices: Sequence[tuple[str, Hashable]]) -> None:
        """Offer these choices (in this order), after the "none" choice if there is one."""
        labels = ([self._none_label] if self._none_label is not None else []) + [
            label for label, _ in choices
        ]
        self._values = {label: value for label, value in choices}
        if self._none_label is not None:
            self._values[self._none_label] = None
        self._labels = labels
        self.blockSignals(True)
        self._model.setStringList(labels)
        blank = self._none_label is None or self._opens_blank
        self.setCurrentIndex(-1 if blank else 0)
        if blank:
            self.setEditText("")
        self.blockSignals(False)
        self.value_changed.emit()

    def select(self, value: Hashable | None) -> None:
        """Show the choice whose value is `value` (the "none" choice for None or one not offered)."""
        label = next((label for label, v in self._values.items() if v == value and value is not None), None)
        if label is None:
            label = self._none_label or ""
        self.setEditText(label)
        if label in self._labels:
            self.setCurrentIndex(self._labels.index(label))
        self.lineEdit().setCursorPosition(0)  # a long name shows from its start

    def _match(self) -> str | None:
        """The label of the one choice the text names, or None."""
        text = self.currentText().strip()
        if not text:
            return None if self._opens_blank else self._none_label
        folded = text.casefold()
        exact = [label for label in self._labels if label.casefold() == folded]
        if exact:
            return exact[0]
        by_value = [
            label
            for label, value in self._values.items()
            if isinstance(value, str) and value.casefold() == folded
        ]
        if len(by_value) == 1:
            return by_value[0]
        containing = [label for label in self._labels if folded in label.casefold()]
        return containing[0] if len(containing) == 1 else None

    def value(self) -> Hashable | None | object:
        """The chosen value; None for the "none" choice; UNCHOSEN when the text names no single
        choice."""
        label = self._match()
        return UNCHOSEN if label is None else self._values.get(label)

    def problem(self) -> str | None:
        """Why the text names no choice, for the dialog's message; None when it names one."""
        if self._match() is not None:
            return None
        text = self.currentText().strip()
        folded = text.casefold()
        count = sum(folded in label.casefold() for label in self._labels)
        if count:
            return (
                self.tr("%1 names %2 of the list: type more of one")
                .replace("%1", text)
                .replace("%2", str(count))
            )
        if not text:
            return self.tr("choose one from the list")
        return self.tr("nothing in the list matches %1").replace("%1", text)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        label = self._match()
        if label is not None and label != self.currentText():
            self.select(self._values.get(label))
        super().focusOutEvent(event)

    @Slot(str)
    def _on_current_text_changed(self, _text: str) -> None:
        self.value_changed.emit()


def worker_picker(
    workers: list[Worker],
    service: Service,
    accessible_name: str,
    none_label: str = "(none)",
    *,
    opens_blank: bool = False,
) -> Picker:
    """A picker of one side's workers, by name: "Name (Organisation)", alphabetical."""
    picker = Picker(accessible_name, none_label, opens_blank=opens_blank)
    picker.set_choices(worker_choices(workers, service))
    return picker


def worker_choices(
    workers: list[Worker], service: Service, leave_out: str | None = None
) -> list[tuple[str, str]]:
    """One side's workers as a picker's choices: "Name (Organisation)", alphabetical."""
    return [
        (f"{w.name} ({w.organisation})", w.name)
        for w in sorted((w for w in workers if w.service is service), key=lambda w: w.name.lower())
        if w.name != leave_out
    ]

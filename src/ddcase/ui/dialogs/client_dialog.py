"""Add or edit a client (SPEC §1)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QMessageBox, QWidget

from ddcase.domain import Client, ReferralRoute
from ddcase.domain.validation import (
    MAX_LENGTH,
    check_client,
    format_nhs_number,
    nhs_number_warnings,
    normalise_nhs_number,
)
from ddcase.ui.dialogs.form import FormDialog, problem_text
from ddcase.ui.widgets.date_field import DateField

#: NHS Data Dictionary ethnic categories (the one-letter codes SPEC §1 stores).
ETHNIC_CATEGORIES = {
    "A": "White - British", "B": "White - Irish", "C": "White - Any other White background",
    "D": "Mixed - White and Black Caribbean", "E": "Mixed - White and Black African",
    "F": "Mixed - White and Asian", "G": "Mixed - Any other mixed background",
    "H": "Asian or Asian British - Indian", "J": "Asian or Asian British - Pakistani",
    "K": "Asian or Asian British - Bangladeshi", "L": "Asian or Asian British - Any other Asian background",
    "M": "Black or Black British - Caribbean", "N": "Black or Black British - African",
    "P": "Black or Black British - Any other Black background", "R": "Other - Chinese",
    "S": "Other - Any other ethnic group", "Z": "Not stated",
}  # fmt: skip


class ClientDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget | None,
        *,
        today: date,
        existing_refs: set[str],
        client: Client | None = None,
        nhs_numbers_in_use: Mapping[str, Collection[str]] | None = None,
    ) -> None:
        super().__init__(parent, self.tr("Edit client") if client else self.tr("New client"))
        self._today = today
        self._original = client
        self._taken = existing_refs - ({client.client_ref} if client else set())
        self._nhs_numbers_in_use = nhs_numbers_in_use or {}
        self.reference_edit = QLineEdit()
        self.reference_edit.setMaxLength(MAX_LENGTH["client_ref"])
        self.reference_edit.setPlaceholderText(self.tr("The local record number, e.g. RT100123"))
        self.initials_edit = QLineEdit()
        self.initials_edit.setMaxLength(MAX_LENGTH["initials"])
        self.nhs_number_edit = QLineEdit()
        self.nhs_number_edit.setPlaceholderText(self.tr("Optional, e.g. 943 476 5919"))
        self.date_of_birth_edit = DateField(self.tr("Date of birth"), today=today, required=False)
        self.consent_edit = DateField(self.tr("Consent to share recorded on"), today=today, required=False)
        self.ethnicity_combo = QComboBox()
        self.ethnicity_combo.addItem(self.tr("(not recorded)"), None)
        for code, label in ETHNIC_CATEGORIES.items():
            self.ethnicity_combo.addItem(f"{code}: {label}", code)
        self.referral_combo = QComboBox()
        self.referral_combo.addItem(self.tr("(not recorded)"), None)
        for route in ReferralRoute:
            self.referral_combo.addItem(route.label, route.value)
        self.add_row(self.tr("&Reference:"), self.reference_edit)
        self.add_row(self.tr("&Initials:"), self.initials_edit)
        self.add_row(self.tr("&NHS number:"), self.nhs_number_edit)
        # A warning, not a problem: OK stays available, and saving asks first (issue 14).
        self.nhs_warning_label = QLabel()
        self.nhs_warning_label.setWordWrap(True)
        self.nhs_warning_label.setStyleSheet("color: #8a5300;")
        self.nhs_warning_label.setAccessibleName(self.tr("NHS number warning"))
        self.nhs_warning_label.setVisible(False)
        self.form.addRow("", self.nhs_warning_label)
        self.add_row(self.tr("Date of &birth:"), self.date_of_birth_edit)
        self.add_row(self.tr("&Consent to share recorded on:"), self.consent_edit)
        self.add_row(self.tr("&Ethnicity:"), self.ethnicity_combo)
        self.add_row(self.tr("Re&ferral route:"), self.referral_combo)
        self.setMinimumWidth(480)
        if client is not None:
            self.reference_edit.setText(client.client_ref)
            self.initials_edit.setText(client.initials)
            if client.nhs_number:
                self.nhs_number_edit.setText(format_nhs_number(client.nhs_number))
            self.date_of_birth_edit.set_date(client.date_of_birth)
            self.consent_edit.set_date(client.consent_to_share_on)
            self.ethnicity_combo.setCurrentIndex(max(0, self.ethnicity_combo.findData(client.ethnicity)))
            if client.referral_route:
                self.referral_combo.setCurrentIndex(self.referral_combo.findData(client.referral_route.value))
        for edit in (
            self.reference_edit,
            self.initials_edit,
            self.nhs_number_edit,
        ):
            edit.textChanged.connect(self.revalidate)
        self.reference_edit.textChanged.connect(self._on_nhs_number_edit_text_changed)
        self.nhs_number_edit.textChanged.connect(self._on_nhs_number_edit_text_changed)
        self.revalidate()
        self._on_nhs_number_edit_text_changed()

    def nhs_number_warnings(self) -> list[str]:
        """What to warn about in the NHS number typed (never issued, or another client's)."""
        try:
            digits = (
                normalise_nhs_number(self.nhs_number_edit.text())
                if self.nhs_number_edit.text().strip()
                else None
            )
        except ValueError:
            return []  # a problem, shown as one
        return nhs_number_warnings(digits, self.reference_edit.text().strip(), self._nhs_numbers_in_use)

    @Slot()
    def _on_nhs_number_edit_text_changed(self) -> None:
        warnings = self.nhs_number_warnings()
        self.nhs_warning_label.setText("\n".join(self.tr("Check: %1").replace("%1", w) for w in warnings))
        self.nhs_warning_label.setVisible(bool(warnings))
        self._grow_to_fit()

    def accept(self) -> None:
        warnings = self.nhs_number_warnings()
        if warnings and not self.current_problems():
            answer = QMessageBox.question(
                self,
                self.tr("Save with this NHS number?"),
                "\n".join(warnings) + "\n\n" + self.tr("Save the client with this NHS number anyway?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.nhs_number_edit.setFocus()
                self.nhs_number_edit.selectAll()
                return
        super().accept()

    def problems(self) -> list[str]:
        problems = []
        ref = self.reference_edit.text().strip()
        if ref in self._taken:
            problems.append(self.tr("Reference: %1 is already in the log").replace("%1", ref))
        nhs = self.nhs_number_edit.text().strip()
        if nhs:
            try:
                normalise_nhs_number(nhs)
            except ValueError as error:
                problems.append(f"NHS number: {error}")
        if problems:
            return problems
        return [problem_text(p) for p in check_client(self.draft(), self._today)]

    def draft(self) -> Client:
        nhs = self.nhs_number_edit.text().strip()
        route = self.referral_combo.currentData()
        client = Client(
            client_ref=self.reference_edit.text().strip(),
            initials=self.initials_edit.text().strip().upper(),
            nhs_number=normalise_nhs_number(nhs) if nhs else None,
            date_of_birth=self.date_of_birth_edit.date(),
            ethnicity=self.ethnicity_combo.currentData(),
            referral_route=ReferralRoute(route) if route else None,
            consent_to_share_on=self.consent_edit.date(),
        )
        if self._original is not None:
            client = replace(client, id=self._original.id, version=self._original.version)
        return client

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        today: date,
        existing_refs: set[str],
        client: Client | None = None,
        nhs_numbers_in_use: Mapping[str, Collection[str]] | None = None,
    ) -> Client | None:
        dialog = cls(
            parent,
            today=today,
            existing_refs=existing_refs,
            client=client,
            nhs_numbers_in_use=nhs_numbers_in_use,
        )
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

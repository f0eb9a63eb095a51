"""Every dialog of the app, built as it opens for a new record (or its usual use), for the tests
that walk them all (mnemonics, focus, date fields). A dialog added to ui/dialogs/ and not here
fails `every_dialog`, so no new dialog escapes those tests."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QDialog

import ddcase.ui.dialogs
from ddcase.domain import (
    AuditEntry,
    Client,
    Definition,
    Episode,
    ImportProblem,
    MeasureSettings,
    Month,
    Role,
    Service,
    Worker,
)
from ddcase.domain.measures import ManualMeasure
from ddcase.domain.pdsa import PdsaCycle

TODAY = date(2026, 12, 5)
WORKERS = [
    Worker("Ann Smith", "ELFT", Service.MENTAL_HEALTH, Role.CARE_COORDINATOR),
    Worker("Dev Patel", "ELFT", Service.MENTAL_HEALTH, Role.CARE_COORDINATOR),
    Worker("Bob Jones", "ResoLUTiONs", Service.SUBSTANCE_MISUSE, Role.KEY_WORKER),
]
PDSA_MEASURES = {"jointly_worked": "Mutual clients jointly worked", "criterion:consent": "Consent to share"}
PDSA_CYCLE = PdsaCycle("Joint review slot", date(2026, 9, 14), ("jointly_worked",), id=1, version=1)
ORGANISATIONS = {Service.MENTAL_HEALTH: ["ELFT"], Service.SUBSTANCE_MISUSE: ["ResoLUTiONs"]}


def blank_record_dialogs() -> list[QDialog]:
    """The forms that make a new record, as they open: Enter must not save any of them."""
    from ddcase.ui.dialogs.change_worker_dialog import ChangeWorkerDialog
    from ddcase.ui.dialogs.client_dialog import ClientDialog
    from ddcase.ui.dialogs.contact_dialog import ContactDialog
    from ddcase.ui.dialogs.episode_dialog import EpisodeDialog
    from ddcase.ui.dialogs.mutual_client_dialog import MutualClientDialog
    from ddcase.ui.dialogs.note_dialog import NoteDialog
    from ddcase.ui.dialogs.worker_dialog import WorkerDialog

    episode = Episode("RT1", Service.MENTAL_HEALTH, "ELFT", date(2026, 1, 1), worker="Ann Smith")
    clients = [Client("RT1", "AB"), Client("RT2", "CD")]
    return [
        ContactDialog(None, clients=clients, workers=WORKERS, current_workers={}, today=TODAY),
        ClientDialog(None, today=TODAY, existing_refs={"RT1", "RT2"}),
        EpisodeDialog(
            None, client_ref="RT1", today=TODAY, workers=WORKERS, organisations=ORGANISATIONS, teams=["North"]
        ),
        ChangeWorkerDialog(None, episode=episode, workers=WORKERS, today=TODAY),
        WorkerDialog(None, organisations=ORGANISATIONS, taken=set()),
        NoteDialog(None, first=Month(2026, 1), last=Month(2026, 12), month=Month(2026, 12), team=None),
        MutualClientDialog(
            None,
            today=TODAY,
            existing_refs={"RT1"},
            workers=WORKERS,
            organisations=ORGANISATIONS,
            teams=["North"],
        ),
    ]


def every_dialog(tmp_path: Path) -> list[QDialog]:
    from ddcase.domain.audits import AuditCase, AuditQuestion, AuditRound, CaseloadAudit
    from ddcase.ui.dialogs.aim_dialog import AimDialog
    from ddcase.ui.dialogs.audit_answers_dialog import AuditAnswersDialog
    from ddcase.ui.dialogs.audit_dialog import AuditDialog
    from ddcase.ui.dialogs.audit_sample_dialog import AuditSampleDialog
    from ddcase.ui.dialogs.definition_dialog import DefinitionDialog
    from ddcase.ui.dialogs.discharge_dialog import DischargeDialog
    from ddcase.ui.dialogs.help_dialog import GettingStartedDialog, ShortcutsDialog
    from ddcase.ui.dialogs.history_dialog import HistoryDialog
    from ddcase.ui.dialogs.import_problems_dialog import ImportProblemsDialog
    from ddcase.ui.dialogs.leaver_dialog import LeaverDialog
    from ddcase.ui.dialogs.measure_values_dialog import MeasureValuesDialog
    from ddcase.ui.dialogs.move_caseload_dialog import MoveCaseloadDialog
    from ddcase.ui.dialogs.pdsa_dialog import CycleDialog, PdsaCyclesDialog
    from ddcase.ui.dialogs.print_dialog import PrintDialog, PrintOffer
    from ddcase.ui.dialogs.purge_dialog import PurgeDialog
    from ddcase.ui.dialogs.restore_dialog import RestoreDialog
    from ddcase.ui.dialogs.who_am_i_dialog import WhoAmIDialog

    entries: list[AuditEntry] = []
    dialogs = [
        *blank_record_dialogs(),
        DefinitionDialog(None, current=Definition(), first=Month(2026, 12), last=Month(2027, 3)),
        AimDialog(None, settings=MeasureSettings(), first=Month(2026, 1), last=Month(2027, 3)),
        PurgeDialog(None, today=TODAY),
        MeasureValuesDialog(
            None,
            month=Month(2026, 11),
            measures=[
                ManualMeasure("trained", "Staff trained", unit="proportion"),
                ManualMeasure("satisfaction", "Satisfaction (mean, 1-5)", unit="value"),
            ],
            values={},
        ),
        AuditDialog(None, teams=["North"], taken=set(), built_in=["Asked about substance use"]),
        AuditSampleDialog(None, audits=[("north", "North")], first=Month(2026, 1), month=Month(2026, 12)),
        AuditAnswersDialog(
            None,
            round_=AuditRound(
                CaseloadAudit("north", "North", (AuditQuestion("asked", "Asked"),)),
                Month(2026, 11),
                1,
                1,
                (),
                (AuditCase("RT1", "AB", 0),),
            ),
            save=lambda ref, answers: None,
        ),
        DischargeDialog(
            None, client_ref="RT1", service=Service.SUBSTANCE_MISUSE, end_date=TODAY, other_worker="Ann Smith"
        ),
        HistoryDialog(None, client_ref="RT1", entries=entries),
        ImportProblemsDialog(None, [ImportProblem("clients.csv", 2, "client_ref", "required")]),
        RestoreDialog(None, backups=[], folder=tmp_path),
        PrintDialog(None, PrintOffer(Month(2025, 1), Month(2026, 12), Month(2026, 11), TODAY, team=None)),
        WhoAmIDialog(None, workers=WORKERS, current=None),
        LeaverDialog(None, workers=WORKERS, today=TODAY),
        MoveCaseloadDialog(
            None,
            workers=WORKERS,
            caseloads={
                "mental_health\tAnn Smith": [Episode("RT1", Service.MENTAL_HEALTH, "ELFT", date(2026, 1, 1))]
            },
            today=TODAY,
        ),
        GettingStartedDialog(None),
        ShortcutsDialog(None, [("File", "Print summary", "Ctrl+P")]),
        CycleDialog(None, today=TODAY, measures=PDSA_MEASURES, team=None),
        CycleDialog(None, today=TODAY, measures=PDSA_MEASURES, team=None, cycle=PDSA_CYCLE, closing=True),
        PdsaCyclesDialog(
            None,
            load=lambda: [PDSA_CYCLE],
            save=lambda _action, cycle: cycle,
            measures=PDSA_MEASURES,
            today=TODAY,
            team=None,
        ),
    ]
    missing = {c.__name__ for c in dialog_classes()} - {type(d).__name__ for d in dialogs}
    assert not missing, f"add {sorted(missing)} to tests/ui/every_dialog.py"
    return dialogs


def dialog_classes() -> set[type]:
    """Every dialog class defined in ddcase.ui.dialogs (FormDialog, the base, aside)."""
    found = set()
    for info in pkgutil.iter_modules(ddcase.ui.dialogs.__path__):
        module = importlib.import_module(f"ddcase.ui.dialogs.{info.name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, QDialog)
                and value.__module__ == module.__name__
                and value.__name__ != "FormDialog"
            ):
                found.add(value)
    return found

"""Remake docs/screenshots/: the main screens of the desktop app over the demo team, at 1366x768,
offscreen. Run from the repository: `python scripts/screenshots.py [OUT_FOLDER]`."""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TODAY = date(2026, 11, 22)  # fixed, so the demo data and the pictures are the same every time
SIZE = tuple(int(v) for v in os.environ.get("DDCASE_SHOT_SIZE", "1366x768").split("x"))


def main(out: Path) -> int:
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from ddcase.domain import Annotation, MeasureSettings, Month, Service
    from ddcase.services.backup import make_backup
    from ddcase.services.base import Context
    from ddcase.services.registry import Services
    from ddcase.storage.database import Database, make_engine
    from ddcase.storage.migrations import migrate
    from ddcase.ui.app import OpeningWindow
    from ddcase.ui.dialogs.contact_dialog import ContactDialog
    from ddcase.ui.dialogs.definition_dialog import DefinitionDialog
    from ddcase.ui.dialogs.history_dialog import HistoryDialog
    from ddcase.ui.dialogs.mutual_client_dialog import MutualClientDialog
    from ddcase.ui.dialogs.restore_dialog import RestoreDialog
    from ddcase.ui.main_window import MainWindow
    from ddcase.ui.models.mutual_client_model import StatusFilter

    QCoreApplication.setOrganizationName("ddcase-screenshots")
    app = QApplication(sys.argv[:1])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        import ddcase.paths

        # Who "I" am is remembered in the user's config folder: not the real one for pictures.
        ddcase.paths.config_dir = lambda: Path(folder) / "config"  # type: ignore[assignment]
        engine = make_engine(f"sqlite:///{Path(folder) / 'demo.sqlite3'}")
        migrate(engine)
        services = Services.build(
            Context(Database(engine), user="Screenshots", today=lambda: TODAY, now=lambda: datetime.now(UTC))
        )
        settings = QSettings(str(Path(folder) / "ui.ini"), QSettings.Format.IniFormat)

        def shoot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
            app.processEvents()
            widget.grab().save(str(out / name))
            print("saved", out / name)

        # What shows first, before the log is opened (issue 18: ui/app.OpeningWindow).
        opening = OpeningWindow(settings)
        opening.resize(*SIZE)
        opening.show()
        shoot(opening, "00-opening.png")
        opening.close()

        window = MainWindow(services, settings)
        window.resize(*SIZE)
        window.show()
        shoot(window, "01-welcome.png")

        services.demo.fill(seed=1)
        now = Month.of(TODAY)
        services.notes.save_annotation(Annotation(now.plus(-11), "PDSA 1: weekly joint clinic"))
        services.notes.save_annotation(
            Annotation(now.plus(-8), "PDSA 2: consent asked at first joint meeting")
        )
        services.notes.save_measure_settings(
            MeasureSettings(aim_percentage=40, aim_by=now.plus(4), aim_text="40% jointly worked by March")
        )
        window.close()
        window = MainWindow(services, settings)
        window.resize(*SIZE)
        window.show()
        window.wait_for_background_work()  # the clients fill in after the window shows
        page = window.caseload_page
        page.status_combo.setCurrentIndex(page.status_combo.findData(int(StatusFilter.NOT_JOINTLY_WORKED)))
        figures = services.figures.month(now)
        first = next(c for c in figures.clients if not c.jointly_worked and len(c.failed_criteria) > 1)
        page.select_client(first.client_ref)
        shoot(window, "02-clients.png")

        window.tabs.setCurrentWidget(window.todo_page)
        todo = window.todo_page
        busiest = max(figures.by_care_coordinator(), key=lambda g: g.mutual_clients - g.jointly_worked)
        todo.coordinator_combo.setCurrentIndex(todo.coordinator_combo.findData(busiest.name))
        shoot(window, "03-to-do.png")
        window.tabs.setCurrentWidget(window.dashboard_page)
        window.wait_for_background_work()  # the dashboard's figures are read in the pool
        shoot(window, "04-dashboard.png")
        window.tabs.setCurrentWidget(window.workers_page)
        shoot(window, "05-workers.png")
        window.tabs.setCurrentWidget(window.definition_page)
        app.processEvents()  # the wrapped words take their height once laid out
        shoot(window, "06-definition.png")

        dialog = ContactDialog(
            window,
            clients=services.casework.clients(),
            workers=services.casework.workers(),
            current_workers=services.casework.current_workers(TODAY),
            today=TODAY,
            client_ref=first.client_ref,
        )
        dialog.show()
        shoot(dialog, "07-log-contact.png")
        dialog.close()

        casework = services.casework
        dialog = MutualClientDialog(
            window,
            today=TODAY,
            existing_refs={c.client_ref for c in casework.clients()},
            workers=casework.workers(),
            organisations={side: casework.organisations(side) for side in Service},
            teams=casework.teams(),
        )
        dialog.show()
        shoot(dialog, "12-new-mutual-client.png")
        dialog.close()

        definitions = services.definitions
        dialog = DefinitionDialog(
            window,
            current=definitions.latest(),
            first=now.plus(-24),
            last=now.plus(12),
            month=now.plus(-1),
            this_month=now,
        )
        dialog.liaison_min_spin.setValue(2)
        dialog.agreed_in_edit.setText("team meeting 3 Dec")
        dialog.show()
        shoot(dialog, "13-agree-definition.png")
        box, _ = dialog.confirm_box(definitions.rejudged(dialog.draft().definition, now.plus(-1)))
        box.show()
        shoot(box, "14-rejudge-months.png")
        box.close()
        dialog.close()

        db_path = Path(folder) / "demo.sqlite3"
        for stamp, kind in (
            (datetime(2026, 11, 8, 8, 55), "daily"),
            (datetime(2026, 11, 15, 9, 2), "daily"),
            (datetime(2026, 11, 17, 16, 40), "pre-migration"),
            (datetime(2026, 11, 20, 8, 47), "daily"),
            (datetime(2026, 11, 21, 9, 12), "daily"),
        ):
            make_backup(db_path, kind=kind, now=stamp)
        services.backup.backup()
        dialog = RestoreDialog(window, backups=services.backup.backups(), folder=services.backup.folder)
        dialog.show()
        shoot(dialog, "08-restore.png")
        dialog.close()

        history = services.casework.history(first.client_ref)
        services.casework.save_client(replace(history.client, consent_to_share_on=TODAY))
        services.casework.save_contact(
            replace(history.contacts[0], id=None, version=0, date=TODAY, note="Rang the key worker")
        )
        services.casework.save_episode(replace(history.episodes[0], end_date=TODAY))
        dialog = HistoryDialog(
            window, client_ref=first.client_ref, entries=services.audit_trail.history(first.client_ref)
        )
        dialog.show()
        shoot(dialog, "09-history.png")
        dialog.close()
        people_who_leave(services, window, shoot)
        measures_and_audits(services, window, shoot)
        window.close()
        services.close()
    return 0


def people_who_leave(services, window, shoot) -> None:  # type: ignore[no-untyped-def]
    """Issue 15: who "I" am in the status bar, a worker marked as left, and Move caseload."""
    from ddcase.domain import Service, available_workers
    from ddcase.ui.dialogs.leaver_dialog import LeaverDialog
    from ddcase.ui.dialogs.move_caseload_dialog import MoveCaseloadDialog

    team = services.team
    coordinators = services.casework.workers(Service.MENTAL_HEALTH)
    caseloads = team.caseloads()
    leaver = max(coordinators, key=lambda w: len(team.open_caseload(w, TODAY)))
    me = next(w for w in coordinators if w.name != leaver.name)
    window.team.remember(me)
    dialog = LeaverDialog(window, workers=services.casework.workers(), today=TODAY, worker=leaver)
    dialog.show()
    shoot(dialog, "15-mark-as-left.png")
    dialog.close()
    leaver = team.mark_left(leaver, TODAY)
    window.mark_all_stale()
    window.tabs.setCurrentWidget(window.workers_page)
    shoot(window, "16-workers-with-a-leaver.png")
    dialog = MoveCaseloadDialog(
        window,
        workers=available_workers(services.casework.workers(), TODAY, [leaver]),
        caseloads={f"{side.value}\t{name}": found for (side, name), found in caseloads.items()},
        today=TODAY,
        leaver=leaver,
    )
    dialog.to_picker.select(me.name)
    dialog.clients_list.item(1).setCheckState(dialog.clients_list.item(1).checkState().Unchecked)
    dialog.show()
    shoot(dialog, "17-move-caseload.png")
    dialog.close()


def measures_and_audits(services, window, shoot) -> None:  # type: ignore[no-untyped-def]
    """Issues 16 and 17: the family of measures, the PDSA cycles, the discharge question and a
    caseload audit's answers, over the demo team's data."""
    from ddcase.domain import Service
    from ddcase.ui.dialogs.audit_answers_dialog import AuditAnswersDialog
    from ddcase.ui.dialogs.discharge_dialog import DischargeDialog
    from ddcase.ui.dialogs.pdsa_dialog import PdsaCyclesDialog

    window.tabs.setCurrentWidget(window.measures_page)
    window.wait_for_background_work()
    shoot(window, "22-measures.png")
    pdsa = services.pdsa
    dialog = PdsaCyclesDialog(
        window,
        load=lambda: pdsa.cycles(None),
        save=lambda _action, cycle: cycle,
        measures=pdsa.known_keys(None),
        today=TODAY,
        team=None,
    )
    dialog.show()
    shoot(dialog, "23-pdsa-cycles.png")
    dialog.close()
    dialog = DischargeDialog(
        window,
        client_ref="RT100010",
        service=Service.SUBSTANCE_MISUSE,
        end_date=TODAY,
        other_worker="Carla Turner",
    )
    dialog.show()
    shoot(dialog, "24-discharge-question.png")
    dialog.close()
    audit = services.audits.audits()[0]
    drawn = services.audits.rounds(audit.slug)[-1]
    dialog = AuditAnswersDialog(window, round_=drawn, save=lambda ref, answers: None)
    dialog.show()
    shoot(dialog, "25-audit-answers.png")
    dialog.close()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))

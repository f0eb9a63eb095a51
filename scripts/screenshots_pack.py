"""Remake the screenshots of issue 15's screens in docs/screenshots/ (18 to 21): Print summary
(the meeting pack), the demo in its own file with its banner, Help > Getting started and Help >
Keyboard shortcuts. Offscreen, at 1366x768: `python scripts/screenshots_pack.py [OUT_FOLDER]`."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SIZE = tuple(int(v) for v in os.environ.get("DDCASE_SHOT_SIZE", "1366x768").split("x"))


def main(out: Path) -> int:
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from ddcase.cli import open_services
    from ddcase.domain import Month
    from ddcase.paths import DEMO_DB_NAME
    from ddcase.ui.app import open_session
    from ddcase.ui.dialogs.help_dialog import GettingStartedDialog, ShortcutsDialog, shortcut_rows
    from ddcase.ui.dialogs.print_dialog import PrintDialog, PrintOffer
    from ddcase.ui.main_window import MainWindow

    QCoreApplication.setOrganizationName("ddcase-screenshots")
    app = QApplication(sys.argv[:1])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        demo = Path(folder) / DEMO_DB_NAME
        session = open_session(str(demo), functools.partial(open_services, daily_backup=False))
        assert session is not None
        session.services.demo.fill(seed=1)
        settings = QSettings(str(Path(folder) / "ui.ini"), QSettings.Format.IniFormat)

        def shoot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
            app.processEvents()
            widget.grab().save(str(out / name))
            print("saved", out / name)

        window = MainWindow(session.services, settings, session=session)
        window.resize(*SIZE)
        window.show()
        window.wait_for_background_work()
        window.tabs.setCurrentWidget(window.dashboard_page)
        window.wait_for_background_work()
        app.processEvents()
        shoot(window, "19-demo-banner.png")

        today = date.today()
        this_month = Month.of(today)
        reporting = session.services.reporting
        offer = PrintOffer(
            first=this_month.plus(-35),
            last=this_month,
            month=Month.last_complete(today),
            today=today,
            team="Luton North CMHT",
            folder=Path("/home/ann/Documents"),
            file_name=lambda m: reporting.file_name(m, "Luton North CMHT"),
        )
        dialog = PrintDialog(window, offer)
        dialog.show()
        shoot(dialog, "18-print-summary.png")
        dialog.close()

        guide = GettingStartedDialog(window)
        guide.show()
        shoot(guide, "20-getting-started.png")
        guide.close()

        keys = ShortcutsDialog(window, shortcut_rows(window.menuBar(), window.actions()))
        keys.show()
        shoot(keys, "21-keyboard-shortcuts.png")
        keys.close()

        window.close()
        session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))

"""The real window over real services on a temporary database; only what would block (message
boxes, file dialogs, dialogs' `ask`) is monkeypatched."""

from __future__ import annotations

import os
from datetime import date

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ddcase.domain import (  # noqa: E402
    Client,
    Contact,
    ContactKind,
    ContactMode,
    Episode,
    Outcome,
    ReferralRoute,
    Role,
    Service,
    Worker,
)

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE


@pytest.fixture(scope="session")
def backend() -> str:
    """The window's tests run on SQLite; the services under it run on both databases in
    tests/storage, tests/services and tests/cli (tests/conftest.py)."""
    return "sqlite"


@pytest.fixture
def services(context):
    from ddcase.services.registry import Services

    return Services.build(context)


@pytest.fixture
def settings(tmp_path):
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


class MessageBoxes:
    """Every message box shown, by kind; `question` answers with `answer`."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.answer = None

    def of(self, kind: str) -> list[tuple[str, str]]:
        return [(title, text) for k, title, text in self.shown if k == kind]


@pytest.fixture
def message_boxes(monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    boxes = MessageBoxes()
    boxes.answer = QMessageBox.StandardButton.Yes

    def record(kind):
        def show(parent, title, text, *args, **kwargs):
            boxes.shown.append((kind, title, text))
            return boxes.answer if kind == "question" else QMessageBox.StandardButton.Ok

        return show

    for kind in ("warning", "critical", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(record(kind)))
    return boxes


@pytest.fixture
def small_team(services):
    """A small, realistic log: two CMHT care coordinators, two key workers, five clients.
    November 2026 (today is 22 Nov): RT100001 jointly worked; RT100002 no consent; RT100003 no
    contacts; RT100004 a missed joint appointment; RT100005 open to the CMHT only."""
    casework = services.casework
    for name, org, side, role, phone in (
        ("Ann Smith", "East London NHS Foundation Trust", MH, Role.CARE_COORDINATOR, "01632 960101"),
        ("Dev Patel", "East London NHS Foundation Trust", MH, Role.CARE_COORDINATOR, "01632 960102"),
        ("Bob Jones", "ResoLUTiONs", SM, Role.KEY_WORKER, "01632 960201"),
        ("Cat Green", "Total Wellbeing Luton", SM, Role.KEY_WORKER, "01632 960202"),
    ):
        casework.save_worker(
            Worker(name, org, side, role, phone=phone, email=f"{name.split()[0].lower()}@nhs.example")
        )
    trust = "East London NHS Foundation Trust"
    clients = (
        ("RT100001", "AB", date(2026, 1, 5), "Luton North CMHT", "Ann Smith", "ResoLUTiONs", "Bob Jones"),
        ("RT100002", "CD", None, "Luton North CMHT", "Ann Smith", "ResoLUTiONs", "Bob Jones"),
        (
            "RT100003",
            "EF",
            date(2026, 3, 1),
            "Luton South CMHT",
            "Dev Patel",
            "Total Wellbeing Luton",
            "Cat Green",
        ),
        ("RT100004", "GH", date(2026, 2, 1), "Luton South CMHT", "Dev Patel", "ResoLUTiONs", "Bob Jones"),
    )
    for ref, initials, consent, team, cc, provider, kw in clients:
        casework.save_client(
            Client(ref, initials, consent_to_share_on=consent, referral_route=ReferralRoute.STAFF)
        )
        casework.save_episode(Episode(ref, MH, trust, date(2025, 6, 1), team=team, worker=cc))
        casework.save_episode(Episode(ref, SM, provider, date(2026, 4, 1), worker=kw))
    casework.save_client(Client("RT100005", "JK"))
    casework.save_episode(
        Episode("RT100005", MH, trust, date(2026, 1, 1), team="Luton North CMHT", worker="Ann Smith")
    )
    ja, f2f = ContactKind.JOINT_APPOINTMENT, ContactMode.FACE_TO_FACE
    for ref in ("RT100001", "RT100002"):
        casework.save_contact(
            Contact(
                ref,
                date(2026, 11, 3),
                ja,
                f2f,
                mh_worker="Ann Smith",
                sm_worker="Bob Jones",
                note="Joint review",
            )
        )
    casework.save_contact(
        Contact("RT100004", date(2026, 11, 10), ja, f2f, outcome=Outcome.DID_NOT_ATTEND, note="Did not come")
    )
    return services


@pytest.fixture
def window(services, settings, qtbot, message_boxes):
    from ddcase.ui.main_window import MainWindow

    window = MainWindow(services, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    # The caseload fills in from the pool after the window shows; a person waits for it too.
    window.wait_for_background_work()
    assert not window.caseload_page.is_loading()
    yield window
    window.wait_for_background_work()
    window.close()
    window.deleteLater()


class ChoiceBoxes:
    """Message boxes with buttons of their own (a way forward): each shown box is recorded as
    (title, text, button labels) and answered by clicking the next label in `answers` (else
    Quit), the real button on the real box."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, list[str]]] = []
        self.answers: list[str] = []


@pytest.fixture
def choice_boxes(monkeypatch, qapp):
    from PySide6.QtWidgets import QMessageBox

    boxes = ChoiceBoxes()

    def exec_(box):
        labels = [button.text() for button in box.buttons()]
        boxes.shown.append((box.windowTitle(), box.text(), labels))
        wanted = boxes.answers.pop(0) if boxes.answers else "&Quit"
        next(button for button in box.buttons() if button.text() == wanted).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return boxes


@pytest.fixture(autouse=True)
def opened(monkeypatch):
    """Every file or folder the app asked the desktop to open (QDesktopServices.openUrl): recorded,
    never opened, so no test starts a PDF viewer or a file manager."""
    from PySide6.QtGui import QDesktopServices

    urls: list = []

    def open_url(url):
        urls.append(url.toLocalFile() or url.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    return urls


@pytest.fixture
def documents(tmp_path, monkeypatch):
    """The user's Documents folder, in tmp_path: a home of its own (Qt reads HOME each time)."""
    from pathlib import Path

    home = Path(tmp_path) / "home"
    folder = home / "Documents"
    folder.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))  # no user-dirs.dirs of the machine's
    return folder

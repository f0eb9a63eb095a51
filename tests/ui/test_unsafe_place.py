"""The desktop app refuses a log in a network or synced folder before it leaves anything there,
says why, and offers another file or Quit (storage/location.py decides)."""

from __future__ import annotations

from ddcase.cli import open_services
from ddcase.storage import location
from ddcase.storage.location import Place
from ddcase.ui.app import open_session


def test_a_log_on_a_mapped_network_drive_is_refused_with_the_way_to_share_a_log(
    tmp_path, choice_boxes, monkeypatch
):
    folder = tmp_path / "H"
    folder.mkdir()
    db = folder / "team.sqlite3"
    monkeypatch.setattr(
        location, "place_of", lambda path: Place(r"H:\team\team.sqlite3", windows=True, remote_drive=True)
    )
    choice_boxes.answers = ["&Quit"]

    assert open_session(str(db), open_services) is None

    [(title, text, buttons)] = choice_boxes.shown
    assert title == "ddcase cannot open the database"
    assert f"ddcase will not keep a log at {db}: H: is a network drive" in text
    assert "team database" in text and "docs/team-database.md" in text
    assert sorted(buttons) == ["&Open another database file...", "&Quit"]
    assert list(folder.iterdir()) == []  # no database, no lock file

"""A log in a network or synced folder is refused by every way in, with the reason and the way to
share a log (docs/team-database.md); a team database on a server is not affected. The place's
facts are those a network mount gives (storage/location.py decides on them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddcase.cli import main
from ddcase.storage import location
from ddcase.storage.location import Place


@pytest.fixture
def on_a_network_mount(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every path is on an NFS mount."""
    monkeypatch.setattr(
        location, "place_of", lambda path: Place(str(path), windows=False, file_system="nfs4")
    )


@pytest.mark.parametrize(
    "command",
    [["demo"], ["figures", "--month", "2026-10"], ["backup"], ["check"], ["export", "out"]],
)
def test_every_command_refuses_a_log_on_a_network_folder_and_creates_nothing(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], on_a_network_mount: None
) -> None:
    db = tmp_path / "share" / "ddcase.sqlite3"
    args = [arg if arg != "out" else str(tmp_path / "out") for arg in command]
    assert main([*args, "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"ddcase will not keep a log at {db}: it is on a network file system (nfs4)" in err
    assert "docs/team-database.md" in err
    assert not db.exists()


def test_an_existing_log_there_is_refused_too_and_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "ddcase.sqlite3"
    assert main(["demo", "--db", str(db), "--seed", "1"]) == 0
    before = db.read_bytes()
    capsys.readouterr()
    monkeypatch.setattr(
        location, "place_of", lambda path: Place(str(path), windows=False, file_system="cifs")
    )
    assert main(["figures", "--month", "2026-10", "--db", str(db)]) == 2
    assert "network file system (cifs)" in capsys.readouterr().err
    assert db.read_bytes() == before


def test_restoring_into_a_network_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    good = tmp_path / "good.sqlite3"
    assert main(["demo", "--db", str(good), "--seed", "1"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(
        location, "place_of", lambda path: Place(str(path), windows=False, file_system="smb3")
    )
    target = tmp_path / "share" / "ddcase.sqlite3"
    assert main(["restore", str(good), "--db", str(target)]) == 2
    assert "network file system (smb3)" in capsys.readouterr().err
    assert not target.exists()


@pytest.mark.postgresql
def test_a_team_database_on_a_server_is_not_affected(
    pg_database, capsys: pytest.CaptureFixture[str], on_a_network_mount: None
) -> None:
    url = pg_database()
    assert main(["demo", "--db", url, "--seed", "1"]) == 0
    assert "network" not in capsys.readouterr().err

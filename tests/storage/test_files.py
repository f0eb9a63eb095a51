"""storage/files.py under Windows' file rules (tests/windows_rules.py, on in every test): a file is
flushed through a descriptor opened for writing, a folder is never flushed on Windows, and a
rename or delete that another program blocks for a moment is tried again, briefly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ddcase.storage import files
from ddcase.storage.files import RETRY_PAUSES, fsync_file, fsync_folder, remove_file, replace_file


def test_a_file_is_flushed_through_a_descriptor_windows_accepts(tmp_path: Path) -> None:
    path = tmp_path / "copy.sqlite3"
    path.write_bytes(b"SQLite format 3\x00")
    fsync_file(path)  # Windows' FlushFileBuffers: EBADF through a read-only descriptor
    assert path.read_bytes() == b"SQLite format 3\x00"


def test_a_folder_is_never_opened_to_be_flushed_on_windows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[object] = []
    real_open = os.open
    monkeypatch.setattr(
        os, "open", lambda *args, **kwargs: opened.append(args[0]) or real_open(*args, **kwargs)
    )
    monkeypatch.setattr(files, "ON_WINDOWS", True)
    fsync_folder(tmp_path)
    assert opened == []
    if os.name == "posix":  # and on POSIX it is flushed, so that a rename in it lasts
        monkeypatch.setattr(files, "ON_WINDOWS", False)
        fsync_folder(tmp_path)
        assert opened == [tmp_path]


def test_a_rename_blocked_for_a_moment_is_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new, old = tmp_path / "new", tmp_path / "old"
    new.write_bytes(b"new")
    old.write_bytes(b"old")
    scanner = open(old, "rb")  # noqa: SIM115 - another program (antivirus) holds the file, then lets go
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 2:
            scanner.close()

    monkeypatch.setattr(files, "_pause", pause)
    replace_file(new, old)
    assert old.read_bytes() == b"new"
    assert pauses == list(RETRY_PAUSES[:2])


def test_a_file_held_for_good_is_not_renamed_or_deleted_and_the_refusal_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new, old = tmp_path / "new", tmp_path / "old"
    new.write_bytes(b"new")
    old.write_bytes(b"old")
    pauses: list[float] = []
    monkeypatch.setattr(files, "_pause", pauses.append)
    with open(old, "rb"):
        with pytest.raises(PermissionError):
            replace_file(new, old)
        with pytest.raises(PermissionError):
            remove_file(old)
    assert pauses == list(RETRY_PAUSES) * 2
    assert sum(RETRY_PAUSES) < 2
    remove_file(old)
    remove_file(old)  # already gone: nothing to do
    assert not old.exists()

"""The suite's Windows file rules (tests/windows_rules.py) bite as Windows does."""

from __future__ import annotations

import os
import sqlite3
import sys
import warnings
from pathlib import Path

import pytest

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the rules read /proc/self/fd")


@linux_only
def test_fsync_refuses_a_read_only_descriptor(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"x")
    fd = os.open(path, os.O_RDONLY)
    try:
        with pytest.raises(OSError, match="Bad file descriptor"):
            os.fsync(fd)
    finally:
        os.close(fd)
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@linux_only
def test_a_file_held_open_cannot_be_deleted_replaced_or_renamed(tmp_path: Path) -> None:
    held, other = tmp_path / "held.txt", tmp_path / "other.txt"
    held.write_text("held", encoding="utf-8")
    other.write_text("other", encoding="utf-8")
    with open(held, "rb"):
        for attempt in (
            lambda: os.remove(held),
            lambda: held.unlink(),
            lambda: os.replace(other, held),  # the target is held
            lambda: os.rename(held, tmp_path / "new.txt"),  # the source is held
            lambda: held.replace(tmp_path / "new.txt"),
        ):
            with pytest.raises(PermissionError, match="WinError 32"):
                attempt()
    os.replace(other, held)  # closed: allowed
    assert held.read_text(encoding="utf-8") == "other"


@linux_only
def test_sqlite_s_own_handle_holds_its_file_and_so_does_a_second_name(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    os.link(path, tmp_path / "second-name.sqlite3")
    try:
        with pytest.raises(PermissionError):
            path.unlink()
        with pytest.raises(PermissionError):
            (tmp_path / "second-name.sqlite3").unlink()
    finally:
        conn.close()
    path.unlink()


@linux_only  # on Windows the rules are Windows' own, and no marker turns them off
@pytest.mark.without_windows_rules("checks that the way out turns the rules off")
def test_the_marker_turns_the_rules_off(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x", encoding="utf-8")
    with open(path, "rb"):
        path.unlink()


def test_open_without_an_encoding_fails_a_test_when_python_warns_of_it(tmp_path: Path) -> None:
    if not sys.flags.warn_default_encoding:
        pytest.skip("run through scripts/test.sh (PYTHONWARNDEFAULTENCODING=1)")
    path = tmp_path / "a.txt"
    with warnings.catch_warnings():
        warnings.simplefilter("error", EncodingWarning)
        with pytest.raises(EncodingWarning):
            path.write_text("x")


def test_an_encoding_warning_from_ddcase_or_its_tests_fails_and_a_third_party_one_does_not() -> None:
    for module in ("ddcase.storage.files", "ddcase", "tests.storage.test_files"):
        with pytest.raises(EncodingWarning):
            warnings.warn_explicit(
                "'encoding' argument not specified", EncodingWarning, "x.py", 1, module=module
            )
    with warnings.catch_warnings(record=True):
        for module in ("sqlalchemy.engine", "ddcasex", "reportlab.lib"):
            warnings.warn_explicit(
                "'encoding' argument not specified", EncodingWarning, "x.py", 1, module=module
            )

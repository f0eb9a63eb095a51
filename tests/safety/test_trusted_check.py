"""A read-only command trusts a recent check (issue 18, docs/decisions.md, H33): `figures`,
`series`, `todo` and `measures` may open a file without checking it again only when a whole
opening inspection passed on exactly the file as it is now, by this version, less than 12 hours
ago. A changed file, an old or future mark, another version's mark or a command that writes
brings the full check back; damage is then found before a figure is printed (a stale cache is a
wrong figure)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from ddcase.cli import main
from ddcase.storage import files
from ddcase.storage.opening import (
    TRUSTED_FOR_SECONDS,
    recently_checked,
    stamp_matches,
    stamp_path,
    write_stamp,
)
from tests.safety.helpers import damage, make_db, sha256
from tests.safety.test_opening_check import damage_past_the_head

FIGURES = ["figures", "--month", "2024-02", "--json"]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return make_db(
        tmp_path_factory.mktemp("template") / "case.sqlite3", [f"T{n}" for n in range(60)], with_history=True
    )


@pytest.fixture
def db(template, tmp_path) -> Path:
    """A sound database that a read-only command has just opened: checked in full, and trusted."""
    path = tmp_path / "case.sqlite3"
    shutil.copyfile(template, path)
    for _ in range(2):  # the first opening makes the copy owner-only (its ctime moves on)
        assert main([*FIGURES, "--db", str(path)]) == 0
    assert stamp_matches(path) and recently_checked(path)
    return path


@pytest.fixture
def checks(monkeypatch) -> list[Path]:
    """Every quick_check run, before opening or in the background."""
    ran: list[Path] = []
    real = files.quick_check

    def counted(path, key=None):  # type: ignore[no-untyped-def]
        ran.append(path)
        return real(path, key)

    monkeypatch.setattr(files, "quick_check", counted)
    return ran


def figures(db: Path, capsys) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main([*FIGURES, "--db", str(db)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_read_only_command_on_a_file_checked_within_12_hours_does_not_check_it_again(db, checks, capsys):
    code, out, _ = figures(db, capsys)
    assert code == 0 and json.loads(out)["month"] == "2024-02"
    assert checks == []
    assert recently_checked(db)  # closing the file unchanged keeps the mark


@pytest.mark.parametrize("command", [["check"], ["backup"], ["demo", "--if-empty"]])
def test_a_command_that_may_write_checks_in_full_all_the_same(db, checks, capsys, command):
    assert main([*command, "--db", str(db)]) == 0
    capsys.readouterr()
    assert checks, "a command that may write must not trust the mark"


def test_a_changed_file_is_checked_again_and_its_damage_refused_before_a_figure_is_printed(
    db, checks, capsys
):
    damage_past_the_head(db)  # written by another program: size, mtime or ctime move on
    assert not recently_checked(db)
    before = sha256(db)
    code, out, err = figures(db, capsys)
    assert code == 2 and out == "" and "is damaged" in err
    assert checks and sha256(db) == before
    assert not stamp_path(db).exists()


def test_a_mark_older_than_12_hours_brings_the_check_back_and_damage_is_found(db, checks, capsys):
    damage_past_the_head(db)
    # A disk fault that changes no metadata, 13 hours after the last whole check: the stamp
    # matches the damaged file, but the mark is too old to stand.
    assert write_stamp(db, inspected=True, now=time.time() - 13 * 3600)
    assert stamp_matches(db) and not recently_checked(db)
    code, out, err = figures(db, capsys)
    assert code == 2 and out == "" and "is damaged" in err
    assert checks


def test_the_mark_lasts_12_hours_and_no_more(db):
    now = time.time()
    assert write_stamp(db, inspected=True, now=now)
    assert recently_checked(db, now=now + TRUSTED_FOR_SECONDS - 1)
    assert not recently_checked(db, now=now + TRUSTED_FOR_SECONDS)
    assert not recently_checked(db, now=now - 60)  # a mark from the future: the clock went back


def test_a_mark_made_by_another_version_is_not_trusted(db, checks, capsys):
    recorded = json.loads(stamp_path(db).read_text(encoding="utf-8"))
    recorded["trusted"]["head"] = "0001"
    stamp_path(db).write_text(json.dumps(recorded), encoding="utf-8")
    assert stamp_matches(db) and not recently_checked(db)
    assert figures(db, capsys)[0] == 0
    assert checks  # checked (in the background) before the figure was printed


def test_a_clean_stamp_without_a_whole_check_is_not_trusted(db, checks, capsys):
    stamp_path(db).unlink()
    assert write_stamp(db)  # as a clean close writes it: the file is as ddcase left it
    assert stamp_matches(db) and not recently_checked(db)
    assert figures(db, capsys)[0] == 0
    assert checks
    assert recently_checked(db)  # the background check passed on this state: marked again


def test_damage_after_a_write_is_not_hidden_by_an_earlier_mark(db, checks, capsys):
    from tests.safety.helpers import add_clients, open_app

    app = open_app(db)  # a session that writes: the mark was for the file before it
    try:
        add_clients(app, ["T-new"])
    finally:
        app.close()
    assert stamp_matches(db) and not recently_checked(db)
    page_size = int.from_bytes(db.read_bytes()[16:18], "big")
    pages = db.stat().st_size // page_size
    damage(db, range(pages - 2, pages + 1))
    assert write_stamp(db)  # a fault that changes no metadata, after the clean close
    checks.clear()
    code, out, err = figures(db, capsys)
    assert code == 2 and out == "" and "is damaged" in err
    assert checks

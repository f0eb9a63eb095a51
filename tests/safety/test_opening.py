"""Opening safely: a damaged file, another program's SQLite database, a database from a newer
ddcase, or a file that is not a database at all each get a clear message (exit 2, no traceback)
and stay byte-for-byte as they were. One instance per database through `instance_lock`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ddcase.cli import main
from ddcase.storage.files import DatabaseInUseError, instance_lock, lock_holder
from tests.permissions import owner_mode
from tests.safety.helpers import damage, execute, make_db, sha256

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def good_db(tmp_path_factory) -> Path:
    return make_db(
        tmp_path_factory.mktemp("good") / "good.sqlite3", [f"G{n}" for n in range(40)], with_history=True
    )


def _bad_file(kind: str, good_db: Path, folder: Path) -> Path:
    path = folder / "case.sqlite3"
    if kind == "random bytes":
        path.write_bytes(os.urandom(64 * 1024))
    elif kind == "a text file":
        path.write_text("client_ref,initials\nRT1,AB\n", encoding="utf-8")
    elif kind == "another program's database":
        execute(
            path,
            "CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT)",
            "INSERT INTO patients (name) VALUES ('x')",
        )
    else:
        shutil.copyfile(good_db, path)
        if kind == "a damaged copy":
            damage(path)
        elif kind == "a newer version's database":
            execute(path, "UPDATE alembic_version SET version_num = '9999'")
    return path


CASES = {
    "random bytes": "not a database at all",
    "a text file": "not a database at all",
    "another program's database": "not a ddcase database",
    "a damaged copy": "is damaged",
    "a newer version's database": "newer version of ddcase",
}


@pytest.mark.parametrize("kind", list(CASES))
@pytest.mark.parametrize("command", [["figures", "--month", "2024-02"], ["check"], ["backup"], ["demo"]])
def test_a_file_ddcase_cannot_use_is_refused_clearly_and_left_untouched(
    kind, command, good_db, tmp_path, capsys
):
    path = _bad_file(kind, good_db, tmp_path)
    before = sha256(path)
    code = main([command[0], "--db", str(path), *command[1:]])
    err = capsys.readouterr().err
    assert code == 2, err
    assert CASES[kind] in err and "Traceback" not in err
    assert sha256(path) == before
    assert not (tmp_path / "backups").exists()  # nothing was made from it


def test_quick_check_at_start_up_names_the_newest_verified_backup(good_db, tmp_path, capsys):
    path = tmp_path / "case.sqlite3"
    shutil.copyfile(good_db, path)
    assert main(["backup", "--db", str(path)]) == 0
    assert (
        main(
            [
                "backup",
                "--db",
                str(path),
                "--to",
                str(tmp_path / "backups" / "case-20991231T000000-manual.sqlite3"),
            ]
        )
        == 0
    )
    (tmp_path / "backups" / "case-20991231T000000-manual.sqlite3").write_bytes(b"broken")  # newest, unusable
    capsys.readouterr()
    damage(path)
    assert main(["figures", "--db", str(path), "--month", "2024-02"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ddcase: The database file") and "damaged" in err
    newest_good = sorted((tmp_path / "backups").glob("case-2026*"))[-1]
    assert f'ddcase restore "{newest_good}"' in err


def test_the_instance_lock_names_its_holder_and_frees_itself_when_the_holder_dies(tmp_path):
    db = tmp_path / "case.sqlite3"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; sys.path.insert(0, sys.argv[2])\n"
            "from pathlib import Path\nfrom ddcase.storage.files import instance_lock\n"
            "with instance_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)\n",
            str(db),
            str(SRC),
        ],
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert lock_holder(db).pid == holder.pid
        with pytest.raises(DatabaseInUseError, match=f"already open in ddcase \\(process {holder.pid}\\)"):
            with instance_lock(db):
                pass
    finally:
        holder.kill()  # SIGKILL: no chance to clean up
        holder.wait()
    assert lock_holder(db) is None
    with instance_lock(db) as lock_file:
        assert lock_holder(db).pid == os.getpid()
        assert owner_mode(lock_file, 0o600) == 0o600
    assert lock_holder(db) is None


def test_a_second_lock_in_the_same_process_is_refused_too(tmp_path):
    db = tmp_path / "case.sqlite3"
    with instance_lock(db):
        with pytest.raises(DatabaseInUseError):
            with instance_lock(db):
                pass

"""`ddcase pdsa list|add|update|close [--json]` as a user runs it (issue 16 item 6)."""

from __future__ import annotations

import json

from tests.cli.test_cli import run


def test_a_cycle_is_added_changed_listed_and_closed(capsys, tmp_path):
    db = str(tmp_path / "log.sqlite3")
    code, out, err = run(
        capsys, "pdsa", "add", "--db", db, "--title", "Joint review slot", "--start", "2026-09-14",
        "--measure", "jointly_worked", "--prediction", "Up to 55% by December", "--owner", "Ann Smith", "--json",
    )  # fmt: skip
    assert code == 0, err
    added = json.loads(out)
    assert added == {
        "id": 1, "team": None, "title": "Joint review slot", "plan": None,
        "prediction": "Up to 55% by December", "owner": "Ann Smith", "start": "2026-09-14", "end": None,
        "measures": ["jointly_worked"], "study": None, "act": None, "open": True, "closed_on": None,
    }  # fmt: skip
    code, out, err = run(
        capsys, "pdsa", "update", "1", "--db", db, "--measure", "jointly_worked,criterion:joint_contact",
        "--end", "2026-12-18",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith(
        "Changed PDSA cycle #1.\n#1 Joint review slot (open; 14 Sep 2026 to 18 Dec 2026; Ann Smith)"
    )
    assert "  Measures: jointly_worked, criterion:joint_contact\n" in out
    code, _, err = run(capsys, "pdsa", "close", "1", "--db", db, "--study", "Rose to 52%")
    assert code == 2 and "act: required to close a cycle" in err
    code, out, err = run(
        capsys, "pdsa", "close", "1", "--db", db, "--study", "Rose to 52%", "--act", "Adopt", "--on", "2026-11-20"
    )  # fmt: skip
    assert code == 0, err
    assert "(closed 20 Nov 2026; 14 Sep 2026 to 18 Dec 2026; Ann Smith)" in out
    code, out, _ = run(capsys, "pdsa", "list", "--db", db, "--open")
    assert out == "No PDSA cycles.\n"
    code, out, _ = run(capsys, "pdsa", "list", "--db", db, "--json")
    (cycle,) = json.loads(out)["cycles"]
    assert (cycle["study"], cycle["act"], cycle["closed_on"], cycle["open"]) == (
        "Rose to 52%",
        "Adopt",
        "2026-11-20",
        False,
    )


def test_a_wrong_key_is_refused_with_the_keys_there_are(capsys, tmp_path):
    db = str(tmp_path / "log.sqlite3")
    code, out, err = run(
        capsys, "pdsa", "add", "--db", db, "--title", "T", "--start", "2026-09-14", "--measure", "jointly-worked"
    )  # fmt: skip
    assert code == 2 and out == ""
    assert "measures: not a measure's key: jointly-worked" in err
    code, out, err = run(
        capsys, "pdsa", "add", "--db", db, "--title", "T", "--start", "2026-09-14", "--measure", "manual:nothing"
    )  # fmt: skip
    assert code == 2
    assert "no measure manual:nothing (the measures: jointly_worked" in err

"""`ddcase audit ...` (issue 17): define, sample from a caseload file, answer, show, with --json."""

from __future__ import annotations

import json

from ddcase.cli import main


def _run(capsys, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_audit_from_the_command_line(tmp_path, capsys):
    db = str(tmp_path / "log.sqlite3")
    caseload = tmp_path / "caseload.csv"
    caseload.write_text(
        "client_ref,initials\n" + "".join(f"RT{n:04d},ab\n" for n in range(1, 21)), encoding="utf-8"
    )
    code, out, _ = _run(capsys, "audit", "define", "north", "--name", "North CMHT", "--db", db, "--json")
    assert code == 0 and [q["key"] for q in json.loads(out)["questions"]] == [
        "substance_use_asked",
        "care_plan_substance_use",
    ]
    code, out, _ = _run(
        capsys, "audit", "sample", "north", "--month", "2026-10", "--caseload", str(caseload),
        "--size", "5", "--seed", "42", "--db", db, "--json",
    )  # fmt: skip
    drawn = json.loads(out)
    assert code == 0 and drawn["seed"] == 42 and drawn["caseload"] == 20 and len(drawn["sample"]) == 5
    first = drawn["sample"][0]["client_ref"]
    code, _, _ = _run(
        capsys, "audit", "answer", "north", "--month", "2026-10", "--client", first,
        "--answer", "substance_use_asked=yes", "--answer", "care_plan_substance_use=na", "--db", db,
    )  # fmt: skip
    assert code == 0
    code, out, _ = _run(capsys, "audit", "show", "north", "--month", "2026-10", "--db", db, "--json")
    shown = json.loads(out)
    assert shown["sample"][0]["answers"] == {
        "substance_use_asked": "yes",
        "care_plan_substance_use": "not_applicable",
    }
    assert [c["client_ref"] for c in shown["sample"]] == [c["client_ref"] for c in drawn["sample"]]
    code, _, err = _run(
        capsys, "audit", "answer", "north", "--month", "2026-10", "--client", first,
        "--answer", "substance_use_asked=maybe", "--db", db,
    )  # fmt: skip
    assert code == 2 and "yes, no or na" in err

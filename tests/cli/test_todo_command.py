"""`ddcase todo` (SPEC §6) on a log imported from CSV files, checked against hand-worked lists,
and on the demo against `figures --json`."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import demo_db, demo_template, run  # noqa: F401 (fixtures)

FILES = {
    "workers.csv": """name,organisation,service,role,email,phone
Ann Smith,ELFT,mental_health,care_coordinator,ann@elft.nhs.uk,020 7946 0001
Dee Khan,ELFT,mental_health,care_coordinator,,
Bo Lee,CGL,substance_misuse,key_worker,bo@cgl.org.uk,07700 900123
Kay Obi,CGL,substance_misuse,key_worker,,
""",
    "clients.csv": """client_ref,initials,consent_to_share_on
RT1,AB,2026-01-01
RT2,CD,2026-01-01
RT3,EF,2026-01-01
RT4,GH,
RT9,IJ,2026-01-01
""",
    "episodes.csv": """client_ref,service,organisation,team,worker,start_date,end_date
RT1,mental_health,ELFT,North,Ann Smith,2025-01-01,
RT1,substance_misuse,CGL,,Bo Lee,2026-06-01,
RT2,mental_health,ELFT,North,Ann Smith,2025-01-01,
RT2,substance_misuse,CGL,,Bo Lee,2026-06-01,2026-10-24
RT3,mental_health,ELFT,North,Dee Khan,2025-01-01,
RT3,substance_misuse,CGL,,Kay Obi,2026-06-01,
RT4,mental_health,ELFT,South,Dee Khan,2025-01-01,
RT4,substance_misuse,CGL,,Kay Obi,2026-06-01,
RT9,mental_health,ELFT,North,Ann Smith,2025-01-01,
RT9,substance_misuse,CGL,,Bo Lee,2026-06-01,
""",
    "contacts.csv": """client_ref,date,kind,mode,outcome
RT1,2026-10-05,joint_appointment,face_to_face,attended
RT2,2026-10-09,joint_appointment,face_to_face,did_not_attend
RT3,2026-10-02,joint_appointment,face_to_face,did_not_attend
RT3,2026-10-20,care_plan_review,meeting,attended
RT9,2026-08-20,joint_appointment,face_to_face,attended
RT9,2026-10-10,liaison,telephone,attended
""",
}


@pytest.fixture
def log(tmp_path, capsys):
    """October 2026, worked by hand: RT2's drug and alcohol episode ends on 24 Oct (its due day);
    RT4 has no consent and no contacts (due 31 Oct); RT1, RT3 and RT9 are jointly worked, and
    RT9's only joint contact (20 Aug) is outside November's window (2 Sep .. 30 Nov)."""
    folder = tmp_path / "csv"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = str(tmp_path / "log.sqlite3")
    code, _, err = run(capsys, "import", "--db", db, str(folder))
    assert code == 0, err
    return db


def test_todo_json_is_the_hand_worked_list_in_the_spec_shape(capsys, log):
    code, out, err = run(capsys, "todo", "--db", log, "--month", "2026-10", "--json")
    assert code == 0, err
    assert out == (
        json.dumps(
            {
                "month": "2026-10",
                "team": None,
                "coordinator": None,
                "not_yet": [
                    {
                        "client_ref": "RT2",
                        "care_coordinator": "Ann Smith",
                        "key_worker": "Bo Lee",
                        "missing": ["joint_contact", "liaison"],
                        "due": "2026-10-24",
                    },
                    {
                        "client_ref": "RT4",
                        "care_coordinator": "Dee Khan",
                        "key_worker": "Kay Obi",
                        "missing": ["consent", "joint_contact", "liaison"],
                        "due": "2026-10-31",
                    },
                ],
                "at_risk_next_month": [
                    {
                        "client_ref": "RT9",
                        "needs": "joint_contact",
                        "by": "2026-11-30",
                        "last_joint": "2026-08-20",
                    }
                ],
                "missed_appointments": [
                    {"client_ref": "RT3", "date": "2026-10-02", "followed_up": True},
                    {"client_ref": "RT2", "date": "2026-10-09", "followed_up": False},
                ],
            }
        )
        + "\n"
    )


def test_todo_for_a_team_and_for_a_coordinator(capsys, log):
    code, out, _ = run(capsys, "todo", "--db", log, "--month", "2026-10", "--team", "South", "--json")
    south = json.loads(out)
    assert (south["team"], [n["client_ref"] for n in south["not_yet"]]) == ("South", ["RT4"])
    assert south["at_risk_next_month"] == south["missed_appointments"] == []
    code, out, _ = run(
        capsys, "todo", "--db", log, "--month", "2026-10", "--coordinator", "Ann Smith", "--json"
    )
    ann = json.loads(out)
    assert ann["coordinator"] == "Ann Smith"
    assert [n["client_ref"] for n in ann["not_yet"]] == ["RT2"]
    assert [r["client_ref"] for r in ann["at_risk_next_month"]] == ["RT9"]
    assert ann["missed_appointments"] == [{"client_ref": "RT2", "date": "2026-10-09", "followed_up": False}]


def test_an_unknown_coordinator_is_refused_clearly(capsys, log):
    code, out, err = run(capsys, "todo", "--db", log, "--month", "2026-10", "--coordinator", "Ann Smyth")
    assert code == 2 and out == ""
    assert "Ann Smyth" in err and "Traceback" not in err


def test_todo_text_ranks_by_the_due_day_and_gives_the_key_workers_phone_and_email(capsys, log):
    code, out, _ = run(capsys, "todo", "--db", log, "--month", "2026-10")
    assert code == 0
    assert out.splitlines() == [
        "To do, October 2026, all teams",
        "Not yet jointly worked: 2",
        "  by 24 Oct 2026  RT2  Ann Smith / Bo Lee (07700 900123, bo@cgl.org.uk): joint contact, liaison this month",
        "  by 31 Oct 2026  RT4  Dee Khan / Kay Obi: consent to share, joint contact, liaison this month",
        "At risk next month: 1",
        "  RT9  Last joint contact 20 Aug 2026: book one by 30 Nov 2026  (Bo Lee (07700 900123, bo@cgl.org.uk))",
        "Missed joint appointments: 2",
        "  2 Oct 2026  RT3  followed up  (Kay Obi)",
        "  9 Oct 2026  RT2  to follow up  (Bo Lee (07700 900123, bo@cgl.org.uk))",
    ]


@pytest.mark.sqlite_only
def test_on_the_demo_not_yet_is_exactly_the_mutual_clients_not_jointly_worked(capsys, demo_db):  # noqa: F811
    _, out, _ = run(capsys, "figures", "--db", demo_db, "--month", "2026-09", "--json")
    figures = json.loads(out)
    _, out, _ = run(capsys, "todo", "--db", demo_db, "--month", "2026-09", "--json")
    todo = json.loads(out)
    expected = {c["client_ref"]: c["failed_criteria"] for c in figures["clients"] if not c["jointly_worked"]}
    assert expected and todo["at_risk_next_month"]
    assert {n["client_ref"]: n["missing"] for n in todo["not_yet"]} == expected
    assert [(n["due"], n["client_ref"]) for n in todo["not_yet"]] == sorted(
        (n["due"], n["client_ref"]) for n in todo["not_yet"]
    )
    assert all("2026-09-01" <= n["due"] <= "2026-09-30" for n in todo["not_yet"])
    worked = {c["client_ref"] for c in figures["clients"] if c["jointly_worked"]}
    assert {r["client_ref"] for r in todo["at_risk_next_month"]} <= worked
    assert all(r["by"] == "2026-10-31" for r in todo["at_risk_next_month"])

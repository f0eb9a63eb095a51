"""`ddcase report` as a user runs it (SPEC §4): exit status, messages, the PDF it writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ddcase.cli import main
from ddcase.domain.format import figure_text
from tests.reports.helpers import opening_text, pages_text


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def demo_db(demo_copy: Path) -> str:
    return str(demo_copy)


def test_report_writes_the_pdf_with_the_figures_of_figures_json(capsys, demo_db, tmp_path):
    out = tmp_path / "summary.pdf"
    code, stdout, err = run(capsys, "report", "--db", demo_db, "--month", "2026-10", "--out", str(out))
    assert code == 0 and err == ""
    _, figures, _ = run(capsys, "figures", "--db", demo_db, "--month", "2026-10", "--json")
    data = json.loads(figures)
    headline = figure_text(data["jointly_worked"], data["mutual_clients"], data["percentage"])
    assert f"Wrote {out}" in stdout and headline in stdout
    pages = pages_text(out)
    assert headline in opening_text(pages) and "Follow-up list" in "\n".join(pages)


def test_no_client_list_leaves_the_list_out(capsys, demo_db, tmp_path):
    out = tmp_path / "summary.pdf"
    code, stdout, _ = run(
        capsys, "report", "--db", demo_db, "--month", "2026-10", "--out", str(out), "--no-client-list"
    )
    assert code == 0 and "left out" in stdout
    text = "\n".join(pages_text(out))
    assert "Follow-up list" not in text and "RT1" not in text


def test_a_team_report(capsys, demo_db, tmp_path):
    out = tmp_path / "north.pdf"
    code, _, _ = run(
        capsys,
        "report",
        "--db",
        demo_db,
        "--month",
        "2026-10",
        "--team",
        "Luton North CMHT",
        "--out",
        str(out),
    )
    assert code == 0 and "Luton North CMHT" in "\n".join(pages_text(out)[:2])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--month", "2026-10", "--team", "Atlantis", "--out", "{tmp}/x.pdf"], "No team called 'Atlantis'"),
        (["--month", "2026-10", "--out", "{tmp}/no/such/folder/x.pdf"], "does not exist"),
        (["--month", "2026-13", "--out", "{tmp}/x.pdf"], "2026-13"),
        (["--month", "2026-10"], "--out"),
    ],
)
def test_bad_input_is_a_usage_error_without_a_traceback(capsys, demo_db, tmp_path, extra, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in extra]
    code, _, err = run(capsys, "report", "--db", demo_db, *args)
    assert code == 2 and message in err and "Traceback" not in err
    assert not list(tmp_path.glob("*.pdf"))


def test_reportlab_is_loaded_only_for_a_report(demo_db):
    script = (
        "import sys; from ddcase.cli import main; "
        f"code = main(['figures', '--db', {demo_db!r}, '--month', '2026-10', '--json']); "
        "assert code == 0; assert 'reportlab' not in sys.modules, 'reportlab was imported'"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stderr

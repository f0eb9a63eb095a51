"""The monthly report through ReportingService on the demo team: every number on the PDF read back
with pypdf and checked against `ddcase figures --json` and `ddcase series --json`."""

from __future__ import annotations

import gc
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from ddcase.domain import Criterion, DomainError, Month
from ddcase.domain.format import figure_text, percent_text
from ddcase.rules.charts import month_text
from ddcase.rules.criteria import why_not
from ddcase.rules.figures import MonthFigures
from ddcase.services.reporting import default_file_name
from tests.permissions import owner_mode
from tests.reports.helpers import OCT, cli_json, opening_text, pages_text, services_for

SEP = Month(2026, 9)


@pytest.fixture
def db(demo_copy: Path) -> Path:
    return demo_copy


@pytest.fixture
def services(db: Path):
    services = services_for(db)
    yield services
    services.close()


@pytest.fixture(scope="module")
def printed(demo_template: Path, tmp_path_factory):
    """One report of the demo's last full month, all teams, and the JSON it must agree with."""
    folder = tmp_path_factory.mktemp("printed")
    db = folder / "demo.sqlite3"
    shutil.copyfile(demo_template, db)
    services = services_for(db)
    try:
        summary = services.reporting.monthly_report(OCT, None, folder / "report.pdf")
    finally:
        services.close()
    return summary, pages_text(folder / "report.pdf"), db


def figures_json(capsys, db: Path, month: Month, team: str | None = None) -> dict:
    args = ["figures", "--db", str(db), "--month", str(month), "--json"]
    return cli_json(capsys, *args, *(["--team", team] if team else []))


def series_json(capsys, db: Path) -> dict:
    return cli_json(capsys, "series", "--db", str(db), "--from", "2024-11", "--to", "2026-10", "--json")


def test_the_headline_and_the_change_match_figures_json(printed, capsys):
    summary, pages, db = printed
    now, before = figures_json(capsys, db, OCT), figures_json(capsys, db, SEP)
    headline = figure_text(now["jointly_worked"], now["mutual_clients"], now["percentage"])
    assert headline in opening_text(pages)
    assert (summary.jointly_worked, summary.mutual_clients) == (now["jointly_worked"], now["mutual_clients"])
    assert (
        f"({before['jointly_worked']} of {before['mutual_clients']} jointly worked, "
        f"{percent_text(before['percentage'])})" in opening_text(pages)
    )
    worked = now["jointly_worked"] - before["jointly_worked"]
    mutual = now["mutual_clients"] - before["mutual_clients"]
    text = " ".join(opening_text(pages).split())
    assert f"{abs(worked)} {'more' if worked > 0 else 'fewer'} jointly worked" in text
    assert f"{abs(mutual)} {'more' if mutual > 0 else 'fewer'} mutual clients" in text
    assert f"Not counted: {len(now['excluded'])} clients" in text


def _row(text: str, name: str, cells: int) -> list[str]:
    pattern = re.escape(name) + r"\n" + r"\n".join([r"(\S+)"] * cells) + r"\n"
    match = re.search(pattern, text)
    assert match, f"no row for {name}"
    return list(match.groups())


def test_team_rows_match_figures_json_for_each_team(printed, capsys):
    _, pages, db = printed
    text = "\n".join(pages) + "\n"
    services = services_for(db)
    try:
        names = services.figures.teams()
    finally:
        services.close()
    for team in names:
        team_json = figures_json(capsys, db, OCT, team)
        mutual, worked = team_json["mutual_clients"], team_json["jointly_worked"]
        assert _row(text, team, 4) == [
            str(mutual),
            str(worked),
            percent_text(team_json["percentage"]),
            str(mutual - worked),
        ]


def _group_rows(page: str, title: str, next_title: str) -> list[list[str]]:
    block = page[page.index(title) : page.index(next_title)]
    return [list(m) for m in re.findall(r"\n([^\n]+)\n(\d+)\n(\d+)\n(\d+%|–)\n(\d+)(?=\n)", block)]


def test_care_coordinator_and_provider_rows_add_up_to_figures_json(printed, capsys):
    _, pages, db = printed
    now = figures_json(capsys, db, OCT)
    page = "\n".join(pages)
    for title, next_title in (
        ("Care coordinator", "Drug and alcohol provider"),
        ("Drug and alcohol provider", "Why mutual clients"),
    ):
        rows = _group_rows(page, title, next_title)
        assert rows, title
        assert sum(int(r[1]) for r in rows) == now["mutual_clients"]
        assert sum(int(r[2]) for r in rows) == now["jointly_worked"]
        for _, mutual, worked, pct, not_worked in rows:
            assert pct == percent_text(100 * int(worked) / int(mutual))
            assert int(not_worked) == int(mutual) - int(worked)


def test_reasons_counts_match_failed_criteria_in_figures_json(printed, capsys):
    _, pages, db = printed
    now = figures_json(capsys, db, OCT)
    counts = Counter(c for client in now["clients"] for c in client["failed_criteria"])
    not_worked = sum(1 for c in now["clients"] if not c["jointly_worked"])
    text = "\n".join(pages)
    flat = " ".join(text.split())
    for name, count in counts.items():
        criterion = Criterion(name)
        assert f"{why_not(criterion).capitalize()} {count} {percent_text(100 * count / not_worked)}" in flat
    assert f"{not_worked} mutual clients were not jointly worked" in flat


def test_the_follow_up_list_is_exactly_the_clients_not_jointly_worked(printed, capsys):
    _, pages, db = printed
    now = figures_json(capsys, db, OCT)
    follow_up = next(p for p in pages if "Follow-up list" in p)
    start = "\n".join(pages[pages.index(follow_up) :])
    listed, excluded_part = start.split("Excluded for a short overlap")
    refs = set(re.findall(r"\b(RT\d{6})\b", listed))
    assert refs == {c["client_ref"] for c in now["clients"] if not c["jointly_worked"]}
    excluded = set(re.findall(r"\b(RT\d{6})\b", excluded_part.split("The chart's months")[0]))
    assert excluded == {c["client_ref"] for c in now["excluded"]}
    # No jointly worked client is named anywhere.
    worked = {c["client_ref"] for c in now["clients"] if c["jointly_worked"]}
    assert not worked & set(re.findall(r"\b(RT\d{6})\b", "\n".join(pages)))


def test_every_month_of_the_chart_matches_series_json(printed, capsys):
    _, pages, db = printed
    series = series_json(capsys, db)
    text = "\n".join(pages) + "\n"
    table = text[text.index("The chart's months") :]
    for m in series["months"]:
        label = month_text(Month.parse(m["month"]))
        cells = _row(table, label, 7)
        assert cells == [
            str(m["jointly_worked"]),
            str(m["mutual_clients"]),
            percent_text(m["percentage"]),
            str(m["part"]),
            percent_text(100 * m["centre"]),
            percent_text(100 * m["lower_limit"]),
            percent_text(100 * m["upper_limit"]),
        ]


def test_the_critical_values_match_series_json(printed, capsys):
    _, pages, db = printed
    (part,) = series_json(capsys, db)["parts"]
    flat = " ".join(opening_text(pages).split())
    assert (
        f"{part['useful_observations']} {part['longest_run']} (limit {part['longest_run_limit']}) "
        f"{part['crossings']} (limit {part['crossings_limit']}) {len(part['months_outside_limits'])} months"
    ) in flat
    assert f"Centre {percent_text(100 * part['centre'])}" in flat
    assert part["runs_signal"] is True and "Signal." in flat
    first, last = (
        month_text(Month.parse(m)) for m in (part["longest_run_months"][0], part["longest_run_months"][-1])
    )
    assert f"A run of {part['longest_run']} months below the centre line {first} to {last}" in flat


def test_data_completeness_counts_the_months_mutual_clients(printed, capsys):
    _, pages, db = printed
    now = figures_json(capsys, db, OCT)
    refs = {c["client_ref"] for c in now["clients"]}
    services = services_for(db)
    try:
        clients = [c for c in services.casework.clients() if c.client_ref in refs]
    finally:
        services.close()
    n = len(clients)
    consent = sum(1 for c in clients if c.consent_to_share_on and c.consent_to_share_on <= OCT.last_day)
    flat = " ".join("\n".join(pages).split())
    for label, recorded in (
        ("Consent to share recorded", consent),
        ("NHS number", sum(1 for c in clients if c.nhs_number)),
        ("Ethnicity", sum(1 for c in clients if c.ethnicity)),
        ("Referral route", sum(1 for c in clients if c.referral_route)),
    ):
        assert f"{label} {recorded} {n - recorded} {percent_text(100 * recorded / n)}" in flat


def test_every_page_is_marked_and_numbered(printed):
    summary, pages, _ = printed
    assert len(pages) == summary.pages >= 4
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") == 2
        assert f"Page {number} of {len(pages)}" in text


def test_the_header_says_team_month_definition_and_when(printed):
    _, pages, _ = printed
    flat = " ".join(opening_text(pages).split())
    assert "Joint working summary: October 2026" in flat and "All teams" in flat
    assert "Definition version 1" in flat and "Jointly worked when both services name a worker" in flat
    # UK time with its zone named, whatever the machine's zone (the context's now is 10:42 UTC).
    assert "Produced 22 Nov 2026 at 10:42 GMT" in flat
    assert "1 Jan 2026: PDSA 1" in flat and "Aim 75%" in flat


def test_the_file_is_private_and_written_whole(services, tmp_path):
    out = tmp_path / "out" / default_file_name(OCT, None)
    out.parent.mkdir()
    out.write_bytes(b"an old report")
    services.reporting.monthly_report(OCT, None, out)
    assert owner_mode(out, 0o600) == 0o600
    assert out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left


def test_the_default_file_name_carries_no_client_identifier():
    assert default_file_name(OCT, None) == "ddcase all teams 2026-10.pdf"
    assert default_file_name(OCT, "Luton North CMHT") == "ddcase Luton North CMHT 2026-10.pdf"
    assert (
        default_file_name(OCT, 'A/B: "C" <D>?', what="chart", suffix=".png")
        == "ddcase A B C D chart 2026-10.png"
    )


def test_two_runs_give_identical_bytes(services, tmp_path):
    services.reporting.monthly_report(OCT, None, tmp_path / "a.pdf")
    services.reporting.monthly_report(OCT, None, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_without_the_client_list_no_client_is_named(services, tmp_path):
    out = tmp_path / "no-list.pdf"
    summary = services.reporting.monthly_report(OCT, None, out, client_list=False)
    text = "\n".join(pages_text(out))
    refs = {c.client_ref for c in services.casework.clients()}
    assert not summary.client_list
    assert "Follow-up list" not in text
    assert not re.findall(r"RT\d{6}", text) and not any(ref in text for ref in refs)


def test_the_chart_is_vector_graphics(printed, tmp_path):
    _, _, db = printed
    reader = PdfReader(str(Path(db).parent / "report.pdf"))
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject")
        assert not xobjects or not any(x.get_object()["/Subtype"] == "/Image" for x in xobjects.values())


def test_a_report_records_its_figures_and_an_audit_entry_without_identifiers(services, tmp_path):
    services.reporting.monthly_report(OCT, None, tmp_path / "r.pdf")
    from ddcase.storage import audit
    from ddcase.storage.tables import AuditEventRow

    with services.context.db.read() as session:
        (entry,) = audit.entries(session, AuditEventRow.action == "report")
    assert entry.row.entity == "report" and '"month":"2026-10"' in entry.after_json
    assert not re.findall(r"RT\d{6}", entry.after_json)
    assert services.reporting.revisions(OCT, None) == []


def test_an_edit_after_a_report_is_shown_as_a_revision(services, tmp_path):
    services.reporting.monthly_report(OCT, None, tmp_path / "first.pdf")
    figures = services.figures.month(OCT)
    # A client held back only by consent gets it recorded: October's figure goes up by one.
    client_month = next(c for c in figures.clients if c.failed_criteria == (Criterion.CONSENT,))
    client = services.casework.client(client_month.client_ref)
    from dataclasses import replace
    from datetime import date

    services.casework.save_client(replace(client, consent_to_share_on=date(2026, 10, 1)))
    (revision,) = services.reporting.revisions(OCT, None)
    assert (revision.printed_jointly_worked, revision.jointly_worked) == (
        figures.jointly_worked,
        figures.jointly_worked + 1,
    )
    services.reporting.monthly_report(OCT, None, tmp_path / "second.pdf")
    flat = " ".join(opening_text(pages_text(tmp_path / "second.pdf")).split())
    before = percent_text(100 * figures.jointly_worked / figures.mutual_clients)
    after = percent_text(100 * (figures.jointly_worked + 1) / figures.mutual_clients)
    assert (
        f"Revised: October 2026: revised from {before} ({figures.jointly_worked} of {figures.mutual_clients}) "
        f"to {after} ({figures.jointly_worked + 1} of {figures.mutual_clients})"
    ) in flat
    # The history stays: the second report printed the new figure, so nothing is pending now.
    assert len(services.reporting.revisions(OCT, None)) == 1


def test_an_unknown_team_or_folder_is_refused_and_nothing_is_written(services, tmp_path):
    with pytest.raises(DomainError, match="No team called 'Nowhere'"):
        services.reporting.monthly_report(OCT, "Nowhere", tmp_path / "x.pdf")
    with pytest.raises(DomainError, match="does not exist"):
        services.reporting.monthly_report(OCT, None, tmp_path / "missing" / "x.pdf")
    assert list(tmp_path.glob("*.pdf")) == []


def test_a_team_report_counts_that_team_only(services, tmp_path, capsys, db):
    team = services.figures.teams()[0]
    summary = services.reporting.monthly_report(OCT, team, tmp_path / "team.pdf")
    team_json = figures_json(capsys, db, OCT, team)
    assert (summary.jointly_worked, summary.mutual_clients) == (
        team_json["jointly_worked"],
        team_json["mutual_clients"],
    )
    first = "\n".join(pages_text(tmp_path / "team.pdf")[:2])
    assert (
        team in first
        and figure_text(team_json["jointly_worked"], team_json["mutual_clients"], team_json["percentage"])
        in first
    )


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_pages_render_to_png(printed, tmp_path):
    """Render every page as a team manager would print it (the PNGs are kept to look at)."""
    import subprocess

    _, pages, db = printed
    pdf = Path(db).parent / "report.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(pages)
    assert all(image.stat().st_size > 20_000 for image in images)


def test_a_failure_loading_the_pdf_maker_is_raised_to_the_caller_not_lost(services, tmp_path, monkeypatch):
    """ReportLab and its fonts are loaded in a thread while the figures are read; what goes wrong
    there is raised by the report itself, and nothing is written."""
    from ddcase.reports import styles
    from ddcase.services import reporting

    def broken() -> None:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(styles, "paragraph_styles", broken)
    reporting._load_pdf_maker()  # the thread's work: it keeps quiet
    with pytest.raises(RuntimeError, match="no fonts"):
        services.reporting.monthly_report(OCT, None, tmp_path / "report.pdf")
    assert not (tmp_path / "report.pdf").exists()


def test_the_cyclic_collector_waits_until_the_report_is_made(services, tmp_path):
    """Not between the figures and the PDF (a pass over the whole content, all still alive):
    only when the report is made and its content freed, a pass over a few young objects."""
    services.reporting.monthly_report(OCT, None, tmp_path / "warm.pdf")  # imports, fonts
    was_enabled = gc.isenabled()
    alive: list[int] = []  # the month's figures alive at each collection

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            alive.append(sum(isinstance(o, MonthFigures) for o in gc.get_objects()))

    gc.enable()
    gc.collect()
    gc.callbacks.append(seen)
    try:
        services.reporting.monthly_report(OCT, None, tmp_path / "report.pdf")
    finally:
        gc.callbacks.remove(seen)
        if not was_enabled:
            gc.disable()
    assert alive == [] or max(alive) == 0, alive

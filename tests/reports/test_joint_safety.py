"""The meeting PDF's issue-17 section: the month's discharges while the other service was open,
with the flagged ones listed, read back from the PDF with pypdf and checked by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ddcase.domain import Client, Episode, Month, Role, Service, Worker
from ddcase.domain.format import percent_text
from ddcase.services.reporting import ReportingService
from tests.reports.helpers import pages_text

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE


def _discharge(casework, ref: str, end: date, reason: str | None) -> None:  # type: ignore[no-untyped-def]
    casework.save_client(Client(ref, "AB", consent_to_share_on=date(2026, 1, 1)))
    casework.save_episode(Episode(ref, MH, "ELFT", date(2026, 1, 1), team="North CMHT", worker="Ann Smith"))
    episode = casework.save_episode(Episode(ref, SM, "ResoLUTiONs", date(2026, 1, 1), worker="Bob Jones"))
    casework.save_episode(replace(episode, end_date=end), discharge_reason=reason)


def test_the_report_counts_the_discharges_and_lists_those_without_the_other_service(
    casework, context, tmp_path
):
    casework.save_worker(Worker("Ann Smith", "ELFT", MH, Role.CARE_COORDINATOR))
    casework.save_worker(Worker("Bob Jones", "ResoLUTiONs", SM, Role.KEY_WORKER))
    _discharge(casework, "RT1", date(2026, 10, 1), "Agreed at the MDT")
    _discharge(casework, "RT2", date(2026, 10, 31), None)
    _discharge(casework, "RT3", date(2026, 9, 30), None)  # September's: not in October's report
    out = tmp_path / "report.pdf"
    ReportingService(context).monthly_report(Month(2026, 10), None, out)
    text = _section(out)
    assert "1 of 2 discharges (50%) involved the other service" in text
    assert "1 was made without it" in text
    assert "31 Oct 2026 RT2 Substance misuse Bob Jones Ann Smith" in text
    assert "RT3" not in text and "RT1 " not in text

    ReportingService(context).monthly_report(Month(2026, 10), None, out, client_list=False)
    text = _section(out)
    assert "1 of 2 discharges (50%)" in text and "RT2" not in text


def _section(pdf, heading: str = "Discharges while the other service was open") -> str:  # type: ignore[no-untyped-def]
    """The text from `heading` (of the report's last sections) up to the page furniture."""
    text = " ".join(" ".join(pages_text(pdf)).split())
    start = text.index(heading)
    return text[start : text.index("OFFICIAL-SENSITIVE", start)]


def test_the_demo_team_has_its_audit_and_a_flagged_discharge_in_the_meeting_pdf(tmp_path):
    """Issue 17's done: the demo team shows a caseload audit with two questions over six months
    and a flagged discharge, both in the meeting PDF; the audit's numbers counted independently."""
    from ddcase.domain.audits import Answer
    from tests.reports.helpers import services_for

    services = services_for(tmp_path / "demo.sqlite3")
    try:
        services.demo.fill(seed=1)
        [found] = services.audits.audits()
        assert len(found.questions) == 2
        rounds = services.audits.rounds(found.slug)
        assert len(rounds) == 6
        month = rounds[-1].month
        flagged = services.discharges.flagged(month)
        assert flagged, "the demo's last ended month has a discharge without the other service"
        out = tmp_path / "report.pdf"
        services.reporting.monthly_report(month, None, out)
    finally:
        services.close()
    assert flagged[0].client_ref in _section(out)
    text = _section(out, "Caseload audits")
    for question in found.questions:
        said = [c.answers.get(question.key) for c in rounds[-1].sample]
        yes, no, na = said.count(Answer.YES), said.count(Answer.NO), said.count(Answer.NOT_APPLICABLE)
        share = percent_text(100 * yes / (yes + no))
        assert f"{question.text} {yes} {no} {na} {share}" in text

"""An import's updates keep their before values (issue 14, hole 7): a re-import that changes a
client's consent date used to write one entry `{"clients": {"updated": 1}}`, losing which client
and what was there. Each changed record now has its own entry with the fields that changed,
before and after; the unchanged records stay out of the trail. On both backends."""

from __future__ import annotations

from ddcase.services.audit_trail import AuditTrailService
from ddcase.services.transfer import TransferService
from tests.services.test_transfer import BASE, CLIENTS_CSV, EPISODES_CSV, write_folder


def test_a_reimport_keeps_each_changed_records_values_before_and_after(tmp_path, context):
    transfer = TransferService(context)
    trail = AuditTrailService(context)
    transfer.import_folder(write_folder(tmp_path / "one", BASE))
    before = len(trail.latest(1000))
    clients = CLIENTS_CSV.replace("staff,2026-09-15", "staff,2026-10-01")
    episodes = EPISODES_CSV.replace("ResoLUTiONs,,Cath Green,", "ResoLUTiONs,,Cath Green,2026-11-20")

    transfer.import_folder(write_folder(tmp_path / "two", {"clients.csv": clients, "episodes.csv": episodes}))

    new = trail.latest(1000)[: len(trail.latest(1000)) - before]
    assert [e.action for e in reversed(new)] == ["update", "update", "import"]
    client = next(e for e in new if e.entity == "client")
    assert client.entity_key == "RT100001"
    assert client.before == {"consent_to_share_on": "2026-09-15"}
    assert client.after == {"consent_to_share_on": "2026-10-01"}
    episode = next(e for e in new if e.entity == "episode")
    assert episode.entity_key == "RT100002"
    assert episode.before["end_date"] is None and episode.after["end_date"] == "2026-11-20"
    assert episode.before["start_date"] == "2026-08-01" == episode.after["start_date"]
    # ...and so the client's history shows it, with what was there
    history = trail.history("RT100001")
    assert history[-1].before == {"consent_to_share_on": "2026-09-15"}
    assert trail.verify().intact

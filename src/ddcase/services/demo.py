"""`ddcase demo`: fill an empty database with the synthetic demo team (services/demo_data.py)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ddcase.domain import DomainError, Month, month_range
from ddcase.services.base import Context, audit_change
from ddcase.services.demo_data import DemoData, demo_measures, generate
from ddcase.storage import repository
from ddcase.storage.database import Stamp


@dataclass(frozen=True, slots=True)
class DemoSummary:
    team_name: str
    workers: int
    clients: int
    episodes: int
    contacts: int

    def __str__(self) -> str:
        return (
            f"Demo team '{self.team_name}' added: {self.workers} workers, {self.clients} clients, "
            f"{self.episodes} episodes, {self.contacts} contacts (all synthetic)."
        )


class DemoService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    def fill(self, seed: int = 1) -> DemoSummary:
        """Fill an empty database with a realistic synthetic team, marked as demo. The same seed
        on the same day gives the same data."""
        data = generate(seed, self._context.today())
        stamp: Stamp = {"updated_at": self._context.now(), "updated_by": "demo"}
        with self._db.write() as session:
            if repository.has_records(session):
                raise DomainError(
                    "The database already holds records; the demo team goes only into an empty one."
                )
            repository.insert_new(
                session, data.workers, data.clients, data.episodes, data.contacts, stamp=stamp, is_demo=True
            )
            repository.set_setting(session, "team_name", data.team_name)
            repository.set_setting(session, "is_demo", "yes")
            summary = DemoSummary(
                data.team_name, len(data.workers), len(data.clients), len(data.episodes), len(data.contacts)
            )
            audit_change(
                self._context,
                session,
                action="demo",
                entity="demo",
                key=None,
                after={
                    "seed": seed,
                    "workers": summary.workers,
                    "clients": summary.clients,
                    "episodes": summary.episodes,
                    "contacts": summary.contacts,
                },
            )
        self._add_measures(seed)
        self._caseload_audit(seed, data)
        self._add_cycles()
        return summary

    def _caseload_audit(self, seed: int, data: DemoData) -> None:
        """Issue 17: a caseload audit of the first CMHT over the six ended months, ten people a
        month from the clients open to it at the month's end, answered better month by month."""
        from ddcase.domain.audits import Answer, CaseloadEntry
        from ddcase.services.audits import AuditService

        teams = sorted({e.team for e in data.episodes if e.team})
        if not teams:
            return
        team = teams[0]
        initials = {c.client_ref: c.initials for c in data.clients}
        audits = AuditService(self._context)
        audits.define("cmht-caseload", f"{team} caseload audit", team)
        rng = random.Random(seed)
        last = Month.last_complete(self._context.today())
        for step, month in enumerate(month_range(last.plus(-5), last)):
            caseload = sorted(
                {
                    CaseloadEntry(e.client_ref, initials[e.client_ref])
                    for e in data.episodes
                    if e.team == team and e.is_open_on(month.last_day)
                },
                key=lambda entry: entry.client_ref,
            )
            if not caseload:
                continue
            drawn = audits.draw(
                "cmht-caseload", month, caseload, 10, seed=(seed * 100_003 + month.index) % 2**31
            )
            for case in drawn.sample:
                asked = rng.random() < 0.55 + 0.06 * step
                answers = {
                    "substance_use_asked": Answer.YES if asked else Answer.NO,
                    "care_plan_substance_use": (
                        Answer.NOT_APPLICABLE
                        if rng.random() < 0.15
                        else Answer.YES
                        if asked and rng.random() < 0.5 + 0.05 * step
                        else Answer.NO
                    ),
                }
                audits.answer("cmht-caseload", month, case.client_ref, answers)

    def _add_measures(self, seed: int) -> None:
        """The demo team's measures entered by hand (issue 16), each change audited."""
        from ddcase.services.manual_measures import ManualMeasuresService

        manual = ManualMeasuresService(self._context)
        for measure, values in demo_measures(seed, self._context.today()):
            manual.define(measure)
            manual.store_values(measure.slug, values)

    def _add_cycles(self) -> None:
        """The demo team's two PDSA cycles (issue 16 item 6): one closed with its study and act,
        one open, each start marked on its measures' charts."""
        from datetime import timedelta

        from ddcase.domain import Month
        from ddcase.domain.pdsa import PdsaCycle
        from ddcase.services.pdsa import PdsaService

        pdsa = PdsaService(self._context)
        this_month = Month.of(self._context.today())
        consent_start = this_month.plus(-8).first_day + timedelta(days=6)
        consent = pdsa.add(
            PdsaCycle(
                "Ask for consent to share at the first joint contact",
                consent_start,
                ("criterion:consent", "jointly_worked"),
                plan="Key workers bring the consent form to every first joint appointment for a month.",
                prediction="Consent recorded for 70% of mutual clients within two months.",
                owner="Demo lead",
                end=consent_start + timedelta(days=30),
            )
        )
        pdsa.close(
            consent.id or 0,
            consent.version,
            study="Consent rose from about half to most mutual clients; forms went missing twice.",
            act="Adopt: the form is now part of the first joint appointment's checklist.",
            closed_on=this_month.plus(-6).first_day,
        )
        huddle_start = this_month.plus(-3).first_day + timedelta(days=13)
        pdsa.add(
            PdsaCycle(
                "Joint review slot in the weekly CMHT huddle",
                huddle_start,
                ("jointly_worked", "criterion:joint_contact"),
                plan="A 15-minute slot each Tuesday to book joint contacts for the clients due one.",
                prediction="Joint contact for 10 more percentage points of mutual clients in three months.",
                owner="Demo lead",
                end=huddle_start + timedelta(days=90),
            )
        )

"""SQLModel rows. Classes are called *Row so that "model" always means a Qt model.

Every editable table carries `version` (optimistic locking: SQLAlchemy adds `WHERE version = :old`
to each UPDATE and DELETE and raises StaleDataError when someone else saved first) and
`updated_at`/`updated_by`, which the conflict message quotes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Integer, MetaData, Table, UniqueConstraint
from sqlmodel import Field, SQLModel

# Named constraints, so Alembic batch migrations on SQLite can drop them later.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def _version_column() -> Column[int]:
    return Column("version", Integer, nullable=False, server_default="1")


class OrganisationRow(SQLModel, table=True):
    __tablename__ = "organisation"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    service: str = Field(max_length=20)


_worker_version = _version_column()


class WorkerRow(SQLModel, table=True):
    __tablename__ = "worker"
    __table_args__ = (UniqueConstraint("service", "name", name="uq_worker_service_name"),)
    __mapper_args__ = {"version_id_col": _worker_version}
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    service: str = Field(max_length=20)
    role: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=30)
    left_on: dt.date | None = None  # revision 0009
    version: int = Field(default=1, sa_column=_worker_version)
    updated_at: dt.datetime | None = None
    updated_by: str | None = Field(default=None, max_length=80)


_client_version = _version_column()


class ClientRow(SQLModel, table=True):
    __tablename__ = "client"
    __mapper_args__ = {"version_id_col": _client_version}
    id: int | None = Field(default=None, primary_key=True)
    client_ref: str = Field(max_length=20, unique=True)
    initials: str = Field(max_length=6)
    nhs_number: str | None = Field(default=None, max_length=10)
    date_of_birth: dt.date | None = None
    ethnicity: str | None = Field(default=None, max_length=1)
    referral_route: str | None = Field(default=None, max_length=20)
    consent_to_share_on: dt.date | None = None
    is_demo: bool = Field(default=False)
    purged_on: dt.date | None = None
    version: int = Field(default=1, sa_column=_client_version)
    updated_at: dt.datetime | None = None
    updated_by: str | None = Field(default=None, max_length=80)


_episode_version = _version_column()


class EpisodeRow(SQLModel, table=True):
    __tablename__ = "episode"
    __table_args__ = (
        UniqueConstraint(
            "client_id", "service", "organisation_id", "start_date", name="uq_episode_client_id"
        ),
        # Covers the figures' query for the episodes overlapping a range (revision 0005).
        Index(
            "ix_episode_overlap",
            "end_date",
            "start_date",
            "client_id",
            "id",
            "service",
            "organisation_id",
            "team",
            "worker_id",
            "version",
        ),
        # One team's clients without the whole trust's episodes (revision 0013).
        Index("ix_episode_team", "team", "end_date", "start_date", "client_id"),
        # A client's episodes, and "is one of the other side open then?" from the index alone
        # (storage/discharge_notes.ending_histories); also the foreign key's index (revision 0014).
        Index("ix_episode_client", "client_id", "service", "start_date", "end_date"),
    )
    __mapper_args__ = {"version_id_col": _episode_version}
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", ondelete="CASCADE")  # ix_episode_client
    service: str = Field(max_length=20)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    team: str | None = Field(default=None, max_length=80)
    worker_id: int | None = Field(default=None, foreign_key="worker.id", index=True)
    start_date: dt.date
    end_date: dt.date | None = None
    version: int = Field(default=1, sa_column=_episode_version)
    updated_at: dt.datetime | None = None
    updated_by: str | None = Field(default=None, max_length=80)


_contact_version = _version_column()


class ContactRow(SQLModel, table=True):
    __tablename__ = "contact"
    __table_args__ = (
        # A client's contacts by date, and the figures' contacts of a set of clients (the series,
        # one team's figures) with no table reads needed (revision 0014).
        Index("ix_contact_client", "client_id", "date", "outcome", "kind", "mode"),
        # Covers the figures' query (storage/figures_read.histories): no table reads needed.
        Index("ix_contact_figures", "date", "client_id", "outcome", "kind", "mode"),
        # SPEC §3: two equal contact rows are one contact. A unique index rather than a UNIQUE
        # constraint (revision 0006), so that a first import can build it after the load.
        Index("uq_contact_fingerprint", "fingerprint", unique=True),
    )
    __mapper_args__ = {"version_id_col": _contact_version}
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", ondelete="CASCADE")
    date: dt.date  # ix_contact_figures starts with it (revision 0006)
    kind: str = Field(max_length=20)
    mode: str = Field(max_length=20)
    outcome: str = Field(default="attended", max_length=20)
    # No index on either worker (revision 0015): nothing but a worker's deletion reads by them.
    mh_worker_id: int | None = Field(default=None, foreign_key="worker.id")
    sm_worker_id: int | None = Field(default=None, foreign_key="worker.id")
    client_present: bool | None = None
    duration_minutes: int | None = None
    note: str | None = Field(default=None, max_length=500)
    # SHA-256 of every column (SPEC §3: two equal contact rows are one contact).
    fingerprint: str = Field(max_length=64)
    version: int = Field(default=1, sa_column=_contact_version)
    updated_at: dt.datetime | None = None
    updated_by: str | None = Field(default=None, max_length=80)


_definition_version = _version_column()


class DefinitionRow(SQLModel, table=True):
    """One version of the operational definition; `first_month` NULL = from the beginning."""

    __tablename__ = "definition_version"
    __mapper_args__ = {"version_id_col": _definition_version}
    number: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    first_month: str | None = Field(default=None, max_length=7, unique=True)
    named_workers: bool = True
    consent: bool = True
    joint_contact: bool = True
    liaison: bool = True
    joint_contacts_min: int = 1
    joint_contact_window_days: int = 90
    liaison_contacts_min: int = 1
    min_overlap_days: int = 14
    written_contacts_count: bool = False
    agreed_on: dt.date | None = None
    note: str | None = Field(default=None, max_length=500)
    agreed_in: str | None = Field(default=None, max_length=200)  # revision 0007
    version: int = Field(default=1, sa_column=_definition_version)
    updated_at: dt.datetime | None = None
    updated_by: str | None = Field(default=None, max_length=80)


_annotation_version = _version_column()


class AnnotationRow(SQLModel, table=True):
    """A dated note on the chart (change idea, PDSA cycle, event); `team` '' = every team."""

    __tablename__ = "annotation"
    __mapper_args__ = {"version_id_col": _annotation_version}
    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7, index=True)
    team: str = Field(default="", max_length=80)
    text: str = Field(max_length=500)
    new_part: bool = False
    version: int = Field(default=1, sa_column=_annotation_version)
    updated_at: dt.datetime | None = None
    updated_by: str | None = Field(default=None, max_length=80)


_measure_version = _version_column()


class MeasureSettingsRow(SQLModel, table=True):
    """A team's aim and baseline; `team` '' = the whole service."""

    __tablename__ = "measure_settings"
    __mapper_args__ = {"version_id_col": _measure_version}
    team: str = Field(primary_key=True, max_length=80)
    aim_percentage: float | None = None
    aim_by: str | None = Field(default=None, max_length=7)
    aim_text: str | None = Field(default=None, max_length=500)
    baseline_months: int | None = None
    version: int = Field(default=1, sa_column=_measure_version)
    updated_at: dt.datetime | None = None
    updated_by: str | None = Field(default=None, max_length=80)


class ReportSnapshotRow(SQLModel, table=True):
    """The figures printed for a month, so a later change can be shown as "revised from X to Y"."""

    __tablename__ = "report_snapshot"
    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7, index=True)
    team: str = Field(default="", max_length=80)
    definition_version: int
    mutual_clients: int
    jointly_worked: int
    produced_at: dt.datetime
    produced_by: str | None = Field(default=None, max_length=80)


class SettingRow(SQLModel, table=True):
    """Team-wide settings (team name, the log's owner, demo flag)."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=80)
    value: str = Field(max_length=2000)


class AuditEventRow(SQLModel, table=True):
    """Append-only, hash-chained: hash = SHA-256(prev_hash + canonical JSON of the row).

    Since revision 0004 an entry's values (before and after) live in `audit_value`, and the row
    holds only their salted digest (`values_sha256`), so that a purge can remove the values
    while the chain still verifies. Entries written before 0004 keep their values inline."""

    __tablename__ = "audit_event"
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at_utc: str = Field(max_length=40)
    os_user: str = Field(max_length=80)
    app_user: str | None = Field(default=None, max_length=80)
    action: str = Field(max_length=20)
    entity: str = Field(max_length=40, index=True)
    entity_key: str | None = Field(default=None, max_length=120, index=True)
    before_json: str | None = None
    after_json: str | None = None
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    values_sha256: str | None = Field(default=None, max_length=64)
    # Revision 0008: how the hash was made. NULL: SHA-256 by the app (as before); "hmac:<key id>":
    # signed with a key kept outside the file (storage/witness.py); "server": by PostgreSQL.
    chain: str | None = Field(default=None, max_length=40)
    # Revision 0008: HMAC-SHA-256 of `hash` with the trail key `chain` names (SQLite).
    signature: str | None = Field(default=None, max_length=64)


class AuditValueRow(SQLModel, table=True):
    """The values an audit entry recorded, apart from the chain so that they can be removed
    (redacted) when a client is purged: SHA-256(salt + canonical JSON of before and after) is
    the entry's `values_sha256`. The random salt goes with the values, so a removed value
    cannot be found again by guessing it against the digest."""

    __tablename__ = "audit_value"
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    salt: str = Field(max_length=32)
    before_json: str | None = None
    after_json: str | None = None


_manual_measure_version = _version_column()


class ManualMeasureRow(SQLModel, table=True):
    """A measure a team enters by hand (issue 16); `team` '' = the whole service."""

    __tablename__ = "manual_measure"
    __mapper_args__ = {"version_id_col": _manual_measure_version}
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=120)
    type: str = Field(max_length=20)
    unit: str = Field(max_length=20)
    better: str = Field(max_length=10)
    aim: float | None = None
    aim_by: str | None = Field(default=None, max_length=7)
    owner: str | None = Field(default=None, max_length=80)
    data_source: str | None = Field(default=None, max_length=200)
    team: str = Field(default="", max_length=80)
    version: int = Field(default=1, sa_column=_manual_measure_version)
    updated_at: dt.datetime | None = None
    updated_by: str | None = Field(default=None, max_length=80)


class ManualMeasureValueRow(SQLModel, table=True):
    """One month's value of a measure entered by hand."""

    __tablename__ = "manual_measure_value"
    __table_args__ = (UniqueConstraint("measure_id", "month", name="uq_manual_measure_value_month"),)
    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="manual_measure.id", index=True)
    month: str = Field(max_length=7)
    numerator: int | None = None
    denominator: int | None = None
    value: float | None = None
    updated_at: dt.datetime | None = None
    updated_by: str | None = Field(default=None, max_length=80)


_discharge_version = _version_column()


class DischargeNoteRow(SQLModel, table=True):
    """What was said when an episode was ended while the other side was open (issue 17; revision
    0011): the reason the other service counts as involved, or NULL when the discharge was made
    without it (flagged unless a contact with the other side's worker shows otherwise)."""

    __tablename__ = "discharge_note"
    __mapper_args__ = {"version_id_col": _discharge_version}
    id: int | None = Field(default=None, primary_key=True)
    episode_id: int = Field(foreign_key="episode.id", unique=True, ondelete="CASCADE")
    reason: str | None = Field(default=None, max_length=500)
    version: int = Field(default=1, sa_column=_discharge_version)
    updated_at: dt.datetime | None = None
    updated_by: str | None = Field(default=None, max_length=80)


_caseload_audit_version = _version_column()


class CaseloadAuditRow(SQLModel, table=True):
    """A caseload audit a team defined (issue 17; revision 0011): its questions are
    `caseload_audit_question`, each month's sample `caseload_audit_round`."""

    __tablename__ = "caseload_audit"
    __mapper_args__ = {"version_id_col": _caseload_audit_version}
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=200)
    team: str | None = Field(default=None, max_length=80)
    version: int = Field(default=1, sa_column=_caseload_audit_version)
    updated_at: dt.datetime | None = None
    updated_by: str | None = Field(default=None, max_length=80)


class CaseloadAuditQuestionRow(SQLModel, table=True):
    """A yes / no / not applicable question of an audit, in `position` order."""

    __tablename__ = "caseload_audit_question"
    __table_args__ = (UniqueConstraint("audit_id", "key", name="uq_caseload_audit_question_audit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="caseload_audit.id", ondelete="CASCADE")
    key: str = Field(max_length=40)
    text: str = Field(max_length=300)
    position: int


_audit_round_version = _version_column()


class CaseloadAuditRoundRow(SQLModel, table=True):
    """One month's round of an audit: the caseload list it was drawn from (its cases), the
    sample size asked for and the seed, so the sample can be drawn again and checked."""

    __tablename__ = "caseload_audit_round"
    __table_args__ = (UniqueConstraint("audit_id", "month", name="uq_caseload_audit_round_audit_id"),)
    __mapper_args__ = {"version_id_col": _audit_round_version}
    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="caseload_audit.id", ondelete="CASCADE")
    month: str = Field(max_length=7)
    seed: int
    sample_size: int
    version: int = Field(default=1, sa_column=_audit_round_version)
    updated_at: dt.datetime | None = None
    updated_by: str | None = Field(default=None, max_length=80)


class CaseloadAuditCaseRow(SQLModel, table=True):
    """A person on a round's caseload list (reference and initials only; not necessarily a
    client in the log). `sample_position` is their place in the sample, NULL when not drawn."""

    __tablename__ = "caseload_audit_case"
    __table_args__ = (UniqueConstraint("round_id", "client_ref", name="uq_caseload_audit_case_round_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="caseload_audit_round.id", ondelete="CASCADE")
    client_ref: str = Field(max_length=20, index=True)
    initials: str = Field(max_length=6)
    sample_position: int | None = None


_audit_answer_version = _version_column()


class CaseloadAuditAnswerRow(SQLModel, table=True):
    """A sampled person's answer to one question: `yes`, `no` or `not_applicable`."""

    __tablename__ = "caseload_audit_answer"
    __table_args__ = (UniqueConstraint("case_id", "question_id", name="uq_caseload_audit_answer_case_id"),)
    __mapper_args__ = {"version_id_col": _audit_answer_version}
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="caseload_audit_case.id", ondelete="CASCADE")
    question_id: int = Field(foreign_key="caseload_audit_question.id", ondelete="CASCADE")
    answer: str = Field(max_length=20)
    version: int = Field(default=1, sa_column=_audit_answer_version)
    updated_at: dt.datetime | None = None
    updated_by: str | None = Field(default=None, max_length=80)


_pdsa_version = _version_column()


class PdsaCycleRow(SQLModel, table=True):
    """A PDSA cycle (issue 16 item 6); `team` '' = the whole service. `measure_keys` holds the
    linked measures' keys (SPEC §6), one a line, in the order given."""

    __tablename__ = "pdsa_cycle"
    __mapper_args__ = {"version_id_col": _pdsa_version}
    id: int | None = Field(default=None, primary_key=True)
    team: str = Field(default="", max_length=80)
    title: str = Field(max_length=120)
    plan: str | None = Field(default=None, max_length=1000)
    prediction: str | None = Field(default=None, max_length=1000)
    owner: str | None = Field(default=None, max_length=80)
    start_on: dt.date = Field(index=True)
    end_on: dt.date | None = None
    measure_keys: str = Field(max_length=1000)
    study: str | None = Field(default=None, max_length=1000)
    act: str | None = Field(default=None, max_length=1000)
    closed_on: dt.date | None = None
    version: int = Field(default=1, sa_column=_pdsa_version)
    updated_at: dt.datetime | None = None
    updated_by: str | None = Field(default=None, max_length=80)


def table_of(model: type[SQLModel]) -> Table:
    """A table class's Core `Table`, for set-based statements (insert many, the columns)."""
    table: Table = model.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ at run time; its type does not say so
    return table

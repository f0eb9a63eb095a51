"""The fixed vocabularies of SPEC §1 and §2. Values are the strings used in CSV files and JSON."""

from __future__ import annotations

from enum import StrEnum


class Service(StrEnum):
    MENTAL_HEALTH = "mental_health"
    SUBSTANCE_MISUSE = "substance_misuse"

    @property
    def label(self) -> str:
        return {"mental_health": "Mental health", "substance_misuse": "Substance misuse"}[self.value]


class Role(StrEnum):
    CARE_COORDINATOR = "care_coordinator"
    KEY_WORKER = "key_worker"
    MANAGER = "manager"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ReferralRoute(StrEnum):
    STAFF = "staff"
    SELF = "self"
    DROP_IN = "drop_in"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"staff": "Staff referral", "self": "Self-referral", "drop_in": "Drop-in", "other": "Other"}[
            self.value
        ]


class ContactKind(StrEnum):
    JOINT_APPOINTMENT = "joint_appointment"
    CARE_PLAN_REVIEW = "care_plan_review"
    LIAISON = "liaison"
    INFORMATION_SHARED = "information_shared"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "joint_appointment": "Joint appointment",
            "care_plan_review": "Care plan review",
            "liaison": "Liaison",
            "information_shared": "Information shared",
            "other": "Other",
        }[self.value]


class ContactMode(StrEnum):
    FACE_TO_FACE = "face_to_face"
    VIDEO = "video"
    TELEPHONE = "telephone"
    MEETING = "meeting"
    EMAIL = "email"
    LETTER = "letter"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_written(self) -> bool:
        return self in (ContactMode.EMAIL, ContactMode.LETTER)


class Outcome(StrEnum):
    ATTENDED = "attended"
    DID_NOT_ATTEND = "did_not_attend"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"attended": "Attended", "did_not_attend": "Did not attend", "cancelled": "Cancelled"}[
            self.value
        ]


class Criterion(StrEnum):
    """The names of the criteria of the operational definition, in the order of SPEC §2's table.
    Each is declared, with its label, "why not" text and how it counts, in `rules/criteria.py`."""

    NAMED_WORKERS = "named_workers"
    CONSENT = "consent"
    JOINT_CONTACT = "joint_contact"
    LIAISON = "liaison"


class ExclusionReason(StrEnum):
    SHORT_OVERLAP = "short_overlap"


#: The joint kinds (SPEC §1): joint appointments and care plan reviews. What each criterion
#: counts is declared in `rules/criteria.py`.
JOINT_KINDS = frozenset({ContactKind.JOINT_APPOINTMENT, ContactKind.CARE_PLAN_REVIEW})

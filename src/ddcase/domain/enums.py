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
    """The criteria of the operational definition, in the order of SPEC §2's table."""

    NAMED_WORKERS = "named_workers"
    CONSENT = "consent"
    JOINT_CONTACT = "joint_contact"
    LIAISON = "liaison"

    @property
    def label(self) -> str:
        return {
            "named_workers": "Named workers",
            "consent": "Consent to share",
            "joint_contact": "Joint contact",
            "liaison": "Liaison this month",
        }[self.value]

    @property
    def missing_text(self) -> str:
        """What a coordinator reads when this criterion does not hold."""
        return {
            "named_workers": "no named care coordinator or key worker",
            "consent": "no consent to share recorded",
            "joint_contact": "no joint appointment or care plan review in the window",
            "liaison": "no liaison this month",
        }[self.value]


class ExclusionReason(StrEnum):
    SHORT_OVERLAP = "short_overlap"


#: Kinds that satisfy the joint_contact criterion (SPEC §2).
JOINT_KINDS = frozenset({ContactKind.JOINT_APPOINTMENT, ContactKind.CARE_PLAN_REVIEW})
#: Kinds that satisfy the liaison criterion (SPEC §2).
LIAISON_KINDS = frozenset({ContactKind.JOINT_APPOINTMENT, ContactKind.CARE_PLAN_REVIEW, ContactKind.LIAISON})

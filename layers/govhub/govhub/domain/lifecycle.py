"""Risk levels, compliance statuses and the lifecycle a model moves through."""

from __future__ import annotations

from enum import Enum


class RiskLevel(str, Enum):
    MINIMAL = "minimal"
    LIMITED = "limited"
    HIGH = "high"
    UNACCEPTABLE = "unacceptable"


class ComplianceStatus(str, Enum):
    DRAFT = "draft"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    RETIRED = "retired"


# Forward steps of the seed's lifecycle, plus the back-steps a review needs
# (changes requested → draft, re-review of an approved model) and retirement from any live state.
TRANSITIONS: dict[ComplianceStatus, tuple[ComplianceStatus, ...]] = {
    ComplianceStatus.DRAFT: (ComplianceStatus.UNDER_REVIEW, ComplianceStatus.RETIRED),
    ComplianceStatus.UNDER_REVIEW: (ComplianceStatus.APPROVED, ComplianceStatus.DRAFT, ComplianceStatus.RETIRED),
    ComplianceStatus.APPROVED: (ComplianceStatus.UNDER_REVIEW, ComplianceStatus.RETIRED),
    ComplianceStatus.RETIRED: (),
}


def allowed_transitions(current: ComplianceStatus) -> tuple[ComplianceStatus, ...]:
    return TRANSITIONS[current]


def is_allowed(current: ComplianceStatus, target: ComplianceStatus) -> bool:
    return target in TRANSITIONS[current]

"""What the registry holds, independent of how it is stored or shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from govhub.domain.classification import ClassificationSummary, OperatorRole
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel, allowed_transitions


@dataclass(frozen=True)
class Actor:
    username: str
    role: str


@dataclass
class Stamp:
    """Who created and last changed a record, when, and why."""

    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    updated_by_role: str
    change_reason: str | None = None


@dataclass
class VersionRef:
    id: int
    version_tag: str


@dataclass(frozen=True)
class PolicyViolation:
    """A rule of the active policy set an approved model fails since new evidence arrived (set by the policy monitor)."""

    rule_id: str
    kind: str
    reason: str
    article: str
    policy_version: int
    detected_at: datetime


@dataclass
class AIModel:
    id: int
    name: str
    owner: str
    stamp: Stamp
    description: str | None = None
    domain: str | None = None
    risk_level: RiskLevel = RiskLevel.MINIMAL
    risk_justification: str | None = None
    compliance_status: ComplianceStatus = ComplianceStatus.DRAFT
    intended_purpose: str | None = None
    data_sources: str | None = None
    oversight_plan: str | None = None
    submitted_by: str | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    approved_version_id: int | None = None
    revision: int | None = None
    latest_version: VersionRef | None = None
    policy_violations: list[PolicyViolation] = field(default_factory=list)
    # EU AI Act: the organisation's role for the system, and the questionnaire's verdict (govhub.classification)
    operator_role: OperatorRole | None = None
    classification: ClassificationSummary | None = None

    @property
    def allowed_transitions(self) -> list[ComplianceStatus]:
        return list(allowed_transitions(self.compliance_status))


DESCRIPTIVE_FIELDS = ("name", "owner", "description", "domain", "intended_purpose", "data_sources", "oversight_plan", "operator_role")


@dataclass
class ModelVersion:
    id: int
    model_id: int
    version_tag: str
    s3_path: str
    stamp: Stamp
    sha256: str | None = None
    description: str | None = None
    revision: int | None = None


@dataclass
class Metric:
    id: int
    version_id: int
    model_id: int
    metric_name: str
    value: float
    stamp: Stamp


@dataclass
class DashboardStats:
    total: int
    by_risk_level: dict[str, int]
    by_status: dict[str, int]
    matrix: dict[str, dict[str, int]]


@dataclass
class Page:
    """One page of a list and the opaque cursor of the next one."""

    items: list
    next_cursor: str | None = None

"""What the registry holds, independent of how it is stored or shown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from govhub.domain.classification import ClassificationSummary, OperatorRole
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel, allowed_transitions

if TYPE_CHECKING:
    from govhub.datasets.entities import VersionInputs


@dataclass(frozen=True)
class Actor:
    """Who acts: a person (Cognito) or a pipeline (`ci:<role>/<session>`), with the teams they belong to.

    `claimed_context` is what a pipeline says about its run (repository, run id, commit...): stored with each
    change and shown in the audit trail, never used for a decision.
    """

    username: str
    role: str
    teams: frozenset[str] = frozenset()
    claimed_context: Mapping[str, str] | None = field(default=None, compare=False, hash=False)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass
class Stamp:
    """Who created and last changed a record, when, and why."""

    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    updated_by_role: str
    change_reason: str | None = None
    claimed_context: Mapping[str, str] | None = None


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


@dataclass(frozen=True)
class Signoff:
    """One approver's sign-off, for the candidate version it was given on."""

    by: str
    role: str
    at: datetime
    reason: str
    version_id: int | None = None


@dataclass(frozen=True)
class Invalidation:
    """Why the approval in force stopped being in force: a governed field changed after it was sealed."""

    at: datetime
    by: str
    fields: tuple[str, ...]
    snapshot_sha256: str


@dataclass
class ApprovalState:
    """The model's approval: sign-offs gathered while under review, then the sealed snapshot in force (if any)."""

    required_signoffs: int = 1
    signoffs: list[Signoff] = field(default_factory=list)
    snapshot_sha256: str | None = None
    sealed_at: datetime | None = None
    policy_version: int | None = None
    invalidated: Invalidation | None = None

    @property
    def in_force(self) -> bool:
        return self.snapshot_sha256 is not None


@dataclass(frozen=True)
class Team:
    slug: str
    display_name: str
    stamp: Stamp
    revision: int | None = None


@dataclass(frozen=True)
class ExternalRef:
    """Where a model came from: the registry it lives in (``mlflow``, ``sagemaker``) and its name there."""

    system: str
    name: str


@dataclass
class AIModel:
    id: int
    name: str
    owner: str
    stamp: Stamp
    team: str | None = None
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
    approval: ApprovalState = field(default_factory=ApprovalState)
    # who changed governed fields, versions or metrics since the model was last submitted: none of them may approve
    editors_since_submission: frozenset[str] = frozenset()
    external_ref: ExternalRef | None = None
    # EU AI Act: the organisation's role for the system, and the questionnaire's verdict (govhub.classification)
    operator_role: OperatorRole | None = None
    classification: ClassificationSummary | None = None

    @property
    def allowed_transitions(self) -> list[ComplianceStatus]:
        return list(allowed_transitions(self.compliance_status))


DESCRIPTIVE_FIELDS = ("name", "owner", "description", "domain", "intended_purpose", "data_sources", "oversight_plan", "operator_role")
# What an approval seals about the model itself: a change to any of these reopens review of an approved model.
# The operator role is one of them: the obligations an approval was judged against depend on it.
GOVERNED_FIELDS = (
    "name", "owner", "team", "description", "domain", "risk_level", "risk_justification",
    "intended_purpose", "data_sources", "oversight_plan", "operator_role",
)


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
    inputs: VersionInputs | None = None  # the datasets and base model it declares (govhub.datasets)


@dataclass(frozen=True)
class Dependent:
    """A version of another model declared as built on one of the model's versions (its base model)."""

    model_id: int
    model_name: str
    version_id: int
    version_tag: str
    base_version_id: int | None
    base_version_tag: str | None


@dataclass(frozen=True)
class ModelDependents:
    """The live models built on a model's versions, as read for its delete: the first ones, whether there are more, and
    `seen`, the newest dependent recorded when they were read (the delete commits only if no other came since)."""

    items: tuple[Dependent, ...]
    more: bool
    seen: int | None


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

"""API shapes (pydantic): what requests may carry and what responses look like. Input forbids unknown fields."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, StringConstraints, model_validator

from govhub.domain.entities import AIModel, DashboardStats, Metric, ModelVersion, PolicyViolation
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.text import nfkc, refuse_hidden

# Unicode White_Space, spelled out so that documented patterns mean the same in pydantic's regex engine and in
# a client's (ECMA, Python re), and so that stripping removes exactly these characters.
WHITE_SPACE = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
VISIBLE = "[^\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"  # has one character that is not
SPACE = "[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


def _stripped(core: str) -> str:
    """A pattern for `core` as the client may send it: surrounding white space is stripped after the checks."""
    return f"^{SPACE}*(?:{core}){SPACE}*$"


def _strip(value: str) -> str:
    return value.strip(WHITE_SPACE)


# Lengths and patterns are checked on the text as sent (what the OpenAPI document describes), then it is stripped,
# then checked for hidden characters (govhub.text): none in short text, line breaks and tabs only in long text.
Stripped = AfterValidator(_strip)
PlainShort = AfterValidator(refuse_hidden)
PlainLong = AfterValidator(lambda value: refuse_hidden(value, line_breaks=True))
Normalised = AfterValidator(nfkc)  # look-alike forms (full-width, ligatures) are stored as what they look like
_NO_HIDDEN = "No control characters, bidirectional overrides/isolates or zero-width characters."
_NO_HIDDEN_LONG = "No control characters but line breaks and tabs, no bidirectional overrides/isolates or zero-width characters."
Name = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=VISIBLE), Stripped, PlainShort, Normalised,
                 Field(description=f"{_NO_HIDDEN} Stored in Unicode NFKC form; unique case-insensitively.")]
Short = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=VISIBLE), Stripped, PlainShort,
                  Field(description=_NO_HIDDEN)]
LongText = Annotated[str, StringConstraints(max_length=20_000), Stripped, PlainLong, Field(description=_NO_HIDDEN_LONG)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=2_000, pattern=VISIBLE), Stripped, PlainShort,
                   Field(description=_NO_HIDDEN)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_stripped(f"{VISIBLE[:-1]}/]+")), Stripped, PlainShort,
                Field(description=_NO_HIDDEN)]
ArtifactUri = Annotated[str, StringConstraints(min_length=1, max_length=2_048, pattern=VISIBLE), Stripped, PlainShort]
Sha256 = Annotated[str, StringConstraints(pattern=_stripped("[0-9a-fA-F]{64}")), AfterValidator(lambda v: _strip(v).lower())]
MetricName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_stripped(r"[\w.:/@%+-]+")), Stripped]
Id = Annotated[int, Field(ge=1, le=2**53)]
Revision = Annotated[int, Field(ge=1)]


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


# DynamoDB numbers span magnitudes 1e-130 .. 1e125 (and 0): larger values are refused, smaller ones are stored as 0,
# as a float underflows (no evaluation metric lives near either end).
METRIC_MAGNITUDE = 1e125
SMALLEST_MAGNITUDE = 1e-130


def _storable(value: float) -> float:
    if abs(value) > METRIC_MAGNITUDE:
        raise ValueError("must lie between -1e125 and 1e125")
    return 0.0 if abs(value) < SMALLEST_MAGNITUDE else value


MetricValue = Annotated[
    float,
    Strict(),  # `true` is not the number 1
    Field(json_schema_extra={"minimum": -METRIC_MAGNITUDE, "maximum": METRIC_MAGNITUDE}),
    AfterValidator(_finite),
    AfterValidator(_storable),
]


class Schema(BaseModel):
    """Base of every API shape. Its validator is built when a request first needs it, not at import: a function
    loads the shapes of all its routes and a cold request uses one or two."""

    model_config = ConfigDict(defer_build=True)


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class ModelCreate(_Input):
    name: Name
    owner: Short
    description: LongText | None = None
    domain: Short | None = None
    risk_level: RiskLevel = RiskLevel.MINIMAL
    risk_justification: LongText | None = None
    intended_purpose: LongText | None = None
    data_sources: LongText | None = None
    oversight_plan: LongText | None = None


class ModelUpdate(_Input):
    name: Name = Field(default=None)  # may be left out, never set to null: a model always has a name and owner
    owner: Short = Field(default=None)
    description: LongText | None = None
    domain: Short | None = None
    intended_purpose: LongText | None = None
    data_sources: LongText | None = None
    oversight_plan: LongText | None = None
    expected_revision: Revision | None = None
    reason: Reason | None = None

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"anyOf": [{"required": [field]} for field in (
            "name", "owner", "description", "domain", "intended_purpose", "data_sources", "oversight_plan")]},
    )

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"expected_revision", "reason"})


class RiskProfileChange(_Input):
    risk_level: RiskLevel
    justification: Reason
    expected_revision: Revision | None = None


class StatusChange(_Input):
    status: ComplianceStatus
    reason: Reason
    expected_revision: Revision | None = None


class DeleteRequest(_Input):
    reason: Reason


class VersionCreate(_Input):
    model_id: Id
    version_tag: Tag
    s3_path: ArtifactUri
    sha256: Sha256 | None = None
    description: LongText | None = None


class MetricEntry(_Input):
    metric_name: MetricName
    value: MetricValue


def _one_form_schema(schema: dict[str, Any]) -> None:
    """Document the rule `_one_form` enforces: a single metric, or a batch, never both."""
    schema["oneOf"] = [
        {"required": ["metric_name", "value"],
         "properties": {"metric_name": {"type": "string"}, "value": {"type": "number"}, "metrics": {"type": "null"}}},
        {"required": ["metrics"],
         "properties": {"metrics": {"type": "array"}, "metric_name": {"type": "null"}, "value": {"type": "null"}}},
    ]


class MetricRecording(_Input):
    """One metric (`metric_name`, `value`) or a batch of up to 100 (`metrics`) for one version."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_one_form_schema)

    version_id: Id
    metric_name: MetricName | None = None
    value: MetricValue | None = None
    metrics: Annotated[list[MetricEntry], Field(min_length=1, max_length=100)] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> MetricRecording:
        single = self.metric_name is not None or self.value is not None
        if self.metrics is not None and single:
            raise ValueError("send either metric_name and value, or metrics, not both")
        if self.metrics is None and (self.metric_name is None or self.value is None):
            raise ValueError("metric_name and value are required (or metrics, for a batch)")
        return self

    def entries(self) -> list[tuple[str, float]]:
        if self.metrics is not None:
            return [(entry.metric_name, entry.value) for entry in self.metrics]
        assert self.metric_name is not None and self.value is not None
        return [(self.metric_name, self.value)]


# -- responses ------------------------------------------------------------------------------
class PolicyViolationOut(Schema):
    """A rule of the active policy an approved model fails since new evidence arrived (flagged by the policy monitor)."""

    rule_id: str
    kind: str
    reason: str
    article: str
    policy_version: int
    detected_at: datetime

    @classmethod
    def from_domain(cls, violation: PolicyViolation) -> PolicyViolationOut:
        return cls(
            rule_id=violation.rule_id,
            kind=violation.kind,
            reason=violation.reason,
            article=violation.article,
            policy_version=violation.policy_version,
            detected_at=violation.detected_at,
        )


class VersionRefOut(Schema):
    id: int
    version_tag: str


class ModelOut(Schema):
    id: int
    name: str
    owner: str
    description: str | None
    domain: str | None
    risk_level: RiskLevel
    risk_justification: str | None
    compliance_status: ComplianceStatus
    intended_purpose: str | None
    data_sources: str | None
    oversight_plan: str | None
    allowed_transitions: list[ComplianceStatus]
    latest_version: VersionRefOut | None
    approved_version_id: int | None
    approved_by: str | None
    approved_at: datetime | None
    submitted_by: str | None
    revision: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    last_change_reason: str | None
    policy_violations: list[PolicyViolationOut] = []

    @classmethod
    def from_domain(cls, model: AIModel) -> ModelOut:
        latest = model.latest_version
        return cls(
            id=model.id,
            name=model.name,
            owner=model.owner,
            description=model.description,
            domain=model.domain,
            risk_level=model.risk_level,
            risk_justification=model.risk_justification,
            compliance_status=model.compliance_status,
            intended_purpose=model.intended_purpose,
            data_sources=model.data_sources,
            oversight_plan=model.oversight_plan,
            allowed_transitions=model.allowed_transitions,
            latest_version=VersionRefOut(id=latest.id, version_tag=latest.version_tag) if latest else None,
            approved_version_id=model.approved_version_id,
            approved_by=model.approved_by,
            approved_at=model.approved_at,
            submitted_by=model.submitted_by,
            revision=model.revision or 1,
            created_at=model.stamp.created_at,
            created_by=model.stamp.created_by,
            updated_at=model.stamp.updated_at,
            updated_by=model.stamp.updated_by,
            last_change_reason=model.stamp.change_reason,
            policy_violations=[PolicyViolationOut.from_domain(v) for v in model.policy_violations],
        )


class VersionOut(Schema):
    id: int
    model_id: int
    version_tag: str
    s3_path: str
    sha256: str | None
    description: str | None
    revision: int
    created_at: datetime
    created_by: str

    @classmethod
    def from_domain(cls, version: ModelVersion) -> VersionOut:
        return cls(
            id=version.id,
            model_id=version.model_id,
            version_tag=version.version_tag,
            s3_path=version.s3_path,
            sha256=version.sha256,
            description=version.description,
            revision=version.revision or 1,
            created_at=version.stamp.created_at,
            created_by=version.stamp.created_by,
        )


class MetricOut(Schema):
    id: int
    version_id: int
    model_id: int
    metric_name: str
    value: float
    recorded_at: datetime
    created_by: str

    @classmethod
    def from_domain(cls, metric: Metric) -> MetricOut:
        return cls(
            id=metric.id,
            version_id=metric.version_id,
            model_id=metric.model_id,
            metric_name=metric.metric_name,
            value=metric.value,
            recorded_at=metric.stamp.created_at,
            created_by=metric.stamp.created_by,
        )


class ModelPage(Schema):
    items: list[ModelOut]
    next_cursor: str | None


class VersionPage(Schema):
    items: list[VersionOut]
    next_cursor: str | None


class MetricPage(Schema):
    items: list[MetricOut]
    next_cursor: str | None


class MetricBatchOut(Schema):
    items: list[MetricOut]


class DashboardOut(Schema):
    total: int
    by_risk_level: dict[str, int]
    by_status: dict[str, int]
    matrix: dict[str, dict[str, int]]

    @classmethod
    def from_domain(cls, stats: DashboardStats) -> DashboardOut:
        return cls(total=stats.total, by_risk_level=stats.by_risk_level, by_status=stats.by_status, matrix=stats.matrix)


class Health(Schema):
    status: str


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    error: ErrorBody

"""API shapes (pydantic): what requests may carry and what responses look like. Input forbids unknown fields."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    AliasChoices,
    AliasPath,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    field_validator,
    model_validator,
)

from govhub.domain.classification import OperatorRole
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.text import HIDDEN_BUT_LINE_BREAKS_CLASS, HIDDEN_CLASS, nfkc, refuse_hidden

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
# What the validators below accept, as patterns for the OpenAPI document (a client or a fuzzer can tell valid text
# from invalid): short text is white space, then visible characters with no hidden one among them, then white
# space; long text is white space around anything but hidden characters other than line breaks and tabs.
_VISIBLE_PLAIN = f"[^{SPACE[1:-1]}{HIDDEN_CLASS}]"
SHORT_TEXT_PATTERN = f"^{SPACE}*{_VISIBLE_PLAIN}(?:[^{HIDDEN_CLASS}]*{_VISIBLE_PLAIN})?{SPACE}*$"
LONG_TEXT_PATTERN = f"^{SPACE}*[^{HIDDEN_BUT_LINE_BREAKS_CLASS}]*{SPACE}*$"
PlainShort = AfterValidator(refuse_hidden)
PlainLong = AfterValidator(lambda value: refuse_hidden(value, line_breaks=True))
Normalised = AfterValidator(nfkc)  # look-alike forms (full-width, ligatures) are stored as what they look like
_NO_HIDDEN = "No control characters, bidirectional overrides/isolates or zero-width characters."
_NO_HIDDEN_LONG = "No control characters but line breaks and tabs, no bidirectional overrides/isolates or zero-width characters."
_SHORT = {"pattern": SHORT_TEXT_PATTERN}
Name = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=VISIBLE), Stripped, PlainShort, Normalised,
                 Field(description=f"{_NO_HIDDEN} Stored in Unicode NFKC form; unique case-insensitively.", json_schema_extra=_SHORT)]
Short = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=VISIBLE), Stripped, PlainShort,
                  Field(description=_NO_HIDDEN, json_schema_extra=_SHORT)]
LongText = Annotated[str, StringConstraints(max_length=20_000), Stripped, PlainLong,
                     Field(description=_NO_HIDDEN_LONG, json_schema_extra={"pattern": LONG_TEXT_PATTERN})]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=2_000, pattern=VISIBLE), Stripped, PlainShort,
                   Field(description=_NO_HIDDEN, json_schema_extra=_SHORT)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_stripped(f"[^{SPACE[1:-1]}/{HIDDEN_CLASS}]+")), Stripped,
                PlainShort, Field(description=_NO_HIDDEN)]
ArtifactUri = Annotated[str, StringConstraints(min_length=1, max_length=2_048, pattern=VISIBLE), Stripped, PlainShort,
                        Field(json_schema_extra=_SHORT)]
Sha256 = Annotated[str, StringConstraints(pattern=_stripped("[0-9a-fA-F]{64}")), AfterValidator(lambda v: _strip(v).lower())]
MetricName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_stripped(r"[\w.:/@%+-]+")), Stripped]
Id = Annotated[int, Field(ge=1, le=2**53)]
TeamSlug = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$"),
    Field(description="A team's slug: lower-case letters, digits and hyphens (its Cognito group is team-<slug>). It must "
                      "name a registered team (GET /api/v1/teams), one of the caller's unless they are an admin: else 422 "
                      "or 403."),
]
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


def _date_time_text(value: object) -> object:
    """A date-time in a body is ISO 8601 text (or already a datetime): a number is not taken as a Unix time."""
    if not isinstance(value, str | datetime):
        raise ValueError("an ISO 8601 date-time, e.g. 2026-11-01T06:00:00Z")
    return value


IsoDateTime = Annotated[datetime, BeforeValidator(_date_time_text)]


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
    team: TeamSlug | None = Field(default=None, description="The owning team; a model owner's only team when left out.")
    description: LongText | None = None
    domain: Short | None = None
    risk_level: RiskLevel = RiskLevel.MINIMAL
    risk_justification: LongText | None = None
    intended_purpose: LongText | None = None
    data_sources: LongText | None = None
    oversight_plan: LongText | None = None
    operator_role: OperatorRole | None = None


class ModelUpdate(_Input):
    # may be left out, never set to null: a model always has a name and owner (the schema says string, not null)
    name: Name = Field(default=None)  # type: ignore[assignment]  # None means "not sent", never a value
    owner: Short = Field(default=None)  # type: ignore[assignment]  # as name
    team: TeamSlug | None = Field(default=None, description="Reassign the model to another team (administrators only); null unassigns it.")
    description: LongText | None = None
    domain: Short | None = None
    intended_purpose: LongText | None = None
    data_sources: LongText | None = None
    oversight_plan: LongText | None = None
    operator_role: OperatorRole | None = None
    expected_revision: Revision | None = None
    reason: Reason | None = None

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"anyOf": [{"required": [field]} for field in (
            "name", "owner", "team", "description", "domain", "intended_purpose", "data_sources", "oversight_plan", "operator_role")]},
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


class TeamCreate(_Input):
    slug: TeamSlug
    display_name: Short
    reason: Reason | None = None


class TeamUpdate(_Input):
    display_name: Short
    reason: Reason | None = None
    expected_revision: Revision | None = None


class DeleteRequest(_Input):
    reason: Reason


DatasetRoleName = Literal["training", "validation", "testing"]
WebUrl = Annotated[str, StringConstraints(min_length=1, max_length=2_048, pattern=_stripped(r"https?://[^\s]+")), Stripped]


class DeclaredDatasetIn(_Input):
    """A dataset version the model version was trained, validated or tested on: by id, or by dataset name and tag."""

    dataset_version_id: Id | None = None
    dataset: Name | None = Field(default=None, description="The dataset's name (with version_tag), instead of dataset_version_id.")
    version_tag: Tag | None = None
    role: DatasetRoleName

    @model_validator(mode="after")
    def _one_form(self) -> DeclaredDatasetIn:
        if (self.dataset_version_id is None) == (self.dataset is None) or (self.dataset is not None and self.version_tag is None):
            raise ValueError("name the dataset version by dataset_version_id, or by dataset and version_tag")
        return self


class ExternalModelIn(_Input):
    """A base model outside the registry: a third-party or general-purpose AI model (Art. 25, Annex XII)."""

    provider: Short
    name: Short
    version: Short | None = None
    gpai: Annotated[bool, Strict()] = Field(default=False, description="A general-purpose AI model (Art. 3(63)).")
    documentation_url: WebUrl | None = Field(default=None, description="The provider's documentation (Annex XII).")


class BaseModelIn(_Input):
    """The model this version was built from: a registered version (by id, or model name and tag), or an external model."""

    version_id: Id | None = None
    model: Name | None = None
    version_tag: Tag | None = None
    external: ExternalModelIn | None = None

    @model_validator(mode="after")
    def _one_form(self) -> BaseModelIn:
        forms = [self.version_id is not None, self.model is not None, self.external is not None]
        if sum(forms) != 1 or (self.model is not None and self.version_tag is None):
            raise ValueError("name the base model by version_id, by model and version_tag, or as external")
        return self


class VersionInputsIn(_Input):
    datasets: Annotated[list[DeclaredDatasetIn], Field(max_length=20)] = []
    base_model: BaseModelIn | None = None


class VersionCreate(_Input):
    model_id: Id
    version_tag: Tag
    s3_path: ArtifactUri
    sha256: Sha256 | None = None
    description: LongText | None = None
    inputs: VersionInputsIn | None = Field(default=None, description="What the version was built from: datasets by role, a base model.")


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
# Built from the domain objects by declaration (`from_attributes`): a field of the domain object appears here by
# name, or by an alias path into its stamp; no response copies fields by hand.
class _Output(Schema):
    model_config = ConfigDict(from_attributes=True, defer_build=True)

    @classmethod
    def from_domain(cls, obj: Any) -> Self:
        return cls.model_validate(obj, from_attributes=True)


def _stamp(name: str) -> Any:
    return Field(validation_alias=AliasPath("stamp", name))


FirstRevision = Annotated[int, BeforeValidator(lambda value: value or 1)]


class PolicyViolationOut(_Output):
    """A rule of the active policy an approved model fails since new evidence arrived (flagged by the policy monitor)."""

    rule_id: str
    kind: str
    reason: str
    article: str
    policy_version: int
    detected_at: datetime


class ClassificationSummaryOut(_Output):
    """The questionnaire's verdict recorded on the model (GET /models/{id}/classification has its basis)."""

    suggested_risk_level: RiskLevel
    questionnaire_version: str
    classified_by: str
    classified_at: datetime
    override: bool
    justification: str | None


class VersionRefOut(_Output):
    id: int
    version_tag: str


class ExternalRefOut(_Output):
    system: str = Field(description="The registry the model was imported from: `mlflow` or `sagemaker`.")
    name: str = Field(description="The model's name there (MLflow registered model, SageMaker model package group).")


class SignoffOut(_Output):
    by: str
    role: str
    at: datetime
    reason: str
    version_id: int | None


class InvalidationOut(_Output):
    """The approval that stopped being in force, when and why: a governed field changed after it was sealed."""

    at: datetime
    by: str
    fields: list[str]
    snapshot_sha256: str


class ApprovalStateOut(_Output):
    """Sign-offs of the current review round, and the sealed snapshot in force (null when not approved)."""

    required_signoffs: int
    signoffs: list[SignoffOut]
    snapshot_sha256: str | None
    sealed_at: datetime | None
    policy_version: int | None
    invalidated: InvalidationOut | None


class ModelOut(_Output):
    id: int
    name: str
    owner: str
    team: str | None
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
    approval: ApprovalStateOut
    revision: FirstRevision
    created_at: datetime = _stamp("created_at")
    created_by: str = _stamp("created_by")
    updated_at: datetime = _stamp("updated_at")
    updated_by: str = _stamp("updated_by")
    last_change_reason: str | None = _stamp("change_reason")
    policy_violations: list[PolicyViolationOut] = []
    external_ref: ExternalRefOut | None = None
    operator_role: OperatorRole | None = None
    classification: ClassificationSummaryOut | None = None


class DatasetInputOut(_Output):
    dataset_id: int
    dataset_version_id: int
    dataset_name: str
    version_tag: str
    role: DatasetRoleName
    sha256: str | None

    @field_validator("role", mode="before")
    @classmethod
    def _enum_text(cls, value: Any) -> Any:
        return getattr(value, "value", value)


class ExternalModelOut(_Output):
    provider: str
    name: str
    version: str | None
    gpai: bool
    documentation_url: str | None


class BaseModelOut(_Output):
    model_id: int | None = None
    version_id: int | None = None
    model_name: str | None = None
    version_tag: str | None = None
    external: ExternalModelOut | None = None


class VersionInputsOut(_Output):
    datasets: list[DatasetInputOut]
    base_model: BaseModelOut | None


class VersionOut(_Output):
    id: int
    model_id: int
    version_tag: str
    s3_path: str
    sha256: str | None
    description: str | None
    inputs: VersionInputsOut | None = None
    revision: FirstRevision
    created_at: datetime = _stamp("created_at")
    created_by: str = _stamp("created_by")


class MetricOut(_Output):
    id: int
    version_id: int
    model_id: int
    metric_name: str
    value: float
    recorded_at: datetime = _stamp("created_at")
    created_by: str = _stamp("created_by")


class TeamOut(_Output):
    slug: str
    display_name: str
    revision: FirstRevision
    created_at: datetime = _stamp("created_at")
    created_by: str = _stamp("created_by")
    updated_at: datetime = _stamp("updated_at")
    updated_by: str = _stamp("updated_by")


class ModelRefOut(_Output):
    """The model an event speaks of, as its item or the API names it (the notifier's payloads use this shape)."""

    model_config = ConfigDict(from_attributes=True, defer_build=True, populate_by_name=True)

    id: int | None = Field(default=None, validation_alias=AliasChoices("id", "model_id"))
    name: str | None = None
    owner: str | None = None
    team: str | None = None
    domain: str | None = None
    risk_level: str | None = None
    compliance_status: str | None = None

    @field_validator("risk_level", "compliance_status", mode="before")
    @classmethod
    def _enum_text(cls, value: Any) -> Any:
        return getattr(value, "value", value)


class TeamPage(Schema):
    items: list[TeamOut]
    next_cursor: str | None


class SealedApprovalOut(Schema):
    """One sealed approval snapshot: the canonical JSON document and its SHA-256 (recomputed on every read)."""

    snapshot_sha256: str
    sha256_verified: bool = Field(description="The SHA-256 recomputed from the stored document equals snapshot_sha256.")
    sealed_at: datetime
    snapshot: dict[str, Any]


class ApprovalOut(Schema):
    """GET /models/{id}/approval: what was approved (the latest sealed snapshot), whether it is still in force,
    what invalidated it, and the sign-offs of the current review round."""

    model_id: int
    compliance_status: ComplianceStatus
    in_force: bool
    required_signoffs: int
    signoffs: list[SignoffOut]
    invalidated: InvalidationOut | None
    sealed: SealedApprovalOut | None


class SealedApprovalPage(Schema):
    items: list[SealedApprovalOut]
    next_cursor: str | None


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


class DashboardOut(_Output):
    total: int
    by_risk_level: dict[str, int]
    by_status: dict[str, int]
    matrix: dict[str, dict[str, int]]


class Health(Schema):
    status: str


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    error: ErrorBody

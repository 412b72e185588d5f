"""API shapes of datasets, their versions, impact and lineage (pydantic; input forbids unknown fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, Strict, StringConstraints

from govhub.schemas import (
    FirstRevision,
    LongText,
    ModelRefOut,
    Name,
    Reason,
    Revision,
    Schema,
    Short,
    Tag,
    TeamSlug,
    _Input,
    _stamp,
    _stripped,
)

# A dataset version's SHA-256: 64 hex digits, optionally written `sha256:<hex>` (MLflow-style digests are accepted
# where they are a full SHA-256; MLflow's short digests are not one).
DatasetSha256 = Annotated[
    str,
    StringConstraints(pattern=_stripped("(sha256:)?[0-9a-fA-F]{64}")),
    AfterValidator(lambda v: v.strip().lower().removeprefix("sha256:")),
    Field(description="SHA-256 of the dataset version (64 hex digits, optionally prefixed `sha256:`)."),
]
S3Uri = Annotated[str, StringConstraints(min_length=6, max_length=2_048, pattern=_stripped(r"s3://[a-z0-9][a-z0-9.\-]{1,62}(/[^\s]*)?")),
                  AfterValidator(str.strip), Field(description="Where the dataset version lives: an S3 URI (s3://bucket/key).")]


Flag = Annotated[bool, Strict()]  # `0` is not false


class BiasExaminationIn(_Input):
    """Art. 10(2)(f): what was examined for possible biases, and the outcome."""

    examined: LongText
    outcome: LongText


class DatasetCreate(_Input):
    name: Name
    team: TeamSlug | None = Field(default=None, description="The owning team; a model owner's only team when left out.")
    description: LongText | None = None
    source: LongText | None = Field(default=None, description="Provenance: where the data comes from and how it was obtained.")
    licence: Short | None = None
    collection_period: Short | None = None
    geographic_scope: LongText | None = None
    demographic_scope: LongText | None = None
    labelling_procedure: LongText | None = None
    personal_data: Flag = False
    special_categories: Flag = Field(default=False, description="Special categories of personal data are processed (Art. 10(5)).")
    known_limitations: LongText | None = None
    bias_examination: BiasExaminationIn | None = None
    reason: Reason | None = None


class DatasetUpdate(_Input):
    name: Name = Field(default=None)  # type: ignore[assignment]  # None means "not sent": a dataset always has a name
    team: TeamSlug | None = None
    description: LongText | None = None
    source: LongText | None = None
    licence: Short | None = None
    collection_period: Short | None = None
    geographic_scope: LongText | None = None
    demographic_scope: LongText | None = None
    labelling_procedure: LongText | None = None
    personal_data: Flag = Field(default=None)  # type: ignore[assignment]
    special_categories: Flag = Field(default=None)  # type: ignore[assignment]
    known_limitations: LongText | None = None
    bias_examination: BiasExaminationIn | None = None
    expected_revision: Revision | None = None
    reason: Reason | None = None

    def changes(self) -> dict[str, Any]:
        sent = self.model_dump(exclude_unset=True, exclude={"expected_revision", "reason"})
        return {k: v for k, v in sent.items() if not (k in ("name", "personal_data", "special_categories") and v is None)}


class DatasetVersionCreate(_Input):
    version_tag: Tag
    location: S3Uri
    records: Annotated[int, Field(ge=0, le=2**53)] | None = Field(default=None, description="Size in records.")
    sha256: DatasetSha256 | None = None
    description: LongText | None = None


class FlagRequest(_Input):
    reason: Reason
    expected_revision: Revision | None = None


class BiasExaminationOut(Schema):
    model_config = ConfigDict(from_attributes=True, defer_build=True)
    examined: str
    outcome: str


class DatasetFlagOut(Schema):
    model_config = ConfigDict(from_attributes=True, defer_build=True)
    reason: str
    by: str
    at: datetime


class DatasetOut(Schema):
    model_config = ConfigDict(from_attributes=True, defer_build=True)

    id: int
    name: str
    team: str | None
    description: str | None
    source: str | None
    licence: str | None
    collection_period: str | None
    geographic_scope: str | None
    demographic_scope: str | None
    labelling_procedure: str | None
    personal_data: bool
    special_categories: bool
    known_limitations: str | None
    bias_examination: BiasExaminationOut | None
    flagged: bool
    flag: DatasetFlagOut | None
    revision: FirstRevision
    created_at: datetime = _stamp("created_at")
    created_by: str = _stamp("created_by")
    updated_at: datetime = _stamp("updated_at")
    updated_by: str = _stamp("updated_by")


class DatasetPage(Schema):
    items: list[DatasetOut]
    next_cursor: str | None


class DatasetVersionOut(Schema):
    model_config = ConfigDict(from_attributes=True, defer_build=True)

    id: int
    dataset_id: int
    version_tag: str
    location: str
    records: int | None
    sha256: str | None
    description: str | None
    created_at: datetime = _stamp("created_at")
    created_by: str = _stamp("created_by")


class DatasetVersionPage(Schema):
    items: list[DatasetVersionOut]
    next_cursor: str | None


class ImpactEntryOut(Schema):
    model_config = ConfigDict(from_attributes=True, defer_build=True)

    model_id: int
    model_name: str | None
    team: str | None
    compliance_status: str | None
    version_id: int
    version_tag: str
    relation: str = Field(description="training, validation or testing (declares the dataset), or base_model (built on a model that does).")
    depth: int = Field(description="1: declares a version of the dataset; 2 and more: through that many base-model hops.")
    dataset_version_id: int | None
    via_version_id: int | None = Field(description="The model version it was built on, for depth 2 and more.")
    approved_version: bool = Field(description="The model's approval in force was given on this version.")


class ImpactOut(Schema):
    dataset_id: int
    items: list[ImpactEntryOut]
    depth_limit: int
    truncated: bool = Field(description="The walk stopped at the depth limit or the size limit: more models may depend on it.")
    items_read: int = Field(description="Items this request read from the table.")


class FlagOut(Schema):
    dataset: DatasetOut
    reopened: list[ModelRefOut] = Field(description="The approved models sent back to under_review by this flag.")
    impact: ImpactOut


class LineageNodeOut(Schema):
    id: str
    kind: Literal["model_version", "dataset_version", "external_model"]
    label: str
    depth: int = Field(description="0: a version of the model; negative: upstream (inputs); positive: downstream (built on it).")
    model_id: int | None = None
    version_id: int | None = None
    version_tag: str | None = None
    compliance_status: str | None = None
    dataset_id: int | None = None
    dataset_version_id: int | None = None
    flagged: bool | None = None
    provider: str | None = None
    gpai: bool | None = None
    documentation_url: str | None = None


class LineageEdgeOut(Schema):
    source: str
    target: str
    relation: str = Field(description="training, validation, testing or base_model: the source is an input of the target.")


class LineageOut(Schema):
    model_id: int
    nodes: list[LineageNodeOut]
    edges: list[LineageEdgeOut]
    depth_limit: int
    truncated: bool
    items_read: int



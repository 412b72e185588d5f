"""/api/v1/imports: a model described by another registry (MLflow, SageMaker), applied to the hub.

The `govhub import mlflow` command reads MLflow and sends each registered model here; the sync functions
apply the same description in-process. Re-sending the same description changes nothing.
"""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import ConfigDict, Field

from govhub.api.context import registry
from govhub.integrations.external import MLFLOW, SAGEMAKER, ExternalModel, ExternalVersion
from govhub.integrations.sync import ModelSync
from govhub.schemas import ArtifactUri, LongText, MetricName, MetricValue, Name, Schema, Short, Tag

router = APIGatewayHttpRouter()

TagKey = Annotated[str, Field(min_length=1, max_length=250)]
TagValue = Annotated[str, Field(max_length=5_000)]


class ExternalVersionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: Tag = Field(description="The version's id there (MLflow version number, model package version); the hub version's tag.")
    source: ArtifactUri = Field(description="Where the artifact is (the MLflow source URI, the model package's ModelDataUrl).")
    description: LongText | None = None
    run_id: Short | None = Field(default=None, description="The MLflow run that produced it.")
    metrics: dict[MetricName, MetricValue] = Field(
        default_factory=dict, max_length=500, description="Recorded once, when the version is imported.",
        # a name outside the pattern is refused: said in the document too, not only by the validator
        json_schema_extra={"additionalProperties": False})
    datasets: list[Annotated[str, Field(max_length=1_000)]] = Field(default_factory=list, max_length=100,
                                                                     description="Dataset inputs, one line each.")
    tags: dict[TagKey, TagValue] = Field(default_factory=dict, max_length=200)


class ImportRequest(Schema):
    model_config = ConfigDict(extra="forbid")

    system: Literal["mlflow", "sagemaker"] = Field(description="The registry the model lives in.")
    name: Name = Field(description="Its name there; the hub model gets the same name.")
    description: LongText | None = None
    tags: dict[TagKey, TagValue] = Field(default_factory=dict, max_length=200,
                                         description="`govhub.risk_level`, `govhub.intended_purpose`, … set the hub's fields.")
    versions: list[ExternalVersionIn] = Field(default_factory=list, max_length=200)
    default_owner: Short | None = Field(default=None, description="The owner of a new model without a `govhub.owner` tag.")
    team: Short | None = Field(default=None, description="The team that owns a new model (default: its `govhub.team` tag, else the caller's one team).")


class ImportOutcome(Schema):
    model: str
    action: Literal["created", "updated", "unchanged", "skipped"]
    model_id: int | None
    changed_fields: list[str]
    versions_created: list[str]
    versions_skipped: list[str]
    metrics_recorded: int
    notes: list[str] = Field(description="What was not applied, and why.")


@router.post("")
def import_model(body: Annotated[ImportRequest, Body()]) -> ImportOutcome:
    external = ExternalModel(
        system=MLFLOW if body.system == "mlflow" else SAGEMAKER,
        name=body.name,
        description=body.description,
        tags=dict(body.tags),
        versions=[ExternalVersion(**v.model_dump()) for v in body.versions],
    )
    outcome = ModelSync(registry()).apply(external, router.context["principal"].actor, body.default_owner, body.team)
    return ImportOutcome.model_validate(outcome, from_attributes=True)

"""/api/v1/datasets: datasets (Art. 10, Annex IV 2(d)), their versions, who depends on them, and flagging a bad one."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from govhub.api.context import created
from govhub.datasets.lineage import Impact
from govhub.datasets.schemas import (
    DatasetCreate,
    DatasetOut,
    DatasetPage,
    DatasetUpdate,
    DatasetVersionCreate,
    DatasetVersionOut,
    DatasetVersionPage,
    FlagOut,
    FlagRequest,
    ImpactEntryOut,
    ImpactOut,
)
from govhub.datasets.service import DatasetService
from govhub.domain.entities import Actor
from govhub.errors import ValidationFailedError
from govhub.schemas import ModelRefOut

router = APIGatewayHttpRouter()

Limit = Annotated[int, Query(ge=1, le=100, description="Page size (1..100).")]
Cursor = Annotated[str | None, Query(description="The next_cursor of the previous page.")]


@lru_cache(maxsize=1)
def datasets() -> DatasetService:
    from govhub.datasets.service import default_dataset_service

    return default_dataset_service()


def _actor() -> Actor:
    actor: Actor = router.context["principal"].actor
    return actor


@router.get("/")
def list_datasets(
    team: Annotated[str | None, Query(max_length=63, description="The owning team's slug.")] = None,
    flagged: Annotated[Literal["true"] | None, Query(description="Only flagged datasets.")] = None,
    name: Annotated[str | None, Query(max_length=128, description="Exact name, case-insensitive.")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> DatasetPage:
    filters = {k: v for k, v in {"team": team, "flagged": flagged, "name": name}.items() if v}
    page = datasets().list(filters, limit, cursor)
    return DatasetPage(items=[DatasetOut.model_validate(d) for d in page.items], next_cursor=page.next_cursor)


@router.post("/", status_code=201)
def register_dataset(body: Annotated[DatasetCreate, Body()]) -> Response[DatasetOut]:
    dataset = datasets().register(body.model_dump(), _actor())
    return created(DatasetOut.model_validate(dataset), f"/api/v1/datasets/{dataset.id}")


@router.get("/<dataset_id>")
def get_dataset(dataset_id: int) -> DatasetOut:
    return DatasetOut.model_validate(datasets().get(dataset_id))


@router.patch("/<dataset_id>")
def update_dataset(dataset_id: int, body: Annotated[DatasetUpdate, Body()]) -> DatasetOut:
    changes = body.changes()
    if not changes:
        raise ValidationFailedError("Nothing to change: send at least one field.", [{"field": "body", "message": "empty"}])
    dataset = datasets().update(dataset_id, changes, _actor(), body.expected_revision, body.reason)
    return DatasetOut.model_validate(dataset)


@router.get("/<dataset_id>/versions")
def list_dataset_versions(
    dataset_id: int,
    tag: Annotated[str | None, Query(max_length=64, description="Only the version with this tag.")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> DatasetVersionPage:
    if tag:
        return DatasetVersionPage(items=[DatasetVersionOut.model_validate(datasets().version_by_tag(dataset_id, tag))], next_cursor=None)
    page = datasets().list_versions(dataset_id, limit, cursor)
    return DatasetVersionPage(items=[DatasetVersionOut.model_validate(v) for v in page.items], next_cursor=page.next_cursor)


@router.post("/<dataset_id>/versions", status_code=201)
def register_dataset_version(dataset_id: int, body: Annotated[DatasetVersionCreate, Body()]) -> Response[DatasetVersionOut]:
    version = datasets().register_version(dataset_id, body.model_dump(), _actor())
    return created(DatasetVersionOut.model_validate(version), f"/api/v1/datasets/{dataset_id}/versions?tag={version.version_tag}")


@router.get("/<dataset_id>/impact")
def dataset_impact(dataset_id: int) -> ImpactOut:
    service = datasets()
    service.get(dataset_id)
    return _impact(service.impact(dataset_id))


@router.post("/<dataset_id>/flag")
def flag_dataset(dataset_id: int, body: Annotated[FlagRequest, Body()]) -> FlagOut:
    outcome = datasets().flag(dataset_id, body.reason, _actor(), body.expected_revision)
    return FlagOut(
        dataset=DatasetOut.model_validate(outcome.dataset),
        reopened=[ModelRefOut.model_validate(m) for m in outcome.reopened],
        impact=_impact(outcome.impact),
    )


@router.post("/<dataset_id>/unflag")
def unflag_dataset(dataset_id: int, body: Annotated[FlagRequest, Body()]) -> DatasetOut:
    return DatasetOut.model_validate(datasets().unflag(dataset_id, body.reason, _actor(), body.expected_revision))


def _impact(impact: Impact) -> ImpactOut:
    return ImpactOut(dataset_id=impact.dataset_id, items=[ImpactEntryOut.model_validate(e) for e in impact.entries],
                     depth_limit=impact.depth_limit, truncated=impact.truncated, items_read=impact.items_read)

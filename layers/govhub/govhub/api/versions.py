"""/api/v1/versions: model versions and their artifact locations."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from govhub.api.context import created, registry
from govhub.schemas import MetricOut, MetricPage, VersionCreate, VersionOut, VersionPage

router = APIGatewayHttpRouter()

Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query()]


@router.get("/")
def list_versions(model_id: Annotated[int, Query(ge=1, description="The model whose versions to list.")], limit: Limit = 20, cursor: Cursor = None) -> VersionPage:
    page = registry().list_versions(model_id, limit, cursor)
    return VersionPage(items=[VersionOut.from_domain(v) for v in page.items], next_cursor=page.next_cursor)


@router.post("/", status_code=201)
def create_version(body: Annotated[VersionCreate, Body()]) -> Response[VersionOut]:
    fields = body.model_dump(exclude={"model_id", "inputs"})
    if body.inputs is not None:  # named by id or by name and tag: resolved (and checked to exist) before the write
        from govhub.api.datasets import datasets

        fields["inputs"] = datasets().resolve_inputs(body.inputs.model_dump())
    version = registry().register_version(body.model_id, fields, by=router.context["principal"].actor)
    return created(VersionOut.from_domain(version), f"/api/v1/versions/{version.id}")


@router.get("/<version_id>")
def get_version(version_id: int) -> VersionOut:
    return VersionOut.from_domain(registry().get_version(version_id))


@router.get("/<version_id>/metrics")
def list_version_metrics(version_id: int, limit: Limit = 100, cursor: Cursor = None) -> MetricPage:
    page = registry().list_metrics(version_id, limit, cursor)
    return MetricPage(items=[MetricOut.from_domain(m) for m in page.items], next_cursor=page.next_cursor)

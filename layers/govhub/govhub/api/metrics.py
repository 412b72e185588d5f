"""/api/v1/metrics: evaluation metrics per version, one at a time or in batches of up to 100."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from govhub.api.context import created, registry
from govhub.schemas import MetricBatchOut, MetricOut, MetricPage, MetricRecording

router = APIGatewayHttpRouter()


@router.get("/")
def list_metrics(
    version_id: Annotated[int, Query(ge=1, description="The version whose metrics to list.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    cursor: Annotated[str | None, Query()] = None,
) -> MetricPage:
    page = registry().list_metrics(version_id, limit, cursor)
    return MetricPage(items=[MetricOut.from_domain(m) for m in page.items], next_cursor=page.next_cursor)


@router.post("/", status_code=201)
def record_metrics(body: Annotated[MetricRecording, Body()]) -> Response[MetricOut | MetricBatchOut]:
    metrics = registry().record_metrics(body.version_id, body.entries(), router.context["principal"].actor)
    if body.metrics is not None:
        return created(MetricBatchOut(items=[MetricOut.from_domain(m) for m in metrics]))
    return created(MetricOut.from_domain(metrics[0]), f"/api/v1/metrics/{metrics[0].id}")


@router.get("/<metric_id>")
def get_metric(metric_id: int) -> MetricOut:
    return MetricOut.from_domain(registry().get_metric(metric_id))

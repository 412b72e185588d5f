"""/api/v1/models/{id}/lineage: what the model's versions were built from, and what was built on them."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from govhub.datasets.schemas import LineageEdgeOut, LineageNodeOut, LineageOut

router = APIGatewayHttpRouter()


@router.get("/<model_id>/lineage")
def model_lineage(model_id: int) -> LineageOut:
    from govhub.datasets.lineage import LineageService
    from govhub.store.lineage import LineageRepository

    graph = LineageService(LineageRepository()).graph(model_id)
    return LineageOut(
        model_id=model_id,
        nodes=[LineageNodeOut.model_validate(node) for node in graph.nodes.values()],
        edges=[LineageEdgeOut.model_validate(edge) for edge in graph.edges],
        depth_limit=graph.depth_limit,
        truncated=graph.truncated,
        items_read=graph.items_read,
    )

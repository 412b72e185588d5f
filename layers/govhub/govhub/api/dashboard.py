"""/api/v1/dashboard: counts by risk and status from the maintained counters, and the review queue."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from govhub.api.context import registry
from govhub.schemas import DashboardOut

router = APIGatewayHttpRouter()


@router.get("/stats")
def dashboard_stats() -> DashboardOut:
    return DashboardOut.from_domain(registry().dashboard())

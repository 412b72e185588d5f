"""/api/v1/health: answers without a token once the function can start."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from govhub.schemas import Health

router = APIGatewayHttpRouter()


@router.get("/")
def health() -> Health:
    return Health(status="ok")

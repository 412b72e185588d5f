"""The OpenAPI document of the whole API, generated from the same routers the functions serve."""

from __future__ import annotations

import json

from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server

from govhub.api import dashboard, health, metrics, models, reports, versions
from govhub.api.policies import router as policy_router
from govhub.api.resolver import API_PREFIX, create_app

TITLE = "AI Governance Hub API"
VERSION = "1.0.0"


def openapi_json(server_url: str = "/") -> str:
    app = create_app(
        {
            "/models": models.router,
            "/versions": versions.router,
            "/metrics": metrics.router,
            "/dashboard": dashboard.router,
            "/reports": reports.router,
            "/health": health.router,
        }
    )
    # the policies function's router spans /policies and /models/{id}/compliance-check, /obligations
    app.include_router(policy_router, prefix=API_PREFIX)
    schema = app.get_openapi_json_schema(
        title=TITLE,
        version=VERSION,
        description=(
            "Registry of AI models with EU AI Act risk levels, a compliance lifecycle, versions and evaluation "
            "metrics. Send `Authorization: Bearer <Cognito token>`. Errors are "
            '`{"error": {"code", "message", "details"}}`; lists are `{"items", "next_cursor"}`.'
        ),
        servers=[Server(url=server_url)],
        security_schemes={"cognito": HTTPBearer(bearerFormat="JWT", description="A Cognito access or ID token")},
        security=[{"cognito": []}],
    )
    return json.dumps(json.loads(schema), indent=2, sort_keys=False)

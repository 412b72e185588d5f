"""dashboard function: dashboard statistics and the health check (/api/v1/dashboard, /api/v1/health)."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.api.dashboard import router as dashboard_router
from govhub.api.health import router as health_router
from govhub.api.resolver import create_app
from govhub.config import require

logger = Logger(service="dashboard")
require("dashboard", "table_name")  # at cold start: a function without a setting it needs fails here, naming it
app = create_app({"/dashboard": dashboard_router, "/health": health_router})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)

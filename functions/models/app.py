"""models function: the registry, risk profiles, the compliance lifecycle and approvals (/api/v1/models), and the
teams that own models (/api/v1/teams)."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.api.lazy import LazyApp
from govhub.config import require
from govhub.observability import metrics

logger = Logger(service="models")
require("models", "table_name")  # at cold start: a function without a setting it needs fails here, naming it
# the resolver and routes load with the first request
app = LazyApp({"/models": ("govhub.api.models:router", "govhub.api.lineage:router"), "/teams": "govhub.api.teams:router"})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)

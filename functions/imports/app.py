"""imports function: a model described by MLflow or SageMaker, applied to the registry (/api/v1/imports)."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.api.lazy import LazyApp
from govhub.config import require

logger = Logger(service="imports")
require("imports", "table_name")  # at cold start: a function without a setting it needs fails here, naming it
app = LazyApp({"/imports": "govhub.api.imports:router"})  # the resolver and routes load with the first request


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)

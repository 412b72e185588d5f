"""models function: the registry, risk profiles and the compliance lifecycle (/api/v1/models)."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.api.lazy import LazyApp

logger = Logger(service="models")
app = LazyApp({"/models": "govhub.api.models:router"})  # the resolver and routes load with the first request


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)

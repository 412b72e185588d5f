"""models function: the registry, risk profiles and the compliance lifecycle (/api/v1/models)."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.api.models import router
from govhub.api.resolver import create_app
from govhub.observability import metrics

logger = Logger(service="models")
app = create_app({"/models": router})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)

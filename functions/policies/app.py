"""policies function: the policy set, each model's compliance check and obligations, and classification.

Routes: /api/v1/policies, /api/v1/policies/{proxy+}, /api/v1/classification/{proxy+}, and under
/api/v1/models/{model_id}/: compliance-check, obligations, classification, attestations, eu-database-record
(more specific than the models function's /api/v1/models/{proxy+}).
"""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.api.lazy import LazyApp
from govhub.config import require

logger = Logger(service="policies")
require("policies", "table_name")  # at cold start: a function without a setting it needs fails here, naming it
app = LazyApp({"": ("govhub.api.policies:router", "govhub.api.classification:router")})  # the resolver and routes load with the first request


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)

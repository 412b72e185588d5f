"""monitoring function: post-market monitoring and incidents.

Routes under /api/v1/models/{model_id}/: monitoring-plan, observations, findings, reviews; /api/v1/monitoring/{proxy+}
(needs-attention lists); /api/v1/incidents and /api/v1/incidents/{proxy+}; /api/v1/admin/sweeps (the daily sweeps now).
"""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.api.lazy import LazyApp
from govhub.config import require

logger = Logger(service="monitoring")
require("monitoring", "table_name")  # at cold start: a function without a setting it needs fails here, naming it
app = LazyApp({"": "govhub.api.monitoring:router", "/incidents": "govhub.api.incidents:router"})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)

"""evidence function: evidence documents of each model (presigned upload, verification, sign-off, withdrawal, download),
the needs-attention list of expiring evidence, and the framework crosswalks (ISO/IEC 42001, NIST AI RMF) with coverage.

Routes: /api/v1/models/{model_id}/evidence, /api/v1/models/{model_id}/evidence/{proxy+}, /api/v1/evidence/{proxy+},
/api/v1/frameworks, /api/v1/frameworks/{proxy+}.
"""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.api.lazy import LazyApp
from govhub.config import require

logger = Logger(service="evidence")
require("evidence", "table_name", "evidence_bucket")  # at cold start: a function without a setting it needs fails here, naming it
app = LazyApp({"": ("govhub.api.evidence:router", "govhub.api.frameworks:router")})  # the resolver and routes load with the first request


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)

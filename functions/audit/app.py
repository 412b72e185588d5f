"""audit function: audit logs, chain verification, the model as of a past moment, and export bundles."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.api.access import router as access_router
from govhub.api.audit import router
from govhub.api.resolver import create_app
from govhub.config import require

logger = Logger(service="audit")
require("audit", "table_name", "audit_bucket", "reports_bucket")  # at cold start: a function without a setting it needs fails here, naming it
app = create_app({"": router, "/access-logs": access_router})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)

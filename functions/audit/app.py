"""audit function: audit logs, chain verification, the model as of a past moment, and export bundles.

- `lambda_handler` (AuditFunction) answers the API;
- `verification_jobs_handler` (AuditVerificationJobsFunction) runs the full verifications asked with
  `?full=true`, fed by the table's stream filtered to queued verification jobs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.api.lazy import LazyApp
from govhub.config import require

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

logger = Logger(service="audit")
require("audit", "table_name", "audit_bucket", "reports_bucket")  # at cold start: a function without a setting it needs fails here, naming it
app = LazyApp({"": "govhub.api.audit:router", "/access-logs": "govhub.api.access:router"})  # the resolver and routes load with the first request


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)


def run_verification(record: DynamoDBRecord) -> None:
    from govhub.services.audit import run_verification_job

    image = record.dynamodb.new_image if record.dynamodb else None
    job = run_verification_job(str((image or {}).get("job_id", "")))
    logger.info("full verification finished", extra={"job": {k: v for k, v in (job or {}).items() if k != "result"}})


@logger.inject_lambda_context
def verification_jobs_handler(event: dict, context: LambdaContext) -> PartialItemFailureResponse:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    return process_partial_response(event=event, record_handler=run_verification,
                                    processor=BatchProcessor(event_type=EventType.DynamoDBStreams), context=context)

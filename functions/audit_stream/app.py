"""audit_stream function: every committed change on the table's stream becomes a hash-chained record in the audit bucket."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.config import require

if TYPE_CHECKING:
    from govhub.services.audit import AuditBatchProcessor

logger = Logger(service="audit_stream")
require("audit_stream", "table_name", "audit_bucket")  # at cold start: a function without a setting it needs fails here, naming it


@lru_cache(maxsize=1)
def processor() -> AuditBatchProcessor:
    """The writer over the index and the bucket, made with the first batch (the container starts without
    loading botocore and pynamodb) and kept for the container's life."""
    from govhub.services.audit import AuditBatchProcessor, AuditWriter, DigestCadence
    from govhub.store.audit import AuditArchive, AuditIndexRepository, AuditSigningKey

    writer = AuditWriter(AuditIndexRepository(), AuditArchive(), AuditSigningKey(), DigestCadence.from_settings())
    return AuditBatchProcessor(writer, logger=logger)


@logger.inject_lambda_context
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    from govhub.services.audit import audit_batch

    return dict(audit_batch(event, processor(), context))

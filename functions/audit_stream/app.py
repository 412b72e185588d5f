"""audit_stream function: every committed change on the table's stream becomes a hash-chained record in the audit bucket;
every report generation becomes a record of the access log, apart from the chains (reads are not changes)."""

from __future__ import annotations

import time
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.config import require
from govhub.observability import AUDIT_LAG_SECONDS, metrics, seconds

if TYPE_CHECKING:
    from govhub.services.audit import AuditBatchProcessor
    from govhub.store.access import AccessLogRepository

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


@lru_cache(maxsize=1)
def access_log() -> AccessLogRepository:
    from govhub.store.access import AccessLogRepository

    return AccessLogRepository()


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    from govhub.access.stream import log_accesses, split_batch
    from govhub.services.audit import audit_batch

    records = event.get("Records") or []
    created = [r["dynamodb"]["ApproximateCreationDateTime"] for r in records if "ApproximateCreationDateTime" in r.get("dynamodb", {})]
    if created:  # the health figure the AuditLag alarm watches: how far behind the trail is
        seconds(AUDIT_LAG_SECONDS, max(0.0, time.time() - float(min(created))))
    accesses, changes = split_batch(records)
    failed = [{"itemIdentifier": sequence} for sequence in log_accesses(accesses, access_log())]
    answer: dict[str, Any] = dict(audit_batch({**event, "Records": changes}, processor(), context)) if changes else {}
    return {**answer, "batchItemFailures": [*(answer.get("batchItemFailures") or []), *failed]}

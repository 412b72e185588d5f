"""audit_stream function: every committed change on the table's stream becomes a hash-chained record in the audit bucket."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.services.audit import AuditBatchProcessor, AuditWriter, audit_batch
from govhub.store.audit import AuditArchive, AuditIndexRepository

logger = Logger(service="audit_stream")
processor = AuditBatchProcessor(AuditWriter(AuditIndexRepository(), AuditArchive()), logger=logger)


@logger.inject_lambda_context
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return dict(audit_batch(event, processor, context))

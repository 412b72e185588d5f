"""reports function: compliance reports as PDF or JSON, and bulk report packs (/api/v1/reports).

The only code that renders PDFs. Two handlers share it (template.yaml):
- `lambda_handler` (ReportsFunction) serves the HTTP routes;
- `jobs_handler` (ReportJobsFunction) builds the large bulk packs, fed by the table's stream filtered to
  newly queued job items, and writes progress and the finished pack back to the job item.
ReportLab is imported when the first PDF is rendered, so JSON content and job polling never load it.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.api.reports import INCIDENT_RENDERER_KEY, RENDERER_KEY, reports, reports_app
from govhub.config import require
from govhub.observability import REPORT_RENDER_TIME, metrics, timed_ms

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

logger = Logger(service="reports")
require("reports", "table_name", "reports_bucket", "audit_bucket")  # at cold start: a function without a setting it needs fails here, naming it
app = reports_app()

# Located now, while this folder is importable (the local stack takes it off sys.path after loading); run on first use.
_REPORT_PDF = importlib.util.find_spec("report_pdf")


@lru_cache(maxsize=1)
def _report_pdf() -> ModuleType:
    loaded = sys.modules.get("report_pdf")
    if loaded is not None:
        return loaded
    if _REPORT_PDF is None or _REPORT_PDF.loader is None:
        raise ImportError("report_pdf.py is not beside the reports function's handler")
    module = importlib.util.module_from_spec(_REPORT_PDF)
    sys.modules["report_pdf"] = module
    _REPORT_PDF.loader.exec_module(module)
    return module


def render_pdf(content: dict) -> bytes:
    """`report_pdf.render_pdf`, importing ReportLab the first time a PDF is rendered."""
    return _report_pdf().render_pdf(content)


def render_incident_pdf(document: dict) -> bytes:
    """`report_pdf.render_incident_pdf`: an incident report (Art. 73) as a PDF."""
    return _report_pdf().render_incident_pdf(document)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    app.append_context(**{RENDERER_KEY: render_pdf, INCIDENT_RENDERER_KEY: render_incident_pdf})
    return app.resolve(event, context)


def build_pack(record: DynamoDBRecord) -> None:
    job_id = str(record.dynamodb.new_image["job_id"]) if record.dynamodb and record.dynamodb.new_image else ""
    job = reports().run_job(job_id, timed_ms(REPORT_RENDER_TIME, render_pdf))
    logger.info("report pack finished", extra={"job_id": job_id, "status": job.status if job else "gone"})


@lru_cache(maxsize=1)
def _stream_batches() -> Any:
    """The stream batch processor, loaded by the jobs handler only (the HTTP handler never needs it)."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType

    return BatchProcessor(event_type=EventType.DynamoDBStreams)


@logger.inject_lambda_context
@metrics.log_metrics
def jobs_handler(event: dict, context: LambdaContext) -> PartialItemFailureResponse:
    from aws_lambda_powertools.utilities.batch import process_partial_response

    return process_partial_response(event=event, record_handler=build_pack, processor=_stream_batches(), context=context)

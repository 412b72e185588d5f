"""/api/v1/reports: compliance reports as PDF (through a short-lived presigned URL) or JSON, and bulk packs."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

from aws_lambda_powertools.event_handler import (
    APIGatewayHttpResolver,
    Response,
    content_types,
)
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import ConfigDict, StringConstraints

from govhub.api.context import registry
from govhub.api.ratelimit import enforce
from govhub.api.resolver import create_app
from govhub.auth.principal import Principal
from govhub.config import settings
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.errors import ValidationFailedError
from govhub.observability import REPORT_RENDER_TIME, timed_ms
from govhub.schemas import Schema

if TYPE_CHECKING:  # the data layer (pynamodb, boto3) loads with the first request, not at cold start
    from govhub.services.reports import Renderer, ReportLink, ReportService
    from govhub.store.reports import ReportJob

router = APIGatewayHttpRouter()

RENDERER_KEY = "render_pdf"  # the reports function puts its PDF renderer in the routing context under this key
INCIDENT_RENDERER_KEY = "render_incident_pdf"  # and its incident report renderer under this one
JOB_PATH = "/api/v1/reports/bulk"

Filter = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class ReportLinkOut(Schema):
    url: str
    expires_at: datetime
    sha256: str
    size_bytes: int
    file_name: str
    report_id: str | None = None
    content_sha256: str | None = None

    @classmethod
    def from_domain(cls, link: ReportLink) -> ReportLinkOut:
        return cls(
            url=link.url,
            expires_at=link.expires_at,
            sha256=link.sha256,
            size_bytes=link.size_bytes,
            file_name=link.file_name,
            report_id=link.report_id,
            content_sha256=link.content_sha256,
        )


class BulkReportRequest(Schema):
    """Which models the pack covers: the filters of GET /models (all of them when none is given)."""

    model_config = ConfigDict(extra="forbid")

    risk_level: RiskLevel | None = None
    compliance_status: ComplianceStatus | None = None
    owner: Filter | None = None
    domain: Filter | None = None
    q: Filter | None = None

    def filters(self) -> dict[str, str]:
        values = self.model_dump(mode="json", exclude_none=True)
        return {key: str(value) for key, value in values.items()}


class SkippedModel(Schema):
    model_id: int
    reason: str


class ReportJobOut(Schema):
    job_id: str
    status: Literal["queued", "running", "done", "failed"]
    total: int
    done: int
    filters: dict[str, str]
    created_at: datetime
    created_by: str
    updated_at: datetime
    skipped: list[SkippedModel]
    error: str | None = None
    url: str | None = None
    expires_at: datetime | None = None
    sha256: str | None = None
    size_bytes: int | None = None
    file_name: str | None = None

    @classmethod
    def from_domain(cls, job: ReportJob, link: ReportLink | None) -> ReportJobOut:
        return cls(
            job_id=job.job_id,
            status=job.status,  # type: ignore[arg-type]  # stored as a string; pydantic validates it is one of the four
            total=job.total,
            done=job.done,
            filters=job.filters,
            created_at=job.created_at,
            created_by=job.created_by,
            updated_at=job.updated_at,
            skipped=[SkippedModel(**s) for s in job.skipped],
            error=job.error,
            url=link.url if link else None,
            expires_at=link.expires_at if link else None,
            sha256=link.sha256 if link else None,
            size_bytes=link.size_bytes if link else None,
            file_name=link.file_name if link else None,
        )


@lru_cache(maxsize=1)
def reports() -> ReportService:
    from govhub.services.reports import default_report_service

    return default_report_service(registry())


@lru_cache(maxsize=1)
def reports_app() -> APIGatewayHttpResolver:
    """The reports function's resolver, built once per process.

    A router serves the last resolver that included it; the HTTP and jobs handlers share one module
    file, which the local stack loads once per function, so both must get this same resolver.
    """
    return create_app({"/reports": router})


def _caller() -> Principal:
    return router.context["principal"]


def _renderer() -> Renderer:
    render = router.context.get(RENDERER_KEY)
    if render is None:
        raise RuntimeError("this function has no PDF renderer: reports are served by the reports function")
    return timed_ms(REPORT_RENDER_TIME, render)


def wants_json(accept: str | None) -> bool:
    """True when the Accept header prefers application/json to the PDF (a PDF for */*, browsers and curl)."""
    weights: dict[str, float] = {}
    for part in (accept or "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        weights[media.lower()] = max(weights.get(media.lower(), 0.0), quality)
    as_json = weights.get("application/json", 0.0)
    as_pdf = weights.get("application/pdf", weights.get("application/*", weights.get("*/*", 0.0)))
    return as_json > 0 and as_json >= as_pdf


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body, headers=headers)


@router.get(
    "/incidents/<incident_id>",
    summary="An incident's report (Art. 73) as PDF, or as JSON with Accept: application/json",
    description=(
        "What a market surveillance authority asks of a serious incident report, as the hub holds it: the system, the "
        "incident, its Art. 73 clock and every step the organisation recorded (the hub reports nothing itself). "
        "The PDF is answered inline (a page or two)."
    ),
    responses={200: {"description": "The incident report", "content": {"application/pdf": {}, "application/json": {"schema": {"type": "object"}}}},
               404: {"description": "The incident does not exist"}},
)
def incident_report(incident_id: int):  # type: ignore[no-untyped-def]  # no return type: the body is a PDF or pre-built JSON
    from govhub.api.incidents import incident_report_document, incidents

    incident = incidents().get(incident_id)
    document = incident_report_document(incident, registry().get_model(incident.model_id))
    if wants_json(router.current_event.get_header_value("accept")):
        return _json(json.loads(json.dumps(document, default=_jsonable)))
    render = router.context.get(INCIDENT_RENDERER_KEY)
    if render is None:
        raise RuntimeError("this function has no PDF renderer: reports are served by the reports function")
    pdf = render(json.loads(json.dumps(document, default=_jsonable)))
    headers = {"Content-Disposition": f'inline; filename="incident-{incident_id}.pdf"', "Cache-Control": "no-store"}
    return Response(status_code=200, content_type="application/pdf", body=pdf, headers=headers)


def _jsonable(value: Any) -> Any:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value.isoformat() if hasattr(value, "isoformat") else str(value)


@router.get(
    "/<model_id>/compliance-report",
    summary="The model's EU AI Act compliance report (PDF)",
    description=(
        "Generates the report now, stores it in the private reports bucket and answers `303 See Other` to a "
        "presigned URL valid for a few minutes (`curl -L` downloads the PDF). With `Accept: application/json` "
        "the answer is `{url, expires_at, sha256, size_bytes, ...}` instead. Every generation is recorded in the "
        "access log (`GET /access-logs`), not in the model's audit trail: reading is not a change."
    ),
    responses={
        200: {"description": "With Accept: application/json: where to download the PDF", "content": {"application/json": {"model": ReportLinkOut}}},
        303: {
            "description": "The presigned URL of the PDF",
            "headers": {
                "Location": {"description": "Presigned URL, valid for REPORT_URL_TTL_SECONDS", "schema": {"type": "string"}},
                "X-Report-Sha256": {"description": "SHA-256 of the PDF's bytes", "schema": {"type": "string"}},
            },
        },
        404: {"description": "The model does not exist"},
    },
)
def compliance_report(model_id: int):  # type: ignore[no-untyped-def]  # no return type: powertools would validate the raw body against it (a redirect or a link)
    link = reports().pdf_report(model_id, _caller().actor, _renderer())
    if wants_json(router.current_event.get_header_value("accept")):
        return _json(ReportLinkOut.from_domain(link))
    headers = {
        "Location": link.url,
        "Cache-Control": "no-store",
        "X-Report-Id": link.report_id or "",
        "X-Report-Sha256": link.sha256,
    }
    return Response(status_code=303, headers=headers)


@router.get(
    "/<model_id>/compliance-report.json",
    summary="The model's compliance report content as JSON (schema govhub.compliance-report/1)",
    description="The same content the PDF is rendered from, for tools. Recorded in the access log like a PDF.",
    responses={200: {"description": "The report content", "content": {"application/json": {"schema": {"type": "object"}}}},
               404: {"description": "The model does not exist"}},
)
def compliance_report_json(model_id: int):  # type: ignore[no-untyped-def]  # no return type: powertools would validate the raw body against it (pre-serialized JSON)
    report = reports().json_report(model_id, _caller().actor)
    headers = {
        "Cache-Control": "no-store",
        "Content-Disposition": f'inline; filename="{report.generation.file_name}"',
        "X-Report-Id": report.generation.report_id,
        "X-Report-Sha256": report.generation.sha256,
    }
    return _json(report.body.decode(), headers=headers)


@router.post(
    "/bulk",
    summary="A ZIP of the compliance reports of every model matching a filter",
    description=(
        "Small packs are built at once (`201`, with the download link); larger ones are queued (`202`): poll "
        "`GET /reports/bulk/{job_id}` until `status` is `done` (then it carries the link) or `failed`. "
        "Each report in a pack is recorded in the access log (not in its model's audit trail). Each caller may ask "
        "for BULK_REPORTS_PER_WINDOW packs (default 5) per BULK_REPORTS_WINDOW_SECONDS (60): past that, `429` with "
        "`Retry-After`."
    ),
    responses={
        429: {"description": "Too many pack requests from this caller; retry after `Retry-After` seconds"},
        201: {"description": "The pack, built", "content": {"application/json": {"model": ReportJobOut}}},
        202: {"description": "The pack, queued", "content": {"application/json": {"model": ReportJobOut}}},
        404: {"description": "No model matches the filter"},
    },
)
def create_bulk_pack(body: Annotated[BulkReportRequest | None, Body()] = None) -> Response[ReportJobOut]:
    if router.current_event.body and not isinstance(router.current_event.json_body, dict | None):
        # the optional body lets any JSON through validation; only an object of filters is a request
        raise ValidationFailedError("The body must be a JSON object of filters.", [{"field": "body", "message": "not an object"}])
    config = settings()
    enforce("bulk-reports", _caller(), config.bulk_reports_per_window, config.bulk_reports_window_seconds)
    service = reports()
    job = service.start_bulk((body or BulkReportRequest()).filters(), _caller().actor, _renderer())
    status = 201 if job.status == "done" else 202
    headers = {"Location": f"{JOB_PATH}/{job.job_id}"}
    return _json(ReportJobOut.from_domain(job, service.job_link(job)), status=status, headers=headers)


@router.get(
    "/bulk/<job_id>",
    summary="Progress of a bulk report pack, and its download link once done",
    responses={200: {"description": "The job", "content": {"application/json": {"model": ReportJobOut}}},
               404: {"description": "No such job (jobs are kept 7 days)"}},
)
def bulk_pack(job_id: str) -> ReportJobOut:
    service = reports()
    job = service.job(job_id)
    return ReportJobOut.from_domain(job, service.job_link(job))

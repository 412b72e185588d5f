"""/api/v1/access-logs: who fetched which report when (the access log, apart from the models' change chains)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from govhub.schemas import Schema

router = APIGatewayHttpRouter()

Day = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="A UTC day, YYYY-MM-DD (default: today).")]


class AccessActor(Schema):
    username: str
    role: str


class AccessedReport(Schema):
    report_id: str
    format: str
    sha256: str
    size_bytes: int
    content_sha256: str | None = None
    file_name: str | None = None
    bulk_job_id: str | None = None


class AccessRecordOut(Schema):
    event_id: str
    time: datetime
    action: str
    model_id: int
    actor: AccessActor
    report: AccessedReport


class AccessPage(Schema):
    items: list[AccessRecordOut]
    next_cursor: str | None


@router.get(
    "/",
    summary="Who fetched which report when",
    description=(
        "The access log: one record per report generation (PDF, JSON or in a bulk pack), newest first, of one model "
        "(`model_id`, every day or the `day` given) or of one UTC day (`day`, default today), optionally of one user "
        "(`actor`). A day with no access (or none that exists, 2026-02-30) is an empty list. Each record is also an "
        "immutable object under `access/` in the audit bucket. Reading a report is not a change: it never enters "
        "the model's hash-chained audit trail."
    ),
)
def list_access_logs(
    model_id: Annotated[int | None, Query(ge=1)] = None,
    day: Day = None,
    actor: Annotated[str | None, Query(max_length=128, description="Username of who fetched the report.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(description="The next_cursor of the previous page.")] = None,
) -> AccessPage:
    from govhub.store.access import AccessLogRepository

    if model_id is None and day is None:
        day = datetime.now(UTC).date().isoformat()
    page = AccessLogRepository().list(model_id=model_id, day=day, actor=actor, limit=limit, cursor=cursor)
    return AccessPage(items=[AccessRecordOut.model_validate(item) for item in page.items], next_cursor=page.next_cursor)

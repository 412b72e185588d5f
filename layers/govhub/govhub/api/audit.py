"""/api/v1/audit-logs and /api/v1/models/{id}/audit-logs, /verify, /export, /as-of: the audit trail, read.

Every role may read it. The lists come from the index items in the table; verification, as-of
answers and exports read the records themselves from the Object Lock bucket.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BeforeValidator, ConfigDict, Field

from govhub.api.context import registry
from govhub.audit import bundle_to_zip
from govhub.audit.bundle import MANIFEST
from govhub.audit.record import ACTIONS, ENTITIES, format_time
from govhub.config import settings
from govhub.errors import NotFoundError, ValidationFailedError
from govhub.schemas import Schema

if TYPE_CHECKING:
    from govhub.services.audit import AuditService
    from govhub.store.audit import AuditQuery

router = APIGatewayHttpRouter()

INLINE_EXPORT_BYTES = 4 * 1024 * 1024  # base64 makes it ~5.3 MB, under Lambda's 6 MB response limit
EXPORT_PREFIX = "reports/audit-exports"

Limit = Annotated[int, Query(ge=1, le=100, description="Page size (1..100).")]
Cursor = Annotated[str | None, Query(description="The next_cursor of the previous page.")]
Actor = Annotated[str | None, Query(max_length=128, description="Username of who made the change (case-insensitive).")]
# Literal over the audit vocabulary's tuples: one list for the records and the query schema; mypy wants literals spelled out
ActionFilter = Annotated[Literal[ACTIONS] | None, Query(description="Only records of this action.")]  # type: ignore[valid-type]
EntityFilter = Annotated[Literal[ENTITIES] | None, Query(description="Only records about this kind of object.")]  # type: ignore[valid-type]


_RFC_3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")


def _rfc_3339(value: object) -> object:
    """Only an RFC 3339 date-time (with its zone) is a moment here; pydantic alone would also take `0.5` as
    seconds since 1970, and Python's ISO parser a moment without a zone."""
    if isinstance(value, str):
        if not _RFC_3339.fullmatch(value):
            raise ValueError("not an RFC 3339 date-time with a zone, e.g. 2026-11-25T14:03:11Z")
        return datetime.fromisoformat(value[:19] + (value[19:].rstrip("Zz") + "+00:00" if value[-1] in "Zz" else value[19:]))
    return value


Moment = Annotated[datetime, BeforeValidator(_rfc_3339)]
Since = Annotated[Moment | None, Query(alias="from", description="Records at or after this time (RFC 3339, e.g. 2026-11-25T14:03:11Z).")]
Until = Annotated[Moment | None, Query(alias="to", description="Records at or before this time (RFC 3339).")]


class AuditActorOut(Schema):
    username: str
    role: str


class FieldChangeOut(Schema):
    before: Any = None
    after: Any = None


class AuditRecordOut(Schema):
    """One audit record, exactly as sealed and stored (``docs/audit-trail.md``)."""

    model_config = ConfigDict(populate_by_name=True)

    record_schema: str = Field(alias="schema", description="Record format, `govhub.audit/1`.")
    model_id: int
    sequence: int = Field(description="Position in the model's chain: 1, 2, 3, ... with no gaps.")
    entity: str = Field(description="model, version, metric, report, policy, approval or team")
    entity_id: int | str | None
    action: str = Field(description="create, update, status_change, risk_change, delete, report_generated or approval_sealed")
    actor: AuditActorOut
    reason: str | None
    time: str = Field(description="When the change committed, ISO 8601 UTC.")
    changes: dict[str, FieldChangeOut]
    event_id: str = Field(description="The table stream event the record was made from.")
    claimed_context: dict[str, str] | None = Field(
        default=None,
        exclude_if=lambda value: value is None,  # the record as stored: the field is there only when one was sent
        description="What a pipeline said about its run (repository, run id, commit...), recorded as claimed: never "
        "verified and never used for authorization or four eyes. Absent when the caller sent none.",
    )
    prev_hash: str
    hash: str = Field(description="SHA-256 of the record's canonical JSON without this field.")


class AuditLogPage(Schema):
    items: list[AuditRecordOut]
    next_cursor: str | None


class ChainBreakOut(Schema):
    sequence: int
    problem: Literal["modified", "missing", "reordered", "inserted", "duplicate", "forged"] = Field(
        description="`forged`: a digest whose signature is not the audit signing key's.")
    detail: str
    digest: int | None = Field(default=None, description="The digest concerned, when the break is in the digest chain.")


class SequenceRangeOut(Schema):
    from_: int = Field(alias="from")
    to: int
    count: int

    model_config = ConfigDict(populate_by_name=True)


class DigestsCheckedOut(Schema):
    count: int = Field(description="Digests whose hash, signature and link to the previous digest were verified.")
    last_sequence: int = Field(description="The last record the digests cover (0: none yet).")
    signatures_verified: int
    key_id: str | None = Field(description="The KMS key that signed them.")


class SampleOut(Schema):
    size: int
    sequences: list[int] = Field(description="The digested records checked against their digest's Merkle leaves.")


class ChainVerificationOut(Schema):
    intact: bool
    records: int = Field(description="How many records the chain holds (committed plus pending).")
    head_hash: str | None = Field(description="Hash of the last record of the verified part of the chain.")
    first_break: ChainBreakOut | None
    mode: Literal["incremental", "full"] = Field(
        default="full", description="`incremental`: digests, the records since the last one and a sample; `full`: every record.")
    digests: DigestsCheckedOut | None = None
    verified_records: SequenceRangeOut | None = Field(default=None, description="The records read and chained in full.")
    sample: SampleOut | None = None
    pending: SequenceRangeOut | None = Field(
        default=None, description="Records stored after the head that the writer has not finished committing: checked to "
                                  "continue the chain, never reported missing.")


class AsOfOut(Schema):
    model_id: int
    at: str
    existed: bool = Field(description="Whether the audit trail shows the model at that moment (false: not yet created).")
    model: dict[str, Any] | None = Field(description="The model's fields as they were (its last state if it had been deleted).")
    latest_version: dict[str, Any] | None = Field(
        description="id, version_tag, s3_path, sha256 and, when it declared them, its inputs (datasets by role, base model).")
    metrics: dict[str, Any] = Field(description="The latest version's metrics at that moment, by name.")
    last_change: dict[str, Any] | None = Field(description="sequence, time, actor, action, entity, entity_id, reason")
    approved: dict[str, Any] | None = Field(
        description="The approval in force: version_id, version_tag, by, role, time, reason, signoffs (each approver's by, role, "
                    "at, reason when the policy asked for several), and snapshot_sha256, the hash of "
                    "the sealed snapshot of what was approved (GET /models/{id}/approvals lists each sealed snapshot).")
    monitoring_plan: dict[str, Any] | None = Field(
        None, description="The post-market monitoring plan in force (Art. 72): metrics with bounds, review_cadence_days, "
                          "reviewers, method_notes, and its last change (changed_at, changed_by, reason).")
    deleted: bool
    chain: ChainVerificationOut = Field(description="The verification of the records the answer was replayed from.")


class ExportLinkOut(Schema):
    download_url: str = Field(description="Presigned URL of the bundle's zip; no token needed, expires at expires_at.")
    expires_at: str
    size_bytes: int
    sha256: str = Field(description="SHA-256 of the zip.")
    records: int
    head_hash: str | None = Field(description="Hash of the bundle's last record; compare it with /verify's head_hash.")


@lru_cache(maxsize=1)
def audit() -> AuditService:
    # The audit store (pynamodb, S3 client) loads with its first use, like the registry's (govhub.api.context).
    from govhub.services.audit import default_audit_service

    return default_audit_service()


def _model_exists(model_id: int) -> bool:
    try:
        registry().get_model(model_id)
    except NotFoundError:
        return False
    return True


def _query(model_id: int | None, actor: str | None, action: str | None, entity: str | None,
           since: datetime | None, until: datetime | None) -> AuditQuery:
    start, end = _utc(since, "from"), _utc(until, "to")
    combined = [name for name, value in (("actor", actor), ("action", action), ("entity", entity)) if value]
    if len(combined) > 1:  # each filter is an index partition of its own; a combination would read past non-matches
        raise ValidationFailedError(
            f"Filter by one of actor, action and entity at a time (with model_id and from/to); got {', '.join(combined)}.",
            [{"field": name, "message": "cannot be combined with " + ", ".join(n for n in combined if n != name)} for name in combined],
        )
    from govhub.store.audit import AuditQuery

    return AuditQuery(
        model_id=model_id,
        actor=actor.strip() if actor and actor.strip() else None,
        action=action,
        entity=entity,
        since=format_time(start) if start else None,
        until=format_time(end) if end else None,
    )


def _utc(moment: datetime | None, field: str) -> datetime | None:
    """The moment in UTC (UTC assumed without a zone); a moment UTC cannot hold (year 0 or 10000) is refused."""
    if moment is None:
        return None
    try:
        return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        raise ValidationFailedError(f"`{field}` is out of range in UTC.", [{"field": field, "message": "out of range"}]) from None


def _page(query: AuditQuery, limit: int, cursor: str | None) -> AuditLogPage:
    if query.since and query.until and query.since > query.until:
        return AuditLogPage(items=[], next_cursor=None)  # an empty time range holds no record
    page = audit().list(query, limit, cursor)
    return AuditLogPage(items=[AuditRecordOut.model_validate(r) for r in page.items], next_cursor=page.next_cursor)


@router.get("/audit-logs")
def list_audit_logs(
    model_id: Annotated[int | None, Query(ge=0, description="Only this model's records.")] = None,
    actor: Actor = None,
    action: ActionFilter = None,
    entity: EntityFilter = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> AuditLogPage:
    """Every model's audit records, newest first (the compliance history)."""
    return _page(_query(model_id, actor, action, entity, since, until), limit, cursor)


@router.get("/models/<model_id>/audit-logs")
def list_model_audit_logs(
    model_id: int,
    actor: Actor = None,
    action: ActionFilter = None,
    entity: EntityFilter = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> AuditLogPage:
    """One model's audit records, newest first; a deleted model keeps its trail."""
    audit().require_trail(model_id, _model_exists)
    return _page(_query(model_id, actor, action, entity, since, until), limit, cursor)


class VerificationJobOut(Schema):
    job_id: str
    model_id: int
    status: Literal["queued", "running", "done", "failed"]
    requested_by: str
    requested_by_role: str
    requested_at: str
    finished_at: str | None
    error: str | None
    result: ChainVerificationOut | None = Field(description="The full verification, once done.")
    status_url: str


def _job_out(job: dict[str, Any]) -> VerificationJobOut:
    url = f"/api/v1/models/{job['model_id']}/audit-logs/verify/jobs/{job['job_id']}"
    return VerificationJobOut.model_validate({**job, "status_url": url})


@router.get(
    "/models/<model_id>/audit-logs/verify",
    responses={
        200: {"description": "The incremental verification", "content": {"application/json": {"model": ChainVerificationOut}}},
        202: {"description": "With full=true: the queued full verification, to poll at status_url",
              "content": {"application/json": {"model": VerificationJobOut}}},
        404: {"description": "The model does not exist and has no audit trail"},
    },
)
def verify_model_audit_logs(  # type: ignore[no-untyped-def]  # no return type: powertools would validate a 202 job against it
    model_id: int,
    full: Annotated[bool, Query(description="Verify every record and digest, as a job (202 and a status_url to poll).")] = False,
):
    """Verify the model's chain: the signed digests, the records since the last one and a random sample (incremental);
    records the writer has not finished are reported as pending. `full=true` queues a full verification."""
    audit().require_trail(model_id, _model_exists)
    if full:
        from govhub.services.audit import request_full_verification

        caller = router.context["principal"]
        job = request_full_verification(model_id, caller.username, caller.role.value if caller.role else "unknown")
        out = _job_out(job)
        return Response(status_code=202, content_type=content_types.APPLICATION_JSON, body=out.model_dump_json(by_alias=True),
                        headers={"Location": out.status_url, "Cache-Control": "no-store"})
    verification = ChainVerificationOut.model_validate(audit().verify(model_id))
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON,
                    body=verification.model_dump_json(by_alias=True), headers={"Cache-Control": "no-store"})


@router.get("/models/<model_id>/audit-logs/verify/jobs/<job_id>")
def verification_job(model_id: int, job_id: Annotated[str, Path(pattern="^[0-9a-f]{32}$")]) -> VerificationJobOut:
    """A full verification asked with `full=true`: queued, running, done (with its result) or failed."""
    from govhub.store.audit import AuditVerificationJobs

    job = AuditVerificationJobs().get(job_id)
    if job is None or job["model_id"] != model_id:
        raise NotFoundError(f"No verification job {job_id} for model {model_id}.", {"job_id": job_id})
    return _job_out(job)


@router.get("/models/<model_id>/as-of")
def model_as_of(
    model_id: int,
    at: Annotated[Moment | None, Query(description="The moment to look at (RFC 3339, e.g. 2026-11-25T14:03:11Z; default now).")] = None,
) -> AsOfOut:
    """The model as it was at `at`: status, risk level, latest version and its metrics, the approval in force,
    and who made the last change, replayed from the audit records."""
    audit().require_trail(model_id, _model_exists)
    return AsOfOut.model_validate(audit().as_of(model_id, _utc(at, "at") or datetime.now(UTC)))


@router.get(
    "/models/<model_id>/audit-logs/export",
    summary="The model's audit bundle (records + manifest), for offline verification",
    description=(
        "The bundle is a zip of `manifest.json` and `records/<sequence>.json` (the exact stored bytes of each "
        "record), which `govhub audit verify` checks with nothing but the bundle. The answer is "
        "`{download_url, expires_at, size_bytes, sha256, records, head_hash}`, an expiring link to the zip; "
        "with `Accept: application/zip` the zip itself (unless it is too large for one response)."
    ),
    responses={
        200: {
            "description": "A link to the bundle, or the bundle",
            "content": {
                "application/json": {"model": ExportLinkOut},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
            },
        },
        404: {"description": "The model does not exist and has no audit trail"},
    },
)
def export_model_audit_logs(model_id: int):  # type: ignore[no-untyped-def]  # no return type: powertools would validate the raw body against it (a zip)
    audit().require_trail(model_id, _model_exists)
    files = audit().export(model_id, _evidence_manifest(model_id))
    archive = bundle_to_zip(files, folder=f"audit-model-{model_id}")
    file_name = f"audit-model-{model_id}.zip"
    accept = (router.current_event.get_header_value("accept") or "").lower()
    if "application/zip" in accept and len(archive) <= INLINE_EXPORT_BYTES:
        return Response(
            status_code=200,
            content_type="application/zip",
            body=archive,
            headers={"Content-Disposition": f'attachment; filename="{file_name}"', "Cache-Control": "no-store"},
        )
    manifest = json.loads(files[MANIFEST])
    link = _export_link(model_id, archive, file_name, manifest)
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=link.model_dump_json(),
                    headers={"Cache-Control": "no-store"})


def _evidence_manifest(model_id: int) -> dict[str, Any] | None:
    """The model's evidence documents with their SHA-256 (none: no evidence manifest in the bundle)."""
    from govhub.evidence.report import manifest
    from govhub.store.evidence import EvidenceRepository

    items = EvidenceRepository().for_model(model_id)
    return manifest(model_id, items, datetime.now(UTC)) if items else None


def _export_link(model_id: int, archive: bytes, file_name: str, manifest: dict[str, Any]) -> ExportLinkOut:
    from govhub.store.reports import ReportFiles

    now = datetime.now(UTC)
    digest = hashlib.sha256(archive).hexdigest()
    key = f"{EXPORT_PREFIX}/model-{model_id}/{now.strftime('%Y%m%dT%H%M%S%fZ')}-{digest[:12]}.zip"
    files = ReportFiles()
    files.put(key, archive, "application/zip", file_name, {"sha256": digest, "model-id": str(model_id)})
    ttl = settings().report_url_ttl_seconds
    return ExportLinkOut(
        download_url=files.presigned_url(key, ttl),
        expires_at=(now + timedelta(seconds=ttl)).isoformat(),
        size_bytes=len(archive),
        sha256=digest,
        records=int(manifest.get("records") or 0),
        head_hash=manifest.get("head_hash"),
    )

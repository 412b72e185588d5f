"""/api/v1/models/{id}/evidence: documents that evidence obligations (presigned upload, verification, sign-off,
withdrawal, download) and /api/v1/evidence/attention, the items expired or expiring within 30 days.

Served by the `evidence` function with the frameworks router (govhub.api.frameworks).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from govhub.api.context import approved_changes_rule, created, registry
from govhub.domain.entities import Actor
from govhub.evidence.model import Evidence, EvidenceKind, EvidenceStatus
from govhub.evidence.service import MAX_BYTES, EvidenceService, NewEvidence
from govhub.evidence.sniff import ContentType
from govhub.schemas import IsoDateTime, Schema

router = APIGatewayHttpRouter()

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000, pattern=r"\S")]
Limit = Annotated[int, Query(ge=1, le=100, description="Page size (1..100).")]
Cursor = Annotated[str | None, Query(description="The next_cursor of the previous page.")]


def _utc(value: datetime) -> datetime:
    """Without a zone, a date-time is UTC (validity is compared with the hub's UTC clock)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


Moment = Annotated[IsoDateTime, AfterValidator(_utc)]
CoverRef = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9._:() -]{1,64}$")]


@lru_cache(maxsize=1)
def evidence_service() -> EvidenceService:
    from govhub.store.evidence import EvidenceBucket, EvidenceRepository

    return EvidenceService(registry(), EvidenceRepository(), EvidenceBucket())


# -- shapes ----------------------------------------------------------------------------------
class EvidenceCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    kind: EvidenceKind
    covers: Annotated[list[CoverRef], Field(max_length=50, description="What it covers: obligation ids (art-9), policy rule ids, "
                                                                      "framework controls (iso42001:A.6.2.4, nist-ai-rmf:MAP 1.1).")] = []
    content_type: Annotated[ContentType, Field(description="The file's type; the hub checks it against the file's first bytes.")]
    size: Annotated[int, Field(ge=1, le=MAX_BYTES, description="The file's size in bytes (signed into the upload URL).")]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$"),
                      Field(description="The file's SHA-256 (hex); S3 refuses a body with another checksum, the hub checks it again.")]
    valid_from: Moment | None = None
    valid_until: Annotated[Moment | None, Field(description="When the document stops evidencing (expiry, re-review date).")] = None
    supersedes: Annotated[str | None, Field(description="The evidence id this is a new revision of (replaced when this one is signed off).")] = None
    reason: Reason | None = None


class EvidenceSignoffOut(Schema):
    by: str
    role: str
    at: datetime
    reason: str


class EvidenceOut(Schema):
    model_id: int
    evidence_id: str
    team: str | None
    title: str
    kind: EvidenceKind
    covers: list[str]
    content_type: str
    size: int
    sha256: str
    status: EvidenceStatus
    current: bool = Field(description="Signed off and valid now: it evidences what it covers.")
    expiry: str | None = Field(description="expired, expiring (within 30 days) or null.")
    expiry_notice: str | None = Field(description="The last expiry event the daily sweep sent (expiring, expired).")
    uploaded_by: str
    valid_from: datetime | None
    valid_until: datetime | None
    supersedes: str | None
    object_version: str | None
    verified_at: datetime | None
    signoff: EvidenceSignoffOut | None
    created_at: datetime
    updated_at: datetime
    updated_by: str
    change_reason: str | None
    revision: int | None

    @classmethod
    def from_domain(cls, evidence: Evidence, now: datetime | None = None) -> EvidenceOut:
        at = now or datetime.now(UTC)
        signoff = evidence.signoff
        return cls(
            model_id=evidence.model_id, evidence_id=evidence.evidence_id, team=evidence.team, title=evidence.title, kind=evidence.kind,
            covers=list(evidence.covers), content_type=evidence.content_type, size=evidence.size, sha256=evidence.sha256,
            status=evidence.status, current=evidence.is_current(at), expiry=evidence.expiry_stage(at),
            expiry_notice=evidence.expiry_notice, uploaded_by=evidence.uploaded_by,
            valid_from=evidence.valid_from, valid_until=evidence.valid_until, supersedes=evidence.supersedes,
            object_version=evidence.object_version, verified_at=evidence.verified_at,
            signoff=EvidenceSignoffOut(by=signoff.by, role=signoff.role, at=signoff.at, reason=signoff.reason) if signoff else None,
            created_at=evidence.stamp.created_at, updated_at=evidence.stamp.updated_at, updated_by=evidence.stamp.updated_by,
            change_reason=evidence.stamp.change_reason, revision=evidence.revision,
        )


class UploadOut(Schema):
    url: str = Field(description="PUT the file here with exactly these headers before expires_at; then POST .../complete.")
    method: str
    headers: dict[str, str]
    expires_at: datetime


class EvidenceUploadOut(Schema):
    evidence: EvidenceOut
    upload: UploadOut
    complete_url: str


class EvidencePage(Schema):
    items: list[EvidenceOut]
    next_cursor: str | None


class EvidenceDecision(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: Reason
    expected_revision: Annotated[int | None, Field(ge=1, description="The revision you read; 409 if it moved on.")] = None


class DownloadOut(Schema):
    url: str
    expires_at: datetime
    sha256: str
    object_version: str | None


# -- routes ----------------------------------------------------------------------------------
def _caller() -> Actor:
    return router.context["principal"].actor


@router.get("/models/<model_id>/evidence")
def list_evidence(
    model_id: int,
    limit: Limit = 50,
    cursor: Cursor = None,
    kind: Annotated[EvidenceKind | None, Query(description="Only this kind (one filter at a time).")] = None,
    status: Annotated[EvidenceStatus | None, Query(description="Only this status.")] = None,
    covers: Annotated[str | None, Query(description="Only items covering this obligation, rule or control.", max_length=64)] = None,
) -> EvidencePage:
    """The model's evidence, newest first; filter by one of kind, status or covers."""
    page = evidence_service().listing(model_id, limit, cursor, kind.value if kind else None, status.value if status else None, covers)
    return EvidencePage(items=[EvidenceOut.from_domain(e) for e in page.items], next_cursor=page.next_cursor)


@router.post("/models/<model_id>/evidence", status_code=201)
def create_evidence(model_id: int, body: Annotated[EvidenceCreate, Body()]) -> Response[EvidenceUploadOut]:
    """Announce a document: answers a presigned S3 PUT (size, type and SHA-256 signed in; 15 minutes) and records the item
    as pending_upload. After the PUT, POST .../complete lets the hub verify the object."""
    new = NewEvidence(body.title, body.kind, tuple(dict.fromkeys(body.covers)), body.content_type, body.size, body.sha256,
                      body.valid_from, body.valid_until, body.supersedes, body.reason)
    ticket = evidence_service().request_upload(model_id, new, _caller())
    path = f"/api/v1/models/{model_id}/evidence/{ticket.evidence.evidence_id}"
    out = EvidenceUploadOut(evidence=EvidenceOut.from_domain(ticket.evidence),
                            upload=UploadOut(url=ticket.url, method=ticket.method, headers=ticket.headers, expires_at=ticket.expires_at),
                            complete_url=f"{path}/complete")
    return created(out, path)


@router.get("/models/<model_id>/evidence/<evidence_id>")
def get_evidence(model_id: int, evidence_id: str) -> EvidenceOut:
    return EvidenceOut.from_domain(evidence_service().get(model_id, evidence_id))


@router.post("/models/<model_id>/evidence/<evidence_id>/complete")
def complete_evidence(model_id: int, evidence_id: str) -> EvidenceOut:
    """Verify the uploaded object (size, type from its first bytes, SHA-256) and record it: 422 names what differs."""
    return EvidenceOut.from_domain(evidence_service().complete(model_id, evidence_id, _caller()))


@router.post("/models/<model_id>/evidence/<evidence_id>/signoff")
def sign_off_evidence(model_id: int, evidence_id: str, body: Annotated[EvidenceDecision, Body()]) -> EvidenceOut:
    """Sign off a verified document: a second person, not its uploader (422 otherwise)."""
    return EvidenceOut.from_domain(evidence_service().sign_off(model_id, evidence_id, body.reason, _caller(), body.expected_revision))


@router.post("/models/<model_id>/evidence/<evidence_id>/withdraw")
def withdraw_evidence(model_id: int, evidence_id: str, body: Annotated[EvidenceDecision, Body()]) -> EvidenceOut:
    """Withdraw a document (audited with the reason); its object is kept under the bucket's retention. Withdrawing a
    document the model's approval pinned reopens its review in the same write (or is refused, 409 approval_locked, if
    the active policy refuses changes to approved models); under review, withdrawing a current document clears the
    sign-offs given."""
    return EvidenceOut.from_domain(evidence_service().withdraw(model_id, evidence_id, body.reason, _caller(), body.expected_revision,
                                                               approved_changes=approved_changes_rule()))


@router.get("/models/<model_id>/evidence/<evidence_id>/download")
def download_evidence(model_id: int, evidence_id: str) -> DownloadOut:
    """A presigned GET of the verified object version, valid for 5 minutes."""
    evidence, url, expires_at = evidence_service().download(model_id, evidence_id)
    return DownloadOut(url=url, expires_at=expires_at, sha256=evidence.sha256, object_version=evidence.object_version)


@router.get("/evidence/attention")
def evidence_attention(limit: Limit = 50, cursor: Cursor = None) -> EvidencePage:
    """Evidence expired or expiring within 30 days (awaiting sign-off or signed off), soonest first; read from the
    due-date index at request time, so it does not wait for the daily sweep."""
    page = evidence_service().attention(limit, cursor)
    return EvidencePage(items=[EvidenceOut.from_domain(e) for e in page.items], next_cursor=page.next_cursor)

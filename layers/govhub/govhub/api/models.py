"""/api/v1/models: the registry, risk profiles and the compliance lifecycle."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from govhub.api.context import approved_changes_rule, created, policy_gate, registry
from govhub.approvals.snapshot import load_snapshot, snapshot_sha256
from govhub.auth.principal import Principal
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.errors import ForbiddenError, ValidationFailedError
from govhub.observability import MODELS_REGISTERED, STATUS_CHANGES, count
from govhub.schemas import (
    ApprovalOut,
    DeleteRequest,
    InvalidationOut,
    ModelCreate,
    ModelOut,
    ModelPage,
    ModelUpdate,
    Reason,
    RiskProfileChange,
    SealedApprovalOut,
    SealedApprovalPage,
    SignoffOut,
    StatusChange,
    VersionOut,
    VersionPage,
)

router = APIGatewayHttpRouter()

Limit = Annotated[int, Query(ge=1, le=100, description="Page size (1..100).")]
Cursor = Annotated[str | None, Query(description="The next_cursor of the previous page.")]
Filter = Annotated[str | None, Query(max_length=128)]


def _caller() -> Principal:
    return router.context["principal"]


@router.get("/")
def list_models(
    risk_level: Annotated[RiskLevel | None, Query()] = None,
    compliance_status: Annotated[ComplianceStatus | None, Query()] = None,
    owner: Filter = None,
    domain: Filter = None,
    team: Annotated[str | None, Query(max_length=63, description="The owning team's slug.")] = None,
    q: Annotated[str | None, Query(max_length=128, description="Part of the name, case-, accent- and punctuation-insensitive (three characters or more; shorter texts match the start of names).")] = None,
    name: Annotated[str | None, Query(max_length=128, description="Exact name, case-insensitive.")] = None,
    order: Annotated[Literal["asc", "desc"], Query(description="By name, A to Z (asc) or Z to A (desc).")] = "asc",
    limit: Limit = 20,
    cursor: Cursor = None,
) -> ModelPage:
    filters = {
        "order": order,
        "risk_level": risk_level.value if risk_level else None,
        "compliance_status": compliance_status.value if compliance_status else None,
        "owner": owner,
        "domain": domain,
        "team": team,
        "q": q,
        "name": name,
    }
    page = registry().list_models({k: v for k, v in filters.items() if v}, limit, cursor)
    return ModelPage(items=[ModelOut.from_domain(m) for m in page.items], next_cursor=page.next_cursor)


@router.post("/", status_code=201)
def create_model(body: Annotated[ModelCreate, Body()]) -> Response[ModelOut]:
    model = registry().register_model(body.model_dump(), by=_caller().actor)
    count(MODELS_REGISTERED)
    return created(ModelOut.from_domain(model), f"/api/v1/models/{model.id}")


@router.get("/<model_id>")
def get_model(model_id: int) -> ModelOut:
    return ModelOut.from_domain(registry().get_model(model_id))


def _update(model_id: int, body: ModelUpdate) -> ModelOut:
    changes = body.changes()
    if not changes:
        raise ValidationFailedError("Nothing to change: send at least one field.", [{"field": "body", "message": "empty"}])
    if any(changes.get(field) is None for field in ("name", "owner") if field in changes):
        raise ValidationFailedError("name and owner cannot be removed.", [{"field": "name/owner", "message": "required"}])
    model = registry().update_model(
        model_id, changes, _caller().actor, body.expected_revision, body.reason, approved_changes=approved_changes_rule()
    )
    return ModelOut.from_domain(model)


@router.patch("/<model_id>")
def patch_model(model_id: int, body: Annotated[ModelUpdate, Body()]) -> ModelOut:
    return _update(model_id, body)


@router.put("/<model_id>")
def put_model(model_id: int, body: Annotated[ModelUpdate, Body()]) -> ModelOut:
    return _update(model_id, body)


@router.delete(
    "/<model_id>",
    status_code=204,
    responses={
        204: {"description": "Deleted: a tombstone records who deleted it and why; its versions, metrics and lineage edges go with it"},
        409: {"description": "`model_in_use`: versions of other models are built on its versions (`details.dependents` names "
                             "them): delete those first, or retire this model instead; `stale_revision`: it changed meanwhile"},
    },
)
def delete_model(model_id: int, reason: Annotated[Reason | None, Query()] = None) -> Response[None]:
    body = router.current_event.json_body if router.current_event.body else {}
    text = reason or (DeleteRequest.model_validate(body).reason if body else None)
    if not text or not text.strip():
        raise ValidationFailedError("Say why the model is deleted: `reason` is required.", [{"field": "reason", "message": "required"}])
    registry().delete_model(model_id, text.strip(), _caller().actor)
    return Response(status_code=204)


@router.patch("/<model_id>/risk-profile")
def change_risk_profile(model_id: int, body: Annotated[RiskProfileChange, Body()]) -> ModelOut:
    model = registry().change_risk(
        model_id, body.risk_level, body.justification, _caller().actor, body.expected_revision, approved_changes=approved_changes_rule()
    )
    return ModelOut.from_domain(model)


@router.patch("/<model_id>/compliance-status")
def change_compliance_status(model_id: int, body: Annotated[StatusChange, Body()]) -> ModelOut:
    caller = _caller()
    if caller.machine and body.status is not ComplianceStatus.UNDER_REVIEW:
        raise ForbiddenError("Pipelines may only request a review; approval and other changes are a human decision.")
    model = registry().change_status(
        model_id, body.status, body.reason, caller.actor, body.expected_revision, check_policy=policy_gate()
    )
    count(STATUS_CHANGES)
    return ModelOut.from_domain(model)


@router.get("/<model_id>/versions")
def list_model_versions(model_id: int, limit: Limit = 20, cursor: Cursor = None) -> VersionPage:
    page = registry().list_versions(model_id, limit, cursor)
    return VersionPage(items=[VersionOut.from_domain(v) for v in page.items], next_cursor=page.next_cursor)


def _sealed(sha256: str, text: str) -> SealedApprovalOut:
    document = load_snapshot(text)
    return SealedApprovalOut(
        snapshot_sha256=sha256,
        sha256_verified=snapshot_sha256(document) == sha256,
        sealed_at=document["sealed_at"],
        snapshot=document,
    )


@router.get("/<model_id>/approval")
def get_approval(model_id: int) -> ApprovalOut:
    """What was approved (the latest sealed snapshot), whether it is still in force, and the sign-offs under way."""
    model = registry().get_model(model_id)
    latest = registry().sealed_approvals(model_id, 1, None).items
    sealed = _sealed(*latest[0]) if latest else None
    approval = model.approval
    return ApprovalOut(
        model_id=model.id,
        compliance_status=model.compliance_status,
        in_force=sealed is not None and approval.snapshot_sha256 == sealed.snapshot_sha256,
        required_signoffs=approval.required_signoffs,
        signoffs=[SignoffOut.from_domain(s) for s in approval.signoffs],
        invalidated=InvalidationOut.from_domain(approval.invalidated) if approval.invalidated else None,
        sealed=sealed,
    )


@router.get("/<model_id>/approvals")
def list_approvals(model_id: int, limit: Limit = 20, cursor: Cursor = None) -> SealedApprovalPage:
    """Every approval sealed for the model, newest first."""
    page = registry().sealed_approvals(model_id, limit, cursor)
    return SealedApprovalPage(items=[_sealed(*item) for item in page.items], next_cursor=page.next_cursor)

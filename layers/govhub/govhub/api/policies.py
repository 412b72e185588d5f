"""/api/v1/policies (the policy set) and the per-model compliance check and EU AI Act obligations.

One router mounted at /api/v1 (its routes carry their own /policies and /models/{id}/… paths), served by the
`policies` function; the models function keeps every other /models route (API Gateway prefers these literal
routes over its {proxy+}).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import ConfigDict, Field

from govhub.api.classification import ObligationsOut
from govhub.api.context import policy_service, registry
from govhub.api.documents import active_version, replaced, version_page
from govhub.domain.entities import Actor, AIModel
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.policy.evaluator import CheckItem, Checklist
from govhub.policy.versions import PolicyVersion
from govhub.schemas import PolicyViolationOut, Reason, Schema

router = APIGatewayHttpRouter()


# -- shapes ----------------------------------------------------------------------------------


def _policy_document_schema(schema: dict[str, Any]) -> None:
    """The `document` field is described by the policy document's own JSON schema, inlined (the OpenAPI document
    has no place for its definitions). It is checked by the policy parser, not by request validation, so that a
    refusal names each problem by its JSON path (422 `invalid_policy`); the invariants JSON schema cannot say
    (a four_eyes rule and an Art. 5 prohibited rule are kept, rule ids are unique) are in the description."""
    from govhub.policy.document import PolicyDocument

    document = PolicyDocument.model_json_schema(by_alias=True)
    definitions = document.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: inline(value) for key, value in node.items() if key != "discriminator"}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    schema.clear()
    schema.update(inline(document))
    schema["description"] = (
        "The whole policy document (docs/policies.md). Besides this schema, a policy set keeps a `four_eyes` rule "
        "(for approval, every risk level) and a `prohibited` rule for risk level `unacceptable` on approval, its "
        "rule ids are unique, a list names each value once, a threshold gives min or max and min is not above max; "
        "a document that breaks any of these is refused with 422 `invalid_policy`, each problem named by its JSON path."
    )


class PolicyReplace(Schema):
    model_config = ConfigDict(extra="forbid")

    document: Annotated[dict[str, Any], Field(json_schema_extra=_policy_document_schema)]
    reason: Reason
    expected_version: Annotated[int | None, Field(ge=0, description="The active version you edited; 409 if it moved on.")] = None


class PolicyVersionOut(Schema):
    version: int
    active: bool
    built_in: bool
    name: str
    description: str | None
    rule_count: int
    document: dict[str, Any]
    created_at: datetime | None
    created_by: str
    created_by_role: str
    reason: str | None

    @classmethod
    def from_domain(cls, version: PolicyVersion, active_version: int) -> PolicyVersionOut:
        return cls(
            version=version.version,
            active=version.version == active_version,
            built_in=version.built_in,
            name=version.document.name,
            description=version.document.description,
            rule_count=len(version.document.rules),
            document=version.document.to_json(),
            created_at=version.created_at,
            created_by=version.created_by,
            created_by_role=version.created_by_role,
            reason=version.reason,
        )


class PolicyVersionPage(Schema):
    items: list[PolicyVersionOut]
    next_cursor: str | None


class CheckItemOut(Schema):
    rule_id: str
    kind: str
    status: Literal["pass", "fail", "not_applicable"]
    reason: str
    article: str
    description: str | None
    evidence: dict[str, Any]

    @classmethod
    def from_domain(cls, item: CheckItem) -> CheckItemOut:
        return cls(**item.as_json())


class FailedRuleOut(Schema):
    rule_id: str
    rule: str
    reason: str
    article: str


class ActorOut(Schema):
    username: str
    role: str


class ComplianceCheckOut(Schema):
    model_id: int
    model_name: str
    risk_level: RiskLevel
    compliance_status: ComplianceStatus
    target: ComplianceStatus | None
    occasion: Literal["transition", "monitoring"] | None
    evaluated_for: ActorOut | None
    evaluated_at: datetime
    policy_version: int
    policy_name: str
    outcome: Literal["pass", "fail", "none"]
    summary: dict[str, int]
    failed_rules: list[FailedRuleOut]
    items: list[CheckItemOut]
    policy_violations: list[PolicyViolationOut]

    @classmethod
    def from_domain(cls, model: AIModel, checklist: Checklist, actor: Actor) -> ComplianceCheckOut:
        for_actor = checklist.target is not None and checklist.occasion is not None and checklist.occasion.value == "transition"
        return cls(
            model_id=model.id,
            model_name=model.name,
            risk_level=model.risk_level,
            compliance_status=model.compliance_status,
            target=checklist.target,
            occasion=checklist.occasion.value if checklist.occasion else None,
            evaluated_for=ActorOut(username=actor.username, role=actor.role) if for_actor else None,
            evaluated_at=checklist.evaluated_at,
            policy_version=checklist.policy_version,
            policy_name=checklist.policy_name,
            outcome=checklist.outcome,
            summary=checklist.summary(),
            failed_rules=[FailedRuleOut(**item.failed_rule()) for item in checklist.failed],
            items=[CheckItemOut.from_domain(item) for item in checklist.items],
            policy_violations=[PolicyViolationOut.from_domain(v) for v in model.policy_violations],
        )


# -- routes ----------------------------------------------------------------------------------
def _caller() -> Actor:
    return router.context["principal"].actor


@router.get("/policies")
def list_policy_versions(
    limit: Annotated[int, Query(ge=1, le=100, description="Page size (1..100).")] = 20,
    cursor: Annotated[str | None, Query(description="The next_cursor of the previous page.")] = None,
) -> PolicyVersionPage:
    """Every version of the policy set, newest first; the built-in default (version 0) comes last."""
    return version_page(policy_service().policies, limit, cursor, PolicyVersionOut.from_domain, PolicyVersionPage)


@router.get("/policies/active")
def get_active_policy() -> PolicyVersionOut:
    return active_version(policy_service().policies, PolicyVersionOut.from_domain)


@router.put("/policies/active")
def replace_active_policy(body: Annotated[PolicyReplace, Body()]) -> PolicyVersionOut:
    """Store a new version of the policy set and make it active (admins; audited with the reason)."""
    return replaced(policy_service().policies, body, _caller(), PolicyVersionOut.from_domain)


@router.get("/models/<model_id>/compliance-check")
def compliance_check(
    model_id: int,
    target: Annotated[ComplianceStatus | None, Query(description="The status to check for; default: the next step.")] = None,
) -> ComplianceCheckOut:
    """The active policy's checklist for the model's next transition (pass / fail / not applicable, why, evidence)."""
    model = registry().get_model(model_id)
    actor = _caller()
    checklist = policy_service().compliance_check(model, target, actor)
    return ComplianceCheckOut.from_domain(model, checklist, actor)


@router.get("/models/<model_id>/obligations")
def model_obligations(model_id: int) -> ObligationsOut:
    """The EU AI Act obligations of the model's risk level and operator role: each dated by the timeline, with its
    status (evidenced, attested, open, not_in_force) and what in the hub covers it."""
    model = registry().get_model(model_id)
    return ObligationsOut.from_domain(model, policy_service().obligations(model))

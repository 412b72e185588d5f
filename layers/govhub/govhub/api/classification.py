"""/api/v1/classification (the questionnaire, the EU AI Act timeline, overrides) and each model's classification,
attestations of obligations and EU database record.

One router mounted at /api/v1, served by the `policies` function beside the policy set and the obligations.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import ConfigDict, Field, StringConstraints

from govhub.api.context import approved_changes_rule, classification_service, created, policy_service, registry
from govhub.api.documents import DocumentVersionOut, active_version, replaced, version_page
from govhub.classification.classifier import Classification
from govhub.classification.service import result_of
from govhub.domain.classification import Attestation, OperatorRole
from govhub.domain.entities import Actor, AIModel
from govhub.domain.lifecycle import RiskLevel
from govhub.policy.obligations import ObligationChecklist, as_json
from govhub.schemas import ClassificationSummaryOut, ModelOut, Schema

router = APIGatewayHttpRouter()

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]
Limit = Annotated[int, Query(ge=1, le=100, description="Page size (1..100).")]
Cursor = Annotated[str | None, Query(description="The next_cursor of the previous page.")]


# -- shapes ----------------------------------------------------------------------------------
class ClassificationRequest(Schema):
    model_config = ConfigDict(extra="forbid")

    answers: Annotated[dict[str, bool], Field(max_length=200, description="Question id → true (yes) / false (no); left out = no.")]
    operator_role: Annotated[OperatorRole | None, Field(description="The organisation's role for the system; kept when left out.")] = None
    risk_level: Annotated[RiskLevel | None, Field(description="The level the model keeps; left out = adopt the suggestion.")] = None
    justification: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=2_000),
                             Field(description="Required when risk_level differs from the suggestion (an override).")] = None
    expected_revision: Annotated[int | None, Field(ge=1)] = None


class SectionOut(Schema):
    id: str
    title: str
    provision: str


class QuestionOut(Schema):
    id: str
    section: str
    provision: str
    text: str
    help: str | None = None
    area: str | None = None
    ask_if: str | list[str] | None = Field(default=None, description="Asked only when this question (or any of these) is answered yes.")


class QuestionnaireOut(Schema):
    """The classification questionnaire (versioned data shipped with the hub; docs/classification.md)."""

    version: str
    title: str
    law: str
    answer_type: str
    sections: list[SectionOut]
    areas: dict[str, str]
    questions: list[QuestionOut]


class BasisOut(Schema):
    provision: str
    reason: str
    question_id: str | None
    effect: Literal["level", "derogation", "flag"]


class CoverageOut(Schema):
    source: str
    ref: str
    satisfied: bool
    detail: str


class AttestationNoteOut(Schema):
    statement: str
    reason: str
    attested_by: str
    attested_by_role: str
    attested_at: datetime
    revision: int | None


class ObligationOut(Schema):
    id: str
    article: str
    title: str
    summary: str
    mandatory: bool
    status: Literal["evidenced", "attested", "open", "not_in_force"]
    milestone: str
    applies_from: date
    in_force: bool
    days_until: int
    evidenceable: bool
    covered_by: list[CoverageOut]
    attestation: AttestationNoteOut | None
    manual: str | None


class ObligationsOut(Schema):
    model_id: int
    model_name: str
    risk_level: RiskLevel
    operator_role: OperatorRole
    role_assumed: bool
    policy_version: int
    as_of: date
    summary: dict[str, int]
    items: list[ObligationOut]

    @classmethod
    def from_domain(cls, model: AIModel, checklist: ObligationChecklist) -> ObligationsOut:
        return cls(model_id=model.id, model_name=model.name, **as_json(checklist))


class ClassificationOut(Schema):
    model_id: int
    model_name: str
    revision: int
    risk_level: RiskLevel
    operator_role: OperatorRole | None
    classified: bool
    suggested_risk_level: RiskLevel | None
    questionnaire_version: str | None
    basis: list[BasisOut]
    flags: dict[str, Any]
    answered_yes: list[str]
    summary: ClassificationSummaryOut | None
    obligations: ObligationsOut | None

    @classmethod
    def from_domain(cls, model: AIModel, result: Classification | None, checklist: ObligationChecklist | None) -> ClassificationOut:
        data = result.as_json() if result else {}
        summary = model.classification
        return cls(
            model_id=model.id,
            model_name=model.name,
            revision=model.revision or 1,
            risk_level=model.risk_level,
            operator_role=model.operator_role,
            classified=summary is not None,
            suggested_risk_level=result.suggested_risk_level if result else None,
            questionnaire_version=result.questionnaire_version if result else None,
            basis=[BasisOut(**b) for b in data.get("basis", [])],
            flags=data.get("flags", {}),
            answered_yes=sorted(summary.answers) if summary else [],
            summary=ClassificationSummaryOut.from_domain(summary) if summary else None,
            obligations=ObligationsOut.from_domain(model, checklist) if checklist else None,
        )


class TimelineReplace(Schema):
    model_config = ConfigDict(extra="forbid")

    document: Annotated[dict[str, Any], Field(description="The whole timeline (docs/classification.md): schema govhub.timeline/1, "
                                                          "name, milestones [{id, title, provisions, applies_from, source}], each milestone once.")]
    reason: Reason
    expected_version: Annotated[int | None, Field(ge=0, description="The active version you edited; 409 if it moved on.")] = None


class TimelineOut(DocumentVersionOut):
    pass


class TimelinePage(Schema):
    items: list[TimelineOut]
    next_cursor: str | None


class OverridePage(Schema):
    items: list[ModelOut]
    next_cursor: str | None


class AttestationRequest(Schema):
    model_config = ConfigDict(extra="forbid")

    obligation_id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,40}$"), Field(description="e.g. art-49 (see GET /models/{id}/obligations)")]
    statement: Annotated[Reason, Field(description="What was done, e.g. 'Registered in the EU database under number X'.")]
    reason: Annotated[Reason, Field(description="Why you can attest it (your role, the document you checked).")]
    expected_revision: Annotated[int | None, Field(ge=1, description="The attestation's revision you read; 409 if it moved on.")] = None


class WithdrawalRequest(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[Reason, Field(description="Why it no longer holds, e.g. 'the registration number was wrong'.")]
    expected_revision: Annotated[int | None, Field(ge=1, description="The attestation's revision you read; 409 if it moved on.")] = None


class WithdrawalOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    by: str
    by_role: str
    at: datetime
    reason: str


class AttestationOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    model_id: int
    obligation_id: str
    statement: str
    reason: str
    attested_by: str
    attested_by_role: str
    attested_at: datetime
    revision: int | None
    current: bool = Field(description="False once withdrawn: a withdrawn attestation no longer counts for its obligation.")
    withdrawal: WithdrawalOut | None

    @classmethod
    def from_domain(cls, attestation: Attestation) -> AttestationOut:
        return cls.model_validate(attestation)


class AttestationList(Schema):
    items: list[AttestationOut]


class EuDatabaseRecordOut(Schema):
    model_id: int
    model_name: str
    operator_role: OperatorRole | None
    risk_level: RiskLevel
    required: bool
    why: str
    sections: list[dict[str, Any]]
    missing: list[str]
    note: str


# -- routes ----------------------------------------------------------------------------------
def _caller() -> Actor:
    return router.context["principal"].actor


@router.get("/classification/questionnaire")
def get_questionnaire() -> QuestionnaireOut:
    """The classification questionnaire (versioned data): sections, questions with ids, help and the provision each serves."""
    document = classification_service().questionnaire().to_json()
    document.pop("schema", None)
    return QuestionnaireOut.model_validate(document)


@router.get("/classification/timeline")
def get_timeline() -> TimelineOut:
    """The active EU AI Act timeline: when each group of obligations applies."""
    return active_version(classification_service().timelines, TimelineOut.from_domain)


@router.get("/classification/timeline/versions")
def list_timeline_versions(limit: Limit = 20, cursor: Cursor = None) -> TimelinePage:
    """Every version of the timeline, newest first; the built-in one (version 0) comes last."""
    return version_page(classification_service().timelines, limit, cursor, TimelineOut.from_domain, TimelinePage)


@router.put("/classification/timeline")
def replace_timeline(body: Annotated[TimelineReplace, Body()]) -> TimelineOut:
    """Store a new version of the timeline and make it active (admins; validated, audited with the reason)."""
    return replaced(classification_service().timelines, body, _caller(), TimelineOut.from_domain)


@router.get("/classification/overrides")
def list_overrides(limit: Limit = 20, cursor: Cursor = None) -> OverridePage:
    """Models whose risk level differs from the questionnaire's suggestion, by name, with the justification."""
    page = classification_service().overrides(limit, cursor)
    return OverridePage(items=[ModelOut.from_domain(m) for m in page.items], next_cursor=page.next_cursor)


@router.get("/models/<model_id>/classification")
def get_classification(model_id: int) -> ClassificationOut:
    """The model's recorded classification: the suggestion, its basis (each with the answer that caused it), flags, obligations."""
    model = registry().get_model(model_id)
    result = result_of(model)
    return ClassificationOut.from_domain(model, result, policy_service().obligations(model) if result else None)


@router.post("/models/<model_id>/classification")
def classify_model(model_id: int, body: Annotated[ClassificationRequest, Body()]) -> ClassificationOut:
    """Answer the questionnaire for the model: stores the answers, the suggestion and any override on the model (audited)."""
    model, result = classification_service().classify(
        model_id, body.answers, _caller(), body.operator_role, body.risk_level, body.justification, body.expected_revision,
        approved_changes=approved_changes_rule(),
    )
    return ClassificationOut.from_domain(model, result, policy_service().obligations(model))


@router.get("/models/<model_id>/attestations")
def list_attestations(model_id: int) -> AttestationList:
    registry().get_model(model_id)
    return AttestationList(items=[AttestationOut.from_domain(a) for a in classification_service().attestations(model_id)])


@router.post("/models/<model_id>/attestations", status_code=201)
def attest_obligation(model_id: int, body: Annotated[AttestationRequest, Body()]) -> Response[AttestationOut]:
    """Attest that one of the model's obligations is met outside the hub (who, what, why: audited)."""
    model = registry().get_model(model_id)
    known = {item.id for item in policy_service().obligations(model).items}
    attestation = classification_service().attest(model, body.obligation_id, known, body.statement, body.reason, _caller(), body.expected_revision)
    return created(AttestationOut.from_domain(attestation), f"/api/v1/models/{model_id}/attestations")


@router.post("/models/<model_id>/attestations/<obligation_id>/withdrawal")
def withdraw_attestation(model_id: int, obligation_id: str, body: Annotated[WithdrawalRequest, Body()]) -> AttestationOut:
    """Withdraw an attestation that no longer holds: its obligation is open again unless something else evidences it.
    The attestation is kept, marked withdrawn with who, when and why (audited). Attesting again records a new one."""
    model = registry().get_model(model_id)
    return AttestationOut.from_domain(
        classification_service().withdraw_attestation(model, obligation_id, body.reason, _caller(), body.expected_revision))


@router.get("/models/<model_id>/eu-database-record")
def eu_database_record(model_id: int) -> EuDatabaseRecordOut:
    """The Annex VIII data (Section A providers, B Art. 6(3) decisions, C deployers) filled from the registry, with what is missing."""
    model = registry().get_model(model_id)
    version = registry().get_version(model.latest_version.id) if model.latest_version else None
    return EuDatabaseRecordOut(**classification_service().eu_database_record(model, version))

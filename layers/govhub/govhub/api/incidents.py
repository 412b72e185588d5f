"""/api/v1/incidents: the incident register (EU AI Act Art. 73), its reporting steps, the deployer's notice to the
provider (Art. 26(5)), the incident report an authority asks for, and the Art. 73 deadline rules (data admins replace).

The hub records what the organisation tells it (reports sent, references); it does not report to any authority.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import ConfigDict, Field

from govhub.api.context import created, registry
from govhub.api.documents import active_version, replaced, version_page
from govhub.domain.entities import Actor
from govhub.incidents.deadlines import DeadlinesVersion
from govhub.incidents.domain import Incident, IncidentStatus, Severity
from govhub.schemas import IsoDateTime, LongText, Reason, Schema, Short

if TYPE_CHECKING:
    from govhub.incidents.service import IncidentService

router = APIGatewayHttpRouter()

Kind = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="For a serious incident: the kind that fixes the "
                            "Art. 73 deadline (GET /api/v1/incidents/deadlines lists them).")]
Reference = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$")]


@lru_cache(maxsize=1)
def incidents() -> IncidentService:
    from govhub.incidents.service import IncidentService
    from govhub.store.incidents import IncidentRepository

    return IncidentService(registry(), IncidentRepository())


# -- shapes ----------------------------------------------------------------------------------
class ProviderNotificationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    notified_at: IsoDateTime
    provider: Short
    reference: Reference | None = None
    expected_revision: Annotated[int | None, Field(ge=1)] = None


class IncidentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    model_id: Annotated[int, Field(ge=1)]
    title: Short
    description: Annotated[LongText, Field(min_length=1)]
    occurred_at: IsoDateTime
    aware_at: Annotated[IsoDateTime, Field(description="When the organisation became aware: the Art. 73 clock starts here.")]
    severity: Severity
    kind: Kind | None = None
    provider_notification: ProviderNotificationIn | None = Field(default=None, description="A deployer's notice to the provider (Art. 26(5)).")
    reason: Reason | None = None


class IncidentStep(Schema):
    model_config = ConfigDict(extra="forbid")

    status: IncidentStatus
    at: Annotated[IsoDateTime | None, Field(description="When the step happened (now if left out).")] = None
    reference: Reference | None = Field(default=None, description="Required for a report: the authority's case or submission number.")
    note: Reason | None = None
    expected_revision: Annotated[int | None, Field(ge=1)] = None


class StepOut(Schema):
    status: IncidentStatus
    at: datetime
    reference: str | None
    by: str
    note: str | None


class ProviderNotificationOut(Schema):
    notified_at: datetime
    provider: str
    reference: str | None
    by: str


class IncidentOut(Schema):
    id: int
    model_id: int
    team: str | None
    title: str
    description: str
    occurred_at: datetime
    aware_at: datetime
    severity: Severity
    kind: str | None
    status: IncidentStatus
    deadline_at: datetime | None = Field(description="The Art. 73 deadline of the initial report (serious incidents).")
    deadline_days: int | None
    deadline_article: str | None
    deadlines_version: int | None
    overdue: bool = Field(description="The initial report is still owed after its deadline.")
    days_left: float | None = Field(description="Days until the deadline (negative when overdue) while the initial report is owed.")
    reported_late: bool
    steps: list[StepOut]
    provider_notification: ProviderNotificationOut | None
    revision: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str

    @classmethod
    def from_domain(cls, i: Incident, now: datetime | None = None) -> IncidentOut:
        now = now or datetime.now(UTC)
        owed = i.status is IncidentStatus.OPEN and i.deadline_at is not None
        return cls(
            id=i.id, model_id=i.model_id, team=i.team, title=i.title, description=i.description, occurred_at=i.occurred_at,
            aware_at=i.aware_at, severity=i.severity, kind=i.kind, status=i.status, deadline_at=i.deadline_at,
            deadline_days=i.deadline_days, deadline_article=i.deadline_article, deadlines_version=i.deadlines_version,
            overdue=i.overdue_at(now), days_left=round((i.deadline_at - now).total_seconds() / 86_400, 2) if owed and i.deadline_at else None,
            reported_late=i.reported_late,
            steps=[StepOut(status=s.status, at=s.at, reference=s.reference, by=s.by, note=s.note) for s in i.steps],
            provider_notification=ProviderNotificationOut(**i.provider_notification.__dict__) if i.provider_notification else None,
            revision=i.revision or 1, created_at=i.stamp.created_at, created_by=i.stamp.created_by,
            updated_at=i.stamp.updated_at, updated_by=i.stamp.updated_by,
        )


class IncidentPage(Schema):
    items: list[IncidentOut]
    next_cursor: str | None = None


class DeadlineRuleOut(Schema):
    kind: str
    days: int
    article: str
    description: str


class DeadlinesOut(Schema):
    version: int
    name: str
    source: str
    kinds: list[DeadlineRuleOut]
    document: dict[str, Any]
    created_at: datetime | None
    created_by: str
    reason: str

    @classmethod
    def from_domain(cls, v: DeadlinesVersion, _active: int) -> DeadlinesOut:
        """The deadlines' shape has no `active` flag; the argument is what every document's route passes (api/documents.py)."""
        d = v.document
        return cls(version=v.version, name=d.name, source=d.source, kinds=[DeadlineRuleOut(**k.model_dump()) for k in d.kinds],
                   document=d.to_json(), created_at=v.created_at, created_by=v.created_by, reason=v.reason or "")


class DeadlinesPage(Schema):
    items: list[DeadlinesOut]
    next_cursor: str | None = None


class DeadlinesReplace(Schema):
    model_config = ConfigDict(extra="forbid")

    document: dict[str, Any] = Field(description="A govhub.incident-deadlines/1 document (see GET /api/v1/incidents/deadlines).")
    reason: Reason
    expected_version: Annotated[int | None, Field(ge=0)] = None


class IncidentReportOut(Schema):
    """What a market surveillance authority asks of a serious incident report (Art. 73), as the hub holds it."""

    report_schema: str = "govhub.incident-report/1"
    generated_at: datetime
    incident: IncidentOut
    system: dict[str, Any]
    timeline: list[dict[str, Any]]
    note: str


# -- routes ----------------------------------------------------------------------------------
def _caller() -> Actor:
    return router.context["principal"].actor


@router.get("/")
def list_incidents(
    status: Annotated[IncidentStatus | None, Query(description="Only incidents in this status.")] = None,
    model_id: Annotated[int | None, Query(ge=1, description="Only this model's incidents.")] = None,
    overdue: Annotated[bool, Query(description="Only serious incidents whose initial report is past its deadline.")] = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query()] = None,
) -> IncidentPage:
    """Incidents, newest awareness first; one filter at a time (each is an index)."""
    page = incidents().list({"status": status.value if status else None, "model_id": model_id, "overdue": overdue}, limit, cursor)
    now = datetime.now(UTC)
    return IncidentPage(items=[IncidentOut.from_domain(i, now) for i in page.items], next_cursor=page.next_cursor)


@router.post("/", status_code=201)
def record_incident(body: Annotated[IncidentIn, Body()]) -> Response[IncidentOut]:
    """Record an incident of a model (audited in its chain). A serious one gets its Art. 73 deadline from its kind."""
    fields = body.model_dump(exclude_none=True)
    fields["severity"] = body.severity
    incident = incidents().record(fields, _caller())
    return created(IncidentOut.from_domain(incident), f"/api/v1/incidents/{incident.id}")


@router.get("/deadlines")
def get_deadlines() -> DeadlinesOut:
    """The active Art. 73 deadline rules (kind → days from awareness), with their source."""
    return active_version(incidents().deadline_rules, DeadlinesOut.from_domain)


@router.get("/deadlines/versions")
def list_deadline_versions(limit: Annotated[int, Query(ge=1, le=100)] = 20, cursor: Annotated[str | None, Query()] = None) -> DeadlinesPage:
    return version_page(incidents().deadline_rules, limit, cursor, DeadlinesOut.from_domain, DeadlinesPage)


@router.put("/deadlines")
def replace_deadlines(body: Annotated[DeadlinesReplace, Body()]) -> DeadlinesOut:
    """Store a new version of the deadline rules and make it active (admins; validated, audited). Incidents keep the
    deadline they were given."""
    return replaced(incidents().deadline_rules, body, _caller(), DeadlinesOut.from_domain)


@router.get("/<incident_id>")
def get_incident(incident_id: int) -> IncidentOut:
    return IncidentOut.from_domain(incidents().get(incident_id))


@router.patch("/<incident_id>/status")
def step_incident(incident_id: int, body: Annotated[IncidentStep, Body()]) -> IncidentOut:
    """Record the next step: open → initial_report_sent → final_report_sent → closed, each with its date and reference."""
    incident = incidents().step(incident_id, body.status, body.at, body.reference, body.note, _caller(), body.expected_revision)
    return IncidentOut.from_domain(incident)


@router.put("/<incident_id>/provider-notification")
def notify_provider(incident_id: int, body: Annotated[ProviderNotificationIn, Body()]) -> IncidentOut:
    """Record that the deployer informed the provider of the incident (Art. 26(5))."""
    incident = incidents().notify_provider(incident_id, body.notified_at, body.provider, body.reference, _caller(), body.expected_revision)
    return IncidentOut.from_domain(incident)


@router.get("/<incident_id>/report")
def incident_report(incident_id: int) -> IncidentReportOut:
    """The incident report as JSON: the system, the incident, its Art. 73 clock and every recorded step."""
    incident = incidents().get(incident_id)
    model = registry().get_model(incident.model_id)
    return IncidentReportOut(**incident_report_document(incident, model))


def incident_report_document(incident: Incident, model: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    timeline: list[dict[str, Any]] = [{"event": "occurred", "at": incident.occurred_at.isoformat()},
                {"event": "organisation aware (Art. 73 clock starts)", "at": incident.aware_at.isoformat()}]
    if incident.provider_notification:
        timeline.append({"event": f"provider {incident.provider_notification.provider} notified (Art. 26(5))",
                         "at": incident.provider_notification.notified_at.isoformat(), "reference": incident.provider_notification.reference})
    if incident.deadline_at:
        timeline.append({"event": f"initial report deadline ({incident.deadline_article}, {incident.deadline_days} days)",
                         "at": incident.deadline_at.isoformat()})
    timeline += [{"event": s.status.value.replace("_", " "), "at": s.at.isoformat(), "reference": s.reference, "by": s.by}
                 for s in incident.steps]
    timeline.sort(key=lambda e: str(e["at"]))
    return {
        "generated_at": now,
        "incident": IncidentOut.from_domain(incident, now),
        "system": {"model_id": model.id, "name": model.name, "owner": model.owner, "team": model.team,
                   "risk_level": model.risk_level.value, "compliance_status": model.compliance_status.value,
                   "operator_role": model.operator_role.value if model.operator_role else None,
                   "intended_purpose": model.intended_purpose,
                   "approved_version_id": model.approved_version_id,
                   "approval_snapshot_sha256": model.approval.snapshot_sha256},
        "timeline": timeline,
        "note": "Recorded by the organisation in the AI Governance Hub. The hub does not report to authorities: the steps "
                "above are what the organisation recorded it sent, with the references it gave.",
    }

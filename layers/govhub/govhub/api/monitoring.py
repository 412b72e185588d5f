"""Post-market monitoring (EU AI Act Art. 72) under /api/v1: each model's monitoring plan, production observations,
findings and periodic reviews; the needs-attention lists; and the daily sweeps on demand (admins).

Served by the `monitoring` function beside the incident register.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import ConfigDict, Field, model_validator

from govhub.api.context import approved_changes_rule, created, registry
from govhub.domain.entities import Actor
from govhub.monitoring.domain import (
    Finding,
    FindingStatus,
    MetricBound,
    MonitoringPlan,
    Observation,
    Review,
    ReviewOutcome,
    ReviewSchedule,
    ReviewState,
)
from govhub.schemas import IsoDateTime, LongText, MetricName, MetricValue, Reason, Schema, Short

if TYPE_CHECKING:
    from govhub.monitoring.service import MonitoringService

router = APIGatewayHttpRouter()

Limit = Annotated[int, Query(ge=1, le=1000, description="Page size (1..1000).")]
Cursor = Annotated[str | None, Query(description="The next_cursor of the previous page.")]
Environment = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$",
                                   description="Where the value was observed, e.g. production, eu-west, canary.")]
Bound = MetricValue | None  # a number DynamoDB can hold (±1e125; smaller than 1e-130 is 0), as metric values


@lru_cache(maxsize=1)
def monitoring() -> MonitoringService:
    from govhub.monitoring.service import MonitoringService
    from govhub.store.monitoring import MonitoringRepository

    return MonitoringService(registry(), MonitoringRepository())


# -- shapes ----------------------------------------------------------------------------------
class PlannedMetric(Schema):
    model_config = ConfigDict(extra="forbid")

    metric: MetricName
    min: Bound = None
    max: Bound = None
    description: Annotated[str | None, Field(max_length=500)] = None

    @model_validator(mode="after")
    def _bounds(self) -> PlannedMetric:
        if self.min is None and self.max is None:
            raise ValueError(f"{self.metric}: give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"{self.metric}: min ({self.min:g}) is above max ({self.max:g})")
        return self


class MonitoringPlanIn(Schema):
    model_config = ConfigDict(extra="forbid")

    metrics: Annotated[list[PlannedMetric], Field(min_length=1, max_length=50, description="Metrics watched in production, with bounds.")]
    review_cadence_days: Annotated[int, Field(ge=1, le=730, description="Days between periodic reviews.")]
    reviewers: Annotated[list[Short], Field(max_length=20, description="Who reviews (usernames); empty: anyone who may change the model.")] = []
    method_notes: Annotated[LongText | None, Field(description="How the monitoring is done: data, sampling, tools.")] = None
    reason: Reason | None = None
    expected_revision: Annotated[int | None, Field(ge=1, description="The plan's revision you read; 409 if it moved on.")] = None


class PlannedMetricOut(Schema):
    metric: str
    min: float | None
    max: float | None
    description: str | None


class MonitoringPlanOut(Schema):
    model_id: int
    metrics: list[PlannedMetricOut]
    review_cadence_days: int
    reviewers: list[str]
    method_notes: str | None
    revision: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    model_compliance_status: str | None = Field(default=None, description="The model's status after this write (a changed plan reopens review of an approved model).")
    model_revision: int | None = None

    @classmethod
    def from_domain(cls, plan: MonitoringPlan, status: str | None = None, model_revision: int | None = None) -> MonitoringPlanOut:
        return cls(
            model_id=plan.model_id, metrics=[PlannedMetricOut(**b.as_json()) for b in plan.metrics],
            review_cadence_days=plan.review_cadence_days, reviewers=list(plan.reviewers), method_notes=plan.method_notes,
            revision=plan.revision or 1, created_at=plan.stamp.created_at, created_by=plan.stamp.created_by,
            updated_at=plan.stamp.updated_at, updated_by=plan.stamp.updated_by, model_compliance_status=status,
            model_revision=model_revision,
        )


class ObservationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    metric: MetricName
    value: MetricValue
    observed_at: Annotated[IsoDateTime, Field(description="When the value was observed (ISO 8601; UTC if no offset).")]
    environment: Environment = "production"


class ObservationBatch(Schema):
    model_config = ConfigDict(extra="forbid")

    observations: Annotated[list[ObservationIn], Field(min_length=1, max_length=500)]


class ObservationOut(Schema):
    metric: str
    value: float
    observed_at: datetime
    environment: str
    recorded_by: str
    recorded_at: datetime

    @classmethod
    def from_domain(cls, o: Observation) -> ObservationOut:
        return cls(metric=o.metric, value=o.value, observed_at=o.observed_at, environment=o.environment,
                   recorded_by=o.recorded_by, recorded_at=o.recorded_at)


class ObservationPage(Schema):
    items: list[ObservationOut]
    next_cursor: str | None = None


class FindingOut(Schema):
    model_id: int
    metric: str
    status: FindingStatus
    reason: str
    opened_at: datetime
    last_value: float
    last_observed_at: datetime
    environment: str
    min: float | None
    max: float | None
    breaches: int = Field(description="Observations outside the bounds since the finding opened.")
    resolved_at: datetime | None
    revision: int

    @classmethod
    def from_domain(cls, f: Finding) -> FindingOut:
        return cls(model_id=f.model_id, metric=f.metric, status=f.status, reason=f.reason, opened_at=f.opened_at,
                   last_value=f.last_value, last_observed_at=f.last_observed_at, environment=f.environment, min=f.min,
                   max=f.max, breaches=f.breaches, resolved_at=f.resolved_at, revision=f.revision or 1)


class FindingList(Schema):
    items: list[FindingOut]


class FindingPage(Schema):
    items: list[FindingOut]
    next_cursor: str | None = None


class ObservationResult(Schema):
    stored: int = Field(description="Observations stored (a resent one overwrites itself).")
    opened: list[FindingOut]
    updated: list[FindingOut]
    resolved: list[FindingOut]
    unplanned_metrics: list[str] = Field(description="Metrics stored but not in the monitoring plan (no finding is judged for them).")


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: ReviewOutcome
    notes: Annotated[LongText, Field(min_length=1, description="What was reviewed and concluded.")]
    reviewed_at: Annotated[IsoDateTime | None, Field(description="When the review took place; now if left out.")] = None


class ReviewScheduleOut(Schema):
    model_id: int
    due_at: datetime
    cadence_days: int
    state: ReviewState
    last_review_at: datetime | None
    marked_at: datetime | None = Field(description="When the sweep last marked the review due or overdue.")

    @classmethod
    def from_domain(cls, s: ReviewSchedule) -> ReviewScheduleOut:
        return cls(model_id=s.model_id, due_at=s.due_at, cadence_days=s.cadence_days, state=s.state,
                   last_review_at=s.last_review_at, marked_at=s.marked_at)


class ReviewOut(Schema):
    model_id: int
    review_id: str
    outcome: ReviewOutcome
    notes: str
    reviewed_at: datetime
    reviewed_by: str
    next_due_at: datetime

    @classmethod
    def from_domain(cls, r: Review) -> ReviewOut:
        return cls(model_id=r.model_id, review_id=r.review_id, outcome=r.outcome, notes=r.notes, reviewed_at=r.reviewed_at,
                   reviewed_by=r.stamp.created_by, next_due_at=r.next_due_at)


class ReviewRecorded(Schema):
    review: ReviewOut
    schedule: ReviewScheduleOut


class ReviewPage(Schema):
    items: list[ReviewOut]
    schedule: ReviewScheduleOut | None = Field(description="The next review, if the model has a monitoring plan.")
    next_cursor: str | None = None


class ReviewSchedulePage(Schema):
    items: list[ReviewScheduleOut]
    next_cursor: str | None = None


class SweepRun(Schema):
    ran_at: datetime
    counts: dict[str, dict[str, int]] = Field(description="Per sweep: what it read, found and marked (the notifier announces each mark).")


# -- routes ----------------------------------------------------------------------------------
def _caller() -> Actor:
    return router.context["principal"].actor


@router.get("/models/<model_id>/monitoring-plan")
def get_monitoring_plan(model_id: int) -> MonitoringPlanOut:
    """The model's post-market monitoring plan (Art. 72): planned metrics with bounds, review cadence, reviewers, method."""
    return MonitoringPlanOut.from_domain(monitoring().plan(model_id))


@router.put("/models/<model_id>/monitoring-plan")
def put_monitoring_plan(model_id: int, body: Annotated[MonitoringPlanIn, Body()]) -> MonitoringPlanOut:
    """Write the plan (audited; 409 on a stale expected_revision). An approval seals the plan: changing the plan of an
    approved model reopens its review in the same write (or is refused, if the active policy refuses such changes)."""
    bounds = [MetricBound(m.metric, m.min, m.max, m.description) for m in body.metrics]
    plan, model = monitoring().put_plan(
        model_id, bounds, body.review_cadence_days, list(body.reviewers), body.method_notes, _caller(), body.reason,
        body.expected_revision, approved_changes=approved_changes_rule(),
    )
    return MonitoringPlanOut.from_domain(plan, model.compliance_status.value, model.revision)


@router.post("/models/<model_id>/observations")
def record_observations(model_id: int, body: Annotated[ObservationBatch, Body()]) -> ObservationResult:
    """Record production values (a batch of up to 500; idempotent: the same metric, time and environment is stored once).
    A value outside the plan's bounds opens the metric's finding (one per metric), one back within them resolves it;
    the notifier announces both once they are written (`Monitoring Finding Opened` / `Resolved`). The model's status
    does not change."""
    values = [(o.metric, o.value, o.observed_at, o.environment) for o in body.observations]
    outcome = monitoring().observe(model_id, values, _caller())
    return ObservationResult(
        stored=outcome.stored, opened=[FindingOut.from_domain(f) for f in outcome.opened],
        updated=[FindingOut.from_domain(f) for f in outcome.updated], resolved=[FindingOut.from_domain(f) for f in outcome.resolved],
        unplanned_metrics=outcome.unplanned_metrics,
    )


@router.get("/models/<model_id>/observations")
def list_observations(
    model_id: int,
    metric: Annotated[str, Query(min_length=1, max_length=64, description="The metric (one Query per metric).")],
    since: Annotated[datetime | None, Query(description="Observed at or after (ISO 8601).")] = None,
    until: Annotated[datetime | None, Query(description="Observed at or before (ISO 8601).")] = None,
    limit: Limit = 400,
    cursor: Cursor = None,
) -> ObservationPage:
    """One metric's production values, oldest first (a year of daily values is one page)."""
    page = monitoring().observations(model_id, metric, since, until, limit, cursor)
    return ObservationPage(items=[ObservationOut.from_domain(o) for o in page.items], next_cursor=page.next_cursor)


@router.get("/models/<model_id>/findings")
def list_findings(
    model_id: int, status: Annotated[FindingStatus | None, Query(description="open or resolved; all if left out.")] = None,
) -> FindingList:
    """The model's monitoring findings (one per planned metric that left its bounds)."""
    return FindingList(items=[FindingOut.from_domain(f) for f in monitoring().findings(model_id, status)])


@router.get("/monitoring/findings")
def list_open_findings(limit: Limit = 50, cursor: Cursor = None) -> FindingPage:
    """Open findings of every model, oldest first (the dashboard's needs-attention panel)."""
    page = monitoring().open_findings(limit, cursor)
    return FindingPage(items=[FindingOut.from_domain(f) for f in page.items], next_cursor=page.next_cursor)


@router.post("/models/<model_id>/reviews", status_code=201)
def record_review(model_id: int, body: Annotated[ReviewIn, Body()]) -> Response[ReviewRecorded]:
    """Record a periodic review (outcome continue, restrict or withdraw; audited). The next one falls due a cadence later."""
    review, schedule = monitoring().record_review(model_id, body.outcome, body.notes, body.reviewed_at, _caller())
    answer = ReviewRecorded(review=ReviewOut.from_domain(review), schedule=ReviewScheduleOut.from_domain(schedule))
    return created(answer, f"/api/v1/models/{model_id}/reviews")


@router.get("/models/<model_id>/reviews")
def list_reviews(model_id: int, limit: Annotated[int, Query(ge=1, le=100)] = 20, cursor: Cursor = None) -> ReviewPage:
    """The model's periodic reviews, newest first, and when the next one is due."""
    service = monitoring()
    page = service.reviews(model_id, limit, cursor)
    schedule = service.schedule(model_id)
    return ReviewPage(items=[ReviewOut.from_domain(r) for r in page.items],
                      schedule=ReviewScheduleOut.from_domain(schedule) if schedule else None, next_cursor=page.next_cursor)


@router.get("/monitoring/reviews-due")
def list_reviews_due(limit: Annotated[int, Query(ge=1, le=100)] = 50, cursor: Cursor = None) -> ReviewSchedulePage:
    """Reviews due within a week or overdue, earliest first (read through the due-date index)."""
    found, next_cursor = monitoring().reviews_needing_attention(limit, cursor)
    return ReviewSchedulePage(items=[ReviewScheduleOut.from_domain(s) for s in found], next_cursor=next_cursor)


@router.post("/admin/sweeps")
def run_sweeps() -> SweepRun:
    """Run the daily sweeps now (admins; the sweeper function runs them daily): reviews due or overdue, incident
    report deadlines, evidence expiry. Each marks a change once (the notifier announces the mark); running them twice
    marks nothing new."""
    from govhub.sweeps import run_all

    ran_at, counts = run_all()
    return SweepRun(ran_at=ran_at, counts=counts)

"""Monitoring use cases: the plan (a governed part of an approval), observations and findings, periodic reviews.

The service takes its ports as constructor arguments: the registry (ownership, the approval rules of a governed
change) and the monitoring store. It announces nothing itself: the notifier announces findings opened or resolved and
reviews falling due or overdue from the committed changes, on the table's stream.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from govhub.domain.entities import Actor, AIModel, Page, Stamp
from govhub.errors import ForbiddenError, NotFoundError, StaleWriteError, ValidationFailedError
from govhub.monitoring.domain import (
    REVIEW_NOTICE_DAYS,
    Finding,
    FindingStatus,
    MetricBound,
    MonitoringPlan,
    Observation,
    ObservationOutcome,
    Review,
    ReviewOutcome,
    ReviewSchedule,
    ReviewState,
)
from govhub.store.repository import ConditionFailedError

PLAN_PART = "monitoring_plan"
MAX_OBSERVATIONS_PER_CALL = 500
SWEEPER = Actor("system:sweeper", "system")


class ModelAccess(Protocol):
    """What the registry offers (govhub.services.registry.Registry)."""

    def get_model(self, model_id: int) -> AIModel: ...
    def ensure_may_change(self, model: AIModel, by: Actor) -> None: ...
    def change_governed_part(self, model_id: int, part: str, by: Actor, reason: str,
                             approved_changes: Callable[[], str] | None = None,
                             also: Callable[[Any], None] | None = None) -> AIModel: ...


class MonitoringStore(Protocol):
    def get_plan(self, model_id: int) -> MonitoringPlan | None: ...
    def plan_writer(self, plan: MonitoringPlan, schedule: ReviewSchedule) -> Callable[[Any], None]: ...
    def get_schedule(self, model_id: int) -> ReviewSchedule | None: ...
    def schedules_due_by(self, until: datetime, limit: int | None = None, cursor: str | None = None) -> tuple[list[ReviewSchedule], str | None]: ...
    def mark_schedule(self, schedule: ReviewSchedule) -> None: ...
    def record_review(self, review: Review, schedule: ReviewSchedule) -> None: ...
    def list_reviews(self, model_id: int, limit: int, cursor: str | None) -> Page: ...
    def put_observations(self, observations: list[Observation]) -> int: ...
    def observations(self, model_id: int, metric: str, since: datetime | None, until: datetime | None,
                     limit: int, cursor: str | None) -> Page: ...
    def findings(self, model_id: int) -> list[Finding]: ...
    def save_findings(self, findings: list[Finding]) -> None: ...
    def open_findings(self, limit: int, cursor: str | None) -> Page: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class MonitoringService:
    def __init__(self, models: ModelAccess, store: MonitoringStore, clock: Callable[[], datetime] = utc_now) -> None:
        self._models = models
        self._store = store
        self._clock = clock

    # -- the plan -------------------------------------------------------------------------------
    def plan(self, model_id: int) -> MonitoringPlan:
        self._models.get_model(model_id)
        plan = self._store.get_plan(model_id)
        if plan is None:
            raise NotFoundError(
                f"Model {model_id} has no monitoring plan yet. Write one with PUT /api/v1/models/{model_id}/monitoring-plan.",
                {"model_id": model_id},
            )
        return plan

    def put_plan(
        self,
        model_id: int,
        metrics: list[MetricBound],
        review_cadence_days: int,
        reviewers: list[str],
        method_notes: str | None,
        by: Actor,
        reason: str | None,
        expected_revision: int | None,
        approved_changes: Callable[[], str] | None = None,
    ) -> tuple[MonitoringPlan, AIModel]:
        """Write the plan and, in the same transaction, apply the approval rules to its model: a change of an
        approved model's plan reopens review (or is refused, if the policy says so)."""
        model = self._models.get_model(model_id)
        self._models.ensure_may_change(model, by)
        names = [b.metric for b in metrics]
        if len(set(names)) != len(names):
            raise ValidationFailedError("Each metric appears once in a monitoring plan.", [{"field": "metrics", "message": "a metric is listed twice"}])
        current = self._store.get_plan(model_id)
        current_revision = current.revision if current else None
        if expected_revision is not None and expected_revision != (current_revision or 0):
            raise self._stale(model_id, current_revision, expected_revision)
        now = self._clock()
        why = reason or ("Monitoring plan changed" if current else "Monitoring plan written")
        stamp = Stamp(current.stamp.created_at if current else now, current.stamp.created_by if current else by.username,
                      now, by.username, by.role, why, dict(by.claimed_context) if by.claimed_context else None)
        plan = MonitoringPlan(model_id, tuple(metrics), review_cadence_days, tuple(reviewers), method_notes, stamp, current_revision)
        schedule = self._store.get_schedule(model_id)
        since = schedule.last_review_at if schedule and schedule.last_review_at else (current.stamp.created_at if current else now)
        due = since + timedelta(days=review_cadence_days)
        first = schedule.stamp if schedule and schedule.stamp else stamp
        new_schedule = ReviewSchedule(model_id, due, review_cadence_days, last_review_at=schedule.last_review_at if schedule else None,
                                      stamp=replace(stamp, created_at=first.created_at, created_by=first.created_by))
        new_schedule.state = new_schedule.state_at(now) if schedule is None or schedule.due_at != due else schedule.state
        try:
            updated = self._models.change_governed_part(
                model_id, PLAN_PART, by, f"Monitoring plan: {why}" if reason else why, approved_changes,
                also=self._store.plan_writer(plan, new_schedule),
            )
        except ConditionFailedError:
            fresh = self._store.get_plan(model_id)
            raise self._stale(model_id, fresh.revision if fresh else None, expected_revision) from None
        stored = self._store.get_plan(model_id)
        return (stored or plan), updated

    # -- observations and findings ------------------------------------------------------------
    def observe(self, model_id: int, values: list[tuple[str, float, datetime, str]], by: Actor) -> ObservationOutcome:
        """Store production values `(metric, value, observed_at, environment)`; a value outside the plan's bounds
        opens (or updates) the metric's one finding, a value back within them resolves it. Sending the same batch
        again stores nothing new and changes no finding."""
        model = self._models.get_model(model_id)
        self._models.ensure_may_change(model, by)
        now = self._clock()
        observations = [Observation(model_id, metric, value, _utc(at), environment, by.username, now)
                        for metric, value, at, environment in values]
        stored = self._store.put_observations(observations)
        plan = self._store.get_plan(model_id)
        if plan is None:
            return ObservationOutcome(stored, unplanned_metrics=sorted({o.metric for o in observations}))
        findings = {f.metric: f for f in self._store.findings(model_id)}
        latest: dict[str, Observation] = {}
        for o in observations:
            known = latest.get(o.metric)
            if known is None or o.observed_at > known.observed_at:
                latest[o.metric] = o
        opened: list[Finding] = []
        updated: list[Finding] = []
        resolved: list[Finding] = []
        for metric, o in sorted(latest.items()):
            bound = plan.bound(metric)
            if bound is None:
                continue
            finding = findings.get(metric)
            if finding is not None and o.observed_at <= finding.last_observed_at:
                continue  # older than what the finding already judged (or the same observation, resent)
            breach = bound.breach(o.value)
            is_open = finding is not None and finding.status is FindingStatus.OPEN
            outside = sum(1 for x in observations if x.metric == metric and bound.breach(x.value))
            if breach and not is_open:
                opened.append(Finding(model_id, metric, FindingStatus.OPEN, now, breach, o.value, o.observed_at, o.environment,
                                      bound.min, bound.max, outside, self._stamp(by, now, f"Finding opened: {breach}", finding),
                                      revision=finding.revision if finding else None))
            elif breach and finding is not None:
                updated.append(replace(finding, reason=breach, last_value=o.value, last_observed_at=o.observed_at,
                                       environment=o.environment, min=bound.min, max=bound.max, breaches=finding.breaches + outside,
                                       stamp=self._stamp(by, now, f"Finding updated: {breach}", finding)))
            elif is_open and finding is not None:
                back = f"{metric} is {o.value:g}, within the planned bounds again"
                resolved.append(replace(finding, status=FindingStatus.RESOLVED, resolved_at=now, reason=back, last_value=o.value,
                                        last_observed_at=o.observed_at, environment=o.environment,
                                        stamp=self._stamp(by, now, f"Finding resolved: {back}", finding)))
        try:
            self._store.save_findings([*opened, *updated, *resolved])
        except ConditionFailedError:
            raise StaleWriteError(
                f"The findings of model {model_id} changed while these observations were judged; send the batch again "
                "(observations are idempotent).", {"model_id": model_id},
            ) from None
        planned = {b.metric for b in plan.metrics}
        return ObservationOutcome(stored, opened, updated, resolved, sorted({o.metric for o in observations} - planned))

    def observations(self, model_id: int, metric: str, since: datetime | None, until: datetime | None,
                     limit: int, cursor: str | None) -> Page:
        self._models.get_model(model_id)
        return self._store.observations(model_id, metric, since, until, limit, cursor)

    def findings(self, model_id: int, status: FindingStatus | None = None) -> list[Finding]:
        self._models.get_model(model_id)
        return [f for f in self._store.findings(model_id) if status is None or f.status is status]

    def open_findings(self, limit: int, cursor: str | None) -> Page:
        return self._store.open_findings(limit, cursor)

    # -- reviews -------------------------------------------------------------------------------
    def record_review(self, model_id: int, outcome: ReviewOutcome, notes: str, reviewed_at: datetime | None, by: Actor) -> tuple[Review, ReviewSchedule]:
        model = self._models.get_model(model_id)
        self._models.ensure_may_change(model, by)
        plan = self._store.get_plan(model_id)
        if plan is None:
            raise ValidationFailedError(
                f"Model {model_id} has no monitoring plan, so no review cadence: write the plan first "
                f"(PUT /api/v1/models/{model_id}/monitoring-plan).", [{"field": "model_id", "message": "no monitoring plan"}],
            )
        if plan.reviewers and not by.is_admin and by.username.casefold() not in {r.casefold() for r in plan.reviewers}:
            raise ForbiddenError(
                f"The monitoring plan of model {model_id} names its reviewers ({', '.join(plan.reviewers)}); "
                f"{by.username} is not one of them.", {"model_id": model_id, "reviewers": list(plan.reviewers)},
            )
        now = self._clock()
        at = _utc(reviewed_at) if reviewed_at else now
        if at > now + timedelta(minutes=5):
            raise ValidationFailedError("A review is recorded after it took place: reviewed_at is in the future.",
                                        [{"field": "reviewed_at", "message": "in the future"}])
        due = at + timedelta(days=plan.review_cadence_days)
        review = Review(model_id, uuid.uuid4().hex[:12], outcome, notes, at, due,
                        Stamp(now, by.username, now, by.username, by.role, f"Periodic review: {outcome.value}"))
        schedule = ReviewSchedule(model_id, due, plan.review_cadence_days, last_review_at=at, stamp=review.stamp)
        schedule.state = schedule.state_at(now)
        self._store.record_review(review, schedule)
        return review, schedule

    def reviews(self, model_id: int, limit: int, cursor: str | None) -> Page:
        self._models.get_model(model_id)
        return self._store.list_reviews(model_id, limit, cursor)

    def schedule(self, model_id: int) -> ReviewSchedule | None:
        self._models.get_model(model_id)
        return self._store.get_schedule(model_id)

    def reviews_needing_attention(self, limit: int, cursor: str | None) -> tuple[list[ReviewSchedule], str | None]:
        """Reviews due within the notice period or overdue, earliest first."""
        now = self._clock()
        found, next_cursor = self._store.schedules_due_by(now + timedelta(days=7), limit, cursor)
        for schedule in found:
            schedule.state = schedule.state_at(now)
        return found, next_cursor

    # -- the daily sweep -----------------------------------------------------------------------
    def sweep_reviews(self, now: datetime) -> dict[str, int]:
        """Find reviews due (within the notice period) or overdue through the due-date index and mark each change of
        state on the schedule, once; the notifier announces the marks (`Review Due`, `Review Overdue`). Reads only what
        falls due."""
        counts = {"reviews_read": 0, "reviews_due": 0, "reviews_overdue": 0, "reviews_marked": 0}
        due, _ = self._store.schedules_due_by(now + timedelta(days=REVIEW_NOTICE_DAYS))
        for schedule in due:
            counts["reviews_read"] += 1
            state = schedule.state_at(now)
            if state is ReviewState.SCHEDULED:
                continue
            counts["reviews_due" if state is ReviewState.DUE else "reviews_overdue"] += 1
            if schedule.state is state:
                continue  # marked already
            first = schedule.stamp
            why = (f"Periodic review due on {schedule.due_at.date().isoformat()}" if state is ReviewState.DUE
                   else f"Periodic review overdue since {schedule.due_at.date().isoformat()}")
            schedule.state, schedule.marked_at = state, now
            schedule.stamp = Stamp(first.created_at if first else now, first.created_by if first else SWEEPER.username,
                                   now, SWEEPER.username, SWEEPER.role, why)
            try:
                self._store.mark_schedule(schedule)
            except ConditionFailedError:  # a review recorded meanwhile moved the due date: the next sweep judges it again
                continue
            counts["reviews_marked"] += 1
        return counts

    # -- helpers --------------------------------------------------------------------------------
    @staticmethod
    def _stamp(by: Actor, now: datetime, reason: str, previous: Finding | None) -> Stamp:
        created = previous.stamp if previous else None
        return Stamp(created.created_at if created else now, created.created_by if created else by.username, now, by.username, by.role, reason)

    @staticmethod
    def _stale(model_id: int, current: int | None, expected: int | None) -> StaleWriteError:
        return StaleWriteError(
            f"The monitoring plan of model {model_id} has changed since you read it (now at revision {current or 0}). Reload and try again.",
            {"current_revision": current or 0, "expected_revision": expected},
        )


def _utc(value: datetime) -> datetime:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)

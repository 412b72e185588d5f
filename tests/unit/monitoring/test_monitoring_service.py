"""The monitoring and incident services over in-memory stores: findings one per metric, the review sweep's states
marked once (with who and why: the notifier announces the marks, tests/unit/audit_stream/test_notifier_events.py),
incidents' Art. 73 deadlines and the overdue flag."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from govhub.domain.entities import Actor, AIModel, Page, Stamp
from govhub.domain.lifecycle import RiskLevel
from govhub.incidents.deadlines import DeadlinesVersion, default_deadlines
from govhub.incidents.domain import Incident, Severity
from govhub.incidents.service import IncidentService
from govhub.monitoring.domain import Finding, MetricBound, MonitoringPlan, Observation, Review, ReviewSchedule, ReviewState
from govhub.monitoring.service import MonitoringService

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
OWNER = Actor("omar.owner", "model_owner", frozenset({"ml"}))


class Models:
    def __init__(self) -> None:
        self.model = AIModel(7, "fraud", "ML", Stamp(NOW, "omar.owner", NOW, "omar.owner", "model_owner"), team="ml",
                             risk_level=RiskLevel.HIGH)

    def get_model(self, model_id: int) -> AIModel:
        return self.model

    def ensure_may_change(self, model: AIModel, by: Actor) -> None:
        return None

    def change_governed_part(self, model_id: int, part: str, by: Actor, reason: str, approved_changes: Any = None,
                             also: Callable[[Any], None] | None = None) -> AIModel:
        if also is not None:
            also(None)
        return self.model


class Store:
    def __init__(self) -> None:
        self.plan: MonitoringPlan | None = None
        self.schedule: ReviewSchedule | None = None
        self.found: dict[str, Finding] = {}
        self.stored: dict[tuple[str, datetime, str], Observation] = {}

    def get_plan(self, model_id: int) -> MonitoringPlan | None:
        return self.plan

    def plan_writer(self, plan: MonitoringPlan, schedule: ReviewSchedule) -> Callable[[Any], None]:
        def write(_: Any) -> None:
            self.plan, self.schedule = replace(plan, revision=(plan.revision or 0) + 1), schedule
        return write

    def get_schedule(self, model_id: int) -> ReviewSchedule | None:
        return self.schedule

    def schedules_due_by(self, until: datetime, limit: int | None = None, cursor: str | None = None) -> tuple[list[ReviewSchedule], str | None]:
        return ([replace(self.schedule)] if self.schedule and self.schedule.due_at <= until else []), None

    def mark_schedule(self, schedule: ReviewSchedule) -> None:
        self.schedule = replace(schedule)

    def record_review(self, review: Review, schedule: ReviewSchedule) -> None:
        self.schedule = schedule

    def list_reviews(self, model_id: int, limit: int, cursor: str | None) -> Page:
        return Page(items=[])

    def put_observations(self, observations: list[Observation]) -> int:
        for o in observations:
            self.stored[(o.metric, o.observed_at, o.environment)] = o
        return len(observations)

    def observations(self, *args: Any) -> Page:
        return Page(items=list(self.stored.values()))

    def findings(self, model_id: int) -> list[Finding]:
        return [replace(f) for f in self.found.values()]

    def save_findings(self, findings: list[Finding]) -> None:
        for f in findings:
            self.found[f.metric] = replace(f, revision=(f.revision or 0) + 1)

    def open_findings(self, limit: int, cursor: str | None) -> Page:
        return Page(items=[f for f in self.found.values() if f.status.value == "open"])


@pytest.fixture
def world() -> tuple[MonitoringService, Store]:
    store = Store()
    service = MonitoringService(Models(), store, clock=lambda: NOW)
    service.put_plan(7, [MetricBound("drift_score", max=0.2), MetricBound("accuracy", min=0.9)], 10, [], None, OWNER, None, None)
    return service, store


def test_one_finding_per_metric_opens_updates_and_resolves(world: Any) -> None:
    service, store = world
    day = NOW - timedelta(days=3)

    first = service.observe(7, [("drift_score", 0.3, day, "production"), ("drift_score", 0.4, day + timedelta(hours=1), "production")], OWNER)
    second = service.observe(7, [("drift_score", 0.5, day + timedelta(days=1), "production")], OWNER)
    resent = service.observe(7, [("drift_score", 0.5, day + timedelta(days=1), "production")], OWNER)
    back = service.observe(7, [("drift_score", 0.1, day + timedelta(days=2), "production")], OWNER)

    assert [f.breaches for f in first.opened] == [2] and second.updated[0].breaches == 3
    assert resent.opened == resent.updated == resent.resolved == []
    assert back.resolved[0].reason == "drift_score is 0.1, within the planned bounds again"
    assert store.found["drift_score"].status.value == "resolved"
    assert store.found["drift_score"].stamp.change_reason == "Finding resolved: drift_score is 0.1, within the planned bounds again"


def test_the_plan_writes_the_schedule_with_its_author_and_reason(world: Any) -> None:
    _, store = world

    assert store.schedule is not None and store.schedule.state is ReviewState.SCHEDULED
    assert store.schedule.stamp is not None
    assert (store.schedule.stamp.updated_by, store.schedule.stamp.change_reason) == ("omar.owner", "Monitoring plan written")


def test_the_review_sweep_marks_due_then_overdue_once_each_as_the_sweeper(world: Any) -> None:
    service, store = world

    quiet = service.sweep_reviews(NOW)
    due = service.sweep_reviews(NOW + timedelta(days=4))
    marked_due = replace(store.schedule)
    again = service.sweep_reviews(NOW + timedelta(days=5))
    overdue = service.sweep_reviews(NOW + timedelta(days=11))

    assert quiet["reviews_read"] == 0
    assert (due["reviews_due"], due["reviews_marked"]) == (1, 1)
    assert (again["reviews_due"], again["reviews_marked"]) == (1, 0)
    assert (overdue["reviews_overdue"], overdue["reviews_marked"]) == (1, 1)
    assert (marked_due.state, marked_due.marked_at) == (ReviewState.DUE, NOW + timedelta(days=4))
    assert marked_due.stamp is not None and marked_due.stamp.change_reason == "Periodic review due on 2026-12-16"
    assert store.schedule.state is ReviewState.OVERDUE and store.schedule.stamp is not None
    stamp = store.schedule.stamp
    assert (stamp.updated_by, stamp.updated_by_role, stamp.updated_at) == ("system:sweeper", "system", NOW + timedelta(days=11))
    assert stamp.change_reason == "Periodic review overdue since 2026-12-16"
    assert (stamp.created_by, stamp.created_at) == ("omar.owner", NOW)  # the schedule's creation stays the plan's


class Incidents:
    def __init__(self) -> None:
        self.items: dict[int, Incident] = {}

    def allocate_id(self) -> int:
        return len(self.items) + 1

    def get(self, incident_id: int) -> Incident | None:
        return self.items.get(incident_id)

    def create(self, incident: Incident) -> Incident:
        self.items[incident.id] = replace(incident, revision=1)
        return self.items[incident.id]

    def save(self, incident: Incident) -> Incident:
        self.items[incident.id] = replace(incident, revision=(incident.revision or 0) + 1)
        return self.items[incident.id]

    def list(self, filters: dict[str, Any], limit: int, cursor: str | None) -> Page:
        return Page(items=list(self.items.values()))

    def report_due_by(self, until: datetime) -> list[Incident]:
        return [i for i in self.items.values() if i.deadline_at and i.status.value == "open" and i.deadline_at <= until]

    @property
    def deadlines(self) -> NoStoredDeadlines:
        return NoStoredDeadlines()


class NoStoredDeadlines:
    """No admin has replaced the deadline rules: the shipped ones apply."""

    def active(self) -> DeadlinesVersion | None:
        return None

    def list(self, limit: int, cursor: str | None) -> Page:
        return Page(items=[])

    def activate(self, new: DeadlinesVersion, replaces: int) -> None:
        return None


def test_the_deadline_sweep_flags_an_overdue_report_once_as_the_sweeper() -> None:
    incidents = Incidents()
    service = IncidentService(Models(), incidents, clock=lambda: NOW)
    recorded = service.record({"model_id": 7, "title": "Harm", "description": "d", "occurred_at": NOW - timedelta(days=1),
                               "aware_at": NOW - timedelta(hours=1), "severity": Severity.SERIOUS, "kind": "critical_infrastructure"}, OWNER)

    before = service.sweep_deadlines(NOW + timedelta(days=1))
    after = service.sweep_deadlines(NOW + timedelta(days=2))
    later = service.sweep_deadlines(NOW + timedelta(days=3))

    assert recorded.deadline_at == NOW - timedelta(hours=1) + timedelta(days=2)
    assert before["incidents_read"] == 0 and after["incidents_flagged"] == 1 and later["incidents_flagged"] == 0
    flagged = incidents.items[recorded.id]
    assert flagged.overdue_marked_at == NOW + timedelta(days=2)
    assert (flagged.stamp.updated_by, flagged.stamp.updated_by_role) == ("sweeper", "system")
    assert flagged.stamp.change_reason == f"Art. 73 initial report overdue since {recorded.deadline_at.isoformat()}"


def test_the_shipped_deadlines_cite_art_73_for_every_kind() -> None:
    document = default_deadlines()
    assert {(k.kind, k.days) for k in document.kinds} == {
        ("widespread_infringement", 2), ("critical_infrastructure", 2), ("death", 10), ("other", 15)}
    assert all(k.article.startswith("Art. 73") for k in document.kinds)

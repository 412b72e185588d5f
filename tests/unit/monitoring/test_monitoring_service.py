"""The monitoring and incident services over in-memory stores: findings one per metric, the review sweep's states
announced once, incidents' Art. 73 deadlines; every event detail matches its published schema (docs/events)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from govhub.domain.entities import Actor, AIModel, Page, Stamp
from govhub.domain.lifecycle import RiskLevel
from govhub.incidents.deadlines import DeadlinesVersion, default_deadlines
from govhub.incidents.domain import Incident, Severity
from govhub.incidents.service import IncidentService
from govhub.monitoring.domain import Finding, MetricBound, MonitoringPlan, Observation, Review, ReviewSchedule
from govhub.monitoring.service import MonitoringService

EVENTS = Path(__file__).resolve().parents[3] / "docs" / "events"
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


class Events:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        self.sent.append((detail_type, json.loads(json.dumps(detail))))


def _valid(detail: dict[str, Any], schema: str) -> None:
    jsonschema.validate(detail, json.loads((EVENTS / schema).read_text()))


@pytest.fixture
def world() -> tuple[MonitoringService, Store, Events, list[datetime]]:
    store, events, clock = Store(), Events(), [NOW]
    service = MonitoringService(Models(), store, events, clock=lambda: clock[0])
    service.put_plan(7, [MetricBound("drift_score", max=0.2), MetricBound("accuracy", min=0.9)], 10, [], None, OWNER, None, None)
    return service, store, events, clock


def test_one_finding_per_metric_opens_updates_and_resolves_with_schema_valid_events(world: Any) -> None:
    service, store, events, _ = world
    day = NOW - timedelta(days=3)

    first = service.observe(7, [("drift_score", 0.3, day, "production"), ("drift_score", 0.4, day + timedelta(hours=1), "production")], OWNER)
    second = service.observe(7, [("drift_score", 0.5, day + timedelta(days=1), "production")], OWNER)
    resent = service.observe(7, [("drift_score", 0.5, day + timedelta(days=1), "production")], OWNER)
    back = service.observe(7, [("drift_score", 0.1, day + timedelta(days=2), "production")], OWNER)

    assert [f.breaches for f in first.opened] == [2] and second.updated[0].breaches == 3
    assert resent.opened == resent.updated == resent.resolved == []
    assert back.resolved[0].reason == "drift_score is 0.1, within the planned bounds again"
    assert [t for t, _ in events.sent] == ["Monitoring Finding Opened", "Monitoring Finding Resolved"]
    for _, detail in events.sent:
        _valid(detail, "monitoring-finding.v1.schema.json")


def test_the_review_sweep_announces_due_then_overdue_once_each(world: Any) -> None:
    service, store, events, clock = world

    quiet = service.sweep_reviews(NOW)
    due = service.sweep_reviews(NOW + timedelta(days=4))
    again = service.sweep_reviews(NOW + timedelta(days=5))
    overdue = service.sweep_reviews(NOW + timedelta(days=11))

    assert quiet["reviews_read"] == 0
    assert (due["reviews_due"], due["reviews_announced"]) == (1, 1)
    assert (again["reviews_due"], again["reviews_announced"]) == (1, 0)
    assert (overdue["reviews_overdue"], overdue["reviews_announced"]) == (1, 1)
    assert [t for t, _ in events.sent] == ["Review Due", "Review Overdue"]
    for _, detail in events.sent:
        _valid(detail, "review-due.v1.schema.json")


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


def test_the_deadline_sweep_flags_an_overdue_report_once_with_a_schema_valid_event() -> None:
    events, clock = Events(), [NOW]
    service = IncidentService(Models(), Incidents(), events, clock=lambda: clock[0])
    recorded = service.record({"model_id": 7, "title": "Harm", "description": "d", "occurred_at": NOW - timedelta(days=1),
                               "aware_at": NOW - timedelta(hours=1), "severity": Severity.SERIOUS, "kind": "critical_infrastructure"}, OWNER)

    before = service.sweep_deadlines(NOW + timedelta(days=1))
    after = service.sweep_deadlines(NOW + timedelta(days=2))
    later = service.sweep_deadlines(NOW + timedelta(days=3))

    assert recorded.deadline_at == NOW - timedelta(hours=1) + timedelta(days=2)
    assert before["incidents_read"] == 0 and after["incidents_announced"] == 1 and later["incidents_announced"] == 0
    assert [t for t, _ in events.sent] == ["Serious Incident Recorded", "Incident Report Overdue"]
    for _, detail in events.sent:
        _valid(detail, "incident.v1.schema.json")


def test_the_shipped_deadlines_cite_art_73_for_every_kind() -> None:
    document = default_deadlines()
    assert {(k.kind, k.days) for k in document.kinds} == {
        ("widespread_infringement", 2), ("critical_infrastructure", 2), ("death", 10), ("other", 15)}
    assert all(k.article.startswith("Art. 73") for k in document.kinds)

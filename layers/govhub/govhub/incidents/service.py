"""Incident use cases: record, read, list, walk the reporting steps, record the deployer's notice to the provider,
replace the deadline rules, and the daily deadline sweep.

The service announces nothing itself: the notifier announces a serious incident recorded and an initial report flagged
overdue from the committed changes, on the table's stream."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any, Protocol

from govhub.domain.documents import DocumentHistory, DocumentStore
from govhub.domain.entities import Actor, AIModel, Page, Stamp
from govhub.errors import NotFoundError, StaleWriteError, TransitionNotAllowedError, ValidationFailedError
from govhub.incidents.deadlines import DeadlinesDocument, DeadlinesVersion, built_in, deadline_for, parse_deadlines
from govhub.incidents.domain import NEXT, Incident, IncidentStatus, ProviderNotification, Severity, Step
from govhub.store.repository import ConditionFailedError


class ModelAccess(Protocol):
    def get_model(self, model_id: int) -> AIModel: ...
    def ensure_may_change(self, model: AIModel, by: Actor) -> None: ...


class IncidentStore(Protocol):
    def allocate_id(self) -> int: ...
    def get(self, incident_id: int) -> Incident | None: ...
    def create(self, incident: Incident) -> Incident: ...
    def save(self, incident: Incident) -> Incident: ...
    def list(self, filters: dict[str, Any], limit: int, cursor: str | None) -> Page: ...
    def report_due_by(self, until: datetime) -> builtins.list[Incident]: ...
    @property
    def deadlines(self) -> DocumentStore[DeadlinesDocument]: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class IncidentService:
    def __init__(self, models: ModelAccess, store: IncidentStore, clock: Callable[[], datetime] = utc_now) -> None:
        self._models = models
        self._store = store
        self._clock = clock

    # -- the deadline rules -------------------------------------------------------------------
    @cached_property
    def deadline_rules(self) -> DocumentHistory[DeadlinesDocument]:
        return DocumentHistory(self._store.deadlines, parse_deadlines, built_in,
                               "The active incident deadlines are now version {current}; reload them and apply your change again.",
                               self._clock)

    def deadlines(self) -> DeadlinesVersion:
        return self.deadline_rules.active()

    # -- the register -------------------------------------------------------------------------
    def get(self, incident_id: int) -> Incident:
        incident = self._store.get(incident_id)
        if incident is None:
            raise NotFoundError(f"Incident {incident_id} does not exist.", {"incident_id": incident_id})
        return incident

    def list(self, filters: dict[str, Any], limit: int, cursor: str | None) -> Page:
        given = [name for name, value in filters.items() if value not in (None, False)]
        if len(given) > 1:
            raise ValidationFailedError(
                f"Filter incidents by one of status, model_id or overdue at a time (given: {', '.join(given)}).",
                [{"field": name, "message": "one filter at a time"} for name in given],
            )
        if filters.get("model_id") is not None:
            self._models.get_model(int(filters["model_id"]))
        if filters.get("overdue"):
            return Page(items=self._store.report_due_by(self._clock()))
        return self._store.list({k: v for k, v in filters.items() if v not in (None, False)}, limit, cursor)

    def record(self, fields: dict[str, Any], by: Actor) -> Incident:
        model = self._models.get_model(fields["model_id"])
        self._models.ensure_may_change(model, by)
        now = self._clock()
        occurred, aware = _utc(fields["occurred_at"]), _utc(fields["aware_at"])
        if aware < occurred:
            raise ValidationFailedError("The organisation cannot have become aware of an incident before it occurred.",
                                        [{"field": "aware_at", "message": "before occurred_at"}])
        if aware > now + timedelta(minutes=5):
            raise ValidationFailedError("aware_at is in the future.", [{"field": "aware_at", "message": "in the future"}])
        severity: Severity = fields["severity"]
        kind = fields.get("kind")
        deadline = None
        if severity is Severity.SERIOUS:
            if not kind:
                known = ", ".join(k.kind for k in self.deadlines().document.kinds)
                raise ValidationFailedError(
                    f"A serious incident needs its kind, which fixes the Art. 73 deadline ({known}).",
                    [{"field": "kind", "message": "required for a serious incident"}],
                )
            deadline = deadline_for(self.deadlines(), kind, aware)
        elif kind:
            raise ValidationFailedError("Only a serious incident has a kind (its Art. 73 deadline).",
                                        [{"field": "kind", "message": "only for severity serious"}])
        notification = fields.get("provider_notification")
        incident = Incident(
            id=self._store.allocate_id(), model_id=model.id, title=fields["title"], description=fields["description"],
            occurred_at=occurred, aware_at=aware, severity=severity, kind=kind,
            deadline_at=deadline.due_at if deadline else None, deadline_days=deadline.days if deadline else None,
            deadline_article=deadline.article if deadline else None, deadlines_version=deadline.deadlines_version if deadline else None,
            team=model.team, stamp=Stamp(now, by.username, now, by.username, by.role, fields.get("reason") or "Incident recorded"),
            provider_notification=ProviderNotification(_utc(notification["notified_at"]), notification["provider"],
                                                       notification.get("reference"), by.username) if notification else None,
        )
        return self._store.create(incident)

    def step(self, incident_id: int, target: IncidentStatus, at: datetime | None, reference: str | None, note: str | None,
             by: Actor, expected_revision: int | None) -> Incident:
        current = self.get(incident_id)
        self._models.ensure_may_change(self._models.get_model(current.model_id), by)
        self._check_revision(current, expected_revision)
        allowed = NEXT[current.status]
        if current.serious and current.status is IncidentStatus.OPEN:
            allowed = (IncidentStatus.INITIAL_REPORT_SENT,)  # a serious incident is reported before it closes
        if target not in allowed:
            names = [s.value for s in allowed]
            raise TransitionNotAllowedError(
                f"Incident {incident_id} is {current.status.value}; it cannot move to {target.value}."
                + (f" Next: {', '.join(names)}." if names else " It is closed."),
                {"current": current.status.value, "requested": target.value, "allowed": names},
            )
        if target in (IncidentStatus.INITIAL_REPORT_SENT, IncidentStatus.FINAL_REPORT_SENT) and not reference:
            raise ValidationFailedError(
                "A report to the authority is recorded with its reference (e.g. the case or submission number).",
                [{"field": "reference", "message": "required for a report"}],
            )
        now = self._clock()
        when = _utc(at) if at else now
        if when > now + timedelta(minutes=5):
            raise ValidationFailedError("A step is recorded after it happened: `at` is in the future.", [{"field": "at", "message": "in the future"}])
        late = current.reported_late
        if target is IncidentStatus.INITIAL_REPORT_SENT and current.deadline_at is not None and when > current.deadline_at:
            late = True
        updated = replace(
            current, status=target, steps=[*current.steps, Step(target, when, reference, by.username, note)], reported_late=late,
            stamp=replace(current.stamp, updated_at=now, updated_by=by.username, updated_by_role=by.role,
                          change_reason=f"{target.value.replace('_', ' ')}" + (f" ({reference})" if reference else "")),
        )
        return self._save(current, updated)

    def notify_provider(self, incident_id: int, notified_at: datetime, provider: str, reference: str | None, by: Actor,
                        expected_revision: int | None) -> Incident:
        """Record that the deployer informed the provider (Art. 26(5))."""
        current = self.get(incident_id)
        self._models.ensure_may_change(self._models.get_model(current.model_id), by)
        self._check_revision(current, expected_revision)
        now = self._clock()
        updated = replace(
            current, provider_notification=ProviderNotification(_utc(notified_at), provider, reference, by.username),
            stamp=replace(current.stamp, updated_at=now, updated_by=by.username, updated_by_role=by.role,
                          change_reason=f"Provider {provider} notified (Art. 26(5))"),
        )
        return self._save(current, updated)

    # -- the daily sweep ----------------------------------------------------------------------
    def sweep_deadlines(self, now: datetime) -> dict[str, int]:
        """Serious incidents whose initial report is past its deadline (read through the due-date index): flag each
        once, audited; the notifier announces the flag (`Incident Report Overdue`)."""
        counts = {"incidents_read": 0, "incidents_overdue": 0, "incidents_flagged": 0}
        for incident in self._store.report_due_by(now):
            counts["incidents_read"] += 1
            if not incident.overdue_at(now):
                continue
            counts["incidents_overdue"] += 1
            if incident.overdue_marked_at is not None:
                continue
            flagged = replace(incident, overdue_marked_at=now, stamp=replace(
                incident.stamp, updated_at=now, updated_by="sweeper", updated_by_role="system",
                change_reason=f"Art. 73 initial report overdue since {incident.deadline_at.isoformat() if incident.deadline_at else '?'}"))
            try:
                self._store.save(flagged)
            except ConditionFailedError:
                continue  # changed meanwhile (a report recorded): the next sweep judges it again
            counts["incidents_flagged"] += 1
        return counts

    # -- helpers --------------------------------------------------------------------------------
    def _save(self, current: Incident, updated: Incident) -> Incident:
        try:
            return self._store.save(updated)
        except ConditionFailedError:
            raise self._stale(self.get(current.id), current.revision) from None

    @staticmethod
    def _check_revision(incident: Incident, expected: int | None) -> None:
        if expected is not None and expected != incident.revision:
            raise IncidentService._stale(incident, expected)

    @staticmethod
    def _stale(incident: Incident, expected: int | None) -> StaleWriteError:
        return StaleWriteError(
            f"Incident {incident.id} has changed since you read it (now at revision {incident.revision}). Reload and try again.",
            {"current_revision": incident.revision, "expected_revision": expected},
        )


def _utc(value: datetime) -> datetime:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)

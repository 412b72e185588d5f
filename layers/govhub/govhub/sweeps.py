"""The daily sweeps, in one place: each `(now) -> counts` reads only what falls due through the due-date index (GSI9)
and marks what it finds on the item, once; the notifier announces the marks from the table's stream.

The sweeper function runs them daily (EventBridge Scheduler); admins run them on demand (POST /api/v1/admin/sweeps,
`python -m local_stack sweep`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Sweep = Callable[[datetime], dict[str, int]]


def review_sweep(now: datetime) -> dict[str, int]:
    """Periodic reviews due within a week (`Review Due`) or overdue (`Review Overdue`)."""
    from govhub.api.context import registry
    from govhub.monitoring.service import MonitoringService
    from govhub.store.monitoring import MonitoringRepository

    return MonitoringService(registry(), MonitoringRepository()).sweep_reviews(now)


def incident_deadline_sweep(now: datetime) -> dict[str, int]:
    """Serious incidents whose Art. 73 initial report is past its deadline (`Incident Report Overdue`)."""
    from govhub.api.context import registry
    from govhub.incidents.service import IncidentService
    from govhub.store.incidents import IncidentRepository

    return IncidentService(registry(), IncidentRepository()).sweep_deadlines(now)


def evidence_expiry_sweep(now: datetime) -> dict[str, int]:
    """Evidence documents expiring within 30 days (`Evidence Expiring`) or expired (`Evidence Expired`); an expired
    document an approval in force pinned reopens that model's review."""
    from govhub.evidence.sweep import sweep_evidence

    return sweep_evidence(now)


SWEEPS: list[Sweep] = [review_sweep, incident_deadline_sweep, evidence_expiry_sweep]


def run_all(now: datetime | None = None) -> tuple[datetime, dict[str, dict[str, int]]]:
    """Run every sweep at `now` (default: the current time); their counts by name."""
    moment = now or datetime.now(UTC)
    return moment, {sweep.__name__: sweep(moment) for sweep in SWEEPS}

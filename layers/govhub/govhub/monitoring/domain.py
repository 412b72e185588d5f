"""What post-market monitoring holds: the plan, observations, findings, reviews and the review schedule."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from govhub.domain.entities import Stamp

# A review falls due this many days before its date (`Review Due`), and is overdue from its date (`Review Overdue`).
REVIEW_NOTICE_DAYS = 7


class ReviewOutcome(str, Enum):
    CONTINUE = "continue"    # the model stays in use as it is
    RESTRICT = "restrict"    # in use with restrictions the notes state
    WITHDRAW = "withdraw"    # to be taken out of use


class FindingStatus(str, Enum):
    OPEN = "open"
    RESOLVED = "resolved"


class ReviewState(str, Enum):
    SCHEDULED = "scheduled"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class MetricBound:
    """A planned metric and the bounds production values must stay within (either bound may be left out)."""

    metric: str
    min: float | None = None
    max: float | None = None
    description: str | None = None

    def breach(self, value: float) -> str | None:
        """Why `value` is outside the bounds, or None when it is within them."""
        if self.min is not None and value < self.min:
            return f"{self.metric} is {value:g}, below the planned minimum {self.min:g}"
        if self.max is not None and value > self.max:
            return f"{self.metric} is {value:g}, above the planned maximum {self.max:g}"
        return None

    def as_json(self) -> dict[str, Any]:
        return {"metric": self.metric, "min": self.min, "max": self.max, "description": self.description}


@dataclass
class MonitoringPlan:
    model_id: int
    metrics: tuple[MetricBound, ...]
    review_cadence_days: int
    reviewers: tuple[str, ...]
    method_notes: str | None
    stamp: Stamp
    revision: int | None = None

    def bound(self, metric: str) -> MetricBound | None:
        return next((b for b in self.metrics if b.metric == metric), None)

    def as_json(self) -> dict[str, Any]:
        """The plan as an approval seals it (and the report shows it)."""
        return {
            "metrics": [b.as_json() for b in self.metrics],
            "review_cadence_days": self.review_cadence_days,
            "reviewers": list(self.reviewers),
            "method_notes": self.method_notes,
            "revision": self.revision,
        }


@dataclass(frozen=True)
class Observation:
    model_id: int
    metric: str
    value: float
    observed_at: datetime
    environment: str
    recorded_by: str
    recorded_at: datetime


@dataclass
class Finding:
    """The one finding of a model's metric: open while production values lie outside the plan's bounds."""

    model_id: int
    metric: str
    status: FindingStatus
    opened_at: datetime
    reason: str
    last_value: float
    last_observed_at: datetime
    environment: str
    min: float | None
    max: float | None
    breaches: int
    stamp: Stamp
    resolved_at: datetime | None = None
    revision: int | None = None


@dataclass(frozen=True)
class Review:
    model_id: int
    review_id: str
    outcome: ReviewOutcome
    notes: str
    reviewed_at: datetime
    next_due_at: datetime
    stamp: Stamp


@dataclass
class ReviewSchedule:
    """When the model's next periodic review falls due, and its state as last written: by the plan, a review or the
    sweep's mark. The stamp says who wrote it and why (the notifier announces a change of state with them); a schedule
    written before schedules were stamped has none until its next write."""

    model_id: int
    due_at: datetime
    cadence_days: int
    state: ReviewState = ReviewState.SCHEDULED
    last_review_at: datetime | None = None
    marked_at: datetime | None = None
    stamp: Stamp | None = None

    def state_at(self, now: datetime) -> ReviewState:
        if now >= self.due_at:
            return ReviewState.OVERDUE
        if now >= self.due_at - timedelta(days=REVIEW_NOTICE_DAYS):
            return ReviewState.DUE
        return ReviewState.SCHEDULED


@dataclass(frozen=True)
class ObservationOutcome:
    """What a batch of observations did: how many were stored, and the findings it opened, updated or resolved."""

    stored: int
    opened: list[Finding] = field(default_factory=list)
    updated: list[Finding] = field(default_factory=list)
    resolved: list[Finding] = field(default_factory=list)
    unplanned_metrics: list[str] = field(default_factory=list)

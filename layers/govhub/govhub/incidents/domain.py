"""An incident in the register: what happened, when the organisation knew, its Art. 73 clock and reporting steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from govhub.domain.entities import Stamp


class IncidentStatus(str, Enum):
    OPEN = "open"
    INITIAL_REPORT_SENT = "initial_report_sent"
    FINAL_REPORT_SENT = "final_report_sent"
    CLOSED = "closed"


class Severity(str, Enum):
    SERIOUS = "serious"          # Art. 3(49): reportable under Art. 73
    MAJOR = "major"
    MINOR = "minor"


# Each status, and the ones that may follow it. A serious incident walks every reporting step; another may close.
NEXT: dict[IncidentStatus, tuple[IncidentStatus, ...]] = {
    IncidentStatus.OPEN: (IncidentStatus.INITIAL_REPORT_SENT, IncidentStatus.CLOSED),
    IncidentStatus.INITIAL_REPORT_SENT: (IncidentStatus.FINAL_REPORT_SENT,),
    IncidentStatus.FINAL_REPORT_SENT: (IncidentStatus.CLOSED,),
    IncidentStatus.CLOSED: (),
}


@dataclass(frozen=True)
class Step:
    """One lifecycle step as the organisation recorded it: when, its reference (e.g. the authority's case number)."""

    status: IncidentStatus
    at: datetime
    reference: str | None
    by: str
    note: str | None = None


@dataclass(frozen=True)
class ProviderNotification:
    """A deployer told the provider (Art. 26(5)): when, whom, with which reference."""

    notified_at: datetime
    provider: str
    reference: str | None
    by: str


@dataclass
class Incident:
    id: int
    model_id: int
    title: str
    description: str
    occurred_at: datetime
    aware_at: datetime
    severity: Severity
    stamp: Stamp
    kind: str | None = None
    deadline_at: datetime | None = None
    deadline_days: int | None = None
    deadline_article: str | None = None
    deadlines_version: int | None = None
    status: IncidentStatus = IncidentStatus.OPEN
    steps: list[Step] = field(default_factory=list)
    overdue_marked_at: datetime | None = None
    reported_late: bool = False
    team: str | None = None
    provider_notification: ProviderNotification | None = None
    revision: int | None = None

    @property
    def serious(self) -> bool:
        return self.severity is Severity.SERIOUS

    def overdue_at(self, now: datetime) -> bool:
        """The initial report is still owed after the Art. 73 deadline."""
        return self.status is IncidentStatus.OPEN and self.deadline_at is not None and now > self.deadline_at

"""What a policy is evaluated against: read once per request, then every rule looks at the same facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from govhub.datasets.entities import Dataset, DatasetInput
from govhub.domain.entities import Actor, AIModel, Metric, ModelVersion
from govhub.domain.lifecycle import ComplianceStatus


class Occasion(str, Enum):
    TRANSITION = "transition"    # a person asks to move the model to `target`
    MONITORING = "monitoring"    # an approved model is re-checked after new evidence; nobody approves anything


@dataclass(frozen=True)
class MonitoringFacts:
    """Post-market monitoring evidence (govhub.monitoring): the plan as an approval seals it, and the open findings."""

    plan: dict[str, Any] | None
    open_findings: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class DeclaredDataset:
    """A dataset version the latest version declares, with the dataset's record now (None if it is gone)."""

    input: DatasetInput
    dataset: Dataset | None


@dataclass(frozen=True)
class ComplianceFacts:
    model: AIModel
    latest_version: ModelVersion | None
    metrics: tuple[Metric, ...]          # every metric recorded on the latest version
    target: ComplianceStatus
    now: datetime
    actor: Actor | None = None           # who would make the transition (None when monitoring)
    occasion: Occasion = Occasion.TRANSITION
    monitoring: MonitoringFacts | None = None  # None: not read (a caller without the monitoring store)
    datasets: tuple[DeclaredDataset, ...] = ()  # what the latest version declares it was trained/validated/tested on
    latest_metrics: dict[str, Metric] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A metric recorded twice on a version counts with its latest value (highest id: ids grow over time).
        latest: dict[str, Metric] = {}
        for metric in self.metrics:
            known = latest.get(metric.metric_name)
            if known is None or metric.id > known.id:
                latest[metric.metric_name] = metric
        object.__setattr__(self, "latest_metrics", latest)

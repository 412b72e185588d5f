"""Business and health figures as CloudWatch metrics (Powertools Metrics, Embedded Metric Format): written to the
function's log, turned into metrics by CloudWatch, no API call on the request path. A handler that records any
is decorated with `@metrics.log_metrics`, which flushes them once per invocation. The alarms and the dashboard in
template.yaml read them; docs/operations.md says what each means."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

NAMESPACE = "GovernanceHub"
SERVICE = "govhub"  # one `service` dimension for every function, so the dashboard reads each figure once

MODELS_REGISTERED = "ModelsRegistered"
STATUS_CHANGES = "StatusChanges"
POLICY_REFUSALS = "PolicyRefusals"
REPORT_RENDER_TIME = "ReportRenderTime"  # milliseconds per PDF
AUDIT_LAG_SECONDS = "AuditLagSeconds"    # how old the oldest change of a batch is when audit_stream gets it

metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
# most requests record no figure (reads); flushing nothing is normal, not worth a warning in every log
warnings.filterwarnings("ignore", message="No application metrics to publish")

F = TypeVar("F", bound=Callable[..., Any])


def count(name: str, value: int = 1) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def seconds(name: str, value: float) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Seconds, value=value)


def timed_ms(name: str, call: F) -> F:
    """`call`, recording how long each call takes in milliseconds under `name`."""

    @wraps(call)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            metrics.add_metric(name=name, unit=MetricUnit.Milliseconds, value=(time.perf_counter() - started) * 1000)

    return timed  # type: ignore[return-value]

"""Policy engine benchmark (issue: policy engine). Prints figures and ratios measured in one run.

A high-risk model with 50 versions x 20 metrics, on the local stack's AWS endpoint (moto server), the functions
called in-process as the gateway calls them. For GET /models/{id}/compliance-check and for a refused approval
(PATCH compliance-status → 422), it measures:

- the request's own DynamoDB reads: how many calls, which, and their time (sum of the calls' wall time);
- the evaluation of the default policy set over the facts those reads produced (the pure evaluator).

Target: evaluation ≤ 0.2x the request's DynamoDB read time, and no DynamoDB call during evaluation (the latest
version and its metrics are read once per request, not per rule). Medians of 30 requests after 5 warm-ups.

    python tests/bench/bench_policy.py            # prints the figures, exits 0
    python tests/bench/bench_policy.py --strict   # exits 1 when a target is missed
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "govhub")]

from tests.harness import free_port  # noqa: E402 (needs the path above: run as a script)

os.environ.update(
    AWS_ACCESS_KEY_ID="bench",
    AWS_SECRET_ACCESS_KEY="bench",  # noqa: S105 - the emulator's dummy credentials
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
    AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled",
    TABLE_NAME="benchpolicy-Table",
    POWERTOOLS_LOG_LEVEL="ERROR",
)

VERSIONS, METRICS_PER_VERSION = 50, 20
RUNS, WARMUPS = 30, 5
TEAM = "payments-ml"
RATIO_TARGET = 0.2



class Meter:
    """Times every DynamoDB call and every policy evaluation in this process."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, float]] = []
        self.evaluations: list[float] = []
        self.calls_during_evaluation = 0
        self._evaluating = False

    def install(self) -> None:
        import botocore.client

        import govhub.policy.service as service

        original_call = botocore.client.BaseClient._make_api_call
        original_evaluate = service.evaluate
        meter = self

        def timed_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
            started = time.perf_counter()
            try:
                return original_call(client, operation, params)
            finally:
                if client.meta.service_model.service_name == "dynamodb":
                    meter.calls.append((operation, time.perf_counter() - started))
                    meter.calls_during_evaluation += meter._evaluating

        def timed_evaluate(*args: Any, **kwargs: Any) -> Any:
            meter._evaluating = True
            started = time.perf_counter()
            try:
                return original_evaluate(*args, **kwargs)
            finally:
                meter.evaluations.append(time.perf_counter() - started)
                meter._evaluating = False

        botocore.client.BaseClient._make_api_call = timed_call
        service.evaluate = timed_evaluate

    def reset(self) -> None:
        self.calls.clear()
        self.evaluations.clear()


def _load_versions(model_id: int) -> None:
    """The versions through the registry's own repository (pointer moved in each version's transaction), the
    metrics by batch write: how the data got there is not what is measured, and the emulator is slow at both."""
    from govhub.domain.entities import Metric, ModelVersion, Stamp
    from govhub.store.items import MetricItem
    from govhub.store.repository import MetricRepository, SequenceRepository, VersionRepository

    versions, sequences = VersionRepository(), SequenceRepository()
    metric_ids = iter(sequences.allocate("metric", VERSIONS * METRICS_PER_VERSION))
    version_ids = sequences.allocate("version", VERSIONS)
    now = datetime.now(UTC)
    stamp = Stamp(now, "omar.owner", now, "omar.owner", "model_owner", "bench")
    with MetricItem.batch_write() as batch:
        for number, version_id in enumerate(version_ids, start=1):
            versions.create(ModelVersion(version_id, model_id, f"v{number}", f"s3://m/v{number}", stamp))
            values = {"accuracy": 0.9 + number / 1000, "demographic_parity_difference": 0.03}
            values |= {f"metric_{i:02d}": i / 100 for i in range(METRICS_PER_VERSION - len(values))}
            for name, value in values.items():
                batch.save(MetricRepository._to_item(Metric(next(metric_ids), version_id, model_id, name, value, stamp)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    strict = parser.parse_args(argv).strict
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
    try:
        return _run(strict)
    finally:
        server.stop()


def _run(strict: bool) -> int:
    from local_stack.events import http_event
    from local_stack.functions import load_functions
    from local_stack.provision import provision
    from local_stack.template import Template

    template = Template()
    refs = provision(template, "benchpolicy", "us-east-1", os.environ["AWS_ENDPOINT_URL"])
    for function in template.functions():
        for key, value in template.environment(function, refs).items():
            os.environ.setdefault(key, value)
    functions = load_functions(template)
    routes = [r for r in template.routes() if r.api == "HttpApi"]

    def call(method: str, path: str, body: Any = None, user: str = "omar.owner", role: str = "model_owner",
             teams: str = TEAM) -> dict[str, Any]:
        route = next(r for r in routes if r.matches(method, path))
        event = http_event(method, path, headers={"content-type": "application/json"},
                           body=json.dumps(body).encode() if body is not None else None,
                           route_key=f"{route.method} {route.path}",
                           authorizer={"lambda": {"username": user, "role": role, "teams": teams}})
        answer = functions[route.function].invoke(event)
        return {"status": int(answer["statusCode"]), "body": json.loads(answer.get("body") or "null")}

    started = time.perf_counter()
    # models belong to a team: the owner registers into theirs
    assert call("POST", "/api/v1/teams", {"slug": TEAM, "display_name": "Payments ML"}, user="ada.admin", role="admin", teams="")["status"] == 201
    model = call("POST", "/api/v1/models", {
        "name": "bench-fraud-detector", "owner": "Payments ML", "risk_level": "high",
        "intended_purpose": "Flag card transactions", "data_sources": "Card transactions 2024-2026",
        "oversight_plan": "Analysts review every flag",
    })["body"]
    assert "id" in model, model
    _load_versions(model["id"])
    assert call("PATCH", f"/api/v1/models/{model['id']}/compliance-status", {"status": "under_review", "reason": "bench"})["status"] == 200
    print(f"Loaded 1 model, {VERSIONS} versions x {METRICS_PER_VERSION} metrics in {time.perf_counter() - started:.1f} s")

    meter = Meter()
    meter.install()
    requests: dict[str, Callable[[], dict[str, Any]]] = {
        "GET compliance-check": lambda: call("GET", f"/api/v1/models/{model['id']}/compliance-check", user="ada.admin", role="admin"),
        # the submitter approving: every rule is judged, four eyes refuses, nothing is written
        "PATCH approve (refused)": lambda: call("PATCH", f"/api/v1/models/{model['id']}/compliance-status",
                                                {"status": "approved", "reason": "bench"}, user="omar.owner", role="admin"),
    }
    expected_status = {"GET compliance-check": 200, "PATCH approve (refused)": 422}
    ok = True
    print(f"Policy evaluation vs the request's own DynamoDB reads (median of {RUNS} requests; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    for label, request in requests.items():
        for _ in range(WARMUPS):
            request()
        reads, evaluations, operations = [], [], []
        meter.calls_during_evaluation = 0
        for _ in range(RUNS):
            meter.reset()
            answer = request()
            assert answer["status"] == expected_status[label], answer
            reads.append(sum(seconds for _, seconds in meter.calls))
            evaluations.append(sum(meter.evaluations))
            operations = [operation for operation, _ in meter.calls]
        read, evaluation = statistics.median(reads), statistics.median(evaluations)
        ratio = evaluation / read
        passed = ratio <= RATIO_TARGET and meter.calls_during_evaluation == 0
        ok &= passed
        print(f"\n{label}")
        print(f"  DynamoDB reads   {read * 1000:8.3f} ms  ({len(operations)} calls: {', '.join(operations)})")
        print(f"  evaluation       {evaluation * 1000:8.3f} ms  (10 rules, {METRICS_PER_VERSION} metrics of the latest version; "
              f"{meter.calls_during_evaluation} DynamoDB calls while evaluating)")
        print(f"  ratio            {ratio:8.4f}x  (target <= {RATIO_TARGET}x)  {'PASS' if passed else 'MISS'}")
    print(f"\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    return 1 if strict and not ok else 0


if __name__ == "__main__":
    raise SystemExit(main())

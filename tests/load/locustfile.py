"""The load mix, for Locust: virtual users reading and writing the hub through its API, with no think time.

    GOVHUB_STACK=.local/stack.json LOAD_REPORT=load.json \
        locust -f tests/load/locustfile.py --headless --users 12 --spawn-rate 12 --run-time 20s --only-summary

Admins and model owners write and read (models of the owner's team), auditors read (each role signs in once per run). Reads dominate, as on a
dashboard-driven registry with CI pipelines writing. Refusals a correct client can get under contention (409
stale revision, 422 from the active policy set) count as answered, apart from errors. At the end the run writes
LOAD_REPORT: throughput and latency per request kind (Locust's timings), the errors, and every write the API
acknowledged, so tests/load/verify.py can check that each reads back and is audited exactly once.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from locust import HttpUser, constant, events, task

from local_stack.demo import DEMO_PIPELINE_TEAM
from tests.load.report import summary

# Answers a correct API gives to a correct client under contention: not errors, counted apart.
EXPECTED_REFUSALS = {409: {"stale_revision", "transition_not_allowed", "model_retired"}, 422: {"policy_violation"}}
RISK_LEVELS = ["minimal", "limited", "high"]
TEAM = DEMO_PIPELINE_TEAM  # the demo model owner's team (the stack creates it): admins and the owner both write its models


class Run:
    """What the run shares between its users (one process, gevent: no locks needed) and reports at the end."""

    stack: dict[str, Any] = {}
    tokens: dict[str, str] = {}
    models: list[int] = []
    versions: dict[int, list[int]] = defaultdict(list)
    latencies_ms: dict[str, list[float]] = defaultdict(list)
    errors: list[dict[str, Any]] = []
    refusals: dict[str, int] = defaultdict(int)
    writes: list[dict[str, Any]] = []
    started = 0.0
    writer_roles = itertools.cycle(["admin", "model_owner"])


def _sign_in(stack: dict[str, Any], role: str) -> str:
    import boto3

    cognito = boto3.client("cognito-idp", endpoint_url=stack["aws_endpoint"], region_name=stack["region"],
                           aws_access_key_id="local", aws_secret_access_key="local")
    user = stack["users"][role]
    answer = cognito.initiate_auth(ClientId=stack["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": user["username"], "PASSWORD": user["password"]})
    return str(answer["AuthenticationResult"]["IdToken"])


@events.init_command_line_parser.add_listener
def _stack_is_the_host(parser: Any) -> None:
    if os.environ.get("GOVHUB_STACK"):
        parser.set_defaults(host=_stack()["api_url"])


def _stack() -> dict[str, Any]:
    if not Run.stack:
        Run.stack = json.loads(Path(os.environ["GOVHUB_STACK"]).read_text())
    return Run.stack


@events.test_start.add_listener
def _sign_in_each_role(**_: Any) -> None:
    Run.tokens = {role: _sign_in(_stack(), role) for role in ("admin", "model_owner", "auditor")}
    Run.started = time.perf_counter()


@events.request.add_listener
def _timed(name: str, response_time: float, **_: Any) -> None:
    Run.latencies_ms[name].append(response_time)


@events.test_stop.add_listener
def _write_report(environment: Any, **_: Any) -> None:
    elapsed = time.perf_counter() - Run.started
    everything = [s for samples in Run.latencies_ms.values() for s in samples]
    report = {
        "seconds": round(elapsed, 1),
        "users": environment.runner.target_user_count if environment.runner else 0,
        "overall": summary(everything, elapsed),
        "by_kind": {kind: summary(samples, elapsed) for kind, samples in sorted(Run.latencies_ms.items())},
        "errors": len(Run.errors),
        "error_samples": Run.errors[:20],
        "expected_refusals": dict(Run.refusals),
        "acknowledged_writes": Run.writes,
    }
    Path(os.environ["LOAD_REPORT"]).write_text(json.dumps(report, indent=1))


def _code(answer: Any) -> str | None:
    try:
        return answer.json().get("error", {}).get("code")
    except ValueError:
        return None


class GovhubUser(HttpUser):
    abstract = True
    wait_time = constant(0)
    role = "auditor"

    def on_start(self) -> None:
        self.rng = random.Random()
        self.client.headers["Authorization"] = f"Bearer {Run.tokens[self.role]}"

    def call(self, kind: str, method: str, path: str, **kwargs: Any) -> dict[str, Any] | None:
        """The answer's JSON when it succeeded; None for a refusal (expected or not) or a failure."""
        with self.client.request(method, path, name=kind, catch_response=True, timeout=30, **kwargs) as answer:
            if 0 < answer.status_code < 400:
                answer.success()
                return answer.json() if answer.text else {}
            code = _code(answer) if answer.status_code else None
            if code in EXPECTED_REFUSALS.get(answer.status_code, set()):
                Run.refusals[code] += 1
                answer.success()
            else:
                Run.errors.append({"kind": kind, "request": f"{method} {path}", "status": answer.status_code,
                                   "body": (answer.text or repr(answer.error))[:300]})
                answer.failure(f"{answer.status_code} {code or answer.error}")
            return None

    def a_model(self) -> int | None:
        return self.rng.choice(Run.models) if Run.models else None

    @task(20)
    def list_models(self) -> None:
        self.call("list models", "GET", "/models", params={"limit": 20, **({"risk_level": "high"} if self.rng.random() < 0.3 else {})})

    @task(20)
    def get_model(self) -> None:
        model_id = self.a_model()
        if model_id is not None:
            self.call("get model", "GET", f"/models/{model_id}")

    @task(12)
    def dashboard(self) -> None:
        self.call("dashboard", "GET", "/dashboard/stats")

    @task(8)
    def list_versions(self) -> None:
        model_id = self.a_model()
        if model_id is not None:
            self.call("list versions", "GET", f"/models/{model_id}/versions")


class Reader(GovhubUser):
    weight = 1
    role = "auditor"


class Writer(GovhubUser):
    weight = 2

    def on_start(self) -> None:
        self.role = next(Run.writer_roles)
        super().on_start()

    def acknowledged(self, write: dict[str, Any]) -> None:
        Run.writes.append(write)

    @task(8)
    def create_model(self) -> None:
        name = f"load-{uuid.uuid4().hex[:12]}"
        model = self.call("create model", "POST", "/models",
                          json={"name": name, "owner": "Load", "team": TEAM, "risk_level": self.rng.choice(RISK_LEVELS)})
        if model is not None:
            Run.models.append(model["id"])
            self.acknowledged({"kind": "create model", "model_id": model["id"], "name": name})

    @task(10)
    def update_model(self) -> None:
        model_id = self.a_model()
        current = self.call("get model", "GET", f"/models/{model_id}") if model_id is not None else None
        if current is None:
            return
        description = uuid.uuid4().hex
        answer = self.call("update model", "PATCH", f"/models/{model_id}", json={"description": description, "expected_revision": current["revision"]})
        if answer is not None:
            self.acknowledged({"kind": "update model", "model_id": model_id, "revision": answer["revision"], "description": description})

    @task(4)
    def change_status(self) -> None:
        model_id = self.a_model()
        current = self.call("get model", "GET", f"/models/{model_id}") if model_id is not None else None
        choices = [s for s in current["allowed_transitions"] if s != "retired"] if current else []
        if not choices:
            return
        answer = self.call("change status", "PATCH", f"/models/{model_id}/compliance-status",
                           json={"status": self.rng.choice(choices), "reason": "load run", "expected_revision": current["revision"]})
        if answer is not None:
            self.acknowledged({"kind": "change status", "model_id": model_id, "revision": answer["revision"]})

    @task(8)
    def register_version(self) -> None:
        model_id = self.a_model()
        if model_id is None:
            return
        tag = f"v{uuid.uuid4().hex[:8]}"
        version = self.call("register version", "POST", "/versions", json={"model_id": model_id, "version_tag": tag, "s3_path": f"s3://models/load/{tag}"})
        if version is not None:
            Run.versions[model_id].append(version["id"])
            self.acknowledged({"kind": "register version", "model_id": model_id, "version_id": version["id"], "version_tag": tag})

    @task(10)
    def record_metric(self) -> None:
        model_id = self.a_model()
        known = Run.versions.get(model_id, []) if model_id is not None else []
        if not known:
            return
        version_id = self.rng.choice(known)
        value = round(self.rng.random(), 6)
        metric = self.call("record metric", "POST", "/metrics", json={"version_id": version_id, "metric_name": "accuracy", "value": value})
        if metric is not None:
            self.acknowledged({"kind": "record metric", "model_id": model_id, "version_id": version_id, "metric_id": metric["id"], "value": value})

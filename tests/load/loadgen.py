"""A bounded load run against a running hub, from its own process on loopback: a mix of reads and writes.

    python -m tests.load.loadgen --stack .local/stack.json --seconds 20 --users 8 --report load.json

Each virtual user signs in once (admins and model owners write, everyone reads), then loops for the set time
over a weighted mix of requests with no think time. The report holds throughput, latency percentiles per
request kind and overall, the error count, and every write the API acknowledged, so a verifier can check
afterwards that nothing was lost (`tests/load/verify.py`).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

# kind -> weight; reads dominate, as on a dashboard-driven registry with CI pipelines writing
MIX = {
    "list models": 20,
    "get model": 20,
    "dashboard": 12,
    "list versions": 8,
    "create model": 8,
    "update model": 10,
    "register version": 8,
    "record metric": 10,
    "change status": 4,
}
READ_KINDS = {"list models", "get model", "dashboard", "list versions"}
# Answers a correct API gives to a correct client under contention: not errors, counted apart.
EXPECTED_REFUSALS = {409: {"stale_revision", "transition_not_allowed", "model_retired"}, 422: {"policy_violation"}}


@dataclass
class Ledger:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[dict[str, Any]] = field(default_factory=list)
    refusals: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    writes: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def sign_in(stack: dict[str, Any], role: str) -> str:
    import boto3

    cognito = boto3.client("cognito-idp", endpoint_url=stack["aws_endpoint"], region_name=stack["region"],
                           aws_access_key_id="local", aws_secret_access_key="local")
    user = stack["users"][role]
    answer = cognito.initiate_auth(ClientId=stack["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": user["username"], "PASSWORD": user["password"]})
    return str(answer["AuthenticationResult"]["IdToken"])


class VirtualUser:
    def __init__(self, number: int, base: str, token: str, writer: bool, ledger: Ledger, models: list[int],
                 versions: dict[int, list[int]]) -> None:
        self.base, self.writer, self.ledger, self.models, self.versions = base, writer, ledger, models, versions
        self.rng = random.Random(number)
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.number = number

    def _call(self, kind: str, method: str, path: str, **kwargs: Any) -> requests.Response | None:
        started = time.perf_counter()
        try:
            answer = self.session.request(method, f"{self.base}{path}", timeout=30, **kwargs)
        except requests.RequestException as error:
            with self.ledger.lock:
                self.ledger.errors.append({"kind": kind, "request": f"{method} {path}", "error": repr(error)})
            return None
        elapsed = time.perf_counter() - started
        with self.ledger.lock:
            self.ledger.latencies[kind].append(elapsed)
            if answer.status_code < 400:
                return answer
            code = _code(answer)
            if code in EXPECTED_REFUSALS.get(answer.status_code, set()):
                self.ledger.refusals[code] += 1
            else:
                self.ledger.errors.append({"kind": kind, "request": f"{method} {path}", "status": answer.status_code,
                                           "body": answer.text[:300]})
        return None

    def _acknowledged(self, write: dict[str, Any]) -> None:
        with self.ledger.lock:
            self.ledger.writes.append(write)

    def step(self) -> None:
        kinds = [k for k in MIX if self.writer or k in READ_KINDS]
        kind = self.rng.choices(kinds, weights=[MIX[k] for k in kinds])[0]
        if kind == "create model" or (not self.models and kind != "list models"):
            name = f"load-{self.number}-{uuid.uuid4().hex[:10]}"
            answer = self._call("create model", "POST", "/models",
                                json={"name": name, "owner": "Load", "risk_level": self.rng.choice(["minimal", "limited", "high"])}) \
                if self.writer else self._call("list models", "GET", "/models", params={"limit": 20})
            if answer is not None and answer.status_code == 201:
                model = answer.json()
                with self.ledger.lock:
                    self.models.append(model["id"])
                self._acknowledged({"kind": "create model", "model_id": model["id"], "name": name})
            return
        if kind == "list models":
            self._call(kind, "GET", "/models", params={"limit": 20, **({"risk_level": "high"} if self.rng.random() < 0.3 else {})})
            return
        if kind == "dashboard":
            self._call(kind, "GET", "/dashboard/stats")
            return
        model_id = self.rng.choice(self.models)
        if kind == "get model":
            self._call(kind, "GET", f"/models/{model_id}")
        elif kind == "list versions":
            self._call(kind, "GET", f"/models/{model_id}/versions")
        elif kind == "update model":
            current = self._call("get model", "GET", f"/models/{model_id}")
            if current is None:
                return
            description = uuid.uuid4().hex
            answer = self._call(kind, "PATCH", f"/models/{model_id}", json={"description": description, "expected_revision": current.json()["revision"]})
            if answer is not None:
                self._acknowledged({"kind": kind, "model_id": model_id, "revision": answer.json()["revision"], "description": description})
        elif kind == "change status":
            current = self._call("get model", "GET", f"/models/{model_id}")
            if current is None:
                return
            choices = [s for s in current.json()["allowed_transitions"] if s != "retired"]
            if not choices:
                return
            answer = self._call(kind, "PATCH", f"/models/{model_id}/compliance-status",
                                json={"status": self.rng.choice(choices), "reason": "load run", "expected_revision": current.json()["revision"]})
            if answer is not None:
                self._acknowledged({"kind": kind, "model_id": model_id, "revision": answer.json()["revision"]})
        elif kind == "register version":
            tag = f"v{uuid.uuid4().hex[:8]}"
            answer = self._call(kind, "POST", "/versions", json={"model_id": model_id, "version_tag": tag, "s3_path": f"s3://models/load/{tag}"})
            if answer is not None:
                with self.ledger.lock:
                    self.versions[model_id].append(answer.json()["id"])
                self._acknowledged({"kind": kind, "model_id": model_id, "version_id": answer.json()["id"], "version_tag": tag})
        elif kind == "record metric":
            with self.ledger.lock:
                known = list(self.versions.get(model_id, []))
            if not known:
                return
            version_id = self.rng.choice(known)
            value = round(self.rng.random(), 6)
            answer = self._call(kind, "POST", "/metrics", json={"version_id": version_id, "metric_name": "accuracy", "value": value})
            if answer is not None:
                self._acknowledged({"kind": kind, "model_id": model_id, "version_id": version_id, "metric_id": answer.json()["id"], "value": value})


def _code(answer: requests.Response) -> str | None:
    try:
        return answer.json().get("error", {}).get("code")
    except ValueError:
        return None


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1] * 1000


def summary(samples: list[float], seconds: float) -> dict[str, float]:
    return {
        "requests": len(samples),
        "per_second": round(len(samples) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(samples, 0.50), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "p99_ms": round(percentile(samples, 0.99), 1),
        "mean_ms": round(statistics.fmean(samples) * 1000, 1) if samples else 0.0,
    }


def run(stack: dict[str, Any], seconds: float, users: int) -> dict[str, Any]:
    ledger = Ledger()
    models: list[int] = []
    versions: dict[int, list[int]] = defaultdict(list)
    roles = ["admin", "model_owner", "auditor"]
    tokens = {role: sign_in(stack, role) for role in roles}
    crew = [VirtualUser(i, stack["api_url"], tokens[roles[i % 3]], roles[i % 3] != "auditor", ledger, models, versions)
            for i in range(users)]
    stop = threading.Event()

    def loop(user: VirtualUser) -> None:
        while not stop.is_set():
            user.step()

    threads = [threading.Thread(target=loop, args=(u,), daemon=True) for u in crew]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    elapsed = time.perf_counter() - started
    everything = [s for samples in ledger.latencies.values() for s in samples]
    return {
        "seconds": round(elapsed, 1),
        "users": users,
        "overall": summary(everything, elapsed),
        "by_kind": {kind: summary(samples, elapsed) for kind, samples in sorted(ledger.latencies.items())},
        "errors": len(ledger.errors),
        "error_samples": ledger.errors[:20],
        "expected_refusals": dict(ledger.refusals),
        "acknowledged_writes": ledger.writes,
    }


def format_report(report: dict[str, Any]) -> str:
    overall = report["overall"]
    lines = [
        (f"load: {report['users']} users for {report['seconds']} s: {overall['requests']} requests, "
        f"{overall['per_second']} req/s, p50 {overall['p50_ms']} ms, p95 {overall['p95_ms']} ms, p99 {overall['p99_ms']} ms, "
        f"errors {report['errors']}, acknowledged writes {len(report['acknowledged_writes'])}, "
        f"expected refusals {report['expected_refusals'] or 0}"),
        f"  {'kind':<18}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}",
    ]
    for kind, s in report["by_kind"].items():
        lines.append(f"  {kind:<18}{s['requests']:>9}{s['per_second']:>8}{s['p50_ms']:>9}{s['p95_ms']:>9}{s['p99_ms']:>9}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.load.loadgen", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", type=Path, required=True, help="the state file the local stack wrote")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--report", type=Path, required=True)
    args = parser.parse_args(argv)
    report = run(json.loads(args.stack.read_text()), args.seconds, args.users)
    args.report.write_text(json.dumps(report, indent=1))
    print(format_report(report), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

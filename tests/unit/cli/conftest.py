"""Fixtures for the govhub CLI tests: an in-memory GovHub API served over real HTTP on 127.0.0.1.

The fake follows docs/api.md for the routes the CLI uses (models, versions, metrics, lifecycle,
errors, idempotency keys) and records every request, so tests assert what went over the wire.
Faults (HTTP errors, dropped connections) can be queued per route.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

API_PREFIX = "/api/v1"
TRANSITIONS = {
    "draft": ["under_review", "retired"],
    "under_review": ["approved", "draft", "retired"],
    "approved": ["under_review", "retired"],
    "retired": [],
}
DESCRIPTIVE = {"name", "owner", "description", "domain", "intended_purpose", "data_sources", "oversight_plan"}
MAX_BODY = 64 * 1024


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    raw_body: bytes


@dataclass
class Fault:
    method: str
    path: str
    status: int | None  # None: drop the connection without answering
    times: int
    after: int = 0  # let this many matching requests through first
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None, gateway: bool = False) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details
        self.gateway = gateway  # API Gateway's own answers carry only {"message": ...}


class FakeGovHub:
    def __init__(self) -> None:
        self.models: dict[int, dict[str, Any]] = {}
        self.versions: dict[int, dict[str, Any]] = {}
        self.sealed: dict[int, dict[str, Any]] = {}
        self.metrics: list[dict[str, Any]] = []
        self.plans: dict[int, list[Any]] = {}  # model id → its monitoring plan's bounds (govhub.monitoring.domain.MetricBound)
        self.observations: list[dict[str, Any]] = []
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.idempotent: dict[tuple[str, str, str], tuple[int, bytes]] = {}
        self.static: dict[tuple[str, str], tuple[int, dict[str, str], bytes]] = {}  # canned answers
        self.rejected_tokens: set[str] = set()
        self.forbidden_tokens: set[str] = set()
        self.url = ""
        self._lock = threading.Lock()
        self._next_id = 1

    # -- test helpers -------------------------------------------------------------------------
    def fail(self, method: str, path: str, status: int | None, times: int = 1, **extra: Any) -> None:
        self.faults.append(Fault(method, path, status, times, **extra))

    def calls(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        return [r for r in self.requests if (method is None or r.method == method) and (path is None or r.path == path)]

    def add_model(self, **fields: Any) -> dict[str, Any]:
        status, body = self._create_model({"owner": "ML Team", **fields}, "seed")
        assert status == 201
        return body

    def add_version(self, model_id: int, tag: str, s3_path: str = "s3://models/x", sha256: str | None = None) -> dict:
        status, body = self._create_version({"model_id": model_id, "version_tag": tag, "s3_path": s3_path,
                                             "sha256": sha256}, "seed")
        assert status == 201
        return body

    def set_status(self, model_id: int, status: str) -> None:
        model = self.models[model_id]
        model["compliance_status"] = status
        model["allowed_transitions"] = TRANSITIONS[status]
        if status == "approved":
            model["approved_version_id"] = (model["latest_version"] or {}).get("id")
            version = self.versions.get(model["approved_version_id"]) or {}
            snapshot = {
                "model": {"name": model["name"], "risk_level": model.get("risk_level")},
                "version": {"version_tag": version.get("version_tag"), "artifact_uri": version.get("s3_path"),
                            "sha256": version.get("sha256")} if version else None,
                "policy": {"version": 0, "name": "EU AI Act baseline"},
                "signoffs": [{"by": "ada.admin", "role": "admin"}],
                "sealed_at": "2026-11-25T14:03:11.000000+00:00",
            }
            self.sealed[model_id] = {"snapshot_sha256": "a" * 63 + str(model_id % 10), "snapshot": snapshot}
        else:
            self.sealed.pop(model_id, None)

    # -- HTTP ---------------------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict, bytes] | None:
        parts = urlsplit(target)
        path = parts.path.removeprefix(API_PREFIX)
        path = path.rstrip("/") or "/"
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        with self._lock:
            self.requests.append(Recorded(method, path, query, headers, body, raw))
            for fault in self.faults:
                if fault.times > 0 and fault.method == method and fault.path == path:
                    if fault.after > 0:
                        fault.after -= 1
                        continue
                    fault.times -= 1
                    if fault.status is None:
                        return None
                    payload = fault.body or {"error": {"code": "unavailable", "message": "try again"}}
                    return fault.status, fault.headers, json.dumps(payload).encode()
            if (method, path) in self.static:
                return self.static[(method, path)]
            key = headers.get("idempotency-key")
            if key and method != "GET" and (method, path, key) in self.idempotent:
                status, replay = self.idempotent[(method, path, key)]
                return status, {}, replay
            try:
                status, answer = self._route(method, path, query, headers, body, raw)
            except ApiError as error:
                status = error.status
                answer = {"message": error.message} if error.gateway else {
                    "error": {"code": error.code, "message": error.message, "details": error.details}}
            encoded = json.dumps(answer).encode() if answer is not None else b""
            if key and method != "GET" and status < 500:
                self.idempotent[(method, path, key)] = (status, encoded)
            return status, {}, encoded

    def _route(self, method: str, path: str, query: dict, headers: dict, body: Any, raw: bytes) -> tuple[int, Any]:
        if path == "/health":
            return 200, {"status": "ok"}
        auth = headers.get("authorization", "")
        if not auth:
            raise _gateway(401, "Unauthorized")
        token = auth.removeprefix("Bearer ").strip()
        if token in self.rejected_tokens:
            raise _gateway(401, "Unauthorized")
        if token in self.forbidden_tokens:
            raise ApiError(403, "forbidden", "the role auditor may not do this")
        if len(raw) > MAX_BODY:
            raise ApiError(413, "payload_too_large", "body over 64 KB")
        if method != "GET" and raw and body is None:
            raise ApiError(400, "bad_request", "malformed JSON")
        seg = path.strip("/").split("/")
        who = "ci-role"
        if seg == ["models"] and method == "GET":
            return 200, self._list_models(query)
        if seg == ["models"] and method == "POST":
            return self._create_model(body, who)
        if len(seg) >= 2 and seg[0] == "models":
            model = self._model(seg[1])
            if len(seg) == 2 and method == "GET":
                return 200, model
            if len(seg) == 2 and method in ("PATCH", "PUT"):
                return 200, self._patch_model(model, body, who)
            if seg[2:] == ["risk-profile"] and method == "PATCH":
                return 200, self._risk(model, body, who)
            if seg[2:] == ["compliance-status"] and method == "PATCH":
                return 200, self._status(model, body, who)
            if seg[2:] == ["versions"] and method == "GET":
                return 200, self._page(self._versions_of(model["id"]), query)
            if seg[2:] == ["approval"] and method == "GET":
                sealed = self.sealed.get(model["id"])
                return 200, {"model_id": model["id"], "in_force": sealed is not None, "sealed": sealed}
            if seg[2:] == ["classification"] and method == "POST":
                return 200, self._classify(model, body, who)
            if seg[2:] == ["observations"] and method == "POST":
                return 200, self._observe(model, body)
        if seg == ["versions"] and method == "GET":
            return 200, self._page(self._versions_of(int(query["model_id"])), query)
        if seg == ["versions"] and method == "POST":
            return self._create_version(body, who)
        if len(seg) >= 2 and seg[0] == "versions" and method == "GET":
            version = self.versions.get(int(seg[1])) if seg[1].isdigit() else None
            if version is None:
                raise ApiError(404, "not_found", f"version {seg[1]} not found")
            if seg[2:] == ["metrics"]:
                return 200, self._page([m for m in self.metrics if m["version_id"] == version["id"]], query)
            return 200, version
        if seg == ["metrics"] and method == "POST":
            return 201, self._create_metrics(body, who)
        raise ApiError(404, "not_found", f"no route {method} {path}")

    # -- resources ----------------------------------------------------------------------------
    def _observe(self, model: dict, body: dict) -> dict:
        """POST /models/{id}/observations: stored, and a value outside a planned bound opens a finding (the hub's rule)."""
        plan = {bound.metric: bound for bound in self.plans.get(model["id"], [])}
        self.observations += body["observations"]
        opened = [{"metric": o["metric"], "reason": plan[o["metric"]].breach(o["value"])} for o in body["observations"]
                  if o["metric"] in plan and plan[o["metric"]].breach(o["value"])]
        unplanned = sorted({o["metric"] for o in body["observations"]} - set(plan))
        return {"stored": len(body["observations"]), "opened": opened, "updated": [], "resolved": [], "unplanned_metrics": unplanned}

    def _classify(self, model: dict, body: dict, who: str) -> dict:
        """POST /models/{id}/classification with the hub's own questionnaire and classifier (docs/classification.md)."""
        from govhub.classification.classifier import classify
        from govhub.classification.questionnaire import questionnaire

        try:
            result = classify(questionnaire().validate_answers(body.get("answers", {})))
        except Exception as error:  # noqa: BLE001 - the hub's 422 with its details
            raise ApiError(422, "validation_error", str(getattr(error, "message", error)), getattr(error, "details", None)) from None
        suggested = result.suggested_risk_level.value
        level = body.get("risk_level") or suggested
        override = level != suggested
        if override and not body.get("justification"):
            raise ApiError(422, "validation_error", f"The questionnaire suggests {suggested} risk; send a `justification`.")
        model.update(risk_level=level, operator_role=body.get("operator_role", model.get("operator_role")), revision=model["revision"] + 1)
        return {**result.as_json(), "model_id": model["id"], "model_name": model["name"], "risk_level": level,
                "revision": model["revision"], "operator_role": model.get("operator_role"),
                "summary": {"suggested_risk_level": suggested, "override": override, "justification": body.get("justification")}}

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def _model(self, raw_id: str) -> dict:
        model = self.models.get(int(raw_id)) if raw_id.isdigit() else None
        if model is None:
            raise ApiError(404, "not_found", f"model {raw_id} not found")
        return model

    def _list_models(self, query: dict) -> dict:
        items = sorted(self.models.values(), key=lambda m: m["name"].lower())
        if "name" in query:
            items = [m for m in items if m["name"].lower() == query["name"].lower()]
        if "q" in query:
            items = [m for m in items if m["name"].lower().startswith(query["q"].lower())]
        for key in ("risk_level", "compliance_status", "owner", "domain"):
            if key in query:
                items = [m for m in items if m.get(key) == query[key]]
        return self._page(items, query)

    @staticmethod
    def _page(items: list, query: dict) -> dict:
        limit = int(query.get("limit", 20))
        if not 1 <= limit <= 100:
            raise ApiError(422, "validation_error", "bad limit", [{"field": "limit", "message": "1..100"}])
        start = int(query.get("cursor", 0))
        chunk = items[start : start + limit]
        more = start + limit < len(items)
        return {"items": chunk, "next_cursor": str(start + limit) if more else None}

    def _create_model(self, body: Any, who: str) -> tuple[int, dict]:
        allowed = DESCRIPTIVE | {"risk_level", "risk_justification"}
        problems = [{"field": k, "message": "unknown field"} for k in body if k not in allowed]
        problems += [{"field": k, "message": "field required"} for k in ("name", "owner") if not body.get(k)]
        if body.get("risk_level", "minimal") not in ("minimal", "limited", "high", "unacceptable"):
            problems.append({"field": "risk_level", "message": "bad enum"})
        if problems:
            raise ApiError(422, "validation_error", "request validation failed", problems)
        for model in self.models.values():
            if model["name"].lower() == body["name"].lower():
                raise ApiError(409, "duplicate_name", f"a model named {body['name']} exists", {"model_id": model["id"]})
        model_id = self._id()
        model = {
            "id": model_id, "name": body["name"], "owner": body["owner"], "description": body.get("description"),
            "domain": body.get("domain"), "risk_level": body.get("risk_level", "minimal"),
            "risk_justification": body.get("risk_justification"), "compliance_status": "draft",
            "intended_purpose": body.get("intended_purpose"), "data_sources": body.get("data_sources"),
            "oversight_plan": body.get("oversight_plan"), "allowed_transitions": TRANSITIONS["draft"],
            "latest_version": None, "approved_version_id": None, "revision": 1,
            "created_at": "2026-01-01T00:00:00+00:00", "created_by": who,
            "updated_at": "2026-01-01T00:00:00+00:00", "updated_by": who, "last_change_reason": None,
        }
        self.models[model_id] = model
        return 201, model

    def _check_revision(self, model: dict, body: dict) -> None:
        expected = body.get("expected_revision")
        if expected is not None and expected != model["revision"]:
            raise ApiError(409, "stale_revision", "the model has changed", {"current_revision": model["revision"]})

    def _patch_model(self, model: dict, body: dict, who: str) -> dict:
        unknown = [k for k in body if k not in DESCRIPTIVE | {"expected_revision", "reason"}]
        if unknown:
            raise ApiError(422, "validation_error", "request validation failed",
                           [{"field": k, "message": "unknown field"} for k in unknown])
        self._check_revision(model, body)
        model.update({k: v for k, v in body.items() if k in DESCRIPTIVE})
        model["last_change_reason"] = body.get("reason")
        model["revision"] += 1
        return model

    def _risk(self, model: dict, body: dict, who: str) -> dict:
        if not body.get("justification") or "risk_level" not in body:
            raise ApiError(422, "validation_error", "request validation failed",
                           [{"field": "justification", "message": "field required"}])
        self._check_revision(model, body)
        model["risk_level"], model["risk_justification"] = body["risk_level"], body["justification"]
        model["revision"] += 1
        return model

    def _status(self, model: dict, body: dict, who: str) -> dict:
        if not body.get("reason"):
            raise ApiError(422, "validation_error", "request validation failed",
                           [{"field": "reason", "message": "field required"}])
        target = body["status"]
        if target not in TRANSITIONS[model["compliance_status"]]:
            raise ApiError(409, "transition_not_allowed",
                           f"cannot go from {model['compliance_status']} to {target}",
                           {"allowed": TRANSITIONS[model["compliance_status"]]})
        self.set_status(model["id"], target)
        model["last_change_reason"] = body["reason"]
        model["revision"] += 1
        return model

    def _versions_of(self, model_id: int) -> list[dict]:
        return sorted((v for v in self.versions.values() if v["model_id"] == model_id), key=lambda v: -v["id"])

    def _create_version(self, body: dict, who: str) -> tuple[int, dict]:
        model = self._model(str(body["model_id"]))
        if model["compliance_status"] == "retired":
            raise ApiError(409, "model_retired", "a retired model accepts no new versions")
        if any(v["version_tag"] == body["version_tag"] for v in self._versions_of(model["id"])):
            raise ApiError(409, "duplicate_version", f"version {body['version_tag']} exists")
        sha = body.get("sha256")
        if sha is not None and (len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha)):
            raise ApiError(422, "validation_error", "request validation failed",
                           [{"field": "sha256", "message": "64 hex characters"}])
        version = {"id": self._id(), "model_id": model["id"], "version_tag": body["version_tag"],
                   "s3_path": body["s3_path"], "sha256": sha, "description": body.get("description"),
                   "revision": 1, "created_at": "2026-01-01T00:00:00+00:00", "created_by": who}
        self.versions[version["id"]] = version
        model["latest_version"] = {"id": version["id"], "version_tag": version["version_tag"]}
        return 201, version

    def _create_metrics(self, body: dict, who: str) -> dict:
        version = self.versions.get(int(body.get("version_id") or 0))
        if version is None:
            raise ApiError(404, "not_found", "version not found")
        rows = body.get("metrics", [body])
        if not 1 <= len(rows) <= 100:
            raise ApiError(422, "validation_error", "1..100 metrics per call",
                           [{"field": "metrics", "message": "1..100 items"}])
        created = []
        for row in rows:
            if not isinstance(row.get("value"), (int, float)) or isinstance(row.get("value"), bool):
                raise ApiError(422, "validation_error", "request validation failed",
                               [{"field": "value", "message": "must be a number"}])
            created.append({"id": self._id(), "version_id": version["id"], "model_id": version["model_id"],
                            "metric_name": row["metric_name"], "value": row["value"],
                            "recorded_at": "2026-01-01T00:00:00+00:00", "created_by": who})
        self.metrics.extend(created)
        return {"items": created} if "metrics" in body else created[0]


def _gateway(status: int, message: str) -> ApiError:
    return ApiError(status, "", message, gateway=True)


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeGovHub/1"
    api: FakeGovHub

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output quiet
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        result = self.api.handle(self.command, self.path, headers, raw)
        if result is None:
            self.close_connection = True
            self.connection.shutdown(2)
            return
        status, extra_headers, body = result
        self.send_response(status)
        if "Content-Type" not in extra_headers:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve


@pytest.fixture
def api() -> Iterator[FakeGovHub]:
    fake = FakeGovHub()
    handler = type("Handler", (_Handler,), {"api": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """No real AWS config, no CI variables, no metadata service: only what a test sets."""
    import os

    for name in list(os.environ):
        if name.startswith(("AWS_", "GOVHUB_", "GITHUB_", "GITLAB_", "CI_")) or name == "CI":
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retries happen at once; the delays the client asked for are recorded."""
    from govhub_cli.client import RetryPolicy

    asked: list[float] = []
    original = RetryPolicy.delay

    def record(self: RetryPolicy, attempt: int, retry_after: float | None) -> float:
        asked.append(original(self, attempt, retry_after))
        return 0.0

    monkeypatch.setattr(RetryPolicy, "delay", record)
    return asked


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def govhub(api: FakeGovHub, capsys: pytest.CaptureFixture[str], no_backoff: list[float]) -> Any:
    """Runs `govhub ARGS...` in-process against the fake API with a Cognito token; returns code/stdout/stderr."""
    from govhub_cli.main import main

    def run(*args: str, token: str | None = "people-token", api_url: str | None = None) -> Result:
        capsys.readouterr()
        base = ["--api-url", api_url or api.url]
        if token is not None:
            base += ["--token", token]
        try:
            code = main([*base, *args])
        except SystemExit as exit_:  # argparse usage errors and --help
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run

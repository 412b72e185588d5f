"""MLflow, both ways, against a real `mlflow server` (SQLite backend on loopback) driven by the real MLflow client.

One server for the module. Its webhook deliveries reach the webhook function through a small HTTP front that
turns each request into the API Gateway event the function gets in AWS; the hub's table and secret are moto's.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest

from local_stack.events import http_event
from local_stack.functions import FunctionHost
from local_stack.mlflow_server import MlflowServer
from tests.integration.conftest import Api

mlflow = pytest.importorskip("mlflow")
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Dataset, DatasetInput, InputTag  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("govhub_mlflow_signature", ROOT / "functions" / "mlflow_sync" / "signature.py")
assert _spec is not None and _spec.loader is not None
signature = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(signature)

WEBHOOK_SECRET = "integration-test-webhook-secret"  # noqa: S105 - a test value
WEBHOOK_PATH = "/api/v1/integrations/mlflow/webhook"
HUB_FUNCTIONS: dict[str, FunctionHost] = {}  # the functions of the running test, for the webhook front


class _Front(BaseHTTPRequestHandler):
    """API Gateway in front of the webhook function: the request, as an HTTP API event."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        function = HUB_FUNCTIONS.get("MlflowWebhookFunction")
        if function is None or self.path != WEBHOOK_PATH:
            self.send_response(404)
            self.end_headers()
            return
        answer = function.invoke(http_event("POST", self.path, headers=dict(self.headers.items()), body=body,
                                            route_key=f"POST {WEBHOOK_PATH}"))
        payload = (answer.get("body") or "").encode()
        self.send_response(int(answer["statusCode"]))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def front() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Front)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}{WEBHOOK_PATH}"
    server.shutdown()


@pytest.fixture(scope="module")
def mlflow_url(tmp_path_factory: pytest.TempPathFactory, front: str) -> Iterator[str]:
    server = MlflowServer(Path(tmp_path_factory.mktemp("mlflow")))
    url = server.start()
    MlflowClient(url).create_webhook(
        name="governance-hub", url=front, secret=WEBHOOK_SECRET,
        events=["model_version.created", "model_version_tag.set", "model_version_alias.created"],
    )
    yield url
    server.stop()


@pytest.fixture
def hub(api: Api, aws: dict[str, str], functions: dict[str, FunctionHost], mlflow_url: str) -> Iterator[Api]:
    """The hub (moto), with its MLflow secret pointing at the test server."""
    boto3.client("secretsmanager", region_name="us-east-1").put_secret_value(
        SecretId=aws["MlflowSecret"], SecretString=json.dumps({"tracking_uri": mlflow_url, "webhook_secret": WEBHOOK_SECRET}))
    HUB_FUNCTIONS.update(functions)
    yield api
    HUB_FUNCTIONS.clear()


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _trained_version(client: MlflowClient, name: str, tags: dict[str, str] | None = None) -> Any:
    """A run with metrics and a training dataset, registered as a version of `name`."""
    experiment = client.create_experiment(_unique("exp"))
    run = client.create_run(experiment)
    client.log_metric(run.info.run_id, "accuracy", 0.93)
    client.log_metric(run.info.run_id, "f1", 0.88)
    dataset = Dataset(name="card-transactions-2025", digest="9f2c1e", source_type="s3", source='{"uri": "s3://data/tx.parquet"}')
    client.log_inputs(run.info.run_id, datasets=[DatasetInput(dataset, tags=[InputTag("mlflow.data.context", "training")])])
    client.set_terminated(run.info.run_id)
    return client.create_model_version(name, source=f"s3://models/{name}/1", run_id=run.info.run_id, tags=tags or {})


def _wait_for(check: Any, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("the hub did not show the change in time")
        time.sleep(0.2)


def _hub_model(api: Api, name: str) -> dict[str, Any] | None:
    items = api.get("/api/v1/models", query=f"name={name}").body["items"]
    return items[0] if items else None


def _imported(api: Api, name: str) -> dict[str, Any] | None:
    """The hub model once its version is there too (the model is created first, then its versions)."""
    model = _hub_model(api, name)
    return model if model is not None and model["latest_version"] is not None else None


def test_the_signature_checked_is_the_one_mlflow_sends() -> None:
    from mlflow.webhooks.delivery import _generate_hmac_signature

    sign = signature.sign
    body = json.dumps({"entity": "model_version", "action": "created", "data": {"name": "m", "version": "1"}})
    assert sign("s3cret", "d-1", "1796580000", body) == _generate_hmac_signature("s3cret", "d-1", "1796580000", body)


def test_a_version_registered_in_mlflow_appears_in_the_hub_with_its_run(hub: Api, mlflow_url: str) -> None:
    client = MlflowClient(mlflow_url)
    name = _unique("fraud-detector")
    client.create_registered_model(name, description="Card fraud scoring",
                                   tags={"govhub.risk_level": "high", "govhub.owner": "Fraud ML"})
    _trained_version(client, name, tags={"govhub.intended_purpose": "Flag fraudulent card transactions"})

    model = _wait_for(lambda: _imported(hub, name))
    assert (model["owner"], model["risk_level"], model["description"]) == ("Fraud ML", "high", "Card fraud scoring")
    assert model["intended_purpose"] == "Flag fraudulent card transactions"
    assert model["external_ref"] == {"system": "mlflow", "name": name}
    assert model["team"] == "ml-platform"  # no govhub.team tag: the integration's default team
    version = hub.get(f"/api/v1/models/{model['id']}/versions").body["items"][0]
    assert (version["version_tag"], version["s3_path"]) == ("1", f"s3://models/{name}/1")
    assert "card-transactions-2025 (training, digest 9f2c1e)" in version["description"]
    # recorded in the same delivery, just after the version
    metrics = _wait_for(lambda: {m["metric_name"]: m["value"] for m in hub.get(f"/api/v1/versions/{version['id']}/metrics").body["items"]})
    assert metrics == {"accuracy": 0.93, "f1": 0.88}

    # a tag set later in MLflow is a normal audited change in the hub
    client.set_model_version_tag(name, "1", "govhub.domain", "payments")
    changed = _wait_for(lambda: (m := _hub_model(hub, name)) and m["domain"] == "payments" and m)
    assert changed["last_change_reason"] == f"Synced from MLflow model '{name}'"
    # an alias moves nothing that is already there
    client.set_registered_model_alias(name, "champion", "1")
    time.sleep(1.5)
    assert _hub_model(hub, name)["revision"] == changed["revision"]


def _signed(body: str, delivery_id: str, timestamp: int, secret: str = WEBHOOK_SECRET) -> dict[str, str]:
    sign = signature.sign
    return {"X-MLflow-Delivery-Id": delivery_id, "X-MLflow-Timestamp": str(timestamp),
            "X-MLflow-Signature": sign(secret, delivery_id, str(timestamp), body), "Content-Type": "application/json"}


def _deliver(functions: dict[str, FunctionHost], body: str, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    answer = functions["MlflowWebhookFunction"].invoke(http_event("POST", WEBHOOK_PATH, headers=headers, body=body.encode(),
                                                                  route_key=f"POST {WEBHOOK_PATH}"))
    return int(answer["statusCode"]), json.loads(answer["body"])


def test_unsigned_forged_stale_and_replayed_deliveries_are_refused(hub: Api, functions: dict[str, FunctionHost], mlflow_url: str) -> None:
    HUB_FUNCTIONS.clear()  # the deliveries here are made by hand: MLflow's own go nowhere
    client = MlflowClient(mlflow_url)
    name = _unique("credit-model")
    client.create_registered_model(name)
    client.create_model_version(name, source=f"s3://models/{name}/1")
    body = json.dumps({"entity": "model_version", "action": "created", "timestamp": "2026-12-06T18:00:00+00:00",
                       "data": {"name": name, "version": "1", "source": f"s3://models/{name}/1", "run_id": None, "tags": {}, "description": None}})
    now = int(time.time())

    unsigned = {"X-MLflow-Delivery-Id": "d-unsigned", "X-MLflow-Timestamp": str(now), "Content-Type": "application/json"}
    assert _deliver(functions, body, unsigned)[0] == 401
    forged = _signed(body, "d-forged", now, secret="not-the-secret")
    assert _deliver(functions, body, forged)[0] == 401
    stale = _signed(body, "d-stale", now - 600)
    status, answer = _deliver(functions, body, stale)
    assert status == 401 and "stale" in answer["error"]["message"]
    tampered = _signed(body, "d-tampered", now)
    assert _deliver(functions, body.replace(name, name + "-x"), tampered)[0] == 401
    assert _hub_model(hub, name) is None  # nothing refused was read

    good = _signed(body, "d-good", now)
    assert _deliver(functions, body, good)[0] == 200
    status, answer = _deliver(functions, body, good)
    assert status == 409 and answer["error"]["code"] == "delivery_replayed"
    assert _hub_model(hub, name) is not None


def _status_changed(model: dict[str, Any], status: str, previous: str, sha: str | None = None) -> dict[str, Any]:
    """A `Compliance Status Changed` event as the notifier puts it on the bus (docs/events/)."""
    approved = {"id": model["latest_version"]["id"], "version_tag": model["latest_version"]["version_tag"]} if status == "approved" else None
    return {"version": "0", "source": "govhub.registry", "detail-type": "Compliance Status Changed",
            "detail": {"schema_version": "1.0", "event_id": uuid.uuid4().hex, "model": {"id": model["id"], "name": model["name"]},
                       "status": status, "previous_status": previous, "approved_version": approved,
                       "approval_snapshot_sha256": sha}}


def test_approving_and_reopening_in_the_hub_is_shown_on_the_mlflow_version(hub: Api, functions: dict[str, FunctionHost], mlflow_url: str) -> None:
    client = MlflowClient(mlflow_url)
    name = _unique("churn-model")
    client.create_registered_model(name)
    _trained_version(client, name)
    model = _wait_for(lambda: _imported(hub, name))
    sha = "ab" * 32

    functions["MlflowBacksyncFunction"].invoke(_status_changed(model, "approved", "under_review", sha))
    tags = client.get_model_version(name, "1").tags
    assert (tags["govhub.status"], tags["govhub.approval_sha256"]) == ("approved", sha)

    functions["MlflowBacksyncFunction"].invoke(_status_changed(model, "under_review", "approved"))
    tags = client.get_model_version(name, "1").tags
    assert tags["govhub.status"] == "under_review" and "govhub.approval_sha256" not in tags
    # the hub's own tags coming back as webhooks change nothing in the hub
    time.sleep(1.5)
    assert _hub_model(hub, name)["revision"] == model["revision"]


class _InProcessTransport:
    """The CLI's transport, answered by the hub's functions in this process (as the machine API would)."""

    def __init__(self, api: Api) -> None:
        self._api = api

    def send(self, method: str, url: str, headers: dict[str, str], body: bytes | None, timeout: float) -> Any:
        from govhub_cli.client import Response

        path, _, query = url.partition("?")
        answer = self._api.call(method, path[path.index("/api/v1"):], raw=body, role="model_owner", user="ci", query=query)
        return Response(answer.status, answer.headers, json.dumps(answer.body).encode() if answer.body is not None else b"")


def _import(api: Api, mlflow_url: str, name: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    from govhub_cli.commands import run
    from govhub_cli.main import build_parser

    args: argparse.Namespace = build_parser().parse_args(
        ["--api-url", "http://hub.test/api/v1", "--token", "t", "--json", "import", "mlflow", "--tracking-uri", mlflow_url, "--model", name])
    capsys.readouterr()  # what MLflow's client printed before
    assert run(args, env={}, transport=_InProcessTransport(api)) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_import_is_incremental_and_never_duplicates(hub: Api, functions: dict[str, FunctionHost], mlflow_url: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    HUB_FUNCTIONS.clear()  # this test imports by command only: the webhook deliveries go nowhere
    client = MlflowClient(mlflow_url)
    name = _unique("pricing-model")
    client.create_registered_model(name, tags={"govhub.risk_level": "limited"})
    _trained_version(client, name)

    first = _import(hub, mlflow_url, name, capsys)
    assert first["summary"] == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 0,
                                "versions_created": 1, "versions_skipped": 0, "metrics_recorded": 2}
    again = _import(hub, mlflow_url, name, capsys)
    assert again["summary"]["unchanged"] == 1 and again["summary"]["versions_skipped"] == 1
    assert again["summary"]["metrics_recorded"] == 0

    client.create_model_version(name, source=f"s3://models/{name}/2")
    client.set_registered_model_tag(name, "govhub.risk_level", "extreme")
    third = _import(hub, mlflow_url, name, capsys)
    outcome = third["models"][0]
    assert (outcome["action"], outcome["versions_created"], outcome["versions_skipped"]) == ("updated", ["2"], ["1"])
    assert "govhub.risk_level='extreme' is not a risk level" in outcome["notes"][0]
    model = _hub_model(hub, name)
    assert model["risk_level"] == "limited" and model["latest_version"]["version_tag"] == "2"
    assert len(hub.get(f"/api/v1/models/{model['id']}/versions").body["items"]) == 2


def test_a_signed_delivery_nested_30000_deep_is_a_400_not_a_crash(hub: Api, functions: dict[str, FunctionHost]) -> None:
    # the webhook's body goes through the hub's one JSON parser, with its depth limit, like every API body
    body = "[" * 30_000 + "]" * 30_000
    status, answer = _deliver(functions, body, _signed(body, f"d-deep-{uuid.uuid4().hex[:6]}", int(time.time())))
    assert status == 400 and answer["error"]["code"] == "bad_request"

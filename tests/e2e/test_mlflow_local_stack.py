"""`make dev MLFLOW=1` as a user runs it: the demo model registered in MLflow appears in the hub, and the hub's
approval comes back to MLflow as the version's tags (through the stream, the notifier, the bus and its rule)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from local_stack.mlflow_demo import DEMO_MODEL
from tests.classify import classification_body
from tests.e2e.helpers import Client
from tests.harness import StackDidNotStartError, free_port, start_stack
from tests.monitoring import plan_body

pytestmark = pytest.mark.e2e
mlflow = pytest.importorskip("mlflow")


@pytest.fixture(scope="module")
def mlflow_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    try:
        started = start_stack(tmp_path_factory.mktemp("mlflow-stack"), demo_data=True,
                              extra_args=("--mlflow", "--mlflow-port", str(free_port())))
    except StackDidNotStartError as error:
        pytest.fail(str(error))
    yield started.info
    started.stop()


def _eventually(check: Any, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError("not seen in time")
        time.sleep(0.5)
    return value


def test_the_mlflow_demo_model_arrives_and_its_approval_goes_back(mlflow_stack: dict[str, Any]) -> None:
    auditor = Client(mlflow_stack, "auditor")
    # the model is written first, then its version: wait for both
    found = _eventually(lambda: [m for m in auditor.get("/models", params={"name": DEMO_MODEL}).json()["items"] if m["latest_version"]])
    model = found[0]
    assert model["external_ref"] == {"system": "mlflow", "name": DEMO_MODEL} and model["latest_version"]["version_tag"] == "1"

    owner, reviewer = Client(mlflow_stack, "model_owner"), Client(mlflow_stack, "reviewer")
    documented = owner.patch(f"/models/{model['id']}", json={"data_sources": "Loan applications 2025",
                                                             "oversight_plan": "Credit officers review every decline"})
    assert documented.status_code == 200, documented.text
    # classified as the default policy asks before approval (its risk level, from MLflow's tag, is kept)
    classified = owner.post(f"/models/{model['id']}/classification", json=classification_body(model["risk_level"]))
    assert classified.status_code == 200, classified.text
    planned = owner.put(f"/models/{model['id']}/monitoring-plan", json=plan_body())  # Art. 72, if high risk
    assert planned.status_code == 200, planned.text
    assert owner.patch(f"/models/{model['id']}/compliance-status", json={"status": "under_review", "reason": "Ready"}).status_code == 200
    # The MLflow import keeps a version's dataset inputs as text only (it declares no registered dataset), so this
    # stack's policy leaves out the data-governance rule: what is under test here is the approval's way back to MLflow
    policy = reviewer.get("/policies/active").json()["document"]
    policy["rules"] = [rule for rule in policy["rules"] if rule["kind"] != "data_governance"]
    assert reviewer.put("/policies/active", json={"document": policy, "reason": "MLflow imports declare no datasets yet"}).status_code == 200
    approved = reviewer.patch(f"/models/{model['id']}/compliance-status", json={"status": "approved", "reason": "Reviewed"})
    assert approved.status_code == 200, approved.text

    client = mlflow.MlflowClient(mlflow_stack["mlflow_url"])
    tags = _eventually(lambda: (t := client.get_model_version(DEMO_MODEL, "1").tags).get("govhub.status") == "approved" and t)
    assert tags["govhub.approval_sha256"] == approved.json()["approval"]["snapshot_sha256"]

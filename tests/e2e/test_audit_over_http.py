"""The audit trail and governance events on the running local stack: the stream pump feeds audit_stream and the
notifier exactly as Lambda's event source mappings would, and a user reads the result over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import Client, sign_in
from tests.monitoring import plan_body

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
WITHIN_SECONDS = 10  # "a few seconds": the pump polls every 0.1 s; a busy test machine needs the margin


def _eventually(check: Callable[[], Any], seconds: float = WITHIN_SECONDS) -> tuple[Any, float]:
    """(the first truthy answer of `check`, how long it took)."""
    start = time.monotonic()
    while True:
        answer = check()
        elapsed = time.monotonic() - start
        if answer or elapsed > seconds:
            return answer, elapsed
        time.sleep(0.1)


@pytest.fixture(scope="module")
def reviewed(stack: dict[str, Any]) -> dict[str, Any]:
    """A model taken to review by its owner, with a reason nobody else uses."""
    owner = Client(stack, "model_owner")
    name = f"audit-e2e-{uuid.uuid4().hex[:8]}"
    model = owner.post("/models", json={"name": name, "owner": "ML Team", "risk_level": "minimal"}).json()
    version = owner.post("/versions", json={"model_id": model["id"], "version_tag": "v1", "s3_path": "s3://m/v1"})
    assert version.status_code == 201, version.text
    reason = f"ready for review {uuid.uuid4().hex[:6]}"
    answer = owner.patch(f"/models/{model['id']}/compliance-status", json={"status": "under_review", "reason": reason})
    assert answer.status_code == 200, answer.text
    return {"model": answer.json(), "reason": reason, "changed_at": time.monotonic()}


def test_a_status_change_appears_in_the_models_audit_log_within_seconds_and_verifies(stack: dict[str, Any], reviewed: dict) -> None:
    auditor = Client(stack, "auditor")
    model_id = reviewed["model"]["id"]

    def newest() -> dict | None:
        items = auditor.get(f"/models/{model_id}/audit-logs", params={"limit": 1}).json()["items"]
        return items[0] if items and items[0]["reason"] == reviewed["reason"] else None

    record, _ = _eventually(newest)
    assert record is not None, "the status change was not audited in time"
    assert time.monotonic() - reviewed["changed_at"] < WITHIN_SECONDS + 5
    assert record["action"] == "status_change" and record["sequence"] == 3
    assert record["actor"] == {"username": stack["users"]["model_owner"]["username"], "role": "model_owner"}
    assert record["changes"]["compliance_status"] == {"before": "draft", "after": "under_review"}
    verdict = auditor.get(f"/models/{model_id}/audit-logs/verify").json()
    assert {k: verdict[k] for k in ("intact", "records", "head_hash", "first_break", "pending")} == {
        "intact": True, "records": 3, "head_hash": record["hash"], "first_break": None, "pending": None}
    # and the dashboard's "recent changes" list carries it too
    recent = auditor.get("/audit-logs", params={"limit": 10, "model_id": model_id}).json()["items"]
    assert recent[0]["hash"] == record["hash"]


def test_the_status_change_is_announced_on_the_bus_and_printed_by_the_stack(stack: dict[str, Any], reviewed: dict) -> None:
    model = reviewed["model"]
    expected = f"[event] Compliance Status Changed: {model['name']} (#{model['id']}): draft -> under_review by"

    def printed() -> dict | None:
        lines = Path(stack["log_file"]).read_text().splitlines()
        for line, detail in zip(lines, lines[1:], strict=False):
            if line.startswith(expected):
                return json.loads(detail)
        return None

    detail, _ = _eventually(printed)
    assert detail is not None, "no event was printed for the status change"
    assert detail["reason"] == reviewed["reason"] and detail["status"] == "under_review"
    assert detail["schema_version"] == "1.1" and detail["model"]["id"] == model["id"]


def test_monitoring_and_incident_changes_are_announced_from_the_stream_and_printed_by_the_stack(stack: dict[str, Any]) -> None:
    # Given a model whose plan puts its review within the week's notice, a value outside a bound, and a serious
    # incident whose 2-day deadline passed; then the daily sweeps
    owner = Client(stack, "model_owner")
    model = owner.post("/models", json={"name": f"monitored-e2e-{uuid.uuid4().hex[:8]}", "owner": "ML Team", "risk_level": "limited"}).json()
    assert owner.put(f"/models/{model['id']}/monitoring-plan", json=plan_body(review_cadence_days=3)).status_code == 200
    observed = owner.post(f"/models/{model['id']}/observations", json={"observations": [
        {"metric": "drift_score", "value": 0.41, "observed_at": datetime.now(UTC).isoformat()}]})
    assert observed.status_code == 200 and observed.json()["opened"], observed.text
    aware = datetime.now(UTC) - timedelta(days=4)
    incident = owner.post("/incidents", json={
        "model_id": model["id"], "title": "Offers to the wrong segment", "description": "A bad join.", "severity": "serious",
        "kind": "widespread_infringement", "occurred_at": (aware - timedelta(hours=3)).isoformat(), "aware_at": aware.isoformat()})
    assert incident.status_code == 201, incident.text
    assert Client(stack, "admin").post("/admin/sweeps").status_code == 200
    expected = {"Review Due", "Monitoring Finding Opened", "Serious Incident Recorded", "Incident Report Overdue"}
    subject = f"{model['name']} (#{model['id']}):"

    def printed() -> dict[str, dict] | None:
        lines = Path(stack["log_file"]).read_text().splitlines()
        found = {t: json.loads(detail) for line, detail in zip(lines, lines[1:], strict=False) for t in expected
                 if line.startswith(f"[event] {t}: {subject}")}
        return found if set(found) == expected else None

    # Then the notifier, on the stream the pump feeds it, announces each of them, saying who and why
    found, _ = _eventually(printed)
    assert found is not None, "not every monitoring and incident event was printed"
    assert found["Monitoring Finding Opened"]["finding"]["metric"] == "drift_score"
    assert found["Serious Incident Recorded"]["incident"]["id"] == incident.json()["id"]
    assert found["Incident Report Overdue"]["actor"]["role"] == "system"
    assert found["Review Due"]["actor"]["username"] == stack["users"]["model_owner"]["username"]


def test_the_cli_exports_the_trail_and_verifies_it_offline(stack: dict[str, Any], reviewed: dict, tmp_path: Path) -> None:
    model = reviewed["model"]
    auditor = Client(stack, "auditor")
    _eventually(lambda: auditor.get(f"/models/{model['id']}/audit-logs/verify").json()["records"] == 3)
    head = auditor.get(f"/models/{model['id']}/audit-logs/verify").json()["head_hash"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GOVHUB_"))}
    env.update(PYTHONPATH=str(ROOT / "cli"), GOVHUB_API_URL=stack["api_url"], GOVHUB_TOKEN=sign_in(stack, "auditor")["IdToken"])

    def govhub(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "govhub_cli", *args], env=env, capture_output=True, text=True,
                              timeout=120, check=False)

    out = tmp_path / "bundle"
    exported = govhub("--json", "audit", "export", "--model", model["name"], "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["head_hash"] == head
    verified = govhub("audit", "verify", str(out), "--expect-head", head)
    assert verified.returncode == 0 and verified.stdout.startswith("INTACT"), verified.stdout + verified.stderr
    # A record changed in the bundle is caught and named, with nothing but the bundle
    record = out / "records" / "00000003.json"
    record.write_bytes(record.read_bytes().replace(b'"after":"under_review"', b'"after":"approved"'))
    tampered = govhub("audit", "verify", str(out))
    assert tampered.returncode == 1 and "TAMPERED" in tampered.stdout and "00000003" in tampered.stdout

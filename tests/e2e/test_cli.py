"""The govhub CLI against the local stack: the seed's CI sequence over the SigV4 machine API.

Each test drives the real `govhub` program in a subprocess with the CI credentials the stack
issued, as a pipeline would, and checks what the registry then holds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.monitoring import plan_body

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
Govhub = Callable[..., subprocess.CompletedProcess]


def _env(stack: dict[str, Any], tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GOVHUB_", "GITHUB_", "GITLAB_"))}
    env.update(
        PYTHONPATH=str(ROOT / "cli"),
        GOVHUB_API_URL=stack["machine_api_url"],
        AWS_ACCESS_KEY_ID=stack["ci"]["access_key_id"],
        AWS_SECRET_ACCESS_KEY=stack["ci"]["secret_access_key"],
        AWS_REGION=stack["region"],
        AWS_CONFIG_FILE=str(tmp_path / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        GOVHUB_TIMEOUT="120",  # correctness here, not latency: a busy local stack may take long per batch
    )
    env.update(overrides)
    return env


@pytest.fixture
def govhub(stack: dict[str, Any], tmp_path: Path) -> Govhub:
    """Runs `govhub ARGS...` as the CI role (SigV4 over the machine API)."""

    def run(*args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "govhub_cli", *args], env=_env(stack, tmp_path, **env),
                              capture_output=True, text=True, timeout=850, check=False)

    return run


def _token(stack: dict[str, Any], role: str) -> str:
    from local_stack.demo import sign_in

    user = stack["users"][role]
    return str(sign_in(stack["client_id"], user["username"], user["password"], stack["aws_endpoint"],
                       stack["region"])["IdToken"])


@pytest.fixture(scope="module")
def admin_token(stack: dict[str, Any]) -> str:
    return _token(stack, "admin")


def _name() -> str:
    return f"cli-e2e-{uuid.uuid4().hex[:8]}"


def _ok(result: subprocess.CompletedProcess) -> Any:
    assert result.returncode == 0, f"exit {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    return json.loads(result.stdout) if result.stdout.lstrip().startswith(("{", "[")) else result.stdout


def test_the_seed_ci_sequence_then_the_deployment_gate(govhub: Govhub, stack: dict, admin_token: str,
                                                       tmp_path: Path) -> None:
    name = _name()
    registered = _ok(govhub("--json", "register", name, "--owner", "ML Team", "--risk-level", "high",
                            "--risk-justification", "Decides on payments", "--domain", "finance",
                            "--intended-purpose", "Detect fraudulent transactions",
                            "--data-sources", "Card transactions 2024-2025 with chargeback labels",
                            "--oversight-plan", "Analysts review every blocked payment within 24 hours"))
    assert registered["action"] == "created"
    assert (registered["model"]["compliance_status"], registered["model"]["risk_level"]) == ("draft", "high")

    artifact = tmp_path / "model.bin"
    artifact.write_bytes(os.urandom(4096))
    # trained and tested on the demo's documented datasets (the default policy's data-governance rule, Art. 10)
    version = _ok(govhub("--json", "version", "--model", name, "--tag", "v1.0.0", "--artifact",
                         f"s3://models/{name}/v1.0.0", "--file", str(artifact),
                         "--dataset", "training=card-transactions-2025@2025.12",
                         "--dataset", "testing=card-transactions-holdout-2025@2025.12"))["version"]
    assert [d["role"] for d in version["inputs"]["datasets"]] == ["training", "testing"]
    assert version["s3_path"] == f"s3://models/{name}/v1.0.0"

    report = tmp_path / "evaluation.json"
    # What the default EU AI Act policy asks of a high-risk model: accuracy >= 0.9 and a bias metric.
    evaluation = {"accuracy": 0.95, "f1": 0.91, "demographic_parity_difference": 0.04}
    report.write_text(json.dumps(evaluation))
    pushed = _ok(govhub("--json", "metrics", "push", "--model", name, "--version", "v1.0.0", str(report)))
    assert (pushed["pushed"], pushed["requests"]) == (3, 1)

    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"annex3_5_b_credit_scoring": True}))
    classified = _ok(govhub("--json", "classify", "--model", name, str(answers), "--operator-role", "provider"))
    assert (classified["suggested_risk_level"], classified["risk_level"]) == ("high", "high")
    assert classified["flags"]["registration_required"] is True

    # The Art. 72 monitoring plan is a person's decision, written in the people API (the approval's refusal names the route)
    planned = requests.put(f"{stack['api_url']}/models/{registered['model']['id']}/monitoring-plan", json=plan_body(),
                           headers={"Authorization": f"Bearer {admin_token}"}, timeout=30)
    assert planned.status_code == 200, planned.text

    reviewed = _ok(govhub("--json", "status", "--model", name, "--reason", "Ready for compliance review"))
    assert reviewed["model"]["compliance_status"] == "under_review"

    refused = govhub("gate", "--model", name, "--version", "v1.0.0")
    assert refused.returncode == 1, refused.stderr
    assert refused.stdout.strip() == f"REFUSED: {name} is under_review, not approved"

    # A compliance officer approves in the people API with a Cognito token.
    _ok(govhub("status", "--model", name, "--to", "approved", "--reason", "Reviewed against the checklist",
               "--api-url", stack["api_url"], "--token", admin_token))

    passed = govhub("gate", "--model", name, "--version", "v1.0.0")
    lines = passed.stdout.splitlines()
    assert (passed.returncode, lines[0]) == (0, f"PASS: {name} v1.0.0 is approved"), passed.stderr
    # and it prints the sealed snapshot: what exactly was approved, by whom
    sealed = dict(line.split("  ", 1) for line in lines[1:])
    assert re.fullmatch(r"[0-9a-f]{64}", sealed["approval snapshot"].strip())
    assert sealed["approved version"].strip() == "v1.0.0" and "demo-admin" in sealed["signed off by"]
    shown = _ok(govhub("--json", "show", name, "--version", "v1.0.0"))
    assert shown["version"]["sha256"] == hashlib.sha256(artifact.read_bytes()).hexdigest()
    assert {m["metric_name"]: m["value"] for m in shown["metrics"]} == evaluation
    again = _ok(govhub("--json", "register", name, "--owner", "ML Team", "--domain", "finance"))
    assert again["action"] == "unchanged"


@pytest.mark.timeout(900)  # ten 100-item transactions; the moto-backed local stack is slow under load
def test_a_thousand_metrics_are_pushed_in_ten_requests_and_stored_exactly(govhub: Govhub, tmp_path: Path) -> None:
    name = _name()
    _ok(govhub("register", name, "--owner", "ML Team"))
    _ok(govhub("version", "--model", name, "--tag", "v1", "--artifact", f"s3://models/{name}/v1"))
    rows = tmp_path / "metrics.csv"
    rows.write_text("metric_name,value\n" + "".join(f"slice_{i:04d}_auc,{i / 997:.6f}\n" for i in range(1000)))
    pushed = _ok(govhub("--json", "metrics", "push", "--model", name, "--version", "v1", str(rows)))
    assert (pushed["pushed"], pushed["requests"]) == (1000, 10)
    stored = _ok(govhub("--json", "show", name, "--version", "v1"))["metrics"]
    assert len(stored) == 1000
    assert {m["metric_name"]: m["value"] for m in stored} == {
        f"slice_{i:04d}_auc": float(f"{i / 997:.6f}") for i in range(1000)}


def test_the_same_idempotency_key_twice_registers_one_version(govhub: Govhub) -> None:
    name = _name()
    _ok(govhub("register", name, "--owner", "ML Team"))
    args = ("--json", "--idempotency-key", f"run-{uuid.uuid4()}", "version", "--model", name, "--tag", "v1",
            "--artifact", f"s3://models/{name}/v1")
    first = _ok(govhub(*args))["version"]
    second = _ok(govhub(*args))["version"]
    assert second["id"] == first["id"]
    assert [v["version_tag"] for v in _ok(govhub("--json", "show", name))["versions"]] == ["v1"]
    duplicate = govhub("version", "--model", name, "--tag", "v1", "--artifact", f"s3://models/{name}/v1")
    assert duplicate.returncode == 5, duplicate.stderr  # a new operation (fresh key) is a real duplicate


def test_failures_have_their_exit_codes(govhub: Govhub) -> None:
    unknown = govhub("gate", "--model", f"missing-{uuid.uuid4().hex[:8]}")
    assert unknown.returncode == 6, unknown.stderr
    forged = govhub("list", AWS_SECRET_ACCESS_KEY="not-the-secret")
    assert forged.returncode == 3, forged.stderr
    assert "HTTP 403" in forged.stderr
    invalid = govhub("register", "x" * 300, "--owner", "ML Team")
    assert invalid.returncode == 4, invalid.stderr


def test_an_auditor_exports_the_audit_trail_and_verifies_it_offline(govhub: Govhub, stack: dict,
                                                                   tmp_path: Path) -> None:
    name = _name()
    _ok(govhub("register", name, "--owner", "ML Team", "--risk-level", "limited",
               "--risk-justification", "Chat assistant"))
    _ok(govhub("version", "--model", name, "--tag", "v1", "--artifact", f"s3://models/{name}/v1"))
    _ok(govhub("status", "--model", name))
    people = ("--api-url", stack["api_url"], "--token", _token(stack, "auditor"))
    deadline = time.monotonic() + 120
    attempt = 0
    while True:  # the trail is written from the table's stream, a moment after each change
        attempt += 1
        bundle = tmp_path / f"bundle-{attempt}"
        exported = govhub("--json", "audit", "export", "--model", name, "--out", str(bundle), *people)
        if exported.returncode == 0 and _ok(exported)["records"] >= 3:
            break
        assert time.monotonic() < deadline, f"no complete audit trail: {exported.stdout} {exported.stderr}"
        time.sleep(2)
    verified = govhub("audit", "verify", str(bundle))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("INTACT: ")
    first = sorted((bundle / "records").iterdir())[0]
    original = first.read_bytes()
    assert b'"action":"create"' in original
    first.write_bytes(original.replace(b'"action":"create"', b'"action":"update"'))
    tampered = govhub("audit", "verify", str(bundle))
    assert tampered.returncode == 1, tampered.stdout + tampered.stderr
    assert tampered.stdout.startswith("TAMPERED: ")

"""The demo's evidence over HTTP: a signed-off procedure evidences Art. 9, an expiring document is in the attention list,
a download is the exact bytes its SHA-256 names, and a pipeline attaches a test report with the CLI."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.helpers import Client

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def model_id(stack: dict[str, Any], name: str) -> int:
    (model,) = Client(stack, "auditor").get("/models", params={"name": name}).json()["items"]
    return int(model["id"])


def test_the_demo_shows_evidence_from_upload_to_evidenced_obligation(stack: dict[str, Any]) -> None:
    auditor = Client(stack, "auditor")
    advisor = model_id(stack, "credit-limit-advisor")
    items = {e["title"]: e for e in auditor.get(f"/models/{advisor}/evidence").json()["items"]}
    procedure = items["Risk management procedure, issue 3"]
    assert procedure["status"] == "signed_off" and procedure["current"] is True
    assert items["Robustness test report, v2.0.0"]["status"] == "awaiting_signoff"
    art9 = next(o for o in auditor.get(f"/models/{advisor}/obligations").json()["items"] if o["id"] == "art-9")
    assert art9["status"] == "evidenced" and procedure["sha256"] in " ".join(c["detail"] for c in art9["covered_by"])

    link = auditor.get(f"/models/{advisor}/evidence/{procedure['evidence_id']}/download").json()
    body = requests.get(link["url"], timeout=10).content
    assert hashlib.sha256(body).hexdigest() == procedure["sha256"] == link["sha256"]

    attention = auditor.get("/evidence/attention").json()["items"]
    assert [(e["title"], e["expiry"]) for e in attention] == [("Instructions for use", "expiring")]


def test_a_pipeline_attaches_a_test_report_with_the_cli(stack: dict[str, Any], tmp_path: Path) -> None:
    report = tmp_path / "fairness-report.pdf"
    report.write_bytes(b"%PDF-1.7\n fairness test report \n%%EOF\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GOVHUB_", "GITHUB_", "GITLAB_"))}
    env.update(PYTHONPATH=str(ROOT / "cli"), GOVHUB_API_URL=stack["machine_api_url"], AWS_ACCESS_KEY_ID=stack["ci"]["access_key_id"],
               AWS_SECRET_ACCESS_KEY=stack["ci"]["secret_access_key"], AWS_REGION=stack["region"],
               AWS_CONFIG_FILE=str(tmp_path / "no-aws-config"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-aws-credentials"),
               AWS_EC2_METADATA_DISABLED="true")
    done = subprocess.run([sys.executable, "-m", "govhub_cli", "--json", "evidence", "upload", "--model", "credit-limit-advisor",
                           "--file", str(report), "--kind", "test_report", "--covers", "art10", "MEASURE 2.11"],
                          env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    advisor = model_id(stack, "credit-limit-advisor")
    listed = Client(stack, "auditor").get(f"/models/{advisor}/evidence", params={"covers": "art-10"}).json()["items"]
    assert [(e["title"], e["status"], e["uploaded_by"].startswith("ci:")) for e in listed] == [("fairness-report", "awaiting_signoff", True)]

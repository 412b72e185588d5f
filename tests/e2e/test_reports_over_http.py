"""Compliance reports over HTTP against the running local stack: the redirect to the presigned URL, the JSON
link, the auditor's download, 404, and a bulk pack built by the jobs function from the table's stream."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.helpers import Client, sign_in

pytestmark = pytest.mark.e2e


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install poppler-utils (make system-deps)")
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def model_id(stack: dict[str, Any], name: str) -> int:
    (model,) = Client(stack, "auditor").get("/models", params={"name": name}).json()["items"]
    return int(model["id"])


def test_following_the_redirect_downloads_the_pdf_whose_sha256_the_answer_named(stack: dict[str, Any]) -> None:
    # Given the demo's fraud detector, and an auditor signed in
    auditor = Client(stack, "auditor")
    report = f"/reports/{model_id(stack, 'fraud-detector')}/compliance-report"
    # When the auditor asks for its report and follows the redirect, as `curl -L` does
    answer = auditor.get(report)
    # Then one 303 led to the PDF in the reports bucket, and its bytes are the ones the 303 named
    assert [r.status_code for r in answer.history] == [303]
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/pdf"
    assert answer.url.startswith(stack["aws_endpoint"]) and "X-Amz-Signature=" in answer.url
    assert sha256(answer.content) == answer.history[0].headers["X-Report-Sha256"]
    assert "fraud-detector" in pdf_text(answer.content)


def test_the_json_answer_links_to_bytes_with_its_sha256(stack: dict[str, Any]) -> None:
    auditor = Client(stack, "auditor")
    report = f"/reports/{model_id(stack, 'fraud-detector')}/compliance-report"
    link = auditor.get(report, headers={"Accept": "application/json"})
    assert link.status_code == 200
    body = link.json()
    # the presigned URL needs no token: it is the credential
    download = requests.get(body["url"], timeout=30)
    assert download.status_code == 200
    assert sha256(download.content) == body["sha256"]
    assert len(download.content) == body["size_bytes"]
    assert download.content.startswith(b"%PDF-")


def test_curl_follows_the_redirect_to_the_pdf(stack: dict[str, Any], tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    token = sign_in(stack, "auditor")["AccessToken"]
    url = f"{stack['api_url']}/reports/{model_id(stack, 'cv-screening-assistant')}/compliance-report"
    pdf, headers = tmp_path / "report.pdf", tmp_path / "headers.txt"
    subprocess.run(["curl", "-sSfL", "-H", f"Authorization: Bearer {token}", "-D", str(headers), "-o", str(pdf), url],
                   check=True, timeout=120)
    named = next(line.split(":", 1)[1].strip() for line in headers.read_text().splitlines()
                 if line.lower().startswith("x-report-sha256:"))
    assert sha256(pdf.read_bytes()) == named
    assert "cv-screening-assistant" in pdf_text(pdf.read_bytes())


def test_every_role_downloads_reports_and_the_json_content(stack: dict[str, Any]) -> None:
    identifier = model_id(stack, "support-chatbot")
    for role in ("admin", "model_owner", "auditor"):
        client = Client(stack, role)
        assert client.get(f"/reports/{identifier}/compliance-report").content.startswith(b"%PDF-"), role
        content = client.get(f"/reports/{identifier}/compliance-report.json").json()
        assert content["model"]["name"] == "support-chatbot", role
        assert content["report"]["generated_by"]["role"] == role


def test_the_report_carries_the_verified_audit_trail(stack: dict[str, Any]) -> None:
    content = Client(stack, "auditor").get(f"/reports/{model_id(stack, 'fraud-detector')}/compliance-report.json").json()
    assert content["summary"]["audit_chain"] == "verified"
    assert content["summary"]["audit_records"] > 0


def test_a_report_of_an_unknown_model_is_404(stack: dict[str, Any]) -> None:
    answer = Client(stack, "auditor").get("/reports/987654/compliance-report", allow_redirects=False)
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


def test_without_a_token_there_is_no_report(stack: dict[str, Any]) -> None:
    answer = requests.get(f"{stack['api_url']}/reports/1/compliance-report", allow_redirects=False, timeout=30)
    assert answer.status_code == 401


def test_a_large_bulk_pack_is_built_in_the_background_and_polled_to_its_zip(stack: dict[str, Any]) -> None:
    # Given six high-risk models (more than a request builds at once)
    owner, auditor = Client(stack, "model_owner"), Client(stack, "auditor")
    prefix = f"pack-{uuid.uuid4().hex[:8]}"
    names = [f"{prefix}-{n}" for n in range(6)]
    for name in names:
        created = owner.post("/models", json={"name": name, "owner": "Risk Team", "risk_level": "high"})
        assert created.status_code == 201, created.text
    # When an auditor asks for their pack
    queued = auditor.post("/reports/bulk", json={"risk_level": "high", "q": prefix})
    assert queued.status_code == 202, queued.text
    job = queued.json()
    assert (job["status"], job["total"]) == ("queued", 6)
    # Then polling shows progress until the pack is done
    deadline, seen = time.monotonic() + 240, []
    while job["status"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(1)
        job = auditor.get(f"/reports/bulk/{job['job_id']}").json()
        seen.append(job["done"])
    assert job["status"] == "done", job
    assert seen == sorted(seen) and seen[-1] == 6
    # And its ZIP holds exactly those models' reports
    data = requests.get(job["url"], timeout=60).content
    assert sha256(data) == job["sha256"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert sorted(r["name"] for r in manifest["reports"]) == names
        assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 6

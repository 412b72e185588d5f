"""`govhub evidence upload`: a pipeline attaches a test report to a model."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from govhub_cli import errors

REPORT = b"%PDF-1.7\n robustness test report \n%%EOF"


def _ticket(api: Any) -> None:
    item = {"evidence_id": "e1", "title": "robustness", "kind": "test_report", "covers": ["art-15"], "sha256": hashlib.sha256(REPORT).hexdigest(),
            "status": "awaiting_signoff"}
    upload = api.url.replace("/api/v1", "/uploads/e1?X-Amz-Signature=abc")
    api.static[("POST", "/models/1/evidence")] = (201, {}, json.dumps({
        "evidence": dict(item, status="pending_upload"),
        "upload": {"url": upload, "method": "PUT", "headers": {"Content-Type": "application/pdf", "x-amz-checksum-sha256": "abc="}},
        "complete_url": "/api/v1/models/1/evidence/e1/complete"}).encode())
    api.static[("PUT", "/uploads/e1")] = (200, {}, b"")
    api.static[("POST", "/models/1/evidence/e1/complete")] = (200, {}, json.dumps(item).encode())


def test_upload_puts_the_file_to_the_presigned_url_and_completes_it(govhub: Any, api: Any, tmp_path: Path) -> None:
    api.add_model(name="fraud")
    _ticket(api)
    report = tmp_path / "robustness.pdf"
    report.write_bytes(REPORT)

    result = govhub("evidence", "upload", "--model", "fraud", "--file", str(report), "--kind", "test_report", "--covers", "art15")

    assert result.code == 0, result.err
    assert "SHA-256 " + hashlib.sha256(REPORT).hexdigest() + " verified" in result.out
    announced = api.calls("POST", "/models/1/evidence")[0].body
    assert announced == {"title": "robustness", "kind": "test_report", "covers": ["art15"], "content_type": "application/pdf",
                         "size": len(REPORT), "sha256": hashlib.sha256(REPORT).hexdigest()}
    put = api.calls("PUT", "/uploads/e1")[0]
    assert put.raw_body == REPORT and put.headers["x-amz-checksum-sha256"] == "abc="
    assert "authorization" not in put.headers  # the presigned URL is its own credential
    assert len(api.calls("POST", "/models/1/evidence/e1/complete")) == 1


def test_upload_refuses_a_file_type_the_hub_does_not_take(govhub: Any, api: Any, tmp_path: Path) -> None:
    api.add_model(name="fraud")
    binary = tmp_path / "tool.exe"
    binary.write_bytes(b"MZ")
    result = govhub("evidence", "upload", "--model", "fraud", "--file", str(binary), "--kind", "other")
    assert result.code == errors.USAGE
    assert "accepts" in result.err and not api.calls("POST", "/models/1/evidence")

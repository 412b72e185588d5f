"""Demo evidence: the full flow of evidence documents on the demo models, through the API and the presigned PUT.

- credit-limit-advisor: the risk management procedure (Art. 9, ISO/IEC 42001 A.5.2), uploaded by the model owner and
  signed off by the admin, so Art. 9 is evidenced; a robustness test report (Art. 15) awaiting sign-off;
- fraud-detector: the instructions for use (Art. 13), signed off and expiring in 20 days, so the dashboard's
  needs-attention panel lists it.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any


def _pdf(text: str) -> bytes:
    return f"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% {text}\n%%EOF\n".encode()


DEMO_EVIDENCE: list[dict[str, Any]] = [
    {"model": "credit-limit-advisor", "title": "Risk management procedure, issue 3", "kind": "risk_management_procedure",
     "covers": ["art-9", "iso42001:A.5.2"], "days": 365, "sign_off": "Checked against the QMS procedure QP-07",
     "body": _pdf("Risk management procedure for the credit limit advisor, issue 3")},
    {"model": "credit-limit-advisor", "title": "Robustness test report, v2.0.0", "kind": "test_report", "covers": ["art-15"],
     "days": 180, "sign_off": None, "body": _pdf("Robustness and adversarial test report for credit-limit-advisor v2.0.0")},
    {"model": "fraud-detector", "title": "Instructions for use", "kind": "instructions_for_use", "covers": ["art-13"],
     "days": 20, "sign_off": "Reviewed with the deployers' operations lead", "body": _pdf("Instructions for use of fraud-detector")},
]


def _call(api_url: str, token: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        f"{api_url}{path}", method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own local endpoint
        return json.loads(response.read() or b"{}")


def seed_evidence(api_url: str, tokens: dict[str, str]) -> int:
    """Upload, verify and sign off the demo documents (skipped for a model that already has evidence); answer how many."""
    owner, admin = tokens["model_owner"], tokens["admin"]
    now = datetime.now(UTC)
    seeded = 0
    had_evidence: dict[int, bool] = {}  # read once per model, before this run adds any
    for demo in DEMO_EVIDENCE:
        found = _call(api_url, admin, "GET", "/models?" + urllib.parse.urlencode({"q": demo["model"]}))["items"]
        model = next((m for m in found if m["name"] == demo["model"]), None)
        if model is None:
            continue
        if model["id"] not in had_evidence:
            had_evidence[model["id"]] = bool(_call(api_url, admin, "GET", f"/models/{model['id']}/evidence")["items"])
        if had_evidence[model["id"]]:
            continue
        data: bytes = demo["body"]
        ticket = _call(api_url, owner, "POST", f"/models/{model['id']}/evidence", {
            "title": demo["title"], "kind": demo["kind"], "covers": demo["covers"], "content_type": "application/pdf",
            "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "valid_until": (now + timedelta(days=demo["days"])).isoformat(),
        })
        put = urllib.request.Request(ticket["upload"]["url"], data=data, method="PUT", headers=ticket["upload"]["headers"])
        with urllib.request.urlopen(put, timeout=30) as answer:  # noqa: S310 - the URL the hub presigned
            answer.read()
        item = _call(api_url, owner, "POST", ticket["complete_url"].removeprefix("/api/v1"))
        if demo["sign_off"]:
            _call(api_url, admin, "POST", f"/models/{model['id']}/evidence/{item['evidence_id']}/signoff", {"reason": demo["sign_off"]})
        seeded += 1
    return seeded

"""Fixtures of the attack suite: the proof stack's live OpenAPI document, subjects to attack and snapshots."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests

from local_stack.demo import DEMO_PIPELINE_TEAM
from tests.e2e.helpers import Client


@pytest.fixture(scope="session")
def document(proof_stack: dict[str, Any]) -> dict[str, Any]:
    return requests.get(proof_stack["openapi_url"], timeout=30).json()


@pytest.fixture(scope="session")
def admin(proof_stack: dict[str, Any]) -> Client:
    return Client(proof_stack, "admin")


@pytest.fixture(scope="session")
def owner(proof_stack: dict[str, Any]) -> Client:
    return Client(proof_stack, "model_owner")


PROOF_DOCUMENT = b"%PDF-1.7\n proof evidence \n%%EOF\n"


def make_subject(admin: Client, owner: Client | None = None) -> dict[str, Any]:
    """A draft model of the demo owner's team with one version and one metric, created by the admin: what the
    attacks aim at (a model owner may change it, so a refusal is the role's, not the team's). With `owner`, also an
    evidence document the owner uploaded and has not completed (so completion, sign-off by the admin, withdrawal and
    download each succeed once, in the order the routes sort)."""
    name = f"subject-{uuid.uuid4().hex[:10]}"
    model = admin.post("/models", json={"name": name, "owner": "Proof Team", "risk_level": "limited", "team": DEMO_PIPELINE_TEAM})
    assert model.status_code == 201, model.text
    version = admin.post("/versions", json={"model_id": model.json()["id"], "version_tag": "v1", "s3_path": "s3://models/subject/v1"})
    assert version.status_code == 201, version.text
    metric = admin.post("/metrics", json={"version_id": version.json()["id"], "metric_name": "f1", "value": 0.8})
    assert metric.status_code == 201, metric.text
    ids = {"model_id": model.json()["id"], "version_id": version.json()["id"], "metric_id": metric.json()["id"], "name": name,
           "slug": DEMO_PIPELINE_TEAM, "obligation_id": "art-4"}
    policy = admin.get("/policies/active")
    if policy.status_code == 200:  # the policy set in force, for a valid request to replace it
        ids["policy_document"] = policy.json()["document"]
    timeline = admin.get("/classification/timeline")
    if timeline.status_code == 200:  # the timeline in force, for a valid request to replace it
        ids["timeline_document"] = timeline.json()["document"]
    frameworks = admin.get("/frameworks")
    if frameworks.status_code == 200:  # the control library in force, for a valid request to replace it
        ids["frameworks_document"] = frameworks.json()["document"]
        ids["framework"] = "iso42001"
    deadlines = admin.get("/incidents/deadlines")
    if deadlines.status_code == 200:  # the Art. 73 deadline rules in force, for a valid request to replace them
        ids["deadlines_document"] = deadlines.json()["document"]
        # the subject's monitoring plan (read, then rewritten) and an incident (notified to its provider, then closed)
        plan = {"metrics": [{"metric": "accuracy", "min": 0.9}], "review_cadence_days": 90, "reason": "proof subject"}
        assert admin.put(f"/models/{ids['model_id']}/monitoring-plan", json=plan).status_code == 200
        incident = admin.post("/incidents", json={"model_id": ids["model_id"], "title": "Proof incident", "description": "A proof subject",
                                                  "occurred_at": "2026-11-01T06:00:00Z", "aware_at": "2026-11-01T07:00:00Z",
                                                  "severity": "minor"})
        assert incident.status_code == 201, incident.text
        ids["incident_id"] = incident.json()["id"]
    changes = 3 + (2 if "incident_id" in ids else 0)  # the plan and the incident are audited in the model's chain too
    if owner is not None and frameworks.status_code == 200:
        body = {"title": "Proof procedure", "kind": "other", "covers": ["art-9"], "content_type": "application/pdf",
                "size": len(PROOF_DOCUMENT), "sha256": hashlib.sha256(PROOF_DOCUMENT).hexdigest()}
        ticket = owner.post(f"/models/{ids['model_id']}/evidence", json=body)
        assert ticket.status_code == 201, ticket.text
        upload = ticket.json()["upload"]
        assert requests.put(upload["url"], data=PROOF_DOCUMENT, headers=upload["headers"], timeout=30).status_code == 200
        ids["evidence_id"] = ticket.json()["evidence"]["evidence_id"]
        changes += 1
    if _has_audit_trail(admin):  # let the trail catch up with the changes, so later snapshots compare like with like
        deadline = time.monotonic() + 60
        while len(admin.get(f"/models/{ids['model_id']}/audit-logs").json().get("items", [])) < changes and time.monotonic() < deadline:
            time.sleep(0.3)
    return ids


AUDIT_ROUTE = "/api/v1/models/{model_id}/audit-logs"


def _has_audit_trail(admin: Client) -> bool:
    document = requests.get(admin.base.split("/api/", 1)[0] + "/openapi.json", timeout=30).json()
    return AUDIT_ROUTE in document["paths"]


@pytest.fixture(scope="module")
def subject(admin: Client, owner: Client) -> dict[str, Any]:
    """One subject per module: refused calls leave it as it is, so every attack can aim at the same one."""
    return make_subject(admin, owner)


@pytest.fixture
def new_subject(admin: Client, owner: Client) -> Callable[[], dict[str, Any]]:
    return lambda: make_subject(admin, owner)


def snapshot(admin: Client, ids: dict[str, Any]) -> dict[str, Any]:
    """Everything a refused call could have changed, read back as the admin sees it."""
    reads = {
        "model": f"/models/{ids['model_id']}",
        "versions": f"/models/{ids['model_id']}/versions",
        "metrics": f"/versions/{ids['version_id']}/metrics",
        "dashboard": "/dashboard/stats",
        "models": "/models?limit=100",
    }
    state = {}
    for name, path in reads.items():
        answer = admin.get(path)
        state[name] = (answer.status_code, answer.json())
    if _has_audit_trail(admin):  # a refused call must not reach the audit trail either
        trail = admin.get(f"/models/{ids['model_id']}/audit-logs", params={"limit": 100})
        state["audit"] = (trail.status_code, trail.json())
    return state


@pytest.fixture
def take_snapshot(admin: Client) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda ids: snapshot(admin, ids)

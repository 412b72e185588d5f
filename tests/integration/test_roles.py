"""Every route × every role, from the one permission table: who may do what, and what a refusal changes."""

from __future__ import annotations

import re

import pytest

from govhub.auth.permissions import ROUTE_PERMISSIONS, Permission, Role, may
from tests.integration.conftest import OWNER_TEAM, Api

ROLES = [r.value for r in Role]

# A valid request for each route, so an allowed call is judged by its answer and not by bad input.
BODIES = {
    ("POST", "/api/v1/models"): {"name": "matrix-{n}", "owner": "Team"},
    ("PUT", "/api/v1/models/{model_id}"): {"description": "changed"},
    ("PATCH", "/api/v1/models/{model_id}"): {"description": "changed"},
    ("PATCH", "/api/v1/models/{model_id}/risk-profile"): {"risk_level": "limited", "justification": "advisory only"},
    ("PATCH", "/api/v1/models/{model_id}/compliance-status"): {"status": "retired", "reason": "matrix"},
    ("POST", "/api/v1/versions"): {"model_id": "{model_id}", "version_tag": "v-{n}", "s3_path": "s3://b/x"},
    ("POST", "/api/v1/metrics"): {"version_id": "{version_id}", "metric_name": "accuracy", "value": 0.9},
    ("POST", "/api/v1/reports/bulk"): {"q": "subject-"},
    ("POST", "/api/v1/teams"): {"slug": "team-{n}", "display_name": "Team {n}"},
    ("PATCH", "/api/v1/teams/{slug}"): {"display_name": "Renamed {n}"},
    ("POST", "/api/v1/models/{model_id}/evidence"): {"title": "Matrix {n}", "kind": "other", "content_type": "application/pdf",
                                                      "size": 10, "sha256": "a" * 64},
    ("POST", "/api/v1/models/{model_id}/evidence/{evidence_id}/signoff"): {"reason": "matrix"},
    ("POST", "/api/v1/models/{model_id}/evidence/{evidence_id}/withdraw"): {"reason": "matrix"},
    ("PUT", "/api/v1/models/{model_id}/monitoring-plan"): {"metrics": [{"metric": "accuracy", "min": 0.9}], "review_cadence_days": 30},
    ("POST", "/api/v1/models/{model_id}/observations"): {"observations": [{"metric": "accuracy", "value": 0.95,
                                                                            "observed_at": "2026-11-01T06:00:00Z"}]},
    ("POST", "/api/v1/models/{model_id}/reviews"): {"outcome": "continue", "notes": "matrix {n}"},
    ("POST", "/api/v1/incidents"): {"model_id": "{model_id}", "title": "Matrix {n}", "description": "matrix",
                                    "occurred_at": "2026-11-01T06:00:00Z", "aware_at": "2026-11-01T07:00:00Z", "severity": "minor"},
    ("PATCH", "/api/v1/incidents/{incident_id}/status"): {"status": "closed"},
    ("PUT", "/api/v1/incidents/{incident_id}/provider-notification"): {"notified_at": "2026-11-01T08:00:00Z", "provider": "Acme"},
    ("POST", "/api/v1/datasets"): {"name": "matrix-data-{n}", "team": OWNER_TEAM},
    ("PATCH", "/api/v1/datasets/{dataset_id}"): {"licence": "CC-BY-{n}"},
    ("POST", "/api/v1/datasets/{dataset_id}/versions"): {"version_tag": "d-{n}", "location": "s3://datasets/x"},
    ("POST", "/api/v1/datasets/{dataset_id}/flag"): {"reason": "matrix"},
    ("POST", "/api/v1/datasets/{dataset_id}/unflag"): {"reason": "matrix"},
}
HEADERS = {("GET", "/api/v1/reports/incidents/{incident_id}"): {"accept": "application/json"}}  # else a PDF, not JSON
QUERIES = {("GET", "/api/v1/models/{model_id}/observations"): "metric=accuracy", ("GET", "/api/v1/versions"): "model_id={model_id}", ("GET", "/api/v1/metrics"): "version_id={version_id}",
           ("DELETE", "/api/v1/models/{model_id}"): "reason=matrix", ("GET", "/api/v1/models/{model_id}/as-of"): "at=2030-01-01T00:00:00Z",
           ("GET", "/api/v1/frameworks/{framework}/coverage"): "model_id={model_id}"}


def _fill(value, ids):
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if re.fullmatch(r"\d+", filled) and value.startswith("{") else filled
    return value


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_role_as_the_permission_table_says(api: Api, role: str) -> None:
    # Given a model of the model owner's team with a version and a metric, and a bulk report job
    model = api.post("/api/v1/models", {"name": f"subject-{role}", "owner": "T", "team": OWNER_TEAM}).body
    version = api.post("/api/v1/versions", {"model_id": model["id"], "version_tag": "v1", "s3_path": "s3://b"}).body
    metric = api.post("/api/v1/metrics", {"version_id": version["id"], "metric_name": "f1", "value": 0.5}).body
    job = api.post("/api/v1/reports/bulk", {"q": f"subject-{role}"}).body
    incident = api.post("/api/v1/incidents", _fill(BODIES[("POST", "/api/v1/incidents")], {"model_id": model["id"], "n": 0})).body
    dataset = api.post("/api/v1/datasets", {"name": f"subject-data-{role}", "team": OWNER_TEAM}).body
    ids = {"model_id": model["id"], "version_id": version["id"], "metric_id": metric["id"], "job_id": job.get("job_id", "none"),
           "slug": OWNER_TEAM, "evidence_id": "none", "framework": "iso42001", "incident_id": incident["id"],
           "obligation_id": "art-4",
           "dataset_id": dataset["id"]}
    # Writes that change the subject (delete, retire) run last, so every other route still finds it
    last = {("DELETE", "/api/v1/models/{model_id}"), ("PATCH", "/api/v1/models/{model_id}/compliance-status")}
    for n, ((method, route), permission) in enumerate(sorted(ROUTE_PERMISSIONS.items(), key=lambda kv: kv[0] in last)):
        values = {**ids, "n": n}
        before = api.get(f"/api/v1/models/{model['id']}").body
        # When the role calls the route
        answer = api.call(method, route.format(**values), _fill(BODIES.get((method, route)), values), role=role,
                          query=QUERIES.get((method, route), "").format(**values), headers=HEADERS.get((method, route)))
        allowed = permission is None or may(Role(role), permission)
        # Then it is refused with 403 exactly when the table says so, and a refusal changes nothing
        assert answer.status < 500, (method, route, role, answer.body)
        if allowed:
            assert answer.status != 403, (method, route, role, answer.body)
        else:
            assert answer.status == 403, (method, route, role, answer.body)
            assert answer.body["error"]["code"] == "forbidden"
            assert api.get(f"/api/v1/models/{model['id']}").body == before


def test_every_route_the_functions_serve_is_in_the_permission_table(template) -> None:
    import json

    from govhub.api.openapi import openapi_json

    documented = {(m.upper(), p) for p, ops in json.loads(openapi_json())["paths"].items() for m in ops}
    assert documented <= set(ROUTE_PERMISSIONS), documented - set(ROUTE_PERMISSIONS)


def test_auditor_reads_everything_and_writes_nothing() -> None:
    assert may(Role.AUDITOR, Permission.READ)
    assert not any(may(Role.AUDITOR, p) for p in Permission if p is not Permission.READ)
    assert not may(Role.MODEL_OWNER, Permission.DELETE)
    assert all(may(Role.ADMIN, p) for p in Permission)


def test_a_caller_without_a_role_is_refused_everywhere(api: Api) -> None:
    answer = api.call("GET", "/api/v1/models", role="", user="nobody")
    assert answer.status == 403

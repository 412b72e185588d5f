"""Every route of the live OpenAPI document as a concrete, valid request against one subject model.

The route list comes from the running stack's `/openapi.json`, so a route added tomorrow is attacked tomorrow
without touching these tests. Bodies are built from the documented request schema (the known write routes get
bodies that make a real change, so "nothing changed" after a refused call means something).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests

from govhub.auth.permissions import ROUTE_PERMISSIONS, Permission

# Bodies that make each known write succeed on a fresh draft model with one version and one metric.
KNOWN_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/models"): {"name": "proof-created-{n}", "owner": "Proof Team"},
    ("PUT", "/api/v1/models/{model_id}"): {"description": "changed by {n}"},
    ("PATCH", "/api/v1/models/{model_id}"): {"description": "changed by {n}"},
    ("PATCH", "/api/v1/models/{model_id}/risk-profile"): {"risk_level": "high", "justification": "Annex III use"},
    ("PATCH", "/api/v1/models/{model_id}/compliance-status"): {"status": "under_review", "reason": "ready for review"},
    ("POST", "/api/v1/versions"): {"model_id": "{model_id}", "version_tag": "v-{n}", "s3_path": "s3://models/proof/{n}"},
    ("POST", "/api/v1/metrics"): {"version_id": "{version_id}", "metric_name": "accuracy", "value": 0.91},
    ("POST", "/api/v1/reports/bulk"): {"q": "{name}"},
    ("POST", "/api/v1/imports"): {"system": "mlflow", "name": "proof-imported-{n}", "versions": [{"version": "1", "source": "s3://models/proof/{n}"}]},
    # the active policy set, put back as it is: a new version with the same rules
    ("PUT", "/api/v1/policies/active"): {"document": "{policy_document}", "reason": "re-issued by {n}"},
    ("POST", "/api/v1/teams"): {"slug": "proof-{n}", "display_name": "Proof team {n}"},
    ("PATCH", "/api/v1/teams/{slug}"): {"display_name": "Renamed by {n}"},
    # the subject (limited risk) classified as such by its provider; the active timeline re-issued as it is
    ("POST", "/api/v1/models/{model_id}/classification"): {"answers": {"art50_1_interacts_with_people": True}, "operator_role": "provider"},
    ("PUT", "/api/v1/classification/timeline"): {"document": "{timeline_document}", "reason": "re-issued by {n}"},
    ("POST", "/api/v1/models/{model_id}/attestations"): {"obligation_id": "art-4", "statement": "Staff trained by {n}", "reason": "training records checked"},
    # the attestation the route above records (the operations run in the document's order)
    ("POST", "/api/v1/models/{model_id}/attestations/{obligation_id}/withdrawal"): {"reason": "the training records were of another team"},
    # a new document announced (its upload URL handed out); the subject's own document is completed, signed off by the
    # admin (its uploader is the model owner) and withdrawn, in that order; the control library re-issued as it is
    ("POST", "/api/v1/models/{model_id}/evidence"): {"title": "Proof {n}", "kind": "test_report", "covers": ["art-15"],
                                                      "content_type": "application/pdf", "size": 10, "sha256": "ab" * 32},
    ("POST", "/api/v1/models/{model_id}/evidence/{evidence_id}/signoff"): {"reason": "checked by {n}"},
    ("POST", "/api/v1/models/{model_id}/evidence/{evidence_id}/withdraw"): {"reason": "withdrawn by {n}"},
    ("PUT", "/api/v1/frameworks"): {"document": "{frameworks_document}", "reason": "re-issued by {n}"},
    # post-market monitoring and incidents (Art. 72, 73)
    ("PUT", "/api/v1/models/{model_id}/monitoring-plan"): {"metrics": [{"metric": "accuracy", "min": 0.9}], "review_cadence_days": 90,
                                                            "method_notes": "plan by {n}"},
    ("POST", "/api/v1/models/{model_id}/observations"): {"observations": [{"metric": "accuracy", "value": 0.95,
                                                                            "observed_at": "2026-11-01T06:00:00Z"}]},
    ("POST", "/api/v1/incidents"): {"model_id": "{model_id}", "title": "Incident {n}", "description": "Recorded by {n}",
                                    "occurred_at": "2026-11-01T06:00:00Z", "aware_at": "2026-11-01T08:00:00Z", "severity": "minor"},
    ("PUT", "/api/v1/incidents/deadlines"): {"document": "{deadlines_document}", "reason": "re-issued by {n}"},
    ("PUT", "/api/v1/incidents/{incident_id}/provider-notification"): {"notified_at": "2026-11-01T08:00:00Z", "provider": "Acme {n}"},
    ("PATCH", "/api/v1/incidents/{incident_id}/status"): {"status": "closed", "note": "closed by {n}"},
    ("POST", "/api/v1/datasets"): {"name": "proof-data-{n}", "source": "Proof fixture"},
    ("PATCH", "/api/v1/datasets/{dataset_id}"): {"licence": "changed by {n}"},
    ("POST", "/api/v1/datasets/{dataset_id}/versions"): {"version_tag": "d-{n}", "location": "s3://datasets/proof/{n}"},
    ("POST", "/api/v1/datasets/{dataset_id}/flag"): {"reason": "flagged by {n}"},
    ("POST", "/api/v1/datasets/{dataset_id}/unflag"): {"reason": "cleared by {n}"},
}
KNOWN_QUERIES: dict[tuple[str, str], dict[str, str]] = {
    ("DELETE", "/api/v1/models/{model_id}"): {"reason": "removed by {n}"},
    # a full verification answers a job, which the verification job route then reads (it sorts right after)
    ("GET", "/api/v1/models/{model_id}/audit-logs/verify"): {"full": "true"},
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str                              # as documented: /api/v1/models/{model_id}
    permission: Permission | None          # from the permission table; None: public
    public: bool                           # as the document says (security: [])
    spec: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    params: dict[str, str]
    body: Any

    def send(self, base: str, authorization: str | None, session: requests.Session | None = None) -> requests.Response:
        """`base` is the origin (http://host:port); the path is the documented absolute path."""
        headers = {"Authorization": authorization} if authorization is not None else {}
        http = session or requests
        return http.request(self.method, f"{base}{self.path}", params=self.params or None,
                            json=self.body if self.body is not None else None, headers=headers, timeout=60,
                            allow_redirects=False)


def operations(document: dict[str, Any]) -> list[Operation]:
    default_security = document.get("security", [])
    found = []
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            if method.lower() not in ("get", "put", "post", "patch", "delete"):
                continue
            key = (method.upper(), path)
            public = spec.get("security", default_security) == []
            found.append(Operation(key[0], path, ROUTE_PERMISSIONS.get(key), public, spec))
    # Deletes last, so a subject survives the routes that come before them when the caller is allowed.
    return sorted(found, key=lambda op: (op.method == "DELETE", op.path, op.method))


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def example(document: dict[str, Any], schema: dict[str, Any], name: str, ids: dict[str, Any]) -> Any:
    """A small valid instance of `schema` (for routes without a known body)."""
    schema = _resolve(document, schema)
    if "anyOf" in schema or "oneOf" in schema:
        options = [s for s in schema.get("anyOf", schema.get("oneOf", [])) if _resolve(document, s).get("type") != "null"]
        return example(document, options[0], name, ids)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        wanted = list(schema.get("required", [])) or [next((p for p, s in properties.items() if _resolve(document, s).get("type") in ("string", None)), None)]
        return {p: example(document, properties[p], p, ids) for p in wanted if p}
    if kind == "array":
        return [example(document, schema.get("items", {}), name, ids)] * max(1, schema.get("minItems", 1))
    if kind == "integer":
        return int(ids.get(name, max(1, int(schema.get("minimum", 1)))))
    if kind == "number":
        return 0.5
    if kind == "boolean":
        return True
    return f"proof-{ids['n']}"


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    whole = re.fullmatch(r"\{(\w+)\}", value) if isinstance(value, str) else None
    if whole and isinstance(ids.get(whole.group(1)), dict | list):
        return ids[whole.group(1)]  # a structured value (a policy document) as it is
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if value.startswith("{") and re.fullmatch(r"\d+", filled) else filled
    return value


def call_for(document: dict[str, Any], op: Operation, ids: dict[str, Any]) -> Call:
    """A request that a caller with the permission would see succeed on the subject `ids` names."""
    ids = {**ids, "n": ids.get("n") or uuid.uuid4().hex[:8]}
    path = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), op.path)
    params = {k: _fill(v, ids) for k, v in KNOWN_QUERIES.get(op.key, {}).items()}
    for parameter in op.spec.get("parameters", []):
        if parameter.get("in") == "query" and parameter.get("required") and parameter["name"] not in params:
            params[parameter["name"]] = str(example(document, parameter.get("schema", {}), parameter["name"], ids))
    body = None
    if op.key in KNOWN_BODIES:
        body = _fill(KNOWN_BODIES[op.key], ids)
    elif "requestBody" in op.spec:
        content = op.spec["requestBody"].get("content", {})
        schema = (content.get("application/json") or next(iter(content.values()), {})).get("schema", {})
        body = example(document, schema, "body", ids)
    return Call(op.method, path, {k: str(v) for k, v in params.items()}, body)


def origin(api_url: str) -> str:
    """http://host:port of an api_url (the documented paths carry /api/v1 themselves)."""
    return api_url.split("/api/", 1)[0]

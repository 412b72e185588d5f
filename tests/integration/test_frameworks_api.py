"""The control library (EU AI Act ↔ ISO/IEC 42001 ↔ NIST AI RMF) as data, coverage per model, the statement of applicability."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

import requests

from tests.integration.conftest import Api


def coverage(api: Api, framework: str, model_id: int) -> dict[str, Any]:
    answer = api.get(f"/api/v1/frameworks/{framework}/coverage", query=f"model_id={model_id}", role="auditor")
    assert answer.status == 200, answer.body
    return answer.body


def control(result: dict[str, Any], control_id: str) -> dict[str, Any]:
    return next(c for c in result["controls"] if c["id"] == control_id)


def signed_document(api: Api, model_id: int, covers: list[str], data: bytes = b"%PDF-1.7\n risk procedure \n%%EOF") -> dict[str, Any]:
    body = {"title": "Risk management procedure", "kind": "risk_management_procedure", "covers": covers,
            "content_type": "application/pdf", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    ticket = api.post(f"/api/v1/models/{model_id}/evidence", body, role="model_owner").body
    requests.put(ticket["upload"]["url"], data=data, headers=ticket["upload"]["headers"], timeout=10)
    item = api.post(ticket["complete_url"], None, role="model_owner").body
    signed = api.post(f"/api/v1/models/{model_id}/evidence/{item['evidence_id']}/signoff", {"reason": "checked"}, role="admin")
    assert signed.status == 200, signed.body
    return signed.body


def test_the_shipped_library_maps_obligations_to_iso_and_nist_controls(api: Api) -> None:
    library = api.get("/api/v1/frameworks", role="auditor").body
    assert library["version"] == 0 and library["built_in"] is True
    ids = {f["id"]: {c["id"] for c in f["controls"]} for f in library["document"]["frameworks"]}
    assert {"A.5.2", "A.6.2.8", "A.7.4", "A.10.4"} <= ids["iso42001"] and len(ids["iso42001"]) == 38
    art9 = next(m for m in library["document"]["mappings"] if m["obligation"] == "art-9")
    assert "A.5.2" in art9["iso42001"] and "MAP 5.1" in art9["nist-ai-rmf"]


def test_coverage_shows_records_evidence_and_what_is_open(api: Api, model: dict[str, Any]) -> None:
    before = coverage(api, "iso42001", model["id"])
    assert before["model_name"] == model["name"]
    # A.7.4 (data quality) serves Art. 10: not covered before anything evidences it
    assert control(before, "A.7.4")["status"] in ("open", "not_in_force")
    assert control(before, "A.5.2")["covered_by"] == []

    document = signed_document(api, model["id"], ["art-9", "iso42001:A.7.4"])

    after = coverage(api, "iso42001", model["id"])
    a52 = control(after, "A.5.2")
    assert {c["source"] for c in a52["covered_by"]} == {"evidence"} and a52["covered_by"][0]["ref"] == document["evidence_id"]
    assert document["sha256"] in a52["covered_by"][0]["detail"]
    assert control(after, "A.7.4")["covered_by"][0]["ref"] == document["evidence_id"]  # covered directly by its control id
    nist = coverage(api, "nist-ai-rmf", model["id"])
    assert control(nist, "MAP 5.1")["status"] in ("covered", "partial")
    eu = coverage(api, "eu-ai-act", model["id"])
    assert control(eu, "art-9")["status"] == "covered"
    assert control(eu, "art-14")["covered_by"] == []

    api.patch(f"/api/v1/models/{model['id']}", {"oversight_plan": "Analysts review every flag"}, role="model_owner")
    art14 = control(coverage(api, "eu-ai-act", model["id"]), "art-14")
    assert art14["status"] == "covered" and art14["covered_by"][0]["source"] == "records"
    assert "Human oversight plan: documented." in art14["covered_by"][0]["detail"]
    assert sum(eu["summary"].values()) == len(eu["controls"])


def test_unknown_frameworks_and_models_are_refused(api: Api, model: dict[str, Any]) -> None:
    assert api.get("/api/v1/frameworks/cobit/coverage", query=f"model_id={model['id']}").status == 404
    assert api.get("/api/v1/frameworks/iso42001/coverage", query="model_id=999").status == 404
    assert api.get("/api/v1/frameworks/iso42001/coverage").status == 422


def test_the_statement_of_applicability_exports_as_json_and_csv(api: Api) -> None:
    answer = api.get("/api/v1/frameworks/iso42001/statement-of-applicability", role="auditor")
    assert answer.status == 200
    rows = {r["control"]: r for r in answer.body["rows"]}
    assert rows["A.5.2"]["applicable"] == "yes" and "art-9" in rows["A.5.2"]["eu_ai_act_obligations"]
    assert rows["A.4.5"]["applicable"] == "undecided"
    assert api.get("/api/v1/frameworks/nist-ai-rmf/statement-of-applicability").status == 404


def test_admins_replace_the_library_validated_audited_and_stale_refused(api: Api) -> None:
    document = api.get("/api/v1/frameworks").body["document"]
    iso = next(f for f in document["frameworks"] if f["id"] == "iso42001")
    a45 = next(c for c in iso["controls"] if c["id"] == "A.4.5")
    a45.update({"applicable": False, "justification": "Compute is the cloud provider's, covered by its certification"})

    assert api.call("PUT", "/api/v1/frameworks", {"document": document, "reason": "SoA decisions"}, role="model_owner").status == 403
    bad = json.loads(json.dumps(document))
    bad["mappings"][0]["iso42001"] = ["A.99.9"]
    refused = api.call("PUT", "/api/v1/frameworks", {"document": bad, "reason": "typo"})
    assert refused.status == 422 and refused.body["error"]["code"] == "invalid_frameworks"
    assert "A.99.9" in refused.body["error"]["message"]

    replaced = api.call("PUT", "/api/v1/frameworks", {"document": document, "reason": "SoA decisions", "expected_version": 0})
    assert replaced.status == 200 and replaced.body["version"] == 1
    stale = api.call("PUT", "/api/v1/frameworks", {"document": document, "reason": "again", "expected_version": 0})
    assert stale.status == 409

    rows = {r["control"]: r for r in api.get("/api/v1/frameworks/iso42001/statement-of-applicability").body["rows"]}
    assert rows["A.4.5"]["applicable"] == "no" and "cloud provider" in rows["A.4.5"]["justification"]
    versions = api.get("/api/v1/frameworks/versions").body["items"]
    assert [v["version"] for v in versions] == [1, 0] and versions[0]["reason"] == "SoA decisions"


def test_the_csv_statement_is_a_spreadsheet_with_one_row_per_control(api: Api, functions: Any, template: Any) -> None:
    from local_stack.events import http_event

    event = http_event("GET", "/api/v1/frameworks/iso42001/statement-of-applicability", query="format=csv",
                       headers={}, body=None, route_key="GET /api/v1/frameworks/{proxy+}",
                       authorizer={"lambda": {"username": "aude.auditor", "role": "auditor", "teams": ""}})
    route = next(r for r in template.routes() if r.api == "HttpApi" and r.matches("GET", "/api/v1/frameworks/iso42001/statement-of-applicability"))
    response = functions[route.function].invoke(event)
    assert response["statusCode"] == 200 and response["headers"]["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response["body"])))
    assert len(rows) == 38 and rows[0]["control"] == "A.2.2"

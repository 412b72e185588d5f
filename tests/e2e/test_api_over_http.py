"""The seed's scenarios over HTTP against the running local stack, with real Cognito tokens."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.e2e.helpers import Client, sign_in
from tests.monitoring import plan_body

pytestmark = pytest.mark.e2e


def test_health_answers_without_a_token(stack: dict) -> None:
    answer = requests.get(f"{stack['api_url']}/health", timeout=10)
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


def test_stack_file_names_everything_a_tool_needs(stack: dict) -> None:
    for key in ("api_url", "aws_endpoint", "region", "user_pool_id", "client_id", "table", "users", "machine_api_url", "ci"):
        assert stack[key], key
    assert set(stack["users"]) == {"admin", "model_owner", "auditor", "reviewer"}  # reviewer: a second admin


def test_no_token_or_a_bad_token_is_401(stack: dict) -> None:
    assert requests.get(f"{stack['api_url']}/models", timeout=10).status_code == 401
    bad = requests.get(f"{stack['api_url']}/models", headers={"Authorization": "Bearer abc.def.ghi"}, timeout=10)
    assert bad.status_code == 401 and bad.json() == {"message": "Unauthorized"}


def test_demo_data_is_there_for_every_role(stack: dict) -> None:
    for role in ("admin", "model_owner", "auditor"):
        models = Client(stack, role).get("/models").json()["items"]
        assert {"fraud-detector", "legacy-recommender"} <= {m["name"] for m in models}


def test_id_tokens_work_as_well_as_access_tokens(stack: dict) -> None:
    id_token = sign_in(stack, "auditor")["IdToken"]
    assert Client(stack, token=id_token).get("/dashboard/stats").status_code == 200


DEMO_DATASETS = {"datasets": [{"dataset": "card-transactions-2025", "version_tag": "2025.12", "role": "training"},
                              {"dataset": "card-transactions-holdout-2025", "version_tag": "2025.12", "role": "testing"}]}


def test_scenario_1_register_measure_review_approve(stack: dict) -> None:
    owner, admin, auditor = Client(stack, "model_owner"), Client(stack, "admin"), Client(stack, "auditor")
    name = f"fraud-detector-{uuid.uuid4().hex[:6]}"
    # The pipeline registers the model, a version and its metrics (the seed's curl calls + a bearer token)
    model = owner.post("/models/", json={"name": name, "owner": "ML Team", "risk_level": "high", "domain": "finance",
                                         "intended_purpose": "Detect fraudulent transactions",
                                         # what the default policy asks of a high-risk model (Annex IV)
                                         "data_sources": "24 months of card transactions", "oversight_plan": "Analysts review flags"})
    assert model.status_code == 201, model.text
    model_id = model.json()["id"]
    planned = owner.put(f"/models/{model_id}/monitoring-plan", json=plan_body())  # its Art. 72 post-market monitoring plan
    assert planned.status_code == 200, planned.text
    # trained and tested on the demo's documented datasets, as the default policy asks of a high-risk model (Art. 10)
    version = owner.post("/versions/", json={"model_id": model_id, "version_tag": "v1.0.0", "s3_path": "s3://models/fraud-detector/v1.0.0",
                                             "inputs": DEMO_DATASETS})
    assert version.status_code == 201
    metric = owner.post("/metrics/", json={"version_id": version.json()["id"], "metric_name": "accuracy", "value": 0.95})
    assert metric.status_code == 201
    bias = owner.post("/metrics/", json={"version_id": version.json()["id"], "metric_name": "demographic_parity_difference", "value": 0.03})
    assert bias.status_code == 201
    assert model.json()["compliance_status"] == "draft" and model.json()["risk_level"] == "high"
    # The auditor may look but not touch
    assert auditor.patch(f"/models/{model_id}/compliance-status", json={"status": "under_review", "reason": "x"}).status_code == 403
    # The team requests review; compliance approves
    review = owner.patch(f"/models/{model_id}/compliance-status", json={"status": "under_review", "reason": "Ready for compliance review"})
    assert review.status_code == 200 and review.json()["compliance_status"] == "under_review"
    queue = admin.get("/models", params={"compliance_status": "under_review", "limit": 100}).json()["items"]
    assert name in [m["name"] for m in queue]
    # Approval waits for the risk classification, and the refusal says how to give it
    refused = admin.patch(f"/models/{model_id}/compliance-status", json={"status": "approved", "reason": "Documentation and metrics complete"})
    assert refused.status_code == 422
    assert [r["rule_id"] for r in refused.json()["error"]["details"]["failed_rules"]] == ["risk-classified"]
    questionnaire = owner.get("/classification/questionnaire").json()
    assert "annex3_5_b_credit_scoring" in {q["id"] for q in questionnaire["questions"]}
    classified = owner.post(f"/models/{model_id}/classification", json={
        "answers": {}, "operator_role": "provider", "risk_level": "high",
        "justification": "Fraud detection is outside Annex III 5(b); we keep the high-risk controls"})
    assert classified.status_code == 200, classified.text
    assert (classified.json()["suggested_risk_level"], classified.json()["summary"]["override"]) == ("minimal", True)
    approved = admin.patch(f"/models/{model_id}/compliance-status", json={"status": "approved", "reason": "Documentation and metrics complete"})
    assert approved.status_code == 200
    body = approved.json()
    assert body["compliance_status"] == "approved" and body["approved_by"] == stack["users"]["admin"]["username"]
    assert body["approved_version_id"] == version.json()["id"]


def test_scenario_3_retire_with_a_reason_and_keep_the_record(stack: dict) -> None:
    admin = Client(stack, "admin")
    model = admin.post("/models", json={"name": f"old-recommender-{uuid.uuid4().hex[:6]}", "owner": "Growth"}).json()
    retired = admin.patch(f"/models/{model['id']}/compliance-status", json={"status": "retired", "reason": "Replaced by the ranking service"})
    assert retired.status_code == 200 and retired.json()["last_change_reason"] == "Replaced by the ranking service"
    again = admin.get(f"/models/{model['id']}").json()
    assert again["compliance_status"] == "retired"
    assert model["id"] in [m["id"] for m in admin.get("/models", params={"compliance_status": "retired", "limit": 100}).json()["items"]]
    refused = admin.post("/versions", json={"model_id": model["id"], "version_tag": "v2", "s3_path": "s3://x"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "model_retired"


def test_openapi_and_swagger_ui_are_served(stack: dict) -> None:
    document = requests.get(stack["openapi_url"], timeout=10).json()
    assert "/api/v1/models/{model_id}/compliance-status" in document["paths"]
    docs = requests.get(stack["docs_url"], timeout=10)
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    assert requests.get(stack["docs_url"] + "/swagger-ui-bundle.js", timeout=10).status_code == 200


def test_the_seed_scenario_reaches_approval_by_following_each_refusal(stack: dict) -> None:
    owner, admin = Client(stack, "model_owner"), Client(stack, "admin")
    # Given the seed README's CI calls exactly as written (model, version, one metric, a request for review)
    model = owner.post("/models/", json={"name": f"fraud-detector-v2-{uuid.uuid4().hex[:6]}", "owner": "ML Team", "risk_level": "high",
                                         "domain": "finance", "intended_purpose": "Detect fraudulent transactions"})
    assert model.status_code == 201, model.text
    model_id = model.json()["id"]
    version = owner.post("/versions/", json={"model_id": model_id, "version_tag": "v1.0.0", "s3_path": "s3://models/fraud-detector/v1.0.0"})
    assert version.status_code == 201, version.text
    assert owner.post("/metrics/", json={"version_id": version.json()["id"], "metric_name": "accuracy", "value": 0.95}).status_code == 201
    review = owner.patch(f"/models/{model_id}/compliance-status", json={"status": "under_review", "reason": "Ready for compliance review"})
    assert review.status_code == 200, review.text
    # When compliance approves, the refusal names every missing step, each with where to supply it
    refused = admin.patch(f"/models/{model_id}/compliance-status", json={"status": "approved", "reason": "Looks complete"})
    assert refused.status_code == 422
    failed = {rule["rule_id"]: rule["reason"] for rule in refused.json()["error"]["details"]["failed_rules"]}
    assert set(failed) == {"high-risk-documentation", "bias-metric-present", "risk-classified", "monitoring-plan", "data-governance"}, failed
    assert "data_sources" in failed["high-risk-documentation"] and "oversight_plan" in failed["high-risk-documentation"]
    assert f"/models/{model_id}/classification" in failed["risk-classified"]
    assert f"PUT /api/v1/models/{model_id}/monitoring-plan" in failed["monitoring-plan"]
    assert "POST /api/v1/versions with inputs.datasets" in failed["data-governance"]
    # And following them, one by one, as the model's team
    documented = owner.patch(f"/models/{model_id}", json={"data_sources": "24 months of card transactions",
                                                          "oversight_plan": "Analysts review every flag before a card is blocked"})
    assert documented.status_code == 200, documented.text
    classified = owner.post(f"/models/{model_id}/classification", json={
        "answers": {}, "operator_role": "provider", "risk_level": "high",
        "justification": "Fraud detection is outside Annex III 5(b); we keep the high-risk controls"})
    assert classified.status_code == 200, classified.text
    assert owner.put(f"/models/{model_id}/monitoring-plan", json=plan_body()).status_code == 200
    trained = owner.post("/versions/", json={"model_id": model_id, "version_tag": "v1.0.1", "s3_path": "s3://models/fraud-detector/v1.0.1",
                                             "inputs": DEMO_DATASETS})
    assert trained.status_code == 201, trained.text
    for name, value in (("accuracy", 0.95), ("demographic_parity_difference", 0.03)):
        assert owner.post("/metrics/", json={"version_id": trained.json()["id"], "metric_name": name, "value": value}).status_code == 201
    # Then the approval goes through, and what it sealed names the datasets and the monitoring plan
    approved = admin.patch(f"/models/{model_id}/compliance-status", json={"status": "approved", "reason": "File complete"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["approved_version_id"] == trained.json()["id"]
    approval = admin.get(f"/models/{model_id}/approval").json()
    assert approval["in_force"] is True and approval["sealed"]["sha256_verified"] is True
    snapshot = approval["sealed"]["snapshot"]
    assert [d["role"] for d in snapshot["inputs"]["datasets"]] == ["training", "testing"]
    assert snapshot["monitoring_plan"]["review_cadence_days"] == plan_body()["review_cadence_days"]

"""The registry over the API functions, with moto: the seed's routes, lifecycle, conflicts and bad input."""

from __future__ import annotations

import json

from tests.classify import classification_body, classification_path
from tests.datasets import declared_inputs
from tests.integration.conftest import EVALUATION, FRAUD_DETECTOR, HIGH_RISK_DOCUMENTATION, Api, make_reviewable
from tests.monitoring import plan_body, plan_path


def test_seed_ci_sequence_registers_versions_measures_and_requests_review(api: Api) -> None:
    # Given the seed's CI calls, with a caller added and the version's datasets declared (Art. 10)
    model = api.post("/api/v1/models/", {**FRAUD_DETECTOR, **HIGH_RISK_DOCUMENTATION}, role="model_owner").body
    api.call("PUT", plan_path(model["id"]), plan_body(), role="model_owner")  # a high-risk model's Art. 72 plan
    version = api.post("/api/v1/versions/", {"model_id": model["id"], "version_tag": "v1.0.0",
                                             "s3_path": "s3://models/fraud-detector/v1.0.0",
                                             "inputs": declared_inputs(api, "fraud")}, role="model_owner")
    metric = api.post("/api/v1/metrics/", {"version_id": version.body["id"], "metric_name": "accuracy", "value": 0.95},
                      role="model_owner")
    api.post("/api/v1/metrics/", {"version_id": version.body["id"], "metrics": EVALUATION[1:]}, role="model_owner")
    review = api.patch(f"/api/v1/models/{model['id']}/compliance-status",
                       {"status": "under_review", "reason": "Ready for compliance review"}, role="model_owner")
    # Then each step answered as a user expects
    assert model["compliance_status"] == "draft" and model["risk_level"] == "high"
    assert version.status == 201 and version.body["model_id"] == model["id"]
    assert metric.status == 201 and metric.body["value"] == 0.95
    assert review.status == 200 and review.body["compliance_status"] == "under_review"
    assert review.body["updated_by"] == "omar.owner" and review.body["last_change_reason"] == "Ready for compliance review"
    # When an admin approves before the model is classified, the refusal names the missing step and how to take it
    refused = api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "approved", "reason": "Complete"})
    assert refused.status == 422
    (failed,) = refused.body["error"]["details"]["failed_rules"]
    assert failed["rule_id"] == "risk-classified" and f"POST the answers to /api/v1/models/{model['id']}/classification" in failed["reason"]
    classified = api.post(classification_path(model["id"]), classification_body("high"), role="model_owner")
    assert classified.status == 200 and classified.body["suggested_risk_level"] == "high"
    # Then the approval passes, and the approved version is the latest one
    approved = api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "approved", "reason": "Complete"})
    assert approved.body["compliance_status"] == "approved"
    assert approved.body["approved_version_id"] == version.body["id"]
    assert approved.body["approved_by"] == "ada.admin"


def test_trailing_slash_and_none_reach_the_same_route(api: Api, model: dict) -> None:
    assert api.get("/api/v1/models").body == api.get("/api/v1/models/").body
    assert api.get(f"/api/v1/models/{model['id']}/").status == 200


def test_forbidden_transition_is_409_listing_the_allowed_states(api: Api, model: dict) -> None:
    answer = api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "approved", "reason": "skip review"})
    assert answer.status == 409
    assert answer.body["error"]["code"] == "transition_not_allowed"
    assert answer.body["error"]["details"]["allowed"] == ["under_review", "retired"]
    assert api.get(f"/api/v1/models/{model['id']}").body["compliance_status"] == "draft"


def test_status_change_without_reason_is_refused(api: Api, model: dict) -> None:
    answer = api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "under_review"})
    assert answer.status == 422
    assert {"field": "reason", "message": "Field required", "type": "missing"} in answer.body["error"]["details"]
    blank = api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "under_review", "reason": "   "})
    assert blank.status == 422


def test_review_back_step_and_re_review(api: Api, model: dict) -> None:
    make_reviewable(api, model["id"])
    path = f"/api/v1/models/{model['id']}/compliance-status"
    assert api.patch(path, {"status": "under_review", "reason": "ready"}, role="model_owner").status == 200
    back = api.patch(path, {"status": "draft", "reason": "Changes requested: add data sources"})
    assert back.status == 200 and back.body["allowed_transitions"] == ["under_review", "retired"]
    assert api.patch(path, {"status": "under_review", "reason": "fixed"}, role="model_owner").status == 200
    assert api.patch(path, {"status": "approved", "reason": "ok"}).status == 200
    again = api.patch(path, {"status": "under_review", "reason": "Annual re-review"})
    assert again.status == 200 and again.body["compliance_status"] == "under_review"


def test_retired_model_stays_readable_and_takes_no_new_versions(api: Api, model: dict) -> None:
    retired = api.patch(f"/api/v1/models/{model['id']}/compliance-status",
                        {"status": "retired", "reason": "Replaced by fraud-detector-v3"})
    assert retired.status == 200 and retired.body["allowed_transitions"] == []
    listed = api.get("/api/v1/models", query="compliance_status=retired").body["items"]
    assert [m["id"] for m in listed] == [model["id"]]
    refused = api.post("/api/v1/versions", {"model_id": model["id"], "version_tag": "v9", "s3_path": "s3://x/v9"})
    assert refused.status == 409 and refused.body["error"]["code"] == "model_retired"
    assert api.get(f"/api/v1/models/{model['id']}/versions").body["items"] == []


def test_risk_change_needs_a_justification_and_moves_the_counters(api: Api, model: dict) -> None:
    missing = api.patch(f"/api/v1/models/{model['id']}/risk-profile", {"risk_level": "limited"})
    assert missing.status == 422
    changed = api.patch(f"/api/v1/models/{model['id']}/risk-profile",
                        {"risk_level": "limited", "justification": "Only advises analysts; Art. 6(3) exemption"})
    assert changed.status == 200 and changed.body["risk_level"] == "limited"
    assert changed.body["risk_justification"] == "Only advises analysts; Art. 6(3) exemption"
    stats = api.get("/api/v1/dashboard/stats").body
    assert stats["by_risk_level"]["high"] == 0 and stats["by_risk_level"]["limited"] == 1
    assert stats["matrix"]["limited"]["draft"] == 1


def test_duplicate_names_are_409_whatever_the_case(api: Api, model: dict) -> None:
    answer = api.post("/api/v1/models", {**FRAUD_DETECTOR, "name": "FRAUD-detector-V2"})
    assert answer.status == 409
    assert answer.body["error"] == {
        "code": "duplicate_name",
        "message": "A model named 'FRAUD-detector-V2' already exists.",
        "details": {"name": "FRAUD-detector-V2", "model_id": model["id"]},
    }
    assert api.get("/api/v1/dashboard/stats").body["total"] == 1


def test_rename_frees_the_old_name_and_guards_the_new_one(api: Api, model: dict) -> None:
    other = api.post("/api/v1/models", {"name": "churn", "owner": "Growth"}).body
    clash = api.patch(f"/api/v1/models/{other['id']}", {"name": "Fraud-Detector-V2"})
    assert clash.status == 409
    renamed = api.patch(f"/api/v1/models/{model['id']}", {"name": "fraud-detector-v3", "reason": "New name"})
    assert renamed.status == 200 and renamed.body["revision"] == 2
    assert api.post("/api/v1/models", {"name": "fraud-detector-v2", "owner": "x"}).status == 201


def test_stale_expected_revision_is_409_and_changes_nothing(api: Api, model: dict) -> None:
    first = api.patch(f"/api/v1/models/{model['id']}", {"description": "first", "expected_revision": 1})
    stale = api.patch(f"/api/v1/models/{model['id']}", {"description": "second", "expected_revision": 1})
    assert first.status == 200 and first.body["revision"] == 2
    assert stale.status == 409 and stale.body["error"]["code"] == "stale_revision"
    assert stale.body["error"]["details"]["current_revision"] == 2
    assert api.get(f"/api/v1/models/{model['id']}").body["description"] == "first"


def test_versions_and_metrics_nested_reads(api: Api, model: dict) -> None:
    v1 = api.post("/api/v1/versions", {"model_id": model["id"], "version_tag": "v1", "s3_path": "s3://b/v1",
                                       "sha256": "A" * 64}).body
    v2 = api.post("/api/v1/versions", {"model_id": model["id"], "version_tag": "v2", "s3_path": "s3://b/v2"}).body
    batch = api.post("/api/v1/metrics", {"version_id": v2["id"], "metrics": [
        {"metric_name": "accuracy", "value": 0.91}, {"metric_name": "f1", "value": 0.88},
        {"metric_name": "demographic_parity_difference", "value": 0.04}]})
    assert v1["sha256"] == "a" * 64
    assert batch.status == 201 and len(batch.body["items"]) == 3
    versions = api.get(f"/api/v1/models/{model['id']}/versions").body["items"]
    assert [v["version_tag"] for v in versions] == ["v2", "v1"]
    assert api.get("/api/v1/versions", query=f"model_id={model['id']}").body["items"] == versions
    metrics = api.get(f"/api/v1/versions/{v2['id']}/metrics").body["items"]
    assert {m["metric_name"]: m["value"] for m in metrics} == {"accuracy": 0.91, "f1": 0.88, "demographic_parity_difference": 0.04}
    one = batch.body["items"][0]
    assert api.get(f"/api/v1/metrics/{one['id']}").body == one
    assert api.get(f"/api/v1/models/{model['id']}").body["latest_version"] == {"id": v2["id"], "version_tag": "v2"}


def test_duplicate_version_tag_is_409(api: Api, model: dict) -> None:
    body = {"model_id": model["id"], "version_tag": "v1", "s3_path": "s3://b/v1"}
    assert api.post("/api/v1/versions", body).status == 201
    again = api.post("/api/v1/versions", body)
    assert again.status == 409 and again.body["error"]["code"] == "duplicate_version"


def test_metric_batch_is_all_or_nothing(api: Api, model: dict) -> None:
    version = api.post("/api/v1/versions", {"model_id": model["id"], "version_tag": "v1", "s3_path": "s3://b/v1"}).body
    bad = api.post("/api/v1/metrics", {"version_id": version["id"], "metrics": [
        {"metric_name": "accuracy", "value": 0.9}, {"metric_name": "f1", "value": "high"}]})
    assert bad.status == 422 and bad.body["error"]["details"][0]["field"].startswith("metrics.1.value")
    assert api.get(f"/api/v1/versions/{version['id']}/metrics").body["items"] == []


def test_metric_values_beyond_what_the_table_stores_are_refused_and_underflow_to_zero(api: Api, model: dict) -> None:
    version = api.post("/api/v1/versions", {"model_id": model["id"], "version_tag": "v1", "s3_path": "s3://b/v1"}).body
    huge = api.post("/api/v1/metrics", {"version_id": version["id"], "metric_name": "loss", "value": -1.7976931348623157e308})
    assert huge.status == 422 and huge.body["error"]["details"][0]["field"] == "value"
    assert "1e125" in huge.body["error"]["details"][0]["message"]
    tiny = api.post("/api/v1/metrics", {"version_id": version["id"], "metric_name": "p_value", "value": 1e-300})
    largest = api.post("/api/v1/metrics", {"version_id": version["id"], "metric_name": "scale", "value": 1e125})
    assert tiny.status == 201 and tiny.body["value"] == 0
    assert largest.status == 201 and largest.body["value"] == 1e125
    stored = {m["metric_name"]: m["value"] for m in api.get(f"/api/v1/versions/{version['id']}/metrics").body["items"]}
    assert stored == {"p_value": 0, "scale": 1e125}


def test_unknown_ids_are_404(api: Api) -> None:
    for path in ("/api/v1/models/404", "/api/v1/versions/404", "/api/v1/metrics/404", "/api/v1/models/404/versions",
                 "/api/v1/versions/404/metrics"):
        answer = api.get(path)
        assert answer.status == 404, path
        assert answer.body["error"]["code"] == "not_found"
    assert api.post("/api/v1/versions", {"model_id": 404, "version_tag": "v1", "s3_path": "s3://x"}).status == 404
    assert api.post("/api/v1/metrics", {"version_id": 404, "metric_name": "a", "value": 1}).status == 404


def test_bad_input_answers(api: Api) -> None:
    unknown = api.post("/api/v1/models", {"name": "a", "owner": "b", "colour": "red", "risk_level": "extreme"})
    assert unknown.status == 422
    fields = {d["field"]: d["message"] for d in unknown.body["error"]["details"]}
    assert fields["colour"] == "unknown field" and "risk_level" in fields
    malformed = api.call("POST", "/api/v1/models", raw=b'{"name": "a",')
    assert malformed.status == 400 and malformed.body["error"]["code"] == "bad_request"
    too_big = api.post("/api/v1/models", {"name": "big", "owner": "x", "description": "x" * 70_000})
    assert too_big.status == 413 and too_big.body["error"]["code"] == "payload_too_large"
    wrong_type = api.post("/api/v1/versions", {"model_id": "one", "version_tag": "v1", "s3_path": "s3://x"})
    assert wrong_type.status == 422
    not_a_number = api.post("/api/v1/metrics", {"version_id": 1, "metric_name": "a", "value": "NaN"})
    assert not_a_number.status == 422
    bad_limit = api.get("/api/v1/models", query="limit=1000")
    assert bad_limit.status == 422
    bad_cursor = api.get("/api/v1/models", query="cursor=not-a-cursor")
    assert bad_cursor.status == 400
    assert api.get("/api/v1/dashboard/stats").body["total"] == 0


def test_errors_never_carry_a_stack_trace(api: Api) -> None:
    answer = api.call("POST", "/api/v1/models", raw=b"\xff\xfe")
    assert answer.status in (400, 422)
    text = json.dumps(answer.body)
    assert "Traceback" not in text and "File \"" not in text


def test_delete_needs_a_reason_and_removes_everything(api: Api, model: dict) -> None:
    version = api.post("/api/v1/versions", {"model_id": model["id"], "version_tag": "v1", "s3_path": "s3://b/v1"}).body
    api.post("/api/v1/metrics", {"version_id": version["id"], "metric_name": "accuracy", "value": 0.9})
    assert api.call("DELETE", f"/api/v1/models/{model['id']}").status == 422
    assert api.call("DELETE", f"/api/v1/models/{model['id']}", query="reason=Registered+by+mistake").status == 204
    assert api.get(f"/api/v1/models/{model['id']}").status == 404
    assert api.get(f"/api/v1/versions/{version['id']}").status == 404
    assert api.get("/api/v1/dashboard/stats").body["total"] == 0
    assert api.post("/api/v1/models", FRAUD_DETECTOR).status == 201  # the name is free again

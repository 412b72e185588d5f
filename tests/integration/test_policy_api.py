"""The policy engine over the API functions, with moto: refusals, the compliance check, obligations, policy edits."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.classify import classification_body, classification_path
from tests.datasets import declared_inputs
from tests.harness import TableStream
from tests.integration.conftest import Api
from tests.monitoring import plan_body, plan_path

FRAUD = {
    "name": "fraud-detector",
    "owner": "Payments ML",
    "risk_level": "high",
    "domain": "finance",
    "intended_purpose": "Flag card transactions for manual review",
    "data_sources": "24 months of labelled EU card transactions",
    "oversight_plan": "An analyst reviews every flag",
}
GOOD_METRICS = {"accuracy": 0.95, "f1": 0.91, "demographic_parity_difference": 0.04}


def register(api: Api, model: dict[str, Any], metrics: dict[str, float] | None = None, *, tag: str = "v1.0.0",
             user: str = "omar.owner") -> dict[str, Any]:
    """The owner registers a model with one version and its metrics; answers the model."""
    created = api.post("/api/v1/models", model, role="model_owner", user=user)
    assert created.status == 201, created.body
    classified = api.post(classification_path(created.body["id"]), classification_body(created.body["risk_level"]), role="model_owner", user=user)
    assert classified.status == 200, classified.body
    planned = api.call("PUT", plan_path(created.body["id"]), plan_body(), role="model_owner", user=user)  # Art. 72, for high risk
    assert planned.status == 200, planned.body
    if metrics is not None:
        version = api.post("/api/v1/versions", {"model_id": created.body["id"], "version_tag": tag,
                                                "s3_path": f"s3://models/{model['name']}/{tag}",
                                                "inputs": declared_inputs(api, model["name"])}, role="model_owner", user=user)
        assert version.status == 201, version.body
        recorded = api.post("/api/v1/metrics", {"version_id": version.body["id"],
                                                "metrics": [{"metric_name": k, "value": v} for k, v in metrics.items()]},
                            role="model_owner", user=user)
        assert recorded.status == 201, recorded.body
    return created.body


def move(api: Api, model_id: int, status: str, *, role: str = "admin", user: str | None = None, reason: str = "as planned"):  # noqa: ANN201
    return api.patch(f"/api/v1/models/{model_id}/compliance-status", {"status": status, "reason": reason}, role=role, user=user)


def active_document(api: Api) -> dict[str, Any]:
    return copy.deepcopy(api.get("/api/v1/policies/active", role="auditor").body["document"])


# -- enforcement -----------------------------------------------------------------------------
def test_a_documented_measured_model_is_approved_by_another_admin(api: Api) -> None:
    # Given the owner registered, measured and submitted a documented high-risk model
    model = register(api, FRAUD, GOOD_METRICS)
    assert move(api, model["id"], "under_review", role="model_owner", user="omar.owner").status == 200
    # When an admin who did neither approves it
    approved = move(api, model["id"], "approved", user="ada.admin", reason="Annex IV complete")
    # Then it is approved, with no violation flagged
    assert approved.status == 200, approved.body
    assert approved.body["compliance_status"] == "approved" and approved.body["approved_by"] == "ada.admin"
    assert approved.body["policy_violations"] == []


def test_a_refused_approval_lists_each_failed_rule_with_its_reason_and_article(api: Api) -> None:
    # Given the seed's CI example: a high-risk model with only an intended purpose, one version, accuracy 0.95
    seed = {"name": "fraud-detector-v2", "owner": "ML Team", "risk_level": "high", "domain": "finance",
            "intended_purpose": "Detect fraudulent transactions"}
    model = register(api, seed, {"accuracy": 0.95})
    move(api, model["id"], "under_review", role="model_owner")
    # When an admin approves it
    refused = move(api, model["id"], "approved")
    # Then the answer is 422 policy_violation listing the failed rules, and nothing changed
    assert refused.status == 422
    error = refused.body["error"]
    assert error["code"] == "policy_violation"
    assert error["message"] == (
        f"Model {model['id']} cannot move to approved: 2 rules of policy v0 fail (high-risk-documentation, bias-metric-present)."
    )
    assert error["details"]["failed_rules"] == [
        {"rule_id": "high-risk-documentation", "rule": "high-risk-documentation", "article": "Art. 11, Annex IV",
         "reason": "A high-risk model must document intended_purpose, data_sources and oversight_plan; "
                   "missing: data_sources, oversight_plan."},
        {"rule_id": "bias-metric-present", "rule": "bias-metric-present", "article": "Art. 10(2)(f)",
         "reason": "None of demographic_parity_difference, equalized_odds_difference, equal_opportunity_difference, "
                   "disparate_impact_ratio is recorded on version v1.0.0."},
    ]
    assert api.get(f"/api/v1/models/{model['id']}").body["compliance_status"] == "under_review"


def test_review_needs_a_registered_version(api: Api) -> None:
    model = register(api, {"name": "no-artifact", "owner": "T"})
    refused = move(api, model["id"], "under_review", role="model_owner")
    assert refused.status == 422
    assert [r["rule_id"] for r in refused.body["error"]["details"]["failed_rules"]] == ["artifact-registered"]


def test_no_one_approves_a_model_they_submitted_or_registered(api: Api) -> None:
    # Given an admin registered the model and another admin submitted it
    model = register(api, FRAUD, GOOD_METRICS, user="ada.admin")
    move(api, model["id"], "under_review", user="alan.admin")
    # Then neither may approve it, and a model owner may not either; a third admin may
    for user, role in (("ada.admin", "admin"), ("Alan.Admin", "admin"), ("olga.owner", "model_owner")):
        refused = move(api, model["id"], "approved", role=role, user=user)
        assert refused.status == 422, (user, refused.body)
        assert [r["rule_id"] for r in refused.body["error"]["details"]["failed_rules"]] == ["four-eyes-approval"]
    reason = move(api, model["id"], "approved", user="ada.admin").body["error"]["details"]["failed_rules"][0]["reason"]
    assert reason == "Four eyes: ada.admin registered this model. Someone else must approve."
    assert move(api, model["id"], "approved", user="grace.admin").status == 200


def test_unacceptable_risk_is_never_approved(api: Api) -> None:
    model = register(api, {**FRAUD, "name": "social-scoring", "risk_level": "unacceptable"}, GOOD_METRICS)
    assert move(api, model["id"], "under_review", role="model_owner").status == 200
    refused = move(api, model["id"], "approved")
    assert refused.status == 422
    assert refused.body["error"]["details"]["failed_rules"] == [{
        "rule_id": "no-prohibited-practices", "rule": "no-prohibited-practices", "article": "Art. 5",
        "reason": "A model classified as unacceptable risk can never be moved to approved (Art. 5).",
    }, {
        "rule_id": "risk-classified", "rule": "risk-classified", "article": "Art. 6, Art. 9",
        "reason": "The questionnaire found a prohibited practice (Art. 5): the model can never be approved.",
    }]


def test_lifecycle_refusals_come_before_policy_ones(api: Api) -> None:
    model = register(api, {"name": "skipper", "owner": "T"})
    answer = move(api, model["id"], "approved")
    assert answer.status == 409 and answer.body["error"]["code"] == "transition_not_allowed"


def test_retiring_is_not_gated_by_the_default_policy(api: Api) -> None:
    model = register(api, {"name": "old-model", "owner": "T"})
    assert move(api, model["id"], "retired", reason="Replaced").status == 200


# -- the compliance check --------------------------------------------------------------------
def test_the_compliance_check_lists_every_rule_for_the_next_step(api: Api) -> None:
    # Given a model under review without a bias metric
    model = register(api, FRAUD, {"accuracy": 0.93})
    move(api, model["id"], "under_review", role="model_owner")
    # When an auditor asks for its compliance check
    check = api.get(f"/api/v1/models/{model['id']}/compliance-check", role="auditor", user="aude.auditor")
    # Then every rule of the active policy is there, judged for approval by the auditor
    assert check.status == 200
    body = check.body
    assert (body["target"], body["occasion"], body["outcome"]) == ("approved", "transition", "fail")
    assert body["evaluated_for"] == {"username": "aude.auditor", "role": "auditor"}
    assert body["policy_version"] == 0 and body["policy_name"] == "EU AI Act baseline"
    statuses = {item["rule_id"]: item["status"] for item in body["items"]}
    assert statuses == {
        "no-prohibited-practices": "not_applicable",
        "four-eyes-approval": "fail",
        "artifact-registered": "pass",
        "high-risk-documentation": "pass",
        "limited-risk-transparency": "not_applicable",
        "accuracy-minimum": "pass",
        "bias-metric-present": "fail",
        "fairness-demographic-parity": "not_applicable",
        "metrics-fresh": "pass",
        "approver-sign-offs": "pass",
        "risk-classified": "pass",
        "monitoring-plan": "pass",
        "no-open-findings": "pass",
        "data-governance": "pass",
    }
    accuracy = next(item for item in body["items"] if item["rule_id"] == "accuracy-minimum")
    assert accuracy["reason"] == "accuracy is 0.93 (at least 0.9)."
    assert accuracy["evidence"]["value"] == 0.93 and accuracy["article"] == "Art. 15"
    assert body["summary"] == {"pass": 9, "fail": 2, "not_applicable": 3}
    assert [r["rule_id"] for r in body["failed_rules"]] == ["four-eyes-approval", "bias-metric-present"]


def test_the_compliance_check_of_a_draft_is_for_review_and_a_target_can_be_named(api: Api) -> None:
    model = register(api, FRAUD, GOOD_METRICS)
    check = api.get(f"/api/v1/models/{model['id']}/compliance-check", role="model_owner")
    assert (check.body["target"], check.body["outcome"]) == ("under_review", "pass")
    retire = api.get(f"/api/v1/models/{model['id']}/compliance-check", query="target=retired")
    assert retire.body["target"] == "retired" and retire.body["summary"]["not_applicable"] == 14
    # approval, two steps ahead, is previewed (the dashboard shows what it will require); who approves is not judged yet
    preview = api.get(f"/api/v1/models/{model['id']}/compliance-check", query="target=approved", role="model_owner")
    assert preview.status == 200 and preview.body["target"] == "approved"
    rules = {item["rule_id"]: item["status"] for item in preview.body["items"]}
    assert rules["four-eyes-approval"] == "not_applicable" and rules["accuracy-minimum"] == "pass"
    stay = api.get(f"/api/v1/models/{model['id']}/compliance-check", query="target=draft")
    assert stay.status == 409 and stay.body["error"]["details"]["allowed"] == ["under_review", "retired"]
    assert api.get("/api/v1/models/9999/compliance-check").status == 404


def test_obligations_follow_the_risk_level(api: Api) -> None:
    high = register(api, FRAUD, GOOD_METRICS)
    chatbot = register(api, {"name": "support-bot", "owner": "Care", "risk_level": "limited"})
    answer = api.get(f"/api/v1/models/{high['id']}/obligations", role="auditor")
    assert answer.status == 200
    articles = [item["article"] for item in answer.body["items"]]
    assert answer.body["operator_role"] == "provider" and answer.body["role_assumed"] is False
    assert articles == ["Art. 4", "Art. 9", "Art. 10", "Art. 11, Annex IV", "Art. 12", "Art. 13", "Art. 14", "Art. 15", "Art. 16",
                        "Art. 17", "Art. 43", "Art. 47, Art. 48", "Art. 49(1)", "Art. 72", "Art. 73"]
    oversight = next(item for item in answer.body["items"] if item["article"] == "Art. 14")
    assert oversight["status"] == "evidenced"
    assert {"source": "field", "ref": "oversight_plan", "satisfied": True, "detail": "Human oversight plan: documented."} in oversight["covered_by"]
    registration = next(item for item in answer.body["items"] if item["id"] == "art-49")
    assert (registration["applies_from"], registration["evidenceable"]) == ("2027-12-02", False)
    limited = api.get(f"/api/v1/models/{chatbot['id']}/obligations").body
    assert [(i["article"], i["applies_from"]) for i in limited["items"]] == [("Art. 4", "2025-02-02"), ("Art. 50(1)", "2026-08-02")]


# -- editing the policy ----------------------------------------------------------------------
def test_everyone_reads_the_active_policy_and_only_admins_replace_it(api: Api) -> None:
    for role in ("admin", "model_owner", "auditor"):
        assert api.get("/api/v1/policies/active", role=role).status == 200
    document = active_document(api)
    for role in ("model_owner", "auditor"):
        refused = api.call("PUT", "/api/v1/policies/active", {"document": document, "reason": "mine"}, role=role)
        assert refused.status == 403 and refused.body["error"]["code"] == "forbidden"


def test_an_admin_tightens_the_policy_and_the_next_approval_follows_it(api: Api) -> None:
    # Given a model that passes the default policy
    model = register(api, FRAUD, GOOD_METRICS)
    move(api, model["id"], "under_review", role="model_owner")
    # When an admin raises the accuracy minimum to 0.97
    document = active_document(api)
    next(rule for rule in document["rules"] if rule["id"] == "accuracy-minimum")["min"] = 0.97
    replaced = api.call("PUT", "/api/v1/policies/active",
                        {"document": document, "reason": "Board decision 2026-11: stricter accuracy", "expected_version": 0})
    assert replaced.status == 200, replaced.body
    assert (replaced.body["version"], replaced.body["active"], replaced.body["created_by"]) == (1, True, "ada.admin")
    # Then approval is judged by version 1
    refused = move(api, model["id"], "approved", user="grace.admin")
    assert refused.status == 422
    assert refused.body["error"]["details"]["policy_version"] == 1
    assert refused.body["error"]["details"]["failed_rules"][0]["reason"] == "accuracy is 0.95, below the minimum 0.97."
    # And the history lists both versions, newest first
    history = api.get("/api/v1/policies", role="auditor").body["items"]
    assert [(v["version"], v["active"], v["built_in"]) for v in history] == [(1, True, False), (0, False, True)]
    assert history[0]["reason"] == "Board decision 2026-11: stricter accuracy"


def test_an_invalid_document_is_refused_with_the_exact_error_and_changes_nothing(api: Api) -> None:
    document = active_document(api)
    document["rules"][5]["min"] = "ninety percent"
    document["rules"][2]["require_hash"] = True
    refused = api.call("PUT", "/api/v1/policies/active", {"document": document, "reason": "typo"})
    assert refused.status == 422
    error = refused.body["error"]
    assert error["code"] == "invalid_policy"
    assert error["message"] == "The policy document is invalid: $.rules[2].require_hash: unknown field (and 1 more)"
    assert error["details"]["errors"] == [
        {"path": "$.rules[2].require_hash", "message": "unknown field", "type": "extra_forbidden"},
        {"path": "$.rules[5].min", "message": "Input should be a valid number, unable to parse string as a number",
         "type": "float_parsing"},
    ]
    assert api.get("/api/v1/policies/active").body["version"] == 0


def test_removing_the_four_eyes_rule_is_refused(api: Api) -> None:
    document = active_document(api)
    document["rules"] = [rule for rule in document["rules"] if rule["kind"] != "four_eyes"]
    refused = api.call("PUT", "/api/v1/policies/active", {"document": document, "reason": "speed up approvals"})
    assert refused.status == 422
    assert refused.body["error"]["details"]["errors"][0]["path"] == "$.rules"


def test_a_replacement_based_on_an_old_version_is_a_conflict(api: Api) -> None:
    document = active_document(api)
    assert api.call("PUT", "/api/v1/policies/active", {"document": document, "reason": "first"}).status == 200
    stale = api.call("PUT", "/api/v1/policies/active", {"document": document, "reason": "second", "expected_version": 0})
    assert stale.status == 409
    assert stale.body["error"]["code"] == "stale_revision"
    assert stale.body["error"]["details"] == {"current_version": 1, "expected_version": 0}


def test_a_policy_change_is_recorded_for_the_global_audit_chain(api: Api, aws: dict[str, str]) -> None:
    # Given the table's stream, read from now on
    stream = TableStream(aws["Table.StreamArn"])
    stream.new_records()
    # When an admin replaces the policy
    document = active_document(api)
    api.call("PUT", "/api/v1/policies/active", {"document": document, "reason": "Yearly review"}, user="ada.admin")
    # Then one audited item went in: entity policy, model 0 (the global chain), who, why and the document
    records = stream.new_records()
    audited = [r["dynamodb"]["NewImage"] for r in records if "entity" in r["dynamodb"].get("NewImage", {})]
    assert len(audited) == 1
    image = audited[0]
    assert (image["entity"]["S"], image["model_id"]["N"], image["version"]["N"]) == ("policy", "0", "1")
    assert (image["updated_by"]["S"], image["updated_by_role"]["S"], image["change_reason"]["S"]) == (
        "ada.admin", "admin", "Yearly review")
    assert '"name":"EU AI Act baseline"' in image["document"]["S"]


@pytest.mark.parametrize("role", ["admin", "model_owner", "auditor"])
def test_model_answers_carry_the_violations_flag(api: Api, role: str) -> None:
    model = register(api, {"name": f"flagless-{role}", "owner": "T"})
    assert api.get(f"/api/v1/models/{model['id']}", role=role).body["policy_violations"] == []

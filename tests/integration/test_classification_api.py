"""Classification over the API functions, with moto: questionnaire, classify, overrides, timeline, attestations,
the EU database record, and every route a Query or a GetItem."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import botocore.client
import pytest

from tests.integration.conftest import Api

CV_SCREENING = {"name": "cv-screening", "owner": "People Analytics", "domain": "hr",
                "intended_purpose": "Rank applications for recruiters"}


def create(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    answer = api.post("/api/v1/models", body, role="model_owner")
    assert answer.status == 201, answer.body
    return answer.body


def classify(api: Api, model_id: int, body: dict[str, Any], **kw: Any):  # noqa: ANN201
    return api.post(f"/api/v1/models/{model_id}/classification", body, **{"role": "model_owner", **kw})


@pytest.fixture
def dynamodb_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    calls: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def recording(self, operation_name, api_params):  # noqa: ANN001 - botocore's signature
        if self.meta.service_model.service_name == "dynamodb":
            calls.append(operation_name)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    yield calls


def test_every_role_reads_the_questionnaire_with_the_provision_of_each_question(api: Api) -> None:
    for role in ("admin", "model_owner", "auditor"):
        answer = api.get("/api/v1/classification/questionnaire", role=role)
        assert answer.status == 200
    questions = {q["id"]: q for q in answer.body["questions"]}
    assert answer.body["version"] == "2026.12.1"
    assert questions["art5_1_c_social_scoring"]["provision"] == "Art. 5(1)(c)"
    assert questions["art6_3_profiling"]["ask_if"][0] == "annex3_1_a_remote_biometric_identification"


def test_cv_screening_is_classified_high_with_its_basis_flags_and_dated_obligations(api: Api) -> None:
    model = create(api, CV_SCREENING)
    answer = classify(api, model["id"], {"answers": {"annex3_4_a_recruitment": True}, "operator_role": "provider"})
    assert answer.status == 200, answer.body
    body = answer.body
    assert (body["suggested_risk_level"], body["risk_level"], body["operator_role"]) == ("high", "high", "provider")
    first = body["basis"][0]
    assert (first["provision"], first["question_id"], first["effect"]) == ("Annex III 4(a)", "annex3_4_a_recruitment", "level")
    assert first["reason"].startswith("Answered yes to 'annex3_4_a_recruitment': Is it used for recruitment or selection")
    assert body["flags"]["registration_required"] is True and body["flags"]["gpai"] is False
    obligations = {item["id"]: item for item in body["obligations"]["items"]}
    assert obligations["art-49"]["applies_from"] == "2027-12-02" and obligations["art-49"]["status"] in ("open", "not_in_force")
    # the model shows the classification, audited as who and why
    shown = api.get(f"/api/v1/models/{model['id']}", role="auditor").body
    assert shown["classification"]["suggested_risk_level"] == "high" and shown["classification"]["override"] is False
    assert shown["classification"]["classified_by"] == "omar.owner" and shown["operator_role"] == "provider"
    assert shown["last_change_reason"] == "Classified with questionnaire 2026.12.1: suggests high; risk level high"
    stored = api.get(f"/api/v1/models/{model['id']}/classification", role="auditor").body
    assert stored["answered_yes"] == ["annex3_4_a_recruitment"] and stored["basis"] == body["basis"]


def test_an_override_needs_a_justification_and_is_listed(api: Api) -> None:
    model = create(api, {**CV_SCREENING, "name": "fraud-detector", "risk_level": "high"})
    refused = classify(api, model["id"], {"answers": {}, "risk_level": "high"})
    assert refused.status == 422
    assert refused.body["error"]["message"] == (
        "The questionnaire suggests minimal risk (Art. 5, Art. 6, Art. 50); keeping or setting high is an override: "
        "send a `justification`, or leave `risk_level` out to adopt the suggestion.")
    kept = classify(api, model["id"], {"answers": {}, "risk_level": "high", "justification": "Analysts act on its flags"})
    assert kept.status == 200 and kept.body["summary"]["override"] is True
    listed = api.get("/api/v1/classification/overrides", role="auditor").body["items"]
    assert [(m["name"], m["classification"]["justification"]) for m in listed] == [("fraud-detector", "Analysts act on its flags")]
    # setting the suggested level ends the override, and the list with it
    agreed = api.patch(f"/api/v1/models/{model['id']}/risk-profile", {"risk_level": "minimal", "justification": "Agreed"}, role="model_owner")
    assert agreed.body["classification"]["override"] is False
    assert api.get("/api/v1/classification/overrides").body["items"] == []


def test_without_a_risk_level_the_model_adopts_the_suggestion(api: Api) -> None:
    model = create(api, {**CV_SCREENING, "name": "bot"})
    answer = classify(api, model["id"], {"answers": {"art50_1_interacts_with_people": True}})
    assert (answer.body["risk_level"], answer.body["summary"]["override"]) == ("limited", False)
    stats = api.get("/api/v1/dashboard/stats").body
    assert stats["by_risk_level"]["limited"] == 1 and stats["by_risk_level"]["minimal"] == 0


def test_bad_answers_stale_revisions_and_retired_models_are_refused(api: Api) -> None:
    model = create(api, {**CV_SCREENING, "name": "checked"})
    unknown = classify(api, model["id"], {"answers": {"vibes": True}})
    assert unknown.status == 422 and unknown.body["error"]["details"][0]["field"] == "answers.vibes"
    assert classify(api, model["id"], {"answers": {}, "expected_revision": 99}).status == 409
    assert classify(api, 9999, {"answers": {}}).status == 404
    assert classify(api, model["id"], {"answers": {}}, role="auditor").status == 403
    api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "retired", "reason": "gone"})
    assert classify(api, model["id"], {"answers": {}}).status == 409


def test_admins_replace_the_timeline_and_obligations_follow_it(api: Api) -> None:
    model = create(api, CV_SCREENING)
    classify(api, model["id"], {"answers": {"annex3_4_a_recruitment": True}, "operator_role": "provider"})
    document = api.get("/api/v1/classification/timeline", role="auditor").body["document"]
    next(m for m in document["milestones"] if m["id"] == "high_risk_annex_iii")["applies_from"] = "2026-01-01"
    request = {"document": document, "reason": "The high-risk date moved", "expected_version": 0}
    assert api.call("PUT", "/api/v1/classification/timeline", request, role="model_owner").status == 403
    replaced = api.call("PUT", "/api/v1/classification/timeline", request)
    assert replaced.status == 200 and (replaced.body["version"], replaced.body["created_by"]) == (1, "ada.admin")
    assert api.call("PUT", "/api/v1/classification/timeline", request).status == 409  # expected version 0 is stale
    obligations = {i["id"]: i for i in api.get(f"/api/v1/models/{model['id']}/obligations").body["items"]}
    assert (obligations["art-9"]["applies_from"], obligations["art-9"]["in_force"]) == ("2026-01-01", True)
    del document["milestones"][0]
    invalid = api.call("PUT", "/api/v1/classification/timeline", {"document": document, "reason": "oops"})
    assert invalid.status == 422 and invalid.body["error"]["code"] == "invalid_timeline"
    assert invalid.body["error"]["details"]["errors"][0]["path"] == "$.milestones"
    versions = api.get("/api/v1/classification/timeline/versions").body["items"]
    assert [(v["version"], v["active"]) for v in versions] == [(1, True), (0, False)]


def test_a_person_attests_registration_and_the_obligation_says_attested(api: Api) -> None:
    model = create(api, CV_SCREENING)
    classify(api, model["id"], {"answers": {"annex3_4_a_recruitment": True}, "operator_role": "provider"})
    body = {"obligation_id": "art-49", "statement": "Registered in the EU database under EU-AI-000123", "reason": "I submitted it"}
    assert api.post(f"/api/v1/models/{model['id']}/attestations", body, role="auditor").status == 403
    attested = api.post(f"/api/v1/models/{model['id']}/attestations", body)
    assert attested.status == 201 and (attested.body["attested_by"], attested.body["revision"]) == ("ada.admin", 1)
    item = next(i for i in api.get(f"/api/v1/models/{model['id']}/obligations").body["items"] if i["id"] == "art-49")
    assert item["status"] == "attested" and item["attestation"]["statement"] == body["statement"]
    stale = api.post(f"/api/v1/models/{model['id']}/attestations", {**body, "expected_revision": 5})
    assert stale.status == 409
    unknown = api.post(f"/api/v1/models/{model['id']}/attestations", {**body, "obligation_id": "art-26"})
    assert unknown.status == 422 and "does not apply" in unknown.body["error"]["message"]


def test_a_withdrawn_attestation_no_longer_counts_and_stays_on_record(api: Api) -> None:
    # Given a high-risk model whose EU database registration was attested with a wrong number
    model = create(api, CV_SCREENING)
    classify(api, model["id"], {"answers": {"annex3_4_a_recruitment": True}, "operator_role": "provider"})
    path = f"/api/v1/models/{model['id']}/attestations"
    api.post(path, {"obligation_id": "art-49", "statement": "Registered under EU-AI-000999", "reason": "I submitted it"})
    withdrawal = f"{path}/art-49/withdrawal"
    body = {"reason": "The registration number was wrong"}
    # When an auditor tries to withdraw it, then someone with a stale revision, then its owner
    assert api.post(withdrawal, body, role="auditor").status == 403
    stale = api.post(withdrawal, {**body, "expected_revision": 7}, role="model_owner")
    assert stale.status == 409 and stale.body["error"]["code"] == "stale_revision"
    withdrawn = api.post(withdrawal, {**body, "expected_revision": 1}, role="model_owner")
    # Then it is withdrawn with who and why, the attestation itself kept as it was
    assert withdrawn.status == 200, withdrawn.body
    assert (withdrawn.body["current"], withdrawn.body["attested_by"], withdrawn.body["statement"]) == (False, "ada.admin", "Registered under EU-AI-000999")
    assert (withdrawn.body["withdrawal"]["by"], withdrawn.body["withdrawal"]["reason"], withdrawn.body["revision"]) == ("omar.owner", body["reason"], 2)
    # And the obligation is back to what the hub knows of it (open, or not in force before the timeline's date for
    # Annex III registration), while the list still shows the withdrawn attestation
    item = next(i for i in api.get(f"/api/v1/models/{model['id']}/obligations").body["items"] if i["id"] == "art-49")
    assert (item["status"], item["attestation"]) == ("open" if item["in_force"] else "not_in_force", None)
    listed = api.get(path, role="auditor").body["items"]
    assert [(a["obligation_id"], a["current"]) for a in listed] == [("art-49", False)]
    # And withdrawing it again is a 409 naming who did, an unknown one a 404; attesting again counts again
    again = api.post(withdrawal, body, role="model_owner")
    assert again.status == 409 and again.body["error"]["code"] == "already_withdrawn" and "omar.owner" in again.body["error"]["message"]
    assert api.post(f"{path}/art-9/withdrawal", body).status == 404
    renewed = api.post(path, {"obligation_id": "art-49", "statement": "Registered under EU-AI-000123", "reason": "Corrected"})
    assert renewed.status == 201 and (renewed.body["current"], renewed.body["withdrawal"], renewed.body["revision"]) == (True, None, 3)
    item = next(i for i in api.get(f"/api/v1/models/{model['id']}/obligations").body["items"] if i["id"] == "art-49")
    assert item["status"] == "attested" and item["attestation"]["statement"] == "Registered under EU-AI-000123"


def test_the_eu_database_record_fills_annex_viii_and_lists_what_is_missing(api: Api) -> None:
    provider = create(api, CV_SCREENING)
    classify(api, provider["id"], {"answers": {"annex3_4_a_recruitment": True}, "operator_role": "provider"})
    record = api.get(f"/api/v1/models/{provider['id']}/eu-database-record", role="auditor").body
    assert record["required"] is True and [s["section"] for s in record["sections"]] == ["A"]
    fields = {f["item"]: f for f in record["sections"][0]["fields"]}
    assert fields["A.4"]["value"]["trade_name"] == "cv-screening" and fields["A.5"]["value"] == "Rank applications for recruiters"
    assert "A.1 Name, address and contact details of the provider" in record["missing"]
    derogated = create(api, {**CV_SCREENING, "name": "cv-sorter"})
    classify(api, derogated["id"], {"answers": {"annex3_4_a_recruitment": True, "art6_3_a_narrow_procedural_task": True}, "operator_role": "provider"})
    section_b = api.get(f"/api/v1/models/{derogated['id']}/eu-database-record").body["sections"][0]
    assert section_b["section"] == "B"
    assert next(f for f in section_b["fields"] if f["item"] == "B.6")["value"] == ["Art. 6(3)(a)"]
    deployer = create(api, {**CV_SCREENING, "name": "city-hiring"})
    classify(api, deployer["id"], {"answers": {"annex3_4_a_recruitment": True, "deployer_public_body": True}, "operator_role": "deployer"})
    assert [s["section"] for s in api.get(f"/api/v1/models/{deployer['id']}/eu-database-record").body["sections"]] == ["C"]
    unclassified = create(api, {**CV_SCREENING, "name": "plain"})
    none = api.get(f"/api/v1/models/{unclassified['id']}/eu-database-record").body
    assert none["required"] is False and none["why"].startswith("Not classified")
    nothing = api.get(f"/api/v1/models/{unclassified['id']}/classification").body
    assert (nothing["classified"], nothing["summary"], nothing["basis"]) == (False, None, [])


def test_classification_routes_never_scan(api: Api, dynamodb_calls: list[str]) -> None:
    model = create(api, CV_SCREENING)
    classify(api, model["id"], {"answers": {}, "risk_level": "high", "justification": "kept"})
    api.get(f"/api/v1/models/{model['id']}/classification")
    api.get("/api/v1/classification/overrides")
    api.get("/api/v1/classification/timeline")
    api.get(f"/api/v1/models/{model['id']}/obligations")
    api.get(f"/api/v1/models/{model['id']}/eu-database-record")
    api.post(f"/api/v1/models/{model['id']}/attestations", {"obligation_id": "art-4", "statement": "trained", "reason": "records"})
    assert dynamodb_calls and "Scan" not in dynamodb_calls


def test_reclassifying_an_approved_model_to_another_level_reopens_its_review(api: Api) -> None:
    # Given an approved, classified minimal-risk model
    model = create(api, {**CV_SCREENING, "name": "approved-then-reclassified"})
    assert classify(api, model["id"], {"answers": {}}).status == 200
    api.post("/api/v1/versions", {"model_id": model["id"], "version_tag": "v1", "s3_path": "s3://m/v1"}, role="model_owner")
    assert api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "under_review", "reason": "r"}, role="model_owner").status == 200
    approved = api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "approved", "reason": "ok"})
    assert approved.status == 200, approved.body
    # When the questionnaire is answered again and now suggests high risk
    answer = classify(api, model["id"], {"answers": {"annex3_4_a_recruitment": True}})
    # Then the model takes the level and its approval is no longer in force: review reopened in the same write
    assert answer.status == 200
    shown = api.get(f"/api/v1/models/{model['id']}").body
    assert (shown["risk_level"], shown["compliance_status"]) == ("high", "under_review")
    assert shown["approval"]["invalidated"]["fields"] == ["risk_level", "risk_justification"]

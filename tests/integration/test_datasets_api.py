"""Datasets and lineage through the API: the registry of datasets, versions that declare their inputs, the lineage
graph, a dataset's impact, and flagging a bad dataset (approved models that depend on it go back to review)."""

from __future__ import annotations

from typing import Any

import pytest

from local_stack.functions import FunctionHost
from local_stack.template import Template
from tests.classify import classification_body, classification_path
from tests.datasets import DATASHEET, declared_inputs, register_dataset
from tests.harness import TableStream
from tests.integration.audit_stream_helpers import deliver_until_done
from tests.integration.conftest import EVALUATION, FRAUD_DETECTOR, HIGH_RISK_DOCUMENTATION, OWNER_TEAM, Api
from tests.monitoring import plan_body, plan_path


def _model(api: Api, name: str) -> dict[str, Any]:
    answer = api.post("/api/v1/models", {**FRAUD_DETECTOR, "name": name}, role="model_owner")
    assert answer.status == 201, answer.body
    return answer.body


def _version(api: Api, model_id: int, tag: str, inputs: dict[str, Any] | None = None, role: str = "model_owner") -> Any:
    body = {"model_id": model_id, "version_tag": tag, "s3_path": f"s3://models/{model_id}/{tag}"}
    return api.post("/api/v1/versions", {**body, **({"inputs": inputs} if inputs else {})}, role=role)


def _approve(api: Api, model_id: int, inputs: dict[str, Any], tag: str = "v1.0.0") -> dict[str, Any]:
    """Document, classify, plan its monitoring, version (with `inputs`), measure, submit (model owner), approve (an admin)."""
    api.patch(f"/api/v1/models/{model_id}", HIGH_RISK_DOCUMENTATION, role="model_owner")
    api.post(classification_path(model_id), classification_body("high"), role="model_owner")
    assert api.call("PUT", plan_path(model_id), plan_body(), role="model_owner").status == 200
    version = _version(api, model_id, tag, inputs)
    assert version.status == 201, version.body
    api.post("/api/v1/metrics", {"version_id": version.body["id"], "metrics": EVALUATION}, role="model_owner")
    submitted = api.patch(f"/api/v1/models/{model_id}/compliance-status", {"status": "under_review", "reason": "ready"}, role="model_owner")
    assert submitted.status == 200, submitted.body
    approved = api.patch(f"/api/v1/models/{model_id}/compliance-status", {"status": "approved", "reason": "file complete"}, role="admin")
    assert approved.status == 200, approved.body
    return version.body


# -- 1. the dataset registry ---------------------------------------------------------------------------------------
def test_a_dataset_is_registered_with_its_datasheet_and_versions(api: Api) -> None:
    # When a model owner registers a dataset and a version with an MLflow-style digest
    created = api.post("/api/v1/datasets", {"name": "card-transactions", **DATASHEET, "special_categories": False}, role="model_owner")
    assert created.status == 201, created.body
    dataset = created.body
    digest = "sha256:" + "AB" * 32
    version = api.post(f"/api/v1/datasets/{dataset['id']}/versions",
                       {"version_tag": "2026.1", "location": "s3://datasets/cards/2026.1/", "records": 1_200_000, "sha256": digest},
                       role="model_owner")
    # Then both are stored as sent, the dataset in the caller's team, the digest as plain lower-case hex
    assert version.status == 201, version.body
    assert dataset["team"] == OWNER_TEAM and dataset["revision"] == 1 and dataset["flagged"] is False
    assert dataset["bias_examination"] == DATASHEET["bias_examination"] and dataset["source"] == DATASHEET["source"]
    assert version.body["sha256"] == "ab" * 32 and version.body["records"] == 1_200_000
    # And they are listed by team and found by name and tag
    listed = api.get("/api/v1/datasets", query=f"team={OWNER_TEAM}", role="auditor").body["items"]
    assert [d["name"] for d in listed] == ["card-transactions"]
    by_tag = api.get(f"/api/v1/datasets/{dataset['id']}/versions", query="tag=2026.1", role="auditor").body["items"]
    assert [v["id"] for v in by_tag] == [version.body["id"]]


def test_dataset_input_errors_are_clear(api: Api) -> None:
    dataset = register_dataset(api, "cards")["dataset"]
    # a name taken, a short MLflow digest, a location that is not an S3 URI, a stale revision, an unknown dataset
    assert api.post("/api/v1/datasets", {"name": "CARDS"}, role="model_owner").status == 409
    short = api.post(f"/api/v1/datasets/{dataset['id']}/versions", {"version_tag": "x", "location": "s3://datasets/x", "sha256": "1a2b3c4d"},
                     role="model_owner")
    assert short.status == 422
    assert api.post(f"/api/v1/datasets/{dataset['id']}/versions", {"version_tag": "y", "location": "/tmp/x"}, role="model_owner").status == 422
    assert api.post(f"/api/v1/datasets/{dataset['id']}/versions", {"version_tag": "2026.1", "location": "s3://datasets/x"},
                    role="model_owner").status == 409
    stale = api.patch(f"/api/v1/datasets/{dataset['id']}", {"licence": "CC-BY-4.0", "expected_revision": 7}, role="model_owner")
    assert stale.status == 409 and stale.body["error"]["code"] == "stale_revision"
    assert api.get("/api/v1/datasets/999", role="auditor").status == 404
    assert api.get("/api/v1/datasets", query="team=a&flagged=true", role="auditor").status == 422


def test_only_the_datasets_team_or_an_admin_changes_it_and_auditors_read_only(api: Api) -> None:
    api.post("/api/v1/teams", {"slug": "risk-analytics", "display_name": "Risk Analytics"})
    theirs = api.post("/api/v1/datasets", {"name": "loan-book", "team": "risk-analytics"}, role="admin").body
    refused = api.patch(f"/api/v1/datasets/{theirs['id']}", {"licence": "internal"}, role="model_owner")
    assert refused.status == 403 and "risk-analytics" in refused.body["error"]["message"]
    assert api.post(f"/api/v1/datasets/{theirs['id']}/flag", {"reason": "mislabelled"}, role="model_owner").status == 403
    assert api.post("/api/v1/datasets", {"name": "x"}, role="auditor").status == 403
    changed = api.patch(f"/api/v1/datasets/{theirs['id']}", {"licence": "internal", "expected_revision": 1}, role="admin")
    assert changed.status == 200 and changed.body["licence"] == "internal" and changed.body["revision"] == 2


# -- 2. versions declare their inputs --------------------------------------------------------------------------------
def test_a_version_declares_its_datasets_and_base_model(api: Api) -> None:
    train = register_dataset(api, "cards-train")
    base_model = _model(api, "foundation-scorer")
    base = _version(api, base_model["id"], "v1", {"datasets": [{"dataset_version_id": train["id"], "role": "training"}]}).body
    model = _model(api, "fraud-scorer")
    # When a version names a dataset by name and tag, and its base model by model name and tag
    answer = _version(api, model["id"], "v2", {
        "datasets": [{"dataset": "cards-train", "version_tag": "2026.1", "role": "validation"}],
        "base_model": {"model": "foundation-scorer", "version_tag": "v1"},
    })
    # Then the version carries them, resolved to ids, with the dataset's SHA-256
    assert answer.status == 201, answer.body
    inputs = answer.body["inputs"]
    assert inputs["datasets"] == [{"dataset_id": train["dataset"]["id"], "dataset_version_id": train["id"], "dataset_name": "cards-train",
                                   "version_tag": "2026.1", "role": "validation", "sha256": "ab" * 32}]
    assert inputs["base_model"]["version_id"] == base["id"] and inputs["base_model"]["model_name"] == "foundation-scorer"
    # And an external general-purpose base model is accepted with its documentation
    external = _version(api, model["id"], "v3", {"base_model": {"external": {
        "provider": "Mistral AI", "name": "mistral-7b", "version": "0.3", "gpai": True,
        "documentation_url": "https://docs.mistral.ai/"}}})
    assert external.status == 201 and external.body["inputs"]["base_model"]["external"]["gpai"] is True


def test_an_unknown_input_is_refused_and_nothing_is_written(api: Api) -> None:
    model = _model(api, "fraud-scorer")
    answer = _version(api, model["id"], "v1", {"datasets": [{"dataset": "nowhere", "version_tag": "1", "role": "training"}]})
    assert answer.status == 422 and "POST /api/v1/datasets" in answer.body["error"]["message"]
    assert answer.body["error"]["details"] == [{"field": "inputs.datasets[0]", "message": "no dataset named 'nowhere'"}]
    assert api.get(f"/api/v1/models/{model['id']}/versions", role="auditor").body["items"] == []
    # the field's own message says what is missing, for a form to show beside the field
    api.post("/api/v1/datasets", {"name": "cards", "source": "Ledger export"}, role="model_owner")
    untagged = _version(api, model["id"], "v1", {"datasets": [{"dataset": "cards", "version_tag": "9", "role": "training"}]})
    assert untagged.body["error"]["details"][0]["message"] == "dataset 'cards' has no version tagged '9'"
    no_base = _version(api, model["id"], "v1", {"base_model": {"model": "fraud-scorer", "version_tag": "v9"}})
    assert no_base.body["error"]["details"] == [{"field": "inputs.base_model", "message": "model 'fraud-scorer' has no version tagged 'v9'"}]
    both = _version(api, model["id"], "v1", {"base_model": {"version_id": 5, "external": {"provider": "x", "name": "y"}}})
    assert both.status == 422


# -- 3. lineage and impact ---------------------------------------------------------------------------------------------
def test_lineage_goes_upstream_and_downstream_and_impact_follows_base_models(api: Api) -> None:
    # Given dataset D, model A trained on it, model B built on A
    d = register_dataset(api, "cards-train")
    a = _model(api, "foundation-scorer")
    a1 = _version(api, a["id"], "v1", {"datasets": [{"dataset_version_id": d["id"], "role": "training"}]}).body
    b = _model(api, "fraud-scorer")
    b1 = _version(api, b["id"], "v1", {"base_model": {"version_id": a1["id"]}}).body
    # When the lineage of B is read
    graph = api.get(f"/api/v1/models/{b['id']}/lineage", role="auditor")
    # Then it holds D -> A@v1 -> B@v1
    assert graph.status == 200, graph.body
    nodes = {n["id"]: n for n in graph.body["nodes"]}
    edges = {(e["source"], e["target"], e["relation"]) for e in graph.body["edges"]}
    assert edges == {(f"dataset_version:{d['id']}", f"model_version:{a1['id']}", "training"),
                     (f"model_version:{a1['id']}", f"model_version:{b1['id']}", "base_model")}
    assert nodes[f"model_version:{a1['id']}"]["label"] == "foundation-scorer@v1" and nodes[f"dataset_version:{d['id']}"]["depth"] == -2
    assert graph.body["depth_limit"] == 5 and graph.body["truncated"] is False
    # And the lineage of A shows B downstream
    downstream = api.get(f"/api/v1/models/{a['id']}/lineage", role="auditor").body
    assert {n["label"]: n["depth"] for n in downstream["nodes"] if n["kind"] == "model_version"} == {"foundation-scorer@v1": 0, "fraud-scorer@v1": 1}
    # And the impact of D lists A directly and B through its base model, with their status
    impact = api.get(f"/api/v1/datasets/{d['dataset']['id']}/impact", role="auditor").body
    assert [(i["model_name"], i["relation"], i["depth"], i["compliance_status"]) for i in impact["items"]] == [
        ("foundation-scorer", "training", 1, "draft"), ("fraud-scorer", "base_model", 2, "draft")]
    assert impact["items"][1]["via_version_id"] == a1["id"] and impact["truncated"] is False
    assert api.get("/api/v1/models/999/lineage", role="auditor").status == 404


# -- 4. flagging a dataset -------------------------------------------------------------------------------------------------
def test_flagging_a_dataset_sends_every_approved_model_on_it_back_to_review(api: Api, aws: dict[str, str], template: Template,
                                                                           functions: dict[str, FunctionHost]) -> None:
    stream = TableStream(aws["Table.StreamArn"], template, "AuditStreamFunction")
    # Given two approved models on dataset "cards" (one directly, one through a base model) and one approved model not on it
    inputs = declared_inputs(api, "cards")
    direct = _model(api, "fraud-scorer")
    direct_version = _approve(api, direct["id"], inputs)
    derived = _model(api, "fraud-scorer-eu")
    _approve(api, derived["id"], {**declared_inputs(api, "eu"), "base_model": {"version_id": direct_version["id"]}})
    other = _model(api, "churn-predictor")
    _approve(api, other["id"], declared_inputs(api, "churn"))
    dataset = api.get("/api/v1/datasets", query="name=cards-train", role="auditor").body["items"][0]
    # When the dataset's team flags it
    flagged = api.post(f"/api/v1/datasets/{dataset['id']}/flag", {"reason": "labels leaked from the outcome", "expected_revision": 1},
                       role="model_owner")
    # Then the answer lists the two reopened models, and the dataset is flagged
    assert flagged.status == 200, flagged.body
    assert sorted(m["name"] for m in flagged.body["reopened"]) == ["fraud-scorer", "fraud-scorer-eu"]
    assert flagged.body["dataset"]["flagged"] is True and flagged.body["dataset"]["flag"]["reason"] == "labels leaked from the outcome"
    # And each is under review with the reason; the other stays approved
    for model in (direct, derived):
        now = api.get(f"/api/v1/models/{model['id']}", role="auditor").body
        assert now["compliance_status"] == "under_review"
        approval = api.get(f"/api/v1/models/{model['id']}/approval", role="auditor").body
        assert approval["in_force"] is False and approval["invalidated"]["fields"] == [f"dataset:{dataset['id']}"]
    assert api.get(f"/api/v1/models/{other['id']}", role="auditor").body["compliance_status"] == "approved"
    assert [d["name"] for d in api.get("/api/v1/datasets", query="flagged=true", role="auditor").body["items"]] == ["cards-train"]
    # And each reopened model's audit trail records the status change with the reason
    deliver_until_done(functions["AuditStreamFunction"], stream.subscribed(stream.new_records()))
    for model in (direct, derived):
        trail = api.get(f"/api/v1/models/{model['id']}/audit-logs", query="action=status_change", role="auditor").body["items"]
        assert "dataset 'cards-train'" in trail[0]["reason"] and "labels leaked" in trail[0]["reason"], trail[0]
    # And the flag itself is in the global chain (model id 0), with who and why
    flags = api.get("/api/v1/audit-logs", query="entity=dataset", role="auditor").body["items"]
    flag_record = next(r for r in flags if r["entity_id"] == dataset["id"] and r["action"] == "update")
    assert flag_record["model_id"] == 0 and flag_record["reason"] == "Dataset flagged: labels leaked from the outcome"
    assert flag_record["actor"]["username"] == "omar.owner"
    # When the flag is cleared, nothing is re-approved
    cleared = api.post(f"/api/v1/datasets/{dataset['id']}/unflag", {"reason": "labels rebuilt"}, role="model_owner")
    assert cleared.status == 200 and cleared.body["flagged"] is False
    assert api.get(f"/api/v1/models/{direct['id']}", role="auditor").body["compliance_status"] == "under_review"


def test_a_flag_that_failed_part_way_is_finished_by_flagging_again(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from govhub.services.registry import Registry

    # Given two approved models trained on dataset "cards", and a reopening that fails after the first model
    inputs = declared_inputs(api, "cards")
    first, second = _model(api, "fraud-scorer"), _model(api, "fraud-scorer-eu")
    _approve(api, first["id"], inputs)
    _approve(api, second["id"], inputs)
    dataset = api.get("/api/v1/datasets", query="name=cards-train", role="auditor").body["items"][0]
    reopen = Registry.reopen_review
    calls = []

    def fails_after_the_first(self: Registry, *args: Any) -> Any:
        calls.append(args[0])
        if len(calls) > 1:
            raise ConnectionError("the table went away")
        return reopen(self, *args)

    monkeypatch.setattr(Registry, "reopen_review", fails_after_the_first)
    failed = api.post(f"/api/v1/datasets/{dataset['id']}/flag", {"reason": "labels leaked"}, role="model_owner")
    assert failed.status == 500, failed.body
    statuses = {m["id"]: api.get(f"/api/v1/models/{m['id']}", role="auditor").body["compliance_status"] for m in (first, second)}
    assert sorted(statuses.values()) == ["approved", "under_review"]
    still_approved = next(model_id for model_id, status in statuses.items() if status == "approved")
    flagged = api.get(f"/api/v1/datasets/{dataset['id']}", role="auditor").body
    assert flagged["flagged"] is True
    monkeypatch.setattr(Registry, "reopen_review", reopen)
    # When the flag is sent again, with the same reason
    retried = api.post(f"/api/v1/datasets/{dataset['id']}/flag", {"reason": "labels leaked", "expected_revision": flagged["revision"]},
                       role="model_owner")
    # Then the answer names the model it reopened now, and both models are under review
    assert retried.status == 200, retried.body
    assert [m["id"] for m in retried.body["reopened"]] == [still_approved]
    for model in (first, second):
        assert api.get(f"/api/v1/models/{model['id']}", role="auditor").body["compliance_status"] == "under_review"
    # And the flag was not written twice: same reason, same revision
    assert retried.body["dataset"]["revision"] == flagged["revision"] and retried.body["dataset"]["flag"] == flagged["flag"]
    # And a flag with a new reason is recorded, reopening nothing more
    renewed = api.post(f"/api/v1/datasets/{dataset['id']}/flag", {"reason": "labels leaked, and duplicates"}, role="model_owner")
    assert renewed.status == 200 and renewed.body["reopened"] == []
    assert renewed.body["dataset"]["flag"]["reason"] == "labels leaked, and duplicates"
    assert renewed.body["dataset"]["revision"] == flagged["revision"] + 1


def test_an_approval_seals_the_declared_inputs(api: Api) -> None:
    model = _model(api, "fraud-scorer")
    version = _approve(api, model["id"], {**declared_inputs(api, "cards"), "base_model": {"external": {
        "provider": "Acme", "name": "tabular-base", "gpai": True, "documentation_url": "https://acme.example/docs"}}})
    snapshot = api.get(f"/api/v1/models/{model['id']}/approval", role="auditor").body["sealed"]["snapshot"]
    assert snapshot["inputs"] == version["inputs"]
    assert {d["role"] for d in snapshot["inputs"]["datasets"]} == {"training", "testing"}


# -- 5. the data-governance rule of the default policy ------------------------------------------------------------------------
def test_a_high_risk_approval_needs_documented_training_and_testing_datasets(api: Api) -> None:
    # Given a high-risk model whose version declares only a training dataset without a bias examination
    bare = api.post("/api/v1/datasets", {"name": "scraped-cards", "source": "Partner export"}, role="model_owner").body
    api.post(f"/api/v1/datasets/{bare['id']}/versions", {"version_tag": "1", "location": "s3://datasets/scraped/1"}, role="model_owner")
    model = _model(api, "fraud-scorer")
    api.patch(f"/api/v1/models/{model['id']}", HIGH_RISK_DOCUMENTATION, role="model_owner")
    api.post(classification_path(model["id"]), classification_body("high"), role="model_owner")
    api.call("PUT", plan_path(model["id"]), plan_body(), role="model_owner")
    version = _version(api, model["id"], "v1", {"datasets": [{"dataset": "scraped-cards", "version_tag": "1", "role": "training"}]}).body
    api.post("/api/v1/metrics", {"version_id": version["id"], "metrics": EVALUATION}, role="model_owner")
    api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "under_review", "reason": "ready"}, role="model_owner")
    # When an admin approves it
    refused = api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "approved", "reason": "ok"})
    # Then the refusal names the missing testing dataset, the missing bias examination, and how to supply them
    assert refused.status == 422
    (failed,) = refused.body["error"]["details"]["failed_rules"]
    assert failed["rule_id"] == "data-governance" and failed["article"] == "Art. 10, Annex IV 2(d)"
    assert "declares no testing dataset" in failed["reason"] and "govhub version --dataset training=NAME@TAG" in failed["reason"]
    assert f"scraped-cards@1 (training) records no bias examination: set `bias_examination` {{examined, outcome}} (PATCH /api/v1/datasets/{bare['id']})" in failed["reason"]
    # And a version trained and tested on documented datasets passes
    _version(api, model["id"], "v2", declared_inputs(api, "cards"))
    check = api.get(f"/api/v1/models/{model['id']}/compliance-check", role="auditor").body
    rule = next(item for item in check["items"] if item["rule_id"] == "data-governance")
    assert rule["status"] == "pass" and rule["reason"].startswith("Version v2 declares cards-train@2026.1 (training), cards-test@2026.1 (testing)")


# -- 6. the compliance report and the obligations cite the datasets ----------------------------------------------------------
def test_the_report_holds_a_datasheet_per_declared_dataset_and_art_10_cites_them(api: Api) -> None:
    model = _model(api, "fraud-scorer")
    _approve(api, model["id"], {**declared_inputs(api, "cards"), "base_model": {"external": {
        "provider": "Mistral AI", "name": "mistral-small", "version": "3.1", "gpai": True, "documentation_url": "https://docs.mistral.ai/"}}})
    report = api.get(f"/api/v1/reports/{model['id']}/compliance-report.json", role="auditor")
    assert report.status == 200, report.body
    section = next(s for s in report.body["sections"] if s["id"] == "data_governance")["data"]
    assert [(s["role"], s["dataset"]["name"], s["dataset"]["source"]) for s in section["datasheets"]] == [
        ("training", "cards-train", DATASHEET["source"]), ("testing", "cards-test", DATASHEET["source"])]
    assert section["datasheets"][0]["version"]["records"] == 120_000 and section["declared_by"]["version_tag"] == "v1.0.0"
    assert section["base_model"]["external"]["documentation_url"] == "https://docs.mistral.ai/"
    art10 = next(i for i in api.get(f"/api/v1/models/{model['id']}/obligations", role="auditor").body["items"] if i["article"] == "Art. 10")
    cited = next(c for c in art10["covered_by"] if c["ref"] == "data-governance")
    assert cited["satisfied"] is True and "cards-train@2026.1 (training), cards-test@2026.1 (testing)" in cited["detail"]


# -- 7. deleting a model keeps lineage true --------------------------------------------------------------------------------
def test_a_model_other_models_are_built_on_is_not_deleted_and_the_refusal_names_them(api: Api) -> None:
    # Given model A and model B whose version is built on A's
    a = _model(api, "foundation-scorer")
    a1 = _version(api, a["id"], "v1").body
    b = _model(api, "fraud-scorer")
    b1 = _version(api, b["id"], "v2", {"base_model": {"version_id": a1["id"]}}).body
    # When an admin deletes A
    refused = api.call("DELETE", f"/api/v1/models/{a['id']}", query="reason=obsolete")
    # Then it is refused, naming B's version, the version of A it is built on, and how to proceed
    assert refused.status == 409 and refused.body["error"]["code"] == "model_in_use", refused.body
    assert refused.body["error"]["details"]["dependents"] == [{
        "model_id": b["id"], "model_name": "fraud-scorer", "version_id": b1["id"], "version_tag": "v2",
        "base_version_id": a1["id"], "base_version_tag": "v1"}]
    message = refused.body["error"]["message"]
    assert "fraud-scorer@v2" in message and "foundation-scorer@v1" in message
    assert "Delete those models first" in message and "retire this one instead" in message
    # And A and B's lineage are untouched
    assert api.get(f"/api/v1/models/{a['id']}", role="auditor").status == 200
    graph = api.get(f"/api/v1/models/{b['id']}/lineage", role="auditor").body
    assert {n["label"] for n in graph["nodes"]} == {"foundation-scorer@v1", "fraud-scorer@v2"}
    # And A may still be retired, which keeps its record
    retired = api.patch(f"/api/v1/models/{a['id']}/compliance-status", {"status": "retired", "reason": "superseded"})
    assert retired.status == 200 and retired.body["compliance_status"] == "retired"
    # And once B is deleted, A can be
    assert api.call("DELETE", f"/api/v1/models/{b['id']}", query="reason=obsolete").status == 204
    assert api.call("DELETE", f"/api/v1/models/{a['id']}", query="reason=obsolete").status == 204
    assert api.get(f"/api/v1/models/{a['id']}", role="auditor").status == 404


def test_a_deleted_models_versions_leave_the_impact_and_the_lineage(api: Api) -> None:
    # Given dataset D, model A trained on it, and model B validated on D and built on A
    d = register_dataset(api, "cards-train")
    a = _model(api, "foundation-scorer")
    a1 = _version(api, a["id"], "v1", {"datasets": [{"dataset_version_id": d["id"], "role": "training"}]}).body
    b = _model(api, "fraud-scorer")
    assert _version(api, b["id"], "v1", {"datasets": [{"dataset_version_id": d["id"], "role": "validation"}],
                                         "base_model": {"version_id": a1["id"]}}).status == 201
    before = api.get(f"/api/v1/datasets/{d['dataset']['id']}/impact", role="auditor").body["items"]
    assert [(i["model_name"], i["relation"]) for i in before] == [("foundation-scorer", "training"), ("fraud-scorer", "validation")]
    # When B is deleted
    assert api.call("DELETE", f"/api/v1/models/{b['id']}", query="reason=obsolete").status == 204
    # Then D's impact lists A only, and reads only A's edge, A, and A's v1 marker that something was built on it (B's
    # edges went with B; the marker stays, as other versions may still use A's v1, and costs one empty Query)
    impact = api.get(f"/api/v1/datasets/{d['dataset']['id']}/impact", role="auditor").body
    assert [(i["model_name"], i["relation"], i["depth"]) for i in impact["items"]] == [("foundation-scorer", "training", 1)]
    assert impact["items_read"] == 3
    # And A's lineage has nothing downstream
    graph = api.get(f"/api/v1/models/{a['id']}/lineage", role="auditor").body
    assert {(n["label"], n["depth"]) for n in graph["nodes"]} == {("foundation-scorer@v1", 0), ("cards-train@2026.1", -1)}
    assert [e["relation"] for e in graph["edges"]] == ["training"]
    # And A, built on by nothing now, is deleted too, which empties D's impact
    assert api.call("DELETE", f"/api/v1/models/{a['id']}", query="reason=obsolete").status == 204
    after = api.get(f"/api/v1/datasets/{d['dataset']['id']}/impact", role="auditor").body
    assert after["items"] == [] and after["items_read"] == 0


def test_a_model_whose_versions_are_built_on_each_other_is_deleted_with_them(api: Api) -> None:
    # Given a model whose v2 is built on its own v1
    model = _model(api, "fraud-scorer")
    v1 = _version(api, model["id"], "v1").body
    v2 = _version(api, model["id"], "v2", {"base_model": {"version_id": v1["id"]}}).body
    # When it is deleted
    deleted = api.call("DELETE", f"/api/v1/models/{model['id']}", query="reason=obsolete")
    # Then nothing of it is left to read
    assert deleted.status == 204, deleted.body
    assert [api.get(f"/api/v1/versions/{v['id']}", role="auditor").status for v in (v1, v2)] == [404, 404]

"""POST /api/v1/imports: a model described by another registry, applied as the caller's own audited changes."""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import FRAUD_DETECTOR, OWNER_TEAM, Api

CREDIT = {
    "system": "mlflow",
    "name": "credit-scorer",
    "description": "Scores loan applications",
    "tags": {"govhub.risk_level": "high", "govhub.domain": "lending"},
    "versions": [{"version": "1", "source": "s3://models/credit/1", "run_id": "r1", "metrics": {"auc": 0.94},
                  "datasets": ["loans-2025 (training, digest 5e1b)"], "tags": {}}],
}


def _import(api: Api, body: dict[str, Any], role: str = "model_owner") -> Any:
    return api.post("/api/v1/imports", body, role=role)


def test_an_import_creates_the_model_in_the_callers_team_and_a_second_changes_nothing(api: Api) -> None:
    first = _import(api, CREDIT)
    assert first.status == 200, first.body
    assert (first.body["action"], first.body["versions_created"], first.body["metrics_recorded"]) == ("created", ["1"], 1)
    model = api.get(f"/api/v1/models/{first.body['model_id']}").body
    assert (model["team"], model["risk_level"], model["domain"], model["owner"]) == (OWNER_TEAM, "high", "lending", "MLflow")
    assert model["created_by"] == "omar.owner" and model["last_change_reason"] == "Synced from MLflow model 'credit-scorer'"

    again = _import(api, CREDIT)
    assert (again.body["action"], again.body["versions_skipped"], again.body["metrics_recorded"]) == ("unchanged", ["1"], 0)
    assert api.get(f"/api/v1/models/{model['id']}").body["revision"] == model["revision"]


def test_a_name_taken_by_a_model_registered_here_is_left_alone(api: Api, model: dict[str, Any]) -> None:
    answer = _import(api, {**CREDIT, "name": FRAUD_DETECTOR["name"]})
    assert answer.body["action"] == "skipped" and "registered in the hub" in answer.body["notes"][0]
    assert api.get(f"/api/v1/models/{model['id']}").body["revision"] == model["revision"]


def test_the_import_is_refused_to_auditors_and_for_a_team_not_the_callers(api: Api) -> None:
    assert _import(api, CREDIT, role="auditor").status == 403
    answer = _import(api, {**CREDIT, "team": "someone-else"})
    assert answer.status == 403 and "someone-else" in answer.body["error"]["message"]


def test_an_unknown_field_or_system_is_a_422(api: Api) -> None:
    assert _import(api, {**CREDIT, "stage": "Production"}).status == 422
    assert _import(api, {**CREDIT, "system": "vertex"}).status == 422


def test_tag_values_the_models_api_would_refuse_are_reported_not_applied(api: Api) -> None:
    answer = _import(api, {**CREDIT, "name": "long-owner", "tags": {"govhub.owner": "x" * 300, "govhub.domain": "lending",
                                                                     "govhub.risk_level": "high", "govhub.risk_justification": "y" * 2500}})
    assert answer.status == 200, answer.body
    model = api.get(f"/api/v1/models/{answer.body['model_id']}").body
    assert (model["owner"], model["domain"], model["risk_justification"]) == ("MLflow", "lending", "Risk level set by a tag in MLflow")
    assert [note.split(":")[0] for note in answer.body["notes"]] == ["owner not applied", "risk_justification not applied"]

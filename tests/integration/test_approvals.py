"""Approvals that mean what they say: sealed snapshots, reopened review, independent N-of-M sign-off, teams."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from govhub.audit.chain import canonical_json
from govhub.config import settings
from tests.classify import classification_body, classification_path
from tests.integration.conftest import FRAUD_DETECTOR, OWNER_TEAM, Api, make_reviewable

TWO_SIGN_OFFS = json.loads((Path(__file__).parents[2] / "examples/policies/two-sign-offs-high-risk.json").read_text())
CI_ROLE = "arn:aws:iam::123456789012:role/ml-ci"
CI_CALLER = "arn:aws:sts::123456789012:assumed-role/ml-ci/github-acme-fraud-run-4711"


def _ready_for_approval(api: Api, name: str = "fraud-detector-v2", team: str | None = None) -> dict[str, Any]:
    body = {**FRAUD_DETECTOR, "name": name, **({"team": team} if team else {})}
    model = api.post("/api/v1/models", body, role="model_owner")
    assert model.status == 201, model.body
    make_reviewable(api, model.body["id"])
    submitted = _status(api, model.body["id"], "under_review", role="model_owner")
    assert submitted.status == 200, submitted.body
    return submitted.body


def _status(api: Api, model_id: int, status: str, *, role: str = "admin", user: str | None = None, reason: str = "as planned"):  # noqa: ANN202
    return api.patch(f"/api/v1/models/{model_id}/compliance-status", {"status": status, "reason": reason}, role=role, user=user)


def _use_policy(api: Api, document: dict[str, Any]) -> None:
    answer = api.call("PUT", "/api/v1/policies/active", {"document": document, "reason": "two approvers for high risk"})
    assert answer.status == 200, answer.body


# -- 1. an approval is a sealed snapshot -----------------------------------------------------------------------
def test_approving_seals_what_was_approved_and_the_hash_can_be_recomputed(api: Api) -> None:
    # Given a documented, measured high-risk model under review
    model = _ready_for_approval(api)
    # When an admin who did not register, submit or change it approves it
    approved = _status(api, model["id"], "approved", reason="Annex IV file complete")
    # Then the model is approved and carries the snapshot's hash
    assert approved.status == 200, approved.body
    sha = approved.body["approval"]["snapshot_sha256"]
    assert approved.body["compliance_status"] == "approved" and len(sha) == 64
    # And GET /approval returns the snapshot, in force, whose canonical JSON hashes to that value
    answer = api.get(f"/api/v1/models/{model['id']}/approval", role="auditor")
    assert answer.status == 200
    sealed = answer.body["sealed"]
    assert answer.body["in_force"] is True and sealed["snapshot_sha256"] == sha and sealed["sha256_verified"] is True
    assert hashlib.sha256(canonical_json(sealed["snapshot"])).hexdigest() == sha
    snapshot = sealed["snapshot"]
    assert snapshot["model"]["risk_level"] == "high" and snapshot["model"]["team"] == OWNER_TEAM
    assert snapshot["model"]["oversight_plan"] == "Analysts review every flag"
    assert snapshot["version"]["version_tag"] == "v1.0.0" and snapshot["version"]["artifact_uri"] == "s3://models/v1.0.0"
    assert snapshot["metrics"]["accuracy"]["value"] == 0.95
    assert snapshot["policy"]["version"] == 0 and len(snapshot["policy"]["document_sha256"]) == 64
    assert [(s["by"], s["reason"]) for s in snapshot["signoffs"]] == [("ada.admin", "Annex IV file complete")]


def test_a_model_never_approved_has_no_sealed_snapshot(api: Api) -> None:
    model = api.post("/api/v1/models", FRAUD_DETECTOR, role="model_owner").body
    answer = api.get(f"/api/v1/models/{model['id']}/approval", role="auditor")
    assert answer.status == 200 and answer.body["sealed"] is None and answer.body["in_force"] is False


# -- 2. a change to what was approved reopens review ----------------------------------------------------------
def test_lowering_the_risk_of_an_approved_model_reopens_review_in_the_same_write(api: Api) -> None:
    model = _ready_for_approval(api)
    sha = _status(api, model["id"], "approved").body["approval"]["snapshot_sha256"]
    # When its owner lowers the risk level
    changed = api.patch(f"/api/v1/models/{model['id']}/risk-profile",
                        {"risk_level": "limited", "justification": "Only advisory now"}, role="model_owner")
    # Then the answer shows it back under review, with the reason naming the fields, and the snapshot out of force
    assert changed.status == 200, changed.body
    body = changed.body
    assert body["compliance_status"] == "under_review"
    assert body["last_change_reason"] == "approval invalidated: risk_level, risk_justification changed (Only advisory now)"
    assert body["approval"]["snapshot_sha256"] is None
    assert body["approval"]["invalidated"]["snapshot_sha256"] == sha
    assert body["approval"]["invalidated"]["fields"] == ["risk_level", "risk_justification"]
    approval = api.get(f"/api/v1/models/{model['id']}/approval", role="auditor").body
    assert approval["in_force"] is False and approval["sealed"]["snapshot_sha256"] == sha
    # And the dashboard's counters moved with it
    stats = api.get("/api/v1/dashboard/stats", role="auditor").body
    assert stats["by_status"]["approved"] == 0 and stats["by_status"]["under_review"] == 1


def test_a_pipeline_rewriting_the_intended_purpose_reopens_review_too(api: Api, machine: None) -> None:
    model = _ready_for_approval(api)
    _status(api, model["id"], "approved")
    # When CI, over the machine API, rewrites the intended purpose
    changed = api.patch(f"/api/v1/models/{model['id']}", {"intended_purpose": "Block payments automatically"}, iam_arn=CI_CALLER)
    # Then the model is under review again, and the change is recorded as the pipeline's
    assert changed.status == 200, changed.body
    assert changed.body["compliance_status"] == "under_review"
    assert changed.body["last_change_reason"].startswith("approval invalidated: intended_purpose changed")
    assert changed.body["updated_by"] == "ci:ml-ci/github-acme-fraud-run-4711"


def test_new_metrics_on_the_approved_version_and_a_new_version_leave_the_approval_in_force(api: Api) -> None:
    model = _ready_for_approval(api)
    approved = _status(api, model["id"], "approved").body
    version_id = approved["approved_version_id"]
    api.post("/api/v1/metrics", {"version_id": version_id, "metric_name": "f1", "value": 0.9}, role="model_owner")
    api.post("/api/v1/versions", {"model_id": model["id"], "version_tag": "v2.0.0", "s3_path": "s3://models/v2"}, role="model_owner")
    now = api.get(f"/api/v1/models/{model['id']}", role="auditor").body
    assert now["compliance_status"] == "approved" and now["approved_version_id"] == version_id
    assert now["approval"]["snapshot_sha256"] == approved["approval"]["snapshot_sha256"]


def test_a_policy_may_refuse_changes_to_an_approved_model_instead(api: Api) -> None:
    document = api.get("/api/v1/policies/active", role="auditor").body["document"]
    _use_policy(api, {**document, "approved_changes": "refuse"})
    model = _ready_for_approval(api)
    _status(api, model["id"], "approved")
    refused = api.patch(f"/api/v1/models/{model['id']}/risk-profile",
                        {"risk_level": "minimal", "justification": "no"}, role="model_owner")
    assert refused.status == 409 and refused.body["error"]["code"] == "approval_locked"
    assert "risk_level" in refused.body["error"]["message"]
    assert api.get(f"/api/v1/models/{model['id']}", role="auditor").body["compliance_status"] == "approved"


# -- 3. independent review ---------------------------------------------------------------------------------------
def test_an_admin_who_changed_the_model_under_review_may_not_approve_it(api: Api) -> None:
    model = _ready_for_approval(api)
    api.patch(f"/api/v1/models/{model['id']}/risk-profile", {"risk_level": "high", "justification": "Reworded"}, role="admin")
    refused = _status(api, model["id"], "approved")
    assert refused.status == 422
    [four_eyes] = [r for r in refused.body["error"]["details"]["failed_rules"] if r["rule_id"] == "four-eyes-approval"]
    assert "ada.admin changed its fields, versions or metrics since it was submitted" in four_eyes["reason"]
    # And the compliance check explains it to that admin
    check = api.get(f"/api/v1/models/{model['id']}/compliance-check", role="admin").body
    item = next(i for i in check["items"] if i["rule_id"] == "four-eyes-approval")
    assert item["status"] == "fail" and item["evidence"]["changed_since_submission_by"] == ["ada.admin"]
    # Someone else may
    assert _status(api, model["id"], "approved", user="bea.admin").status == 200


def test_whoever_pushed_metrics_since_submission_may_not_approve(api: Api) -> None:
    model = _ready_for_approval(api)
    version = model["latest_version"]["id"]
    api.post("/api/v1/metrics", {"version_id": version, "metric_name": "f1", "value": 0.91}, role="admin", user="bea.admin")
    refused = _status(api, model["id"], "approved", user="bea.admin")
    assert refused.status == 422 and "bea.admin changed" in json.dumps(refused.body)


# -- 4. N-of-M sign-off ----------------------------------------------------------------------------------------
def test_two_sign_offs_approve_a_high_risk_model_and_each_is_recorded(api: Api) -> None:
    _use_policy(api, TWO_SIGN_OFFS)
    model = _ready_for_approval(api)
    first = _status(api, model["id"], "approved", reason="Risk file reviewed")
    assert first.status == 200, first.body
    assert first.body["compliance_status"] == "under_review"
    assert first.body["approval"]["required_signoffs"] == 2
    assert [(s["by"], s["reason"]) for s in first.body["approval"]["signoffs"]] == [("ada.admin", "Risk file reviewed")]
    assert first.body["last_change_reason"] == "Sign-off 1 of 2: Risk file reviewed"
    # The same approver again is refused: two distinct people
    again = _status(api, model["id"], "approved")
    assert again.status == 422 and "already signed off" in json.dumps(again.body)
    # The second distinct approver approves, and both are in the sealed snapshot
    second = _status(api, model["id"], "approved", user="bea.admin", reason="Oversight plan verified")
    assert second.status == 200 and second.body["compliance_status"] == "approved"
    snapshot = api.get(f"/api/v1/models/{model['id']}/approval", role="auditor").body["sealed"]["snapshot"]
    assert [s["by"] for s in snapshot["signoffs"]] == ["ada.admin", "bea.admin"]


def test_a_governed_change_clears_the_sign_offs_given(api: Api) -> None:
    _use_policy(api, TWO_SIGN_OFFS)
    model = _ready_for_approval(api)
    _status(api, model["id"], "approved")
    changed = api.patch(f"/api/v1/models/{model['id']}", {"oversight_plan": "Weekly sampling only"}, role="model_owner")
    assert changed.body["approval"]["signoffs"] == []
    assert "sign-offs cleared" in changed.body["last_change_reason"]
    # The next approval is again the first of two
    assert _status(api, model["id"], "approved", user="bea.admin").body["compliance_status"] == "under_review"


def test_a_low_risk_model_still_needs_one_sign_off_under_the_example_policy(api: Api) -> None:
    _use_policy(api, TWO_SIGN_OFFS)
    model = api.post("/api/v1/models", {"name": "faq-bot", "owner": "Care", "risk_level": "minimal"}, role="model_owner").body
    api.post("/api/v1/versions", {"model_id": model["id"], "version_tag": "v1", "s3_path": "s3://m/v1"}, role="model_owner")
    api.post(classification_path(model["id"]), classification_body("minimal"), role="model_owner")  # the example keeps risk-classified
    _status(api, model["id"], "under_review", role="model_owner")
    assert _status(api, model["id"], "approved").body["compliance_status"] == "approved"


# -- 5. teams own models -----------------------------------------------------------------------------------------
def test_a_model_owner_changes_only_their_teams_models(api: Api) -> None:
    api.post("/api/v1/teams", {"slug": "hr-ml", "display_name": "HR ML"}, role="admin")
    theirs = api.post("/api/v1/models", {"name": "cv-ranker", "owner": "HR", "team": "hr-ml"}, role="admin").body
    refused = api.patch(f"/api/v1/models/{theirs['id']}", {"description": "mine now"}, role="model_owner")
    assert refused.status == 403 and "belongs to team 'hr-ml'" in refused.body["error"]["message"]
    refused = _status(api, theirs["id"], "retired", role="model_owner")
    assert refused.status == 403
    assert api.post("/api/v1/models", {"name": "x", "owner": "o", "team": "hr-ml"}, role="model_owner").status == 403
    # Its own team's model, by default the owner's only team
    own = api.post("/api/v1/models", {"name": "fraud-scorer", "owner": "ML"}, role="model_owner")
    assert own.status == 201 and own.body["team"] == OWNER_TEAM


def test_an_unassigned_model_is_changed_by_admins_only_and_admins_reassign_teams(api: Api) -> None:
    model = api.post("/api/v1/models", {"name": "orphan", "owner": "Nobody"}, role="admin").body
    assert model["team"] is None
    refused = api.patch(f"/api/v1/models/{model['id']}", {"description": "x"}, role="model_owner")
    assert refused.status == 403 and "belongs to no team" in refused.body["error"]["message"]
    moved = api.patch(f"/api/v1/models/{model['id']}", {"team": OWNER_TEAM, "reason": "Adopted by ML platform"}, role="admin")
    assert moved.status == 200 and moved.body["team"] == OWNER_TEAM
    assert api.patch(f"/api/v1/models/{model['id']}", {"description": "x"}, role="model_owner").status == 200
    assert api.patch(f"/api/v1/models/{model['id']}", {"team": "nope"}, role="admin").status == 422
    assert api.patch(f"/api/v1/models/{model['id']}", {"team": None}, role="model_owner").status == 403


def test_a_user_in_several_teams_names_the_team_and_one_in_none_cannot_register(api: Api) -> None:
    api.post("/api/v1/teams", {"slug": "hr-ml", "display_name": "HR ML"}, role="admin")
    several = api.post("/api/v1/models", {"name": "m1", "owner": "o"}, role="model_owner", teams=f"{OWNER_TEAM},hr-ml")
    assert several.status == 422 and "several teams" in several.body["error"]["message"]
    named = api.post("/api/v1/models", {"name": "m1", "owner": "o", "team": "hr-ml"}, role="model_owner", teams=f"{OWNER_TEAM},hr-ml")
    assert named.status == 201
    assert api.post("/api/v1/models", {"name": "m2", "owner": "o"}, role="model_owner", teams="").status == 403


def test_teams_are_listed_renamed_with_revision_and_filter_the_models(api: Api) -> None:
    created = api.post("/api/v1/teams", {"slug": "hr-ml", "display_name": "HR ML"}, role="admin")
    assert created.status == 201 and created.body["revision"] == 1
    assert api.post("/api/v1/teams", {"slug": "hr-ml", "display_name": "Again"}, role="admin").status == 409
    assert api.post("/api/v1/teams", {"slug": "Bad Slug", "display_name": "x"}, role="admin").status == 422
    assert api.post("/api/v1/teams", {"slug": "ops", "display_name": "Ops"}, role="model_owner").status == 403
    renamed = api.patch("/api/v1/teams/hr-ml", {"display_name": "People ML", "expected_revision": 1}, role="admin")
    assert renamed.status == 200 and renamed.body["display_name"] == "People ML"
    assert api.patch("/api/v1/teams/hr-ml", {"display_name": "Late", "expected_revision": 1}, role="admin").status == 409
    slugs = [t["slug"] for t in api.get("/api/v1/teams", role="auditor").body["items"]]
    assert slugs == ["hr-ml", OWNER_TEAM]
    api.post("/api/v1/models", {"name": "cv-ranker", "owner": "HR", "team": "hr-ml"}, role="admin")
    api.post("/api/v1/models", {"name": "fraud", "owner": "ML"}, role="model_owner")
    listed = api.get("/api/v1/models", role="auditor", query="team=hr-ml").body["items"]
    assert [m["name"] for m in listed] == ["cv-ranker"]


# -- 6. traceable pipelines --------------------------------------------------------------------------------------
@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MACHINE_ROLE_MAP", f"{CI_ROLE}=model_owner")
    monkeypatch.setenv("MACHINE_TEAM_MAP", f"{CI_ROLE}={OWNER_TEAM}")
    settings.cache_clear()
    yield
    monkeypatch.undo()
    settings.cache_clear()


def test_a_pipeline_writes_for_its_teams_with_its_run_named_and_its_claimed_context_kept(api: Api, machine: None) -> None:
    context = {"system": "github", "repository": "acme/fraud", "run_id": "4711", "sha": "9f2c1e0", "actor": "octocat"}
    created = api.post("/api/v1/models", {"name": "ci-model", "owner": "CI"}, iam_arn=CI_CALLER,
                       headers={"X-Govhub-Run-Context": json.dumps(context)})
    assert created.status == 201, created.body
    assert created.body["team"] == OWNER_TEAM and created.body["created_by"] == "ci:ml-ci/github-acme-fraud-run-4711"
    bad = api.post("/api/v1/models", {"name": "ci-model-2", "owner": "CI"}, iam_arn=CI_CALLER,
                   headers={"X-Govhub-Run-Context": '{"run_id": 4711}'})
    assert bad.status == 400 and "X-Govhub-Run-Context" in bad.body["error"]["message"]

"""The govhub commands against an in-memory GovHub API over HTTP: what a CI job sees and sends."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from govhub_cli import errors


def _model(api: Any, name: str) -> dict:
    return next(m for m in api.models.values() if m["name"] == name)


# --- register --------------------------------------------------------------------------------------

def test_register_creates_an_unknown_model_with_the_fields_given(govhub: Any, api: Any) -> None:
    result = govhub("register", "fraud-detector-v2", "--owner", "ML Team", "--risk-level", "high",
                    "--risk-justification", "credit decisions", "--domain", "finance",
                    "--intended-purpose", "Detect fraudulent transactions")
    assert result.code == 0, result.err
    assert result.out.startswith("created model fraud-detector-v2 (id 1, draft, high risk)")
    [create] = api.calls("POST", "/models")
    assert create.body == {"name": "fraud-detector-v2", "owner": "ML Team", "domain": "finance",
                           "intended_purpose": "Detect fraudulent transactions", "risk_level": "high",
                           "risk_justification": "credit decisions"}


def test_register_of_a_known_model_patches_only_changed_fields_with_its_revision(govhub: Any, api: Any) -> None:
    api.add_model(name="fraud", owner="ML Team", domain="finance")
    result = govhub("--json", "register", "FRAUD", "--owner", "ML Team", "--domain", "payments",
                    "--reason", "domain renamed")
    assert result.code == 0, result.err
    assert result.json()["action"] == "updated"
    [patch] = api.calls("PATCH", "/models/1")
    assert patch.body == {"domain": "payments", "expected_revision": 1, "reason": "domain renamed"}
    assert api.calls("POST") == []


def test_register_with_nothing_changed_sends_no_write(govhub: Any, api: Any) -> None:
    api.add_model(name="fraud", owner="ML Team")
    result = govhub("register", "fraud", "--owner", "ML Team")
    assert result.code == 0
    assert result.out.startswith("unchanged model fraud")
    assert [r.method for r in api.requests] == ["GET"]


def test_register_changes_the_risk_level_only_with_a_justification(govhub: Any, api: Any) -> None:
    api.add_model(name="fraud", risk_level="limited")
    refused = govhub("register", "fraud", "--risk-level", "high")
    assert refused.code == errors.USAGE
    assert "needs --risk-justification" in refused.err
    accepted = govhub("register", "fraud", "--risk-level", "high", "--risk-justification", "credit scoring")
    assert accepted.code == 0, accepted.err
    [risk] = api.calls("PATCH", "/models/1/risk-profile")
    assert risk.body == {"risk_level": "high", "justification": "credit scoring", "expected_revision": 1}
    assert _model(api, "fraud")["risk_level"] == "high"


def test_register_of_an_unknown_model_without_owner_is_a_usage_error(govhub: Any, api: Any) -> None:
    result = govhub("register", "new-model", "--domain", "hr")
    assert result.code == errors.USAGE
    assert "--owner is required" in result.err


def test_register_retries_once_on_a_stale_revision(govhub: Any, api: Any) -> None:
    api.add_model(name="fraud", owner="A")
    api.fail("PATCH", "/models/1", 409, body={"error": {"code": "stale_revision", "message": "moved on",
                                                          "details": {"current_revision": 2}}})
    result = govhub("register", "fraud", "--owner", "B")
    assert result.code == 0, result.err
    assert len(api.calls("PATCH", "/models/1")) == 2
    assert _model(api, "fraud")["owner"] == "B"


# --- version ---------------------------------------------------------------------------------------

def test_version_registers_the_artifact_with_the_sha256_of_a_local_file(govhub: Any, api: Any, tmp_path: Path) -> None:
    api.add_model(name="fraud")
    artifact = tmp_path / "model.tar.gz"
    artifact.write_bytes(b"weights" * 1000)
    result = govhub("--json", "version", "--model", "fraud", "--tag", "v1.0.0", "--artifact",
                    "s3://models/fraud/v1.0.0", "--file", str(artifact), "--description", "first")
    assert result.code == 0, result.err
    version = result.json()["version"]
    assert version["version_tag"] == "v1.0.0"
    assert version["sha256"] == hashlib.sha256(artifact.read_bytes()).hexdigest()
    [post] = api.calls("POST", "/versions")
    assert post.body["model_id"] == 1 and post.body["s3_path"] == "s3://models/fraud/v1.0.0"


def test_version_with_a_malformed_sha256_is_refused_before_any_request(govhub: Any, api: Any) -> None:
    result = govhub("version", "--model", "fraud", "--tag", "v1", "--artifact", "s3://x", "--sha256", "abc")
    assert result.code == errors.USAGE
    assert "64 hexadecimal" in result.err
    assert api.requests == []


def test_version_of_an_unknown_model_exits_not_found(govhub: Any, api: Any) -> None:
    result = govhub("version", "--model", "ghost", "--tag", "v1", "--artifact", "s3://x")
    assert result.code == errors.NOT_FOUND
    assert "no model named 'ghost'" in result.err


def test_duplicate_version_is_a_conflict_unless_exist_ok_and_identical(govhub: Any, api: Any) -> None:
    model = api.add_model(name="fraud")
    api.add_version(model["id"], "v1", "s3://models/v1")
    conflict = govhub("version", "--model", "fraud", "--tag", "v1", "--artifact", "s3://models/v1")
    assert conflict.code == errors.CONFLICT
    assert "already has version 'v1'" in conflict.err and "--exist-ok" in conflict.err
    same = govhub("version", "--model", "fraud", "--tag", "v1", "--artifact", "s3://models/v1", "--exist-ok")
    assert same.code == 0, same.err
    assert same.out.startswith("already registered: fraud v1")
    different = govhub("version", "--model", "fraud", "--tag", "v1", "--artifact", "s3://models/OTHER", "--exist-ok")
    assert different.code == errors.CONFLICT
    assert "different artifact (s3://models/v1" in different.err


def test_version_of_a_retired_model_is_a_conflict(govhub: Any, api: Any) -> None:
    model = api.add_model(name="old")
    api.set_status(model["id"], "retired")
    result = govhub("version", "--model", "old", "--tag", "v9", "--artifact", "s3://x", "--exist-ok")
    assert result.code == errors.CONFLICT
    assert "a retired model accepts no new versions" in result.err


# --- metrics push ----------------------------------------------------------------------------------

def _thousand_rows(path: Path) -> Path:
    path.write_text("metric_name,value\n" + "".join(f"metric_{i:04d},{i / 1000}\n" for i in range(1000)))
    return path


def test_metrics_push_of_1000_rows_takes_ten_batched_calls(govhub: Any, api: Any, tmp_path: Path) -> None:
    model = api.add_model(name="fraud")
    version = api.add_version(model["id"], "v1")
    result = govhub("metrics", "push", "--model", "fraud", "--version", "v1", str(_thousand_rows(tmp_path / "m.csv")))
    assert result.code == 0, result.err
    assert result.out.strip() == f"pushed 1000 metrics to fraud v1 (version id {version['id']}) in 10 requests"
    posts = api.calls("POST", "/metrics")
    assert len(posts) == 10
    assert all(p.body["version_id"] == version["id"] and len(p.body["metrics"]) == 100 for p in posts)
    assert len(api.requests) <= 12  # model look-up + 10 batches; the latest version needs no look-up
    stored = {m["metric_name"]: m["value"] for m in api.metrics}
    assert len(stored) == 1000 and stored["metric_0999"] == 0.999


def test_metrics_push_to_an_older_version_finds_it_by_tag(govhub: Any, api: Any, tmp_path: Path) -> None:
    model = api.add_model(name="fraud")
    old = api.add_version(model["id"], "v1")
    api.add_version(model["id"], "v2")
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"accuracy": 0.93}))
    result = govhub("--json", "metrics", "push", "--model", "fraud", "--version", "v1", str(report))
    assert result.code == 0, result.err
    assert result.json() == {"model": "fraud", "model_id": model["id"], "version": "v1", "version_id": old["id"],
                             "pushed": 1, "requests": 1}
    assert api.metrics[0]["version_id"] == old["id"]


def test_metrics_push_of_an_invalid_file_sends_nothing(govhub: Any, api: Any, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text('{"accuracy": 0.9, "notes": "looks good"}')
    result = govhub("metrics", "push", "--model", "fraud", "--version", "v1", str(report))
    assert result.code == errors.VALIDATION
    assert "1 invalid metric; nothing was pushed" in result.err
    assert "key 'notes': value of 'notes' must be a number" in result.err
    assert api.requests == []


def test_metrics_push_failure_midway_says_how_many_were_pushed(govhub: Any, api: Any, tmp_path: Path) -> None:
    model = api.add_model(name="fraud")
    api.add_version(model["id"], "v1")
    api.fail("POST", "/metrics", 422, after=1, body={"error": {"code": "validation_error", "message": "bad batch",
                                                              "details": [{"field": "metrics.3.value",
                                                                           "message": "must be a number"}]}})
    rows = tmp_path / "m.csv"
    rows.write_text("metric_name,value\n" + "".join(f"m{i},{i}\n" for i in range(150)))
    result = govhub("metrics", "push", "--model", "fraud", "--version", "v1", "--batch-size", "50", str(rows))
    assert result.code == errors.VALIDATION
    assert "bad batch (HTTP 422 on POST /metrics) — 50 of 150 metrics were pushed before the failure" in result.err
    assert "  - metrics.3.value: must be a number" in result.err


def test_metrics_push_to_an_unknown_version_is_not_found(govhub: Any, api: Any, tmp_path: Path) -> None:
    api.add_model(name="fraud")
    report = tmp_path / "r.json"
    report.write_text('{"a": 1}')
    result = govhub("metrics", "push", "--model", "fraud", "--version", "v7", str(report))
    assert result.code == errors.NOT_FOUND
    assert "model 'fraud' has no version 'v7'" in result.err


# --- status ----------------------------------------------------------------------------------------

def test_status_requests_review_with_a_reason_linking_the_ci_run(govhub: Any, api: Any, monkeypatch: Any) -> None:
    api.add_model(name="fraud")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_RUN_ID", "42")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/fraud")
    result = govhub("status", "--model", "fraud")
    assert result.code == 0, result.err
    assert result.out.strip() == "fraud: draft → under_review"
    [patch] = api.calls("PATCH", "/models/1/compliance-status")
    assert patch.body == {"status": "under_review", "reason": "Ready for compliance review "
                          "(GitHub Actions run https://github.com/acme/fraud/actions/runs/42)"}


def test_status_already_reached_is_a_no_op(govhub: Any, api: Any) -> None:
    model = api.add_model(name="fraud")
    api.set_status(model["id"], "under_review")
    result = govhub("--json", "status", "--model", "fraud")
    assert result.code == 0
    assert result.json()["action"] == "unchanged"
    assert api.calls("PATCH") == []


def test_status_transition_not_allowed_is_a_conflict_listing_the_allowed_states(govhub: Any, api: Any) -> None:
    api.add_model(name="fraud")
    result = govhub("status", "--model", "fraud", "--to", "approved", "--reason", "lgtm")
    assert result.code == errors.CONFLICT
    assert "cannot go from draft to approved" in result.err
    assert "allowed: [\"under_review\", \"retired\"]" in result.err


# --- gate ------------------------------------------------------------------------------------------

def test_gate_refuses_a_model_that_is_not_approved(govhub: Any, api: Any) -> None:
    model = api.add_model(name="fraud")
    api.add_version(model["id"], "v1")
    api.set_status(model["id"], "under_review")
    result = govhub("gate", "--model", "fraud")
    assert result.code == errors.GATE_REFUSED
    assert result.out.strip() == "REFUSED: fraud is under_review, not approved"


def test_gate_passes_an_approved_model_and_its_approved_version_only(govhub: Any, api: Any) -> None:
    model = api.add_model(name="fraud")
    api.add_version(model["id"], "v1")
    api.set_status(model["id"], "approved")
    api.add_version(model["id"], "v2")
    lines = govhub("gate", "--model", "fraud").out.splitlines()
    assert lines[0] == "PASS: fraud is approved (approved version: v1)"
    assert lines[1].split() == ["approval", "snapshot", "a" * 63 + str(model["id"] % 10)]
    assert lines[3].split() == ["approved", "version", "v1"] and lines[-1].split() == ["signed", "off", "by", "ada.admin", "(admin)"]
    passed = govhub("gate", "--model", "fraud", "--version", "v1")
    assert (passed.code, passed.out.splitlines()[0]) == (0, "PASS: fraud v1 is approved")
    refused = govhub("--json", "gate", "--model", "fraud", "--version", "v2")
    assert refused.code == errors.GATE_REFUSED
    verdict = refused.json()
    assert verdict["approved"] is False
    assert verdict["approved_version_tag"] == "v1" and verdict["required_version"] == "v2"
    assert verdict["reason"] == "fraud v2 is not the approved version (approved version: v1)"


def test_gate_refuses_an_artifact_whose_hash_is_not_the_sealed_one(govhub: Any, api: Any) -> None:
    model = api.add_model(name="fraud")
    api.add_version(model["id"], "v1", sha256="ab" * 32)
    api.set_status(model["id"], "approved")
    assert govhub("gate", "--model", "fraud", "--version", "v1", "--sha256", "AB" * 32).code == 0
    refused = govhub("--json", "gate", "--model", "fraud", "--version", "v1", "--sha256", "cd" * 32)
    assert refused.code == errors.GATE_REFUSED
    assert refused.json()["reason"] == f"the artifact's SHA-256 {'cd' * 32} is not the approved one ({'ab' * 32})"
    assert refused.json()["sealed"]["version"]["version_tag"] == "v1"


def test_the_ci_run_identity_goes_with_every_request_as_claimed_context(govhub: Any, api: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/fraud")
    monkeypatch.setenv("GITHUB_RUN_ID", "4711")
    monkeypatch.setenv("GITHUB_SHA", "9f2c1e0")
    api.add_model(name="fraud")
    assert govhub("gate", "--model", "fraud").code == errors.GATE_REFUSED
    sent = api.requests[-1].headers.get("x-govhub-run-context")
    assert json.loads(sent) == {"system": "github", "repository": "acme/fraud", "run_id": "4711", "sha": "9f2c1e0"}


def test_gate_can_wait_for_an_approval(govhub: Any, api: Any, monkeypatch: Any) -> None:
    model = api.add_model(name="fraud")
    api.add_version(model["id"], "v1")
    api.set_status(model["id"], "under_review")
    from govhub_cli import commands

    monkeypatch.setattr(commands.time, "sleep", lambda seconds: api.set_status(model["id"], "approved"))
    result = govhub("gate", "--model", "fraud", "--wait", "600", "--poll-interval", "1")
    assert result.code == 0
    assert "waiting: fraud is under_review, not approved" in result.err


# --- show / list -----------------------------------------------------------------------------------

def test_list_prints_a_table_and_passes_the_filters(govhub: Any, api: Any) -> None:
    api.add_model(name="fraud", risk_level="high", domain="finance")
    api.add_model(name="churn", domain="marketing")
    result = govhub("list", "--risk-level", "high", "--owner", "ML Team")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "RISK", "STATUS", "OWNER", "DOMAIN", "LATEST", "UPDATED"]
    assert len(lines) == 2 and lines[1].split()[:4] == ["1", "fraud", "high", "draft"]
    assert api.requests[0].query == {"risk_level": "high", "owner": "ML Team", "limit": "50"}


def test_list_json_pages_through_all_models(govhub: Any, api: Any) -> None:
    for i in range(130):
        api.add_model(name=f"model-{i:03d}")
    result = govhub("list", "--all", "--json")
    assert [m["name"] for m in result.json()] == [f"model-{i:03d}" for i in range(130)]
    assert len(api.calls("GET", "/models")) == 2


def test_show_prints_the_model_and_its_versions(govhub: Any, api: Any) -> None:
    model = api.add_model(name="fraud", risk_level="high", oversight_plan="weekly human review")
    api.add_version(model["id"], "v1", "s3://m/v1")
    result = govhub("show", "fraud")
    assert "oversight plan       weekly human review" in result.out
    assert "latest version       v1" in result.out
    assert "versions (newest first)" in result.out and "s3://m/v1" in result.out


def test_show_version_lists_its_metrics_as_json(govhub: Any, api: Any, tmp_path: Path) -> None:
    model = api.add_model(name="fraud")
    api.add_version(model["id"], "v1")
    report = tmp_path / "r.json"
    report.write_text('{"accuracy": 0.95, "f1": 0.9}')
    assert govhub("metrics", "push", "--model", "fraud", "--version", "v1", str(report)).code == 0
    shown = govhub("show", "fraud", "--version", "v1", "--json").json()
    assert shown["version"]["version_tag"] == "v1"
    assert [(m["metric_name"], m["value"]) for m in shown["metrics"]] == [("accuracy", 0.95), ("f1", 0.9)]


def test_show_unknown_model_is_not_found_and_json_errors_go_to_stderr(govhub: Any, api: Any) -> None:
    result = govhub("--json", "show", "ghost")
    assert result.code == errors.NOT_FOUND
    assert result.out == ""
    assert json.loads(result.err)["error"]["exit_code"] == errors.NOT_FOUND


# --- classify --------------------------------------------------------------------------------------

def test_classify_sends_the_answers_file_and_prints_the_suggestion_with_its_basis(govhub: Any, api: Any, tmp_path: Path) -> None:
    api.add_model(name="cv-screening")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"annex3_4_a_recruitment": True}))
    result = govhub("classify", "--model", "cv-screening", str(answers), "--operator-role", "provider")
    assert result.code == 0, result.err
    [sent] = api.calls("POST", "/models/1/classification")
    assert sent.body == {"answers": {"annex3_4_a_recruitment": True}, "operator_role": "provider"}
    assert result.out.startswith("cv-screening: the questionnaire suggests high risk; the model is high")
    assert "  Annex III 4(a): Answered yes to 'annex3_4_a_recruitment'" in result.out
    assert "flags: registration_required" in result.out


def test_classify_takes_a_whole_request_body_and_reports_a_refused_override(govhub: Any, api: Any, tmp_path: Path) -> None:
    api.add_model(name="fraud", risk_level="high")
    body = tmp_path / "classification.json"
    body.write_text(json.dumps({"answers": {}, "risk_level": "high"}))
    refused = govhub("classify", "--model", "fraud", str(body))
    assert refused.code != 0 and "send a `justification`" in refused.err
    kept = govhub("--json", "classify", "--model", "fraud", str(body), "--justification", "Analysts act on its flags")
    assert kept.code == 0, kept.err
    assert kept.json()["summary"]["override"] is True
    assert api.calls("POST", "/models/1/classification")[-1].body == {"answers": {}, "risk_level": "high", "justification": "Analysts act on its flags"}


def test_classify_with_an_unreadable_answers_file_is_a_usage_error(govhub: Any, api: Any, tmp_path: Path) -> None:
    api.add_model(name="fraud")
    broken = tmp_path / "answers.json"
    broken.write_text("[1, 2]")
    result = govhub("classify", "--model", "fraud", str(broken))
    assert result.code == errors.USAGE and "expected an object" in result.err
    assert govhub("classify", "--model", "fraud", str(tmp_path / "missing.json")).code == errors.USAGE


def test_observe_sends_production_values_in_batches_and_prints_the_findings_they_open(govhub: Any, api: Any, tmp_path: Path) -> None:
    from govhub.monitoring.domain import MetricBound

    api.add_model(name="fraud", risk_level="high")
    api.plans[1] = [MetricBound("drift_score", max=0.2)]
    values = [{"metric": "drift_score", "value": 0.1 + i / 1000, "observed_at": f"2026-11-{1 + i % 28:02d}T06:00:00Z"} for i in range(600)]
    values.append({"metric": "latency_ms", "value": 120, "observed_at": "2026-12-01T06:00:00Z"})
    values.append({"metric": "drift_score", "value": 0.35, "observed_at": "2026-12-02T06:00:00Z"})
    path = tmp_path / "observations.json"
    path.write_text(json.dumps({"observations": values}))

    result = govhub("observe", "--model", "fraud", str(path), "--environment", "eu-west")

    assert result.code == 0, result.err
    batches = api.calls("POST", "/models/1/observations")
    assert [len(b.body["observations"]) for b in batches] == [500, 102]
    assert {o["environment"] for b in batches for o in b.body["observations"]} == {"eu-west"}
    assert result.out.startswith("fraud: 602 observation(s) stored")
    assert "finding opened: drift_score is 0.35, above the planned maximum 0.2" in result.out
    assert "not in the monitoring plan (stored, not judged): latency_ms" in result.out


def test_observe_with_a_file_that_is_not_a_list_of_observations_is_a_usage_error(govhub: Any, api: Any, tmp_path: Path) -> None:
    api.add_model(name="fraud")
    broken = tmp_path / "observations.json"
    broken.write_text(json.dumps({"accuracy": 0.9}))

    result = govhub("observe", "--model", "fraud", str(broken))

    assert result.code == errors.USAGE and "expected [" in result.err

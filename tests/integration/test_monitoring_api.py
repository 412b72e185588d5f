"""Post-market monitoring over the API: the plan (revisioned, audited, sealed by an approval, reopening review when
it changes), production observations and findings, periodic reviews and the review sweep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.conftest import FRAUD_DETECTOR, Api, Inbox, Notifier, event_schema_errors, make_reviewable
from tests.integration.test_approvals import CI_CALLER, machine  # noqa: F401 (the fixture)
from tests.monitoring import plan_body, plan_path


def _approve(api: Api, model_id: int) -> dict[str, Any]:
    api.patch(f"/api/v1/models/{model_id}/compliance-status", {"status": "under_review", "reason": "ready"}, role="model_owner")
    answer = api.patch(f"/api/v1/models/{model_id}/compliance-status", {"status": "approved", "reason": "ok"}, role="admin")
    assert answer.status == 200, answer.body
    return answer.body


def _observe(api: Api, model_id: int, values: list[tuple[str, float, datetime]], **kw: Any) -> Any:
    body = {"observations": [{"metric": m, "value": v, "observed_at": at.isoformat(), "environment": "production"} for m, v, at in values]}
    return api.post(f"/api/v1/models/{model_id}/observations", body, **kw)


def _announced(notifier: Notifier, inbox: Inbox, *detail_types: str) -> list[dict[str, Any]]:
    """Run the notifier on what the stream holds since its last run; the events of these types it put on the bus."""
    assert notifier.run() == []
    events = [e for e in inbox.events() if e["detail-type"] in detail_types]
    for event in events:
        assert event_schema_errors(event) == [], event["detail-type"]
    return events


def test_a_high_risk_model_without_a_monitoring_plan_is_not_approved_and_the_refusal_says_how(api: Api, model: dict[str, Any]) -> None:
    make_reviewable(api, model["id"])
    api.call("PUT", plan_path(model["id"]), plan_body(), role="model_owner")  # written, then the check reads it
    other = api.post("/api/v1/models/", {**FRAUD_DETECTOR, "name": "no-plan-model"}, role="model_owner").body
    from tests.classify import classification_body, classification_path
    from tests.datasets import declared_inputs
    from tests.integration.conftest import EVALUATION, HIGH_RISK_DOCUMENTATION

    api.patch(f"/api/v1/models/{other['id']}", HIGH_RISK_DOCUMENTATION, role="model_owner")
    api.post(classification_path(other["id"]), classification_body("high"), role="model_owner")
    version = api.post("/api/v1/versions", {"model_id": other["id"], "version_tag": "v1", "s3_path": "s3://m/v1",
                                            "inputs": declared_inputs(api, "no-plan")}, role="model_owner").body
    api.post("/api/v1/metrics", {"version_id": version["id"], "metrics": EVALUATION}, role="model_owner")
    api.patch(f"/api/v1/models/{other['id']}/compliance-status", {"status": "under_review", "reason": "ready"}, role="model_owner")

    refused = api.patch(f"/api/v1/models/{other['id']}/compliance-status", {"status": "approved", "reason": "ok"}, role="admin")

    assert refused.status == 422, refused.body
    failed = {r["rule_id"]: r["reason"] for r in refused.body["error"]["details"]["failed_rules"]}
    assert set(failed) == {"monitoring-plan"}
    assert f"PUT /api/v1/models/{other['id']}/monitoring-plan" in failed["monitoring-plan"]


def test_the_plan_is_revisioned_audited_and_sealed_by_the_approval(api: Api, model: dict[str, Any]) -> None:
    make_reviewable(api, model["id"])
    plan = api.get(plan_path(model["id"]))
    assert plan.status == 200, plan.body
    assert plan.body["revision"] == 1
    assert [m["metric"] for m in plan.body["metrics"]] == ["accuracy", "demographic_parity_difference", "drift_score"]

    stale = api.call("PUT", plan_path(model["id"]), plan_body(review_cadence_days=30, expected_revision=7), role="model_owner")
    assert stale.status == 409, stale.body

    approved = _approve(api, model["id"])
    sealed = api.get(f"/api/v1/models/{model['id']}/approval").body
    assert sealed["sealed"]["sha256_verified"] is True
    assert sealed["sealed"]["snapshot"]["monitoring_plan"]["review_cadence_days"] == 90
    assert approved["compliance_status"] == "approved"


def test_changing_the_plan_of_an_approved_model_reopens_its_review(api: Api, model: dict[str, Any]) -> None:
    make_reviewable(api, model["id"])
    _approve(api, model["id"])

    changed = api.call("PUT", plan_path(model["id"]), plan_body(review_cadence_days=30, expected_revision=1, reason="Quarterly is too slow"),
                       role="model_owner")

    assert changed.status == 200, changed.body
    assert changed.body["revision"] == 2
    assert changed.body["model_compliance_status"] == "under_review"
    now = api.get(f"/api/v1/models/{model['id']}").body
    assert now["compliance_status"] == "under_review"


def test_a_model_owner_of_another_team_cannot_write_the_plan(api: Api, model: dict[str, Any]) -> None:
    answer = api.call("PUT", plan_path(model["id"]), plan_body(), role="model_owner", user="eve", teams="other-team")

    assert answer.status == 403
    assert "ml-platform" in answer.body["error"]["message"]


def test_a_plan_with_a_metric_without_bounds_is_a_422(api: Api, model: dict[str, Any]) -> None:
    answer = api.call("PUT", plan_path(model["id"]), plan_body(metrics=[{"metric": "accuracy"}]), role="model_owner")

    assert answer.status == 422


def test_a_value_outside_the_bounds_opens_one_finding_per_metric_and_a_value_within_resolves_it(api: Api, model: dict[str, Any]) -> None:
    make_reviewable(api, model["id"])
    day = datetime(2026, 11, 1, tzinfo=UTC)

    first = _observe(api, model["id"], [("accuracy", 0.85, day), ("drift_score", 0.1, day)], role="model_owner")
    again = _observe(api, model["id"], [("accuracy", 0.84, day + timedelta(days=1))], role="model_owner")
    resent = _observe(api, model["id"], [("accuracy", 0.84, day + timedelta(days=1))], role="model_owner")

    assert first.status == 200, first.body
    assert [f["metric"] for f in first.body["opened"]] == ["accuracy"]
    assert [f["metric"] for f in again.body["updated"]] == ["accuracy"] and again.body["opened"] == []
    assert resent.body["opened"] == resent.body["updated"] == []
    findings = api.get(f"/api/v1/models/{model['id']}/findings", query="status=open").body["items"]
    assert len(findings) == 1 and findings[0]["last_value"] == 0.84
    listed = api.get("/api/v1/monitoring/findings").body["items"]
    assert [(f["model_id"], f["metric"]) for f in listed] == [(model["id"], "accuracy")]

    back = _observe(api, model["id"], [("accuracy", 0.93, day + timedelta(days=2))], role="model_owner")

    assert [f["metric"] for f in back.body["resolved"]] == ["accuracy"]
    assert api.get("/api/v1/monitoring/findings").body["items"] == []
    series = api.get(f"/api/v1/models/{model['id']}/observations", query="metric=accuracy")
    assert series.status == 200, series.body
    series = series.body["items"]
    assert [o["value"] for o in series] == [0.85, 0.84, 0.93]


def test_an_open_finding_blocks_re_approval_of_a_high_risk_model(api: Api, model: dict[str, Any]) -> None:
    make_reviewable(api, model["id"])
    _observe(api, model["id"], [("drift_score", 0.5, datetime(2026, 11, 1, tzinfo=UTC))], role="model_owner")
    api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "under_review", "reason": "ready"}, role="model_owner")

    refused = api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "approved", "reason": "ok"}, role="admin")

    assert refused.status == 422
    assert [r["rule_id"] for r in refused.body["error"]["details"]["failed_rules"]] == ["no-open-findings"]


@pytest.mark.usefixtures("machine")
def test_observations_come_over_the_machine_api_from_a_pipeline_of_the_team(api: Api, model: dict[str, Any]) -> None:
    api.call("PUT", plan_path(model["id"]), plan_body(), role="model_owner")

    answer = _observe(api, model["id"], [("accuracy", 0.5, datetime(2026, 11, 1, tzinfo=UTC))], iam_arn=CI_CALLER)

    assert answer.status == 200, answer.body
    assert answer.body["opened"][0]["reason"] == "accuracy is 0.5, below the planned minimum 0.9"
    assert api.get(f"/api/v1/models/{model['id']}/findings").body["items"][0]["status"] == "open"


def test_a_plan_with_its_review_within_the_notice_is_announced_due_at_once_and_a_review_moves_the_next_due_date(
    api: Api, model: dict[str, Any], notifier: Notifier, inbox: Inbox,
) -> None:
    api.call("PUT", plan_path(model["id"]), plan_body(review_cadence_days=3), role="model_owner")
    schedule = api.get(f"/api/v1/models/{model['id']}/reviews").body["schedule"]
    assert schedule["state"] == "due"  # three days ahead: within the week's notice
    (event,) = _announced(notifier, inbox, "Review Due", "Review Overdue")
    assert event["detail"]["model"]["id"] == model["id"] and event["detail"]["actor"]["username"] == "omar.owner"

    swept = api.post("/api/v1/admin/sweeps", None, role="admin")

    assert swept.status == 200, swept.body
    assert swept.body["counts"]["review_sweep"]["reviews_due"] == 1
    assert swept.body["counts"]["review_sweep"]["reviews_marked"] == 0  # the plan wrote it due already
    assert _announced(notifier, inbox, "Review Due", "Review Overdue") == []
    due = api.get("/api/v1/monitoring/reviews-due").body["items"]
    assert [(d["model_id"], d["state"]) for d in due] == [(model["id"], "due")]

    recorded = api.post(f"/api/v1/models/{model['id']}/reviews", {"outcome": "continue", "notes": "Drift stable"}, role="model_owner")

    assert recorded.status == 201, recorded.body
    assert recorded.body["schedule"]["state"] == "due"  # the cadence is three days
    reviews = api.get(f"/api/v1/models/{model['id']}/reviews").body
    assert [r["outcome"] for r in reviews["items"]] == ["continue"]


def test_only_admins_run_the_sweeps(api: Api) -> None:
    assert api.post("/api/v1/admin/sweeps", None, role="model_owner").status == 403


def test_the_compliance_report_fills_annex_iv_point_9_and_art_72_from_the_plan_with_the_period_s_evidence(
    api: Api, model: dict[str, Any]
) -> None:
    make_reviewable(api, model["id"])
    _observe(api, model["id"], [("drift_score", 0.5, datetime(2026, 11, 1, tzinfo=UTC))], role="model_owner")
    api.post(f"/api/v1/models/{model['id']}/reviews", {"outcome": "restrict", "notes": "Drift: restricted to EU cards"},
             role="model_owner")
    aware = datetime.now(UTC) - timedelta(days=1)
    api.post("/api/v1/incidents", {"model_id": model["id"], "title": "Wrong refusals", "description": "A bad feature.",
                                   "occurred_at": (aware - timedelta(hours=1)).isoformat(), "aware_at": aware.isoformat(),
                                   "severity": "serious", "kind": "death"}, role="model_owner")

    content = api.get(f"/api/v1/reports/{model['id']}/compliance-report.json", role="auditor")

    assert content.status == 200, content.body
    section = next(s for s in content.body["sections"] if s["id"] == "post_market_monitoring")
    assert section["annex_iv"] == ["9"]
    assert [m["metric"] for m in section["data"]["plan"]["metrics"]] == ["accuracy", "demographic_parity_difference", "drift_score"]
    assert [(f["metric"], f["status"]) for f in section["data"]["findings"]] == [("drift_score", "open")]
    assert [r["outcome"] for r in section["data"]["reviews"]] == ["restrict"]
    assert section["data"]["serious_incidents"] == 1 and section["data"]["incidents"][0]["deadline_at"]
    assert not any(g["id"] == "monitoring_plan_missing" for g in content.body["gaps"])
    art_72 = next(i for i in content.body["sections"][6]["data"]["checklist"]["items"] if i["id"] == "art-72")
    covered = {c["ref"]: c["satisfied"] for c in art_72["covered_by"]}
    assert covered["monitoring-plan"] is True and covered["no-open-findings"] is False
    art_73 = next(i for i in content.body["sections"][6]["data"]["checklist"]["items"] if i["id"] == "art-73")
    assert art_73["status"] != "evidenced"  # reporting to an authority is never evidenced by the hub's records


def test_one_batch_that_sends_the_same_observation_twice_stores_it_once(api: Api, model: dict[str, Any]) -> None:
    # Given a planned model, and a batch repeating one metric, time and environment (a retrying exporter)
    api.call("PUT", plan_path(model["id"]), plan_body(), role="model_owner")
    first = {"metric": "accuracy", "observed_at": "2026-11-01T06:00:00Z", "value": 0.93}
    batch = [first] * 30 + [{**first, "value": 0.95}]
    # When it is sent, then it is stored once, with the last value sent (not a 500: DynamoDB refuses a batch writing one key twice)
    answer = api.post(f"/api/v1/models/{model['id']}/observations", {"observations": batch}, role="model_owner")
    assert answer.status == 200, answer.body
    assert answer.body["stored"] == 1
    stored = api.get(f"/api/v1/models/{model['id']}/observations", query="metric=accuracy", role="auditor").body["items"]
    assert [(o["value"], o["observed_at"][:19]) for o in stored] == [(0.95, "2026-11-01T06:00:00")]


def test_opening_and_resolving_a_finding_is_announced_once_each_from_the_committed_finding(
    api: Api, model: dict[str, Any], notifier: Notifier, inbox: Inbox,
) -> None:
    api.call("PUT", plan_path(model["id"]), plan_body(), role="model_owner")
    day = datetime(2026, 11, 1, tzinfo=UTC)
    # When a value leaves the bounds, another one stays outside, the same batch is resent, and a value comes back
    _observe(api, model["id"], [("drift_score", 0.5, day)], role="model_owner")
    opened = _announced(notifier, inbox, "Monitoring Finding Opened", "Monitoring Finding Resolved")
    _observe(api, model["id"], [("drift_score", 0.6, day + timedelta(days=1))], role="model_owner")
    _observe(api, model["id"], [("drift_score", 0.6, day + timedelta(days=1))], role="model_owner")
    quiet = _announced(notifier, inbox, "Monitoring Finding Opened", "Monitoring Finding Resolved")
    _observe(api, model["id"], [("drift_score", 0.1, day + timedelta(days=2))], role="model_owner")
    resolved = _announced(notifier, inbox, "Monitoring Finding Opened", "Monitoring Finding Resolved")
    # Then the opening and the resolution are announced once each, saying who sent the values and why; the rest is quiet
    assert [e["detail-type"] for e in opened] == ["Monitoring Finding Opened"]
    detail = opened[0]["detail"]
    assert detail["finding"]["metric"] == "drift_score" and detail["finding"]["value"] == 0.5 and detail["finding"]["max"] == 0.2
    assert detail["actor"] == {"username": "omar.owner", "role": "model_owner"}
    assert detail["reason"] == "Finding opened: drift_score is 0.5, above the planned maximum 0.2"
    assert detail["model"]["name"] == model["name"]
    assert quiet == []
    assert [e["detail-type"] for e in resolved] == ["Monitoring Finding Resolved"]
    assert resolved[0]["detail"]["finding"]["status"] == "resolved" and resolved[0]["detail"]["finding"]["value"] == 0.1


def test_the_sweep_marks_a_review_due_then_overdue_and_each_mark_is_announced_once(
    api: Api, model: dict[str, Any], notifier: Notifier, inbox: Inbox,
) -> None:
    from govhub.sweeps import review_sweep

    api.call("PUT", plan_path(model["id"]), plan_body(review_cadence_days=10), role="model_owner")
    assert _announced(notifier, inbox, "Review Due", "Review Overdue") == []  # due in ten days: not yet within the notice
    now = datetime.now(UTC)
    # When the daily sweep runs four days later (within the week's notice), again the next day, and after the due date
    due = review_sweep(now + timedelta(days=4))
    announced_due = _announced(notifier, inbox, "Review Due", "Review Overdue")
    again = review_sweep(now + timedelta(days=5))
    announced_again = _announced(notifier, inbox, "Review Due", "Review Overdue")
    overdue = review_sweep(now + timedelta(days=11))
    announced_overdue = _announced(notifier, inbox, "Review Due", "Review Overdue")
    # Then it marks each change of state once, and the notifier announces each mark, as the sweeper's, with its reason
    assert (due["reviews_marked"], again["reviews_marked"], overdue["reviews_marked"]) == (1, 0, 1)
    assert [e["detail-type"] for e in announced_due] == ["Review Due"]
    detail = announced_due[0]["detail"]
    assert detail["model"]["id"] == model["id"] and detail["state"] == "due" and detail["cadence_days"] == 10
    assert detail["actor"] == {"username": "system:sweeper", "role": "system"}
    assert detail["reason"].startswith("Periodic review due on ")
    assert announced_again == []
    assert [e["detail-type"] for e in announced_overdue] == ["Review Overdue"]
    assert announced_overdue[0]["detail"]["reason"].startswith("Periodic review overdue since ")
    schedule = api.get(f"/api/v1/models/{model['id']}/reviews").body["schedule"]
    assert schedule["state"] == "overdue" and schedule["marked_at"] is not None


def test_a_deleted_model_has_no_open_finding_and_falls_due_for_no_review(api: Api, model: dict[str, Any]) -> None:
    from govhub.sweeps import review_sweep

    # Given a model whose review falls due within the week's notice and whose accuracy is out of bounds
    make_reviewable(api, model["id"])
    assert api.call("PUT", plan_path(model["id"]), plan_body(review_cadence_days=3), role="model_owner").status == 200
    opened = _observe(api, model["id"], [("accuracy", 0.5, datetime.now(UTC))], role="model_owner")
    assert [f["metric"] for f in opened.body["opened"]] == ["accuracy"]
    assert [r["model_id"] for r in api.get("/api/v1/monitoring/reviews-due").body["items"]] == [model["id"]]

    # When the model is deleted
    deleted = api.call("DELETE", f"/api/v1/models/{model['id']}", role="admin", query="reason=Replaced")
    assert deleted.status == 204, deleted.body

    # Then the needs-attention lists no longer show it, and the daily sweep reads nothing of it
    assert api.get("/api/v1/monitoring/findings").body["items"] == []
    assert api.get("/api/v1/monitoring/reviews-due").body["items"] == []
    assert review_sweep(datetime.now(UTC) + timedelta(days=30))["reviews_read"] == 0

"""The incident register over the API: Art. 73 deadlines from awareness by kind (data admins replace), the reporting
lifecycle with dates and references, the deployer's notice to the provider, the overdue sweep, the JSON report."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from tests.integration.conftest import Api, Inbox, Notifier, event_schema_errors

INCIDENTS = "/api/v1/incidents"


def _incident(model_id: int, **changes: Any) -> dict[str, Any]:
    aware = datetime.now(UTC) - timedelta(hours=1)
    return {"model_id": model_id, "title": "Loan refused to every applicant of one postcode",
            "description": "Scores collapsed for a region after an upstream data change.",
            "occurred_at": (aware - timedelta(hours=5)).isoformat(), "aware_at": aware.isoformat(),
            "severity": "serious", "kind": "other", **changes}


@pytest.mark.parametrize(("kind", "days"), [
    ("widespread_infringement", 2),
    ("critical_infrastructure", 2),
    ("death", 10),
    ("other", 15),
])
def test_the_art_73_deadline_counts_from_awareness_by_kind(api: Api, model: dict[str, Any], kind: str, days: int) -> None:
    aware = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)

    answer = api.post(INCIDENTS, _incident(model["id"], kind=kind, aware_at=aware.isoformat(),
                                           occurred_at=(aware - timedelta(days=1)).isoformat()), role="model_owner")

    assert answer.status == 201, answer.body
    assert datetime.fromisoformat(answer.body["deadline_at"]) == aware + timedelta(days=days)
    assert answer.body["deadline_days"] == days
    assert answer.body["deadline_article"].startswith("Art. 73")


def test_a_serious_incident_without_a_kind_is_a_422_naming_the_kinds(api: Api, model: dict[str, Any]) -> None:
    body = _incident(model["id"])
    del body["kind"]

    answer = api.post(INCIDENTS, body, role="model_owner")

    assert answer.status == 422
    assert "death" in answer.body["error"]["message"]


def test_a_minor_incident_has_no_deadline_and_may_close_directly(api: Api, model: dict[str, Any]) -> None:
    body = _incident(model["id"], severity="minor")
    del body["kind"]
    created = api.post(INCIDENTS, body, role="model_owner").body

    closed = api.patch(f"{INCIDENTS}/{created['id']}/status", {"status": "closed", "note": "No harm"}, role="model_owner")

    assert created["deadline_at"] is None
    assert closed.status == 200, closed.body
    assert closed.body["status"] == "closed"


def test_the_lifecycle_records_each_step_with_date_and_reference_and_refuses_skips(api: Api, model: dict[str, Any]) -> None:
    created = api.post(INCIDENTS, _incident(model["id"]), role="model_owner").body
    path = f"{INCIDENTS}/{created['id']}/status"

    skipped = api.patch(path, {"status": "closed"}, role="model_owner")
    no_reference = api.patch(path, {"status": "initial_report_sent"}, role="model_owner")
    stale = api.patch(path, {"status": "initial_report_sent", "reference": "MSA-1", "expected_revision": 9}, role="model_owner")
    initial = api.patch(path, {"status": "initial_report_sent", "reference": "MSA-2026-0042", "expected_revision": 1}, role="model_owner")
    final = api.patch(path, {"status": "final_report_sent", "reference": "MSA-2026-0042/F"}, role="model_owner")
    closed = api.patch(path, {"status": "closed"}, role="model_owner")

    assert (skipped.status, no_reference.status, stale.status) == (409, 422, 409)
    assert closed.status == 200, closed.body
    assert [(s["status"], s["reference"]) for s in closed.body["steps"]] == [
        ("initial_report_sent", "MSA-2026-0042"), ("final_report_sent", "MSA-2026-0042/F"), ("closed", None)]
    assert initial.body["reported_late"] is False and final.status == 200


def test_a_model_owner_of_another_team_cannot_record_an_incident(api: Api, model: dict[str, Any]) -> None:
    answer = api.post(INCIDENTS, _incident(model["id"]), role="model_owner", user="eve", teams="other-team")

    assert answer.status == 403
    assert "ml-platform" in answer.body["error"]["message"]


def test_the_sweep_flags_an_overdue_report_once_and_the_list_filters_it(api: Api, model: dict[str, Any]) -> None:
    aware = datetime.now(UTC) - timedelta(days=3)
    late = api.post(INCIDENTS, _incident(model["id"], kind="death", aware_at=(aware - timedelta(days=10)).isoformat(),
                                         occurred_at=(aware - timedelta(days=11)).isoformat()), role="model_owner").body
    on_time = api.post(INCIDENTS, _incident(model["id"]), role="model_owner").body

    swept = api.post("/api/v1/admin/sweeps", None, role="admin").body["counts"]["incident_deadline_sweep"]
    again = api.post("/api/v1/admin/sweeps", None, role="admin").body["counts"]["incident_deadline_sweep"]

    assert swept == {"incidents_read": 1, "incidents_overdue": 1, "incidents_flagged": 1}
    assert again["incidents_flagged"] == 0
    overdue = api.get(INCIDENTS, query="overdue=true").body["items"]
    assert [i["id"] for i in overdue] == [late["id"]]
    assert overdue[0]["overdue"] is True and overdue[0]["days_left"] < 0
    assert api.get(f"{INCIDENTS}/{on_time['id']}").body["overdue"] is False
    two_filters = api.get(INCIDENTS, query=f"overdue=true&model_id={model['id']}")
    assert two_filters.status == 422

    reported = api.patch(f"{INCIDENTS}/{late['id']}/status", {"status": "initial_report_sent", "reference": "MSA-9"}, role="model_owner")

    assert reported.body["reported_late"] is True
    assert api.get(INCIDENTS, query="overdue=true").body["items"] == []


def test_the_list_filters_by_status_and_model(api: Api, model: dict[str, Any]) -> None:
    first = api.post(INCIDENTS, _incident(model["id"]), role="model_owner").body
    second = api.post(INCIDENTS, _incident(model["id"]), role="model_owner").body
    api.patch(f"{INCIDENTS}/{second['id']}/status", {"status": "initial_report_sent", "reference": "R-1"}, role="model_owner")

    open_ones = api.get(INCIDENTS, query="status=open").body["items"]
    of_model = api.get(INCIDENTS, query=f"model_id={model['id']}&limit=1")

    assert [i["id"] for i in open_ones] == [first["id"]]
    assert len(of_model.body["items"]) == 1 and of_model.body["next_cursor"]


def test_the_deployer_records_its_notice_to_the_provider_and_the_report_shows_it(api: Api, model: dict[str, Any]) -> None:
    created = api.post(INCIDENTS, _incident(model["id"]), role="model_owner").body
    notified = api.call("PUT", f"{INCIDENTS}/{created['id']}/provider-notification",
                        {"notified_at": datetime.now(UTC).isoformat(), "provider": "Acme Scoring GmbH", "reference": "ACME-77"},
                        role="model_owner")

    report = api.get(f"{INCIDENTS}/{created['id']}/report")

    assert notified.status == 200, notified.body
    assert notified.body["provider_notification"]["provider"] == "Acme Scoring GmbH"
    assert report.status == 200, report.body
    assert report.body["system"]["name"] == model["name"]
    assert any("Art. 26(5)" in e["event"] for e in report.body["timeline"])
    assert "does not report to authorities" in report.body["note"]


def test_admins_replace_the_deadline_rules_and_new_incidents_follow_them(api: Api, model: dict[str, Any]) -> None:
    current = api.get(f"{INCIDENTS}/deadlines").body
    document = current["document"]
    document["kinds"] = [k if k["kind"] != "other" else {**k, "days": 12} for k in document["kinds"]]

    by_owner = api.call("PUT", f"{INCIDENTS}/deadlines", {"document": document, "reason": "stricter"}, role="model_owner")
    invalid = api.call("PUT", f"{INCIDENTS}/deadlines", {"document": {**document, "kinds": []}, "reason": "x"}, role="admin")
    replaced = api.call("PUT", f"{INCIDENTS}/deadlines", {"document": document, "reason": "Internal rule: 12 days", "expected_version": 0},
                        role="admin")
    incident = api.post(INCIDENTS, _incident(model["id"]), role="model_owner").body

    assert (by_owner.status, invalid.status) == (403, 422)
    assert replaced.status == 200, replaced.body
    assert replaced.body["version"] == 1
    assert incident["deadline_days"] == 12 and incident["deadlines_version"] == 1


def test_a_new_version_of_the_deadline_rules_is_audited_in_the_global_chain_with_who_and_why(
    api: Api, aws: dict[str, str], template: Any, functions: Any
) -> None:
    from tests.integration.test_audit_trail import AuditPipeline

    pipeline = AuditPipeline(aws, template, functions)
    pipeline.flush()
    document = api.get(f"{INCIDENTS}/deadlines").body["document"]
    api.call("PUT", f"{INCIDENTS}/deadlines", {"document": {**document, "name": "Internal deadlines"}, "reason": "Our counsel's reading"},
             role="admin")

    pipeline.flush()

    (record,) = [r for r in pipeline.records(0) if r["entity"] == "incident_deadlines"]
    assert (record["action"], record["entity_id"]) == ("create", 1)
    assert record["actor"]["username"] == "ada.admin" and record["actor"]["role"] == "admin"
    assert record["reason"] == "Our counsel's reading"
    assert json.loads(record["changes"]["document"]["after"])["name"] == "Internal deadlines"


def test_deadline_rules_stored_before_their_pointer_held_a_copy_still_read_and_are_replaced(
    api: Api, aws: dict[str, str], model: dict[str, Any]
) -> None:
    # Given version 1 as the first deadline rules were written: the pointer held only the version number
    document = api.get(f"{INCIDENTS}/deadlines").body["document"]
    document["kinds"] = [k if k["kind"] != "other" else {**k, "days": 14} for k in document["kinds"]]
    table = boto3.resource("dynamodb").Table(aws["Table"])
    table.put_item(Item={"PK": "INCIDENTDEADLINES", "SK": "V#000001", "entity": "incident_deadlines", "model_id": 0, "version": 1,
                         "document": json.dumps(document, sort_keys=True), "created_at": "2026-12-01T09:00:00+00:00",
                         "created_by": "ada.admin", "updated_at": "2026-12-01T09:00:00+00:00", "updated_by": "ada.admin",
                         "updated_by_role": "admin", "change_reason": "Internal rule: 14 days"})
    table.put_item(Item={"PK": "INCIDENTDEADLINES", "SK": "ACTIVE", "version": 1})

    # When they are read, used, and replaced
    active = api.get(f"{INCIDENTS}/deadlines").body
    incident = api.post(INCIDENTS, _incident(model["id"]), role="model_owner").body
    replaced = api.call("PUT", f"{INCIDENTS}/deadlines", {"document": default_document(), "reason": "Back to the law", "expected_version": 1},
                        role="admin")
    versions = api.get(f"{INCIDENTS}/deadlines/versions").body["items"]

    # Then version 1 is what applied, and version 2 follows it
    assert (active["version"], active["reason"], active["document"]) == (1, "Internal rule: 14 days", document)
    assert (incident["deadline_days"], incident["deadlines_version"]) == (14, 1)
    assert replaced.status == 200 and replaced.body["version"] == 2
    assert [v["version"] for v in versions] == [2, 1, 0]


def default_document() -> dict[str, Any]:
    from govhub.incidents.deadlines import default_deadlines

    return default_deadlines().to_json()


def test_plans_findings_reviews_and_incidents_are_in_the_model_s_audit_chain_with_who_and_why(
    api: Api, model: dict[str, Any], aws: dict[str, str], template: Any, functions: Any
) -> None:
    from tests.integration.test_audit_trail import AuditPipeline
    from tests.monitoring import plan_body, plan_path

    pipeline = AuditPipeline(aws, template, functions)
    pipeline.flush()
    api.call("PUT", plan_path(model["id"]), plan_body(reason="Quarterly drift checks"), role="model_owner")
    api.post(f"/api/v1/models/{model['id']}/observations", {"observations": [
        {"metric": "drift_score", "value": 0.9, "observed_at": "2026-11-01T06:00:00Z"}]}, role="model_owner")
    api.post(f"/api/v1/models/{model['id']}/reviews", {"outcome": "withdraw", "notes": "Drift too high"}, role="model_owner")
    api.post(INCIDENTS, _incident(model["id"], reason="Customer complaints"), role="model_owner")

    pipeline.flush()

    records = {r["entity"]: r for r in pipeline.records(model["id"])}
    assert {"monitoring_plan", "finding", "review", "incident"} <= set(records)
    assert records["monitoring_plan"]["actor"]["username"] == "omar.owner"
    assert records["incident"]["reason"] == "Customer complaints"
    assert records["finding"]["entity_id"] == "drift_score"


def test_the_reports_function_renders_the_incident_report_as_pdf_and_json(api: Api, model: dict[str, Any], functions: Any) -> None:
    import base64

    from local_stack.events import http_event

    created = api.post(INCIDENTS, _incident(model["id"], kind="death"), role="model_owner").body
    path = f"/api/v1/reports/incidents/{created['id']}"

    pdf = functions["ReportsFunction"].invoke(http_event(
        "GET", path, headers={"accept": "application/pdf"}, route_key="ANY /api/v1/reports/{proxy+}",
        authorizer={"lambda": {"username": "aude.auditor", "role": "auditor", "teams": ""}}))
    as_json = api.get(f"/api/v1/reports/incidents/{created['id']}", role="auditor", headers={"accept": "application/json"})
    missing = api.get("/api/v1/reports/incidents/999", role="auditor", headers={"accept": "application/json"})

    assert pdf["statusCode"] == 200 and pdf["headers"]["Content-Type"] == "application/pdf"
    assert base64.b64decode(pdf["body"]).startswith(b"%PDF")
    assert as_json.status == 200 and as_json.body["incident"]["deadline_days"] == 10
    assert missing.status == 404


def test_a_number_is_not_taken_for_a_date(api: Api, model: dict[str, Any]) -> None:
    # A date-time is ISO 8601 text, as the schema says: 26062 is not read as seconds after 1970 (a fuzz finding)
    answer = api.post("/api/v1/incidents", {"model_id": model["id"], "title": "t", "description": "d", "severity": "minor",
                                            "occurred_at": 26062, "aware_at": "2026-11-01T07:00:00Z"})
    assert answer.status == 422 and answer.body["error"]["details"][0]["field"].startswith("occurred_at"), answer.body


def _announced(notifier: Notifier, inbox: Inbox) -> list[dict[str, Any]]:
    """Run the notifier on what the stream holds since its last run; the incident events it put on the bus."""
    assert notifier.run() == []
    events = [e for e in inbox.events() if e["detail-type"] in ("Serious Incident Recorded", "Incident Report Overdue")]
    for event in events:
        assert event_schema_errors(event) == [], event["detail-type"]
    return events


def test_a_serious_incident_and_its_overdue_report_are_announced_once_each_from_the_committed_incident(
    api: Api, model: dict[str, Any], notifier: Notifier, inbox: Inbox,
) -> None:
    aware = datetime.now(UTC) - timedelta(days=13)
    minor = _incident(model["id"], severity="minor")
    del minor["kind"]
    # When a minor and a serious incident are recorded (the serious one's 10-day deadline passed), a refused one is tried,
    api.post(INCIDENTS, minor, role="model_owner")
    late = api.post(INCIDENTS, _incident(model["id"], kind="death", aware_at=aware.isoformat(),
                                         occurred_at=(aware - timedelta(hours=1)).isoformat()), role="model_owner").body
    refused = api.post(INCIDENTS, _incident(model["id"]), role="model_owner", user="eve", teams="other-team")
    recorded = _announced(notifier, inbox)
    # and the sweep runs twice
    api.post("/api/v1/admin/sweeps", None, role="admin")
    flagged = _announced(notifier, inbox)
    api.post("/api/v1/admin/sweeps", None, role="admin")
    again = _announced(notifier, inbox)
    # Then the serious incident is announced with its deadline and who recorded it, the minor and the refused one are not
    assert refused.status == 403
    assert [e["detail-type"] for e in recorded] == ["Serious Incident Recorded"]
    detail = recorded[0]["detail"]
    assert detail["incident"]["id"] == late["id"]
    assert datetime.fromisoformat(detail["incident"]["deadline_at"]) == datetime.fromisoformat(late["deadline_at"])
    assert detail["incident"]["deadline_article"] == late["deadline_article"]
    assert detail["actor"] == {"username": "omar.owner", "role": "model_owner"} and detail["model"]["id"] == model["id"]
    # And the sweep's flag is announced once, as the sweeper's
    assert [(e["detail-type"], e["detail"]["incident"]["id"]) for e in flagged] == [("Incident Report Overdue", late["id"])]
    assert flagged[0]["detail"]["actor"] == {"username": "sweeper", "role": "system"}
    assert flagged[0]["detail"]["reason"].startswith("Art. 73 initial report overdue since")
    assert again == []

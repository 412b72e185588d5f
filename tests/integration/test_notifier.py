"""Governance events in moto: changes made through the API, the notifier run on the table's stream as Lambda
would, and a rule on the template's event bus routing every event to a queue the test reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from local_stack.functions import FunctionHost
from tests.datasets import register_dataset
from tests.integration.conftest import FRAUD_DETECTOR, Api, Inbox, Notifier, event_schema_errors


def _valid(event: dict[str, Any]) -> None:
    assert event_schema_errors(event) == []


def _register(api: Api, name: str = "chatbot") -> dict[str, Any]:
    answer = api.post("/api/v1/models/", {**FRAUD_DETECTOR, "name": name, "risk_level": "minimal"}, role="model_owner")
    assert answer.status == 201, answer.body
    return answer.body


def _version(api: Api, model_id: int, tag: str = "v1") -> dict[str, Any]:
    answer = api.post("/api/v1/versions/", {"model_id": model_id, "version_tag": tag, "s3_path": f"s3://m/{tag}"}, role="model_owner")
    assert answer.status == 201, answer.body
    return answer.body


def test_a_status_change_produces_exactly_one_event_with_the_right_detail(api: Api, notifier: Notifier, inbox: Inbox) -> None:
    model = _register(api)
    _version(api, model["id"])
    assert notifier.run() == []
    inbox.events()  # the version's event; this test is about the status change
    # When the model owner submits the model for review
    answer = api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "under_review", "reason": "Ready for review"},
                       role="model_owner")
    assert answer.status == 200
    assert notifier.run() == []
    # Then exactly one event arrives on the bus, saying what changed, who did it and why
    (event,) = inbox.events()
    assert event["source"] == "govhub.registry" and event["detail-type"] == "Compliance Status Changed"
    detail = event["detail"]
    assert (detail["previous_status"], detail["status"]) == ("draft", "under_review")
    assert detail["model"] == {"id": model["id"], "name": "chatbot", "owner": "ML Team", "team": "ml-platform",
                               "domain": "finance", "risk_level": "minimal", "compliance_status": "under_review"}
    assert detail["approval_snapshot_sha256"] is None and detail["approval_invalidated"] is None
    assert detail["actor"] == {"username": "omar.owner", "role": "model_owner"} and detail["reason"] == "Ready for review"
    assert detail["approved_version"] is None
    assert datetime.fromisoformat(detail["time"]) == datetime.fromisoformat(answer.body["updated_at"])
    _valid(event)


def test_a_refused_change_produces_no_event(api: Api, notifier: Notifier, inbox: Inbox) -> None:
    model = _register(api)
    assert notifier.run() == []
    # When a change is refused: a lifecycle step that does not exist, and a stale revision
    skipped = api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "approved", "reason": "skip review"})
    stale = api.patch(f"/api/v1/models/{model['id']}/risk-profile",
                      {"risk_level": "high", "justification": "x", "expected_revision": 99}, role="model_owner")
    assert (skipped.status, skipped.body["error"]["code"]) == (409, "transition_not_allowed")
    assert (stale.status, stale.body["error"]["code"]) == (409, "stale_revision")
    # Then nothing reached the stream for the notifier, and nothing is announced
    assert notifier.run() == []
    assert inbox.events() == []


def test_versions_risk_changes_and_deletes_are_announced(api: Api, notifier: Notifier, inbox: Inbox) -> None:
    model = _register(api)
    version = _version(api, model["id"], "v2.0.0")
    assert notifier.run() == []  # while the model exists, the version's event names it
    risk = api.patch(f"/api/v1/models/{model['id']}/risk-profile", {"risk_level": "limited", "justification": "chat with users"},
                     role="model_owner")
    assert risk.status == 200
    assert api.call("DELETE", f"/api/v1/models/{model['id']}", query="reason=Replaced").status == 204
    assert notifier.run() == []
    events = {e["detail-type"]: e for e in inbox.events()}
    assert set(events) == {"Model Version Registered", "Risk Level Changed", "Model Deleted"}
    assert events["Model Version Registered"]["detail"]["version"]["id"] == version["id"]
    assert events["Model Version Registered"]["detail"]["model"]["name"] == "chatbot"
    assert events["Risk Level Changed"]["detail"]["risk_level"] == "limited"
    assert events["Model Deleted"]["detail"]["actor"]["username"] == "ada.admin"
    assert events["Model Deleted"]["detail"]["reason"] == "Replaced"
    for event in events.values():
        _valid(event)


@pytest.fixture
def events_refused(functions: dict[str, FunctionHost]) -> Iterator[None]:
    """EventBridge answering every PutEvents entry with an internal failure."""
    ignored = {"eventID": "load", "eventName": "REMOVE", "dynamodb": {"SequenceNumber": "1", "Keys": {"PK": {"S": "X"}}}}
    functions["NotifierFunction"].invoke({"Records": [ignored]})  # a first record creates the function's client
    events = functions["NotifierFunction"].module._events()

    def refuse(parsed: dict[str, Any], **_: Any) -> None:
        parsed["FailedEntryCount"] = len(parsed.get("Entries", []))
        parsed["Entries"] = [{"ErrorCode": "InternalFailure", "ErrorMessage": "try again"} for _ in parsed.get("Entries", [])]

    events.meta.events.register("after-call.events.PutEvents", lambda parsed, **kw: refuse(parsed), unique_id="refuse-events")
    yield
    events.meta.events.unregister("after-call.events.PutEvents", unique_id="refuse-events")


def test_an_event_eventbridge_refuses_is_reported_for_retry(api: Api, notifier: Notifier, events_refused: None) -> None:
    model = _register(api)
    _version(api, model["id"])
    # When EventBridge refuses the version's event, the notifier reports that record failed (Lambda retries it)
    assert notifier.run() == [0]


def test_a_flagged_dataset_is_announced_without_a_model(api: Api, notifier: Notifier, inbox: Inbox) -> None:
    dataset = register_dataset(api, "cards-train")["dataset"]
    assert notifier.run() == []
    # When the dataset's team flags it
    flagged = api.post(f"/api/v1/datasets/{dataset['id']}/flag", {"reason": "labels leaked"}, role="model_owner")
    assert flagged.status == 200, flagged.body
    # Then the notifier sends one event naming the dataset (a dataset's event has no model), and nothing fails
    assert notifier.run() == []
    (event,) = inbox.events()
    assert event["detail-type"] == "Dataset Flagged" and event["detail"]["dataset"]["id"] == dataset["id"]
    assert event["detail"]["reason"] == "labels leaked"
    _valid(event)

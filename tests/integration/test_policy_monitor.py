"""The policy monitor on the moto table's stream: flags approved models that new evidence breaks, announces it once."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from govhub.config import settings
from local_stack.functions import FunctionHost
from local_stack.template import Template
from tests.datasets import declared_inputs
from tests.harness import TableStream
from tests.integration.conftest import Api
from tests.integration.test_policy_api import FRAUD, GOOD_METRICS, active_document, move, register

MONITOR = "PolicyMonitorFunction"


@pytest.fixture
def monitor(api: Api, aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]) -> dict[str, Any]:
    """The monitor function, the stream, and a queue that receives what the governance bus routes to it."""
    settings.cache_clear()  # this account's bus name, even if settings were read before the fixture set it
    functions[MONITOR].module.monitor.cache_clear()
    sqs, events = boto3.client("sqs", region_name="us-east-1"), boto3.client("events", region_name="us-east-1")
    queue = sqs.create_queue(QueueName="policy-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="policy-violated", EventBusName=aws["EventBus"],
                    EventPattern=json.dumps({"source": ["govhub.registry"], "detail-type": ["Policy Violated"]}))
    events.put_targets(Rule="policy-violated", EventBusName=aws["EventBus"], Targets=[{"Id": "queue", "Arn": queue_arn}])
    stream = TableStream(aws["Table.StreamArn"], template, MONITOR)
    host = functions[MONITOR]

    def run() -> int:
        """Deliver everything new the monitor subscribes to; answers how many records it got."""
        batch = stream.subscribed(stream.new_records())
        if batch:
            answer = host.invoke({"Records": batch}) or {}
            assert answer.get("batchItemFailures", []) == [], answer
        return len(batch)

    def announced() -> list[dict[str, Any]]:
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        return [json.loads(m["Body"]) for m in messages]

    return {"run": run, "announced": announced, "stream": stream}


def approved_fraud_detector(api: Api) -> dict[str, Any]:
    model = register(api, FRAUD, GOOD_METRICS)
    assert move(api, model["id"], "under_review", role="model_owner").status == 200
    assert move(api, model["id"], "approved", user="ada.admin").status == 200
    return model


def new_version(api: Api, model_id: int, tag: str, metrics: dict[str, float]) -> int:
    version = api.post("/api/v1/versions", {"model_id": model_id, "version_tag": tag, "s3_path": f"s3://m/{tag}",
                                            "inputs": declared_inputs(api, f"model-{model_id}")}, role="model_owner")
    assert version.status == 201, version.body
    api.post("/api/v1/metrics", {"version_id": version.body["id"],
                                 "metrics": [{"metric_name": k, "value": v} for k, v in metrics.items()]}, role="model_owner")
    return int(version.body["id"])


def test_a_new_version_that_breaks_a_rule_flags_the_approved_model_and_announces_it(api: Api, monitor: dict[str, Any]) -> None:
    # Given an approved model the monitor has seen
    model = approved_fraud_detector(api)
    monitor["run"]()
    assert monitor["announced"]() == []
    # When a new version with an accuracy below the policy's minimum is registered and measured
    new_version(api, model["id"], "v2.0.0", {"accuracy": 0.81, "demographic_parity_difference": 0.05})
    monitor["run"]()
    # Then the model is flagged, by the monitor, with the failed rule
    flagged = api.get(f"/api/v1/models/{model['id']}", role="auditor").body
    assert flagged["compliance_status"] == "approved"
    assert [(v["rule_id"], v["reason"], v["article"], v["policy_version"]) for v in flagged["policy_violations"]] == [
        ("accuracy-minimum", "accuracy is 0.81, below the minimum 0.9.", "Art. 15", 0)
    ]
    assert (flagged["updated_by"], flagged["last_change_reason"]) == ("policy-monitor", "Policy v0: accuracy-minimum fail")
    # And one Policy Violated event went out on the governance bus
    [event] = monitor["announced"]()
    assert (event["source"], event["detail-type"]) == ("govhub.registry", "Policy Violated")
    detail = event["detail"]
    assert detail["model"]["id"] == model["id"] and detail["new_rule_ids"] == ["accuracy-minimum"]
    assert detail["failed_rules"] == [{"rule_id": "accuracy-minimum", "reason": "accuracy is 0.81, below the minimum 0.9.", "article": "Art. 15"}]
    # And the compliance check shows the same verdict
    check = api.get(f"/api/v1/models/{model['id']}/compliance-check").body
    assert (check["occasion"], check["outcome"]) == ("monitoring", "fail")


def test_the_monitor_does_not_feed_itself(api: Api, monitor: dict[str, Any]) -> None:
    model = approved_fraud_detector(api)
    monitor["run"]()
    new_version(api, model["id"], "v2.0.0", {"accuracy": 0.5, "demographic_parity_difference": 0.01})
    assert monitor["run"]() == 4  # the version, the model's latest-version pointer, two metrics
    # The monitor's own flag write is on the stream, but its subscription leaves it out
    own_writes = monitor["stream"].new_records()
    assert [r["dynamodb"]["NewImage"]["updated_by"]["S"] for r in own_writes] == ["policy-monitor"]
    assert monitor["stream"].subscribed(own_writes) == []
    assert len(monitor["announced"]()) == 1


def test_a_flag_clears_when_better_evidence_arrives_without_a_new_event(api: Api, monitor: dict[str, Any]) -> None:
    model = approved_fraud_detector(api)
    version_id = new_version(api, model["id"], "v2.0.0", {"accuracy": 0.81, "demographic_parity_difference": 0.05})
    monitor["run"]()
    assert len(monitor["announced"]()) == 1
    # When the owner records a re-evaluation of the same version
    api.post("/api/v1/metrics", {"version_id": version_id, "metric_name": "accuracy", "value": 0.94}, role="model_owner")
    monitor["run"]()
    # Then the flag is gone, and nothing new is announced
    cleared = api.get(f"/api/v1/models/{model['id']}").body
    assert cleared["policy_violations"] == [] and cleared["last_change_reason"] == "Policy v0: compliant again"
    assert monitor["announced"]() == []


def test_a_stricter_policy_flags_approved_models_that_no_longer_comply(api: Api, monitor: dict[str, Any]) -> None:
    model = approved_fraud_detector(api)
    monitor["run"]()
    document = active_document(api)
    next(rule for rule in document["rules"] if rule["id"] == "accuracy-minimum")["min"] = 0.97
    assert api.call("PUT", "/api/v1/policies/active", {"document": document, "reason": "stricter"}).status == 200
    monitor["run"]()
    flagged = api.get(f"/api/v1/models/{model['id']}").body["policy_violations"]
    assert [(v["rule_id"], v["policy_version"]) for v in flagged] == [("accuracy-minimum", 1)]
    [event] = monitor["announced"]()
    assert event["detail"]["policy_version"] == 1 and event["detail"]["trigger"] == {"entity": "policy", "id": 1}


def test_models_that_are_not_approved_are_not_flagged(api: Api, monitor: dict[str, Any]) -> None:
    model = register(api, FRAUD, GOOD_METRICS)
    move(api, model["id"], "under_review", role="model_owner")
    new_version(api, model["id"], "v2.0.0", {"accuracy": 0.5})
    monitor["run"]()
    assert api.get(f"/api/v1/models/{model['id']}").body["policy_violations"] == []
    assert monitor["announced"]() == []


def test_a_new_status_clears_the_flag(api: Api, monitor: dict[str, Any]) -> None:
    model = approved_fraud_detector(api)
    new_version(api, model["id"], "v2.0.0", {"accuracy": 0.5, "demographic_parity_difference": 0.01})
    monitor["run"]()
    review = move(api, model["id"], "under_review", role="model_owner", reason="Re-review after the accuracy drop")
    assert review.status == 200 and review.body["policy_violations"] == []

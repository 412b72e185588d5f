"""moto with the resources of template.yaml, the functions called in-process with HTTP API events, and the
governance events: the notifier run on the table's stream as Lambda would, and a queue subscribed to the bus."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from jsonschema import Draft202012Validator
from moto import mock_aws

from local_stack.events import http_event
from local_stack.functions import FunctionHost, load_functions
from local_stack.provision import provision
from local_stack.template import Route, Template
from tests.classify import classification_body, classification_path
from tests.datasets import declared_inputs
from tests.harness import TableStream, subscribed
from tests.integration.audit_stream_helpers import deliver, failed_positions
from tests.monitoring import plan_body, plan_path

STACK = "itest"  # provision() names the table "<stack>-Table", which tests/conftest.py sets as TABLE_NAME

ROLE_USERS = {"admin": "ada.admin", "model_owner": "omar.owner", "auditor": "aude.auditor"}
# The team of the model owner the tests act as (a Cognito group team-<slug>); the `api` fixture registers it.
OWNER_TEAM = "ml-platform"
ROLE_TEAMS = {"model_owner": OWNER_TEAM}


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


class Api:
    """Calls the template's functions as API Gateway would, with a caller already authorized."""

    def __init__(self, template: Template, functions: dict[str, FunctionHost]) -> None:
        self._routes: list[Route] = [r for r in template.routes() if r.api == "HttpApi"]
        self._functions = functions

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        role: str | None = "admin",
        user: str | None = None,
        query: str = "",
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
        teams: str | None = None,
        iam_arn: str | None = None,
    ) -> Answer:
        route = next((r for r in self._routes if r.matches(method, path)), None)
        if route is None:
            return Answer(404, {"message": "Not Found"}, {})
        authorizer = None
        if iam_arn is not None:  # a pipeline over the machine API (SigV4): API Gateway passes the caller's ARN
            authorizer = {"iam": {"userArn": iam_arn}}
        elif role is not None:
            authorizer = {"lambda": {
                "username": user or ROLE_USERS.get(role, role),
                "role": role,
                "teams": teams if teams is not None else ROLE_TEAMS.get(role, ""),
            }}
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        event = http_event(method, path, query=query, headers={"content-type": "application/json", **(headers or {})},
                           body=payload, route_key=f"{route.method} {route.path}", authorizer=authorizer)
        response = self._functions[route.function].invoke(event)
        text = response.get("body") or ""
        return Answer(int(response["statusCode"]), json.loads(text) if text else None, response.get("headers") or {})

    def get(self, path: str, **kw: Any) -> Answer:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any, **kw: Any) -> Answer:
        return self.call("POST", path, body, **kw)

    def patch(self, path: str, body: Any, **kw: Any) -> Answer:
        return self.call("PATCH", path, body, **kw)


@pytest.fixture(scope="session")
def template() -> Template:
    return Template()


@pytest.fixture(scope="session")
def functions(template: Template) -> dict[str, FunctionHost]:
    return load_functions(template)


@pytest.fixture
def aws(template: Template) -> Iterator[dict[str, str]]:
    """A fresh moto account with the template's resources; answers the physical ids."""
    with mock_aws():
        refs = provision(template, STACK, "us-east-1")
        for function in template.functions():
            for key, value in template.environment(function, refs).items():
                os.environ.setdefault(key, value)
        yield refs


@pytest.fixture
def api(aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]) -> Api:
    api = Api(template, functions)
    answer = api.post("/api/v1/teams", {"slug": OWNER_TEAM, "display_name": "ML Platform"}, role="admin", user="setup.admin")
    assert answer.status == 201, answer.body
    return api


class Inbox:
    """A queue subscribed to every event on the governance bus."""

    def __init__(self, bus: str) -> None:
        self.sqs = boto3.client("sqs", region_name="us-east-1")
        events = boto3.client("events", region_name="us-east-1")
        self.url = self.sqs.create_queue(QueueName="governance-inbox")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name="inbox", EventBusName=bus, EventPattern=json.dumps({"source": ["govhub.registry"]}))
        events.put_targets(Rule="inbox", EventBusName=bus, Targets=[{"Id": "inbox", "Arn": arn}])

    def events(self) -> list[dict[str, Any]]:
        received: list[dict[str, Any]] = []
        while True:
            answer = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10)
            if not answer.get("Messages"):
                return received
            for message in answer["Messages"]:
                received.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])


class Notifier:
    """The notifier function on the table's stream: each run delivers what its filter lets through since the last run."""

    def __init__(self, aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]) -> None:
        self.stream = TableStream(aws["Table.StreamArn"])
        self.template = template
        self.host = functions["NotifierFunction"]

    def run(self) -> list[int]:
        """Deliver what the notifier's filter lets through; answers the failed positions."""
        batch = subscribed(self.template, "NotifierFunction", self.stream.new_records())
        return failed_positions(batch, deliver(self.host, batch)) if batch else []


@pytest.fixture
def inbox(aws: dict[str, str]) -> Inbox:
    return Inbox(aws["EventBus"])


@pytest.fixture
def notifier(aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]) -> Notifier:
    return Notifier(aws, template, functions)


EVENT_SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "events"


def event_schema_errors(event: dict[str, Any]) -> list[str]:
    """What is wrong with an event's detail by its published schema (docs/events/<detail-type>.v1.schema.json)."""
    name = event["detail-type"].lower().replace(" ", "-") + ".v1.schema.json"
    schema = json.loads((EVENT_SCHEMAS / name).read_text())
    return [f"{list(e.path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(event["detail"])]


FRAUD_DETECTOR = {
    "name": "fraud-detector-v2",
    "owner": "ML Team",
    "risk_level": "high",
    "domain": "finance",
    "intended_purpose": "Detect fraudulent transactions",
}

# What the default policy set asks of a high-risk model before approval (Annex IV documentation).
HIGH_RISK_DOCUMENTATION = {
    "data_sources": "24 months of labelled card transactions",
    "oversight_plan": "Analysts review every flag",
}
EVALUATION = [{"metric_name": "accuracy", "value": 0.95}, {"metric_name": "demographic_parity_difference", "value": 0.04}]


def make_reviewable(api: Api, model_id: int, tag: str = "v1.0.0") -> dict[str, Any]:
    """Give a model what the default policy needs for review and approval: documentation, a classification that
    agrees with its risk level, a monitoring plan, a version trained and tested on documented datasets, its metrics."""
    documented = api.patch(f"/api/v1/models/{model_id}", HIGH_RISK_DOCUMENTATION, role="model_owner").body
    api.post(classification_path(model_id), classification_body(documented["risk_level"]), role="model_owner")
    api.call("PUT", plan_path(model_id), plan_body(), role="model_owner")
    version = api.post("/api/v1/versions", {"model_id": model_id, "version_tag": tag, "s3_path": f"s3://models/{tag}",
                                            "inputs": declared_inputs(api, f"model-{model_id}")}, role="model_owner").body
    api.post("/api/v1/metrics", {"version_id": version["id"], "metrics": EVALUATION}, role="model_owner")
    return version


@pytest.fixture
def model(api: Api) -> dict[str, Any]:
    answer = api.post("/api/v1/models/", FRAUD_DETECTOR, role="model_owner")
    assert answer.status == 201, answer.body
    return answer.body

"""EventBridge rules whose target is a function, for the local stack: what a rule's Lambda target does in AWS.

Each `EventBridgeRule` event of a template function becomes a rule on its bus (the default bus when none is named)
sending to a queue of its own; a thread reads the queue and invokes the function with each event, retrying a failed
invocation a few times with backoff as EventBridge does, then logging it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import boto3

from local_stack.functions import Function
from local_stack.template import Template, resolve

log = logging.getLogger("govhub.local.rules")
ATTEMPTS = 4


@dataclass
class RuleTarget:
    function: str
    name: str
    bus: str
    pattern: dict[str, Any]


def rule_targets(template: Template, refs: dict[str, str], stack: str) -> list[RuleTarget]:
    targets = []
    for function, resource in template.functions().items():
        if "Condition" in resource and not template.condition_holds(resource["Condition"], refs):
            continue  # not deployed with these parameters (e.g. the SageMaker functions without a model package group)
        for event_name, event in (resource["Properties"].get("Events") or {}).items():
            if event["Type"] != "EventBridgeRule":
                continue
            props = event["Properties"]
            pattern = _pattern(props["Pattern"], template, refs)
            if pattern is None:  # it filters on a list parameter left empty: the rule matches nothing
                continue
            bus = resolve(props["EventBusName"], refs) if "EventBusName" in props else "default"
            targets.append(RuleTarget(function, f"{stack}-{function}-{event_name}"[:64], bus, pattern))
    return targets


def _pattern(value: Any, template: Template, refs: dict[str, str]) -> Any:
    if isinstance(value, dict) and set(value) == {"Ref"}:
        raw = refs.get(value["Ref"], "")
        if template.document.get("Parameters", {}).get(value["Ref"], {}).get("Type") == "CommaDelimitedList":
            items = [item.strip() for item in raw.split(",") if item.strip()]
            return items or None
        return [raw]
    if isinstance(value, dict):
        resolved = {key: _pattern(sub, template, refs) for key, sub in value.items()}
        return None if any(sub is None for sub in resolved.values()) else resolved
    return value


class RuleRouter:
    def __init__(self, targets: list[RuleTarget], functions: dict[str, Function], endpoint_url: str, region: str) -> None:
        self._targets = targets
        self._functions = functions
        self._events = boto3.client("events", endpoint_url=endpoint_url, region_name=region)
        self._sqs = boto3.client("sqs", endpoint_url=endpoint_url, region_name=region)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for target in self._targets:
            url = self._sqs.create_queue(QueueName=target.name)["QueueUrl"]
            arn = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            self._events.put_rule(Name=target.name, EventBusName=target.bus, EventPattern=json.dumps(target.pattern), State="ENABLED")
            self._events.put_targets(Rule=target.name, EventBusName=target.bus, Targets=[{"Id": "function", "Arn": arn}])
            thread = threading.Thread(target=self._serve, args=(url, self._functions[target.function]), name=f"rule-{target.function}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _serve(self, url: str, function: Function) -> None:
        while not self._stop.is_set():
            try:
                answer = self._sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            except Exception:  # noqa: BLE001 - the emulator stopping must not kill the router with a trace
                self._stop.wait(1)
                continue
            for message in answer.get("Messages", []):
                self._invoke(function, json.loads(message["Body"]))
                self._sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def _invoke(self, function: Function, event: dict[str, Any]) -> None:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                function.invoke(event)
                return
            except Exception:  # noqa: BLE001 - a failed invocation is retried, then logged, as EventBridge would
                if attempt == ATTEMPTS or self._stop.is_set():
                    log.exception("%s failed on %s after %d attempts", function.name, event.get("detail-type"), attempt)
                    return
                time.sleep(0.5 * 2**attempt)

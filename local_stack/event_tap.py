"""The local stack's view of the governance event bus: a rule to a queue, and a thread printing each event.

In AWS the template's rules send events to e-mail (SNS) and webhooks (API destinations); neither can
be delivered locally, so the local stack skips those resources and adds this tap instead.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from typing import Any, TextIO

import boto3

SOURCE = "govhub.registry"
log = logging.getLogger("govhub.local.events")


class EventTap:
    def __init__(self, bus_name: str, stack: str, endpoint_url: str, region: str, out: TextIO | None = None) -> None:
        self._bus = bus_name
        self._events = boto3.client("events", endpoint_url=endpoint_url, region_name=region)
        self._sqs = boto3.client("sqs", endpoint_url=endpoint_url, region_name=region)
        self._queue_name = f"{stack}-events-tap"
        self._rule = f"{stack}-events-tap"
        self._out = out or sys.stdout
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.queue_url = ""

    def start(self) -> str:
        """Route every governance event to the tap's queue and start printing; answers the queue URL."""
        self.queue_url = self._sqs.create_queue(QueueName=self._queue_name)["QueueUrl"]
        queue_arn = self._sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self._events.put_rule(Name=self._rule, EventBusName=self._bus, EventPattern=json.dumps({"source": [SOURCE]}), State="ENABLED")
        self._events.put_targets(Rule=self._rule, EventBusName=self._bus, Targets=[{"Id": "local-tap", "Arn": queue_arn}])
        self._thread = threading.Thread(target=self._run, name="event-tap", daemon=True)
        self._thread.start()
        return self.queue_url

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                answer = self._sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            except Exception:  # noqa: BLE001 - the emulator stopping must not kill the tap with a trace
                if not self._stop.wait(1):
                    log.exception("reading the events queue failed")
                continue
            for message in answer.get("Messages", []):
                self._print(message["Body"])
                self._sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def _print(self, body: str) -> None:
        try:
            event: dict[str, Any] = json.loads(body)
        except ValueError:
            print(f"[event] {body}", file=self._out, flush=True)
            return
        detail = event.get("detail") or {}
        summary = detail.get("summary") if isinstance(detail, dict) else None
        print(f"[event] {event.get('detail-type')}: {summary or ''}", file=self._out, flush=True)
        print(f"        {json.dumps(detail, ensure_ascii=False, sort_keys=True)}", file=self._out, flush=True)

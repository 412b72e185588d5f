"""Monitoring and incident events on the governance bus (EventBridge), in the notifier's detail conventions."""

from __future__ import annotations

import json
from typing import Any

from govhub.config import settings

EVENT_SOURCE = "govhub.registry"  # the notifier's source: the bus's rules see every governance event


class EventPublishError(Exception):
    """EventBridge did not take the event."""


class EventBridgePublisher:
    def __init__(self, bus_name: str | None = None) -> None:
        import boto3  # with the first event, not at import

        self._bus = bus_name or settings().event_bus_name
        self._client = boto3.client("events", region_name=settings().region)

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        answer = self._client.put_events(Entries=[{
            "EventBusName": self._bus, "Source": EVENT_SOURCE, "DetailType": detail_type,
            "Detail": json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
        }])
        if answer.get("FailedEntryCount"):
            raise EventPublishError(json.dumps(answer.get("Entries"), default=str))

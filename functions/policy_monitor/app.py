"""policy_monitor function: re-checks approved models when new evidence commits, flags violations, announces them.

Fed by the table's stream (filtered in template.yaml): INSERT of a version, a metric or a policy version, and
MODIFY of an approved model by a person. Each model is judged once per batch against its current state. The
monitor's own flag writes are stamped `updated_by_role = system`, which the filter leaves out, and a flag is
written only when the violations change, so the monitor never feeds itself.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.config import require, settings

if TYPE_CHECKING:
    from govhub.policy.service import PolicyService

EVENT_SOURCE = "govhub.registry"  # the notifier's source: the bus's rules see every governance event
DETAIL_TYPE = "Policy Violated"

logger = Logger(service="policy_monitor")
require("policy_monitor", "table_name", "event_bus_name")  # at cold start: a function without a setting it needs fails here, naming it
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


class EventPublishError(Exception):
    """EventBridge did not take the event; the record is retried."""


class EventBridgePublisher:
    """Puts `Policy Violated` events on the governance bus."""

    def __init__(self, bus_name: str) -> None:
        import boto3  # with the first record, not at import: the container starts without loading botocore

        self._bus = bus_name
        self._client = boto3.client("events", region_name=settings().region)

    def policy_violated(self, detail: dict[str, Any]) -> None:
        answer = self._client.put_events(
            Entries=[{"EventBusName": self._bus, "Source": EVENT_SOURCE, "DetailType": DETAIL_TYPE,
                      "Detail": json.dumps(detail, ensure_ascii=False, sort_keys=True)}]
        )
        if answer.get("FailedEntryCount"):
            raise EventPublishError(json.dumps(answer.get("Entries"), default=str))
        logger.info("policy violated", extra={"model_id": detail["model"]["id"], "rules": detail["new_rule_ids"]})


@lru_cache(maxsize=1)
def monitor() -> PolicyService:
    # The policy engine and its store load with the first record, like the clients they make.
    from govhub.policy.service import PolicyService
    from govhub.store.datasets import DatasetFactsOfTheTable
    from govhub.store.monitoring import MonitoringFactsReader
    from govhub.store.policies import EvidenceRepository, PolicyModelReader, PolicyRepository, ViolationFlagRepository

    events = EventBridgePublisher(settings().event_bus_name)
    return PolicyService(PolicyRepository(), EvidenceRepository(), PolicyModelReader(), ViolationFlagRepository(), events,
                         monitoring=MonitoringFactsReader(), datasets=DatasetFactsOfTheTable())


def _trigger(record: DynamoDBRecord, image: dict[str, Any]) -> dict[str, Any]:
    entity = str(image.get("entity"))
    ids = {"version": "version_id", "metric": "metric_id", "policy": "version", "model": "model_id"}
    raw_id = image.get(ids.get(entity, "model_id"))
    return {"entity": entity, "id": int(raw_id) if raw_id is not None else None, "event_id": record.event_id}


@logger.inject_lambda_context
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    judged: set[int] = set()
    policy_rechecked = False

    def handle(record: DynamoDBRecord) -> None:
        nonlocal policy_rechecked
        image = record.dynamodb.new_image if record.dynamodb else {}
        trigger = _trigger(record, image)
        if trigger["entity"] == "policy":
            if not policy_rechecked:
                judged.update(outcome.model_id for outcome in monitor().monitor_all_approved(trigger))
                policy_rechecked = True
            return
        model_id = int(image["model_id"])
        if model_id in judged:  # its current state was judged already in this batch
            return
        monitor().monitor(model_id, trigger)
        judged.add(model_id)

    return dict(process_partial_response(event=event, record_handler=handle, processor=processor, context=context))

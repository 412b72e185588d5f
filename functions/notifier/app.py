"""notifier function: announces committed governance changes on the event bus, from the table's stream.

Only changes that committed reach the stream, so only those are announced (a refused request sends
nothing). Detail types and their JSON schemas: docs/events/.
"""

from __future__ import annotations

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
from notifications import entry, governance_events

from govhub.config import require, settings

if TYPE_CHECKING:
    from govhub.store.repository import ModelRepository

logger = Logger(service="notifier")
require("notifier", "table_name", "event_bus_name")  # at cold start: a function without a setting it needs fails here, naming it
processor = BatchProcessor(event_type=EventType.DynamoDBStreams, logger=logger)  # type: ignore[arg-type]  # powertools Logger logs like logging.Logger


class EventsNotSentError(Exception):
    """EventBridge refused some of a change's events; the change is retried from the stream."""


# The clients are made with the first record, not at import: the container starts without loading botocore.
@lru_cache(maxsize=1)
def _events() -> Any:
    import boto3

    return boto3.client("events", region_name=settings().region)


@lru_cache(maxsize=1)
def _models() -> ModelRepository:
    from govhub.store.repository import ModelRepository

    return ModelRepository()


def _model(model_id: int) -> dict[str, Any] | None:
    from govhub.schemas import ModelRefOut

    model = _models().get(model_id)
    return ModelRefOut.from_domain(model).model_dump(mode="json") if model is not None else None


def announce(record: DynamoDBRecord) -> int:
    """Put the change's events on the bus; answers how many were sent."""
    stream, event_name = record.dynamodb, record.get("eventName")
    if stream is None or not isinstance(event_name, str):
        return 0
    events = governance_events(event_name, record.event_id or "", stream.old_image, stream.new_image, _model)
    if not events:
        return 0
    entries = [entry(detail_type, detail, settings().event_bus_name) for detail_type, detail in events]
    answer = _events().put_events(Entries=entries)
    if answer.get("FailedEntryCount"):
        errors = [e.get("ErrorCode") for e in answer.get("Entries", []) if e.get("ErrorCode")]
        raise EventsNotSentError(f"EventBridge refused {answer['FailedEntryCount']} of {len(entries)} events: {errors}")
    for detail_type, detail in events:
        subject = detail.get("model") or detail.get("dataset") or {}  # a dataset's event has no model
        logger.debug("announced", extra={"detail_type": detail_type, "subject_id": subject.get("id"), "event_id": detail["event_id"]})
    return len(entries)


@logger.inject_lambda_context
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return dict(process_partial_response(event=event, record_handler=announce, processor=processor, context=context))

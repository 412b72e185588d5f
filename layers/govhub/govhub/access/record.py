"""An access record, made from the report generation item the reports function writes (delivered by the stream)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from govhub.store import keys

SCHEMA = "govhub.access/1"
REPORT_FIELDS = ("report_id", "format", "sha256", "size_bytes", "content_sha256", "file_name", "bulk_job_id")
_deserializer = TypeDeserializer()


def is_access(raw_record: Mapping[str, Any]) -> bool:
    """Does this stream record (Lambda's DynamoDB JSON) announce an access rather than a change?"""
    image = (raw_record.get("dynamodb") or {}).get("NewImage") or {}
    return raw_record.get("eventName") == "INSERT" and (image.get("entity") or {}).get("S") == keys.ENTITY_REPORT


def access_record(raw_record: Mapping[str, Any]) -> dict[str, Any]:
    """The record kept for one access: who, when, which model, which report (its bytes' hash), from which event."""
    image = {name: _plain(_deserializer.deserialize(value)) for name, value in raw_record["dynamodb"]["NewImage"].items()}
    return {
        "schema": SCHEMA,
        "event_id": str(raw_record["eventID"]),
        "time": str(image["created_at"]),
        "action": "report_generated",
        "model_id": int(image["model_id"]),
        "actor": {"username": str(image["created_by"]), "role": str(image.get("updated_by_role") or "unknown")},
        "report": {name: image.get(name) for name in REPORT_FIELDS},
    }


def access_record_key(record: Mapping[str, Any]) -> str:
    """Deterministic (a redelivered event finds its record): ``access/reports/date=<day>/<time>-<event id>.json``."""
    return f"access/reports/date={str(record['time'])[:10]}/{record['time']}-{record['event_id']}.json"


def _plain(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value

"""The access log's share of audit_stream's batches: report generations become access records, not chain records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from aws_lambda_powertools import Logger

from govhub.access.record import access_record, is_access

logger = Logger(service="audit_stream")


class AccessLog(Protocol):
    def append(self, record: Mapping[str, Any]) -> None: ...


def split_batch(records: Iterable[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """(accesses, changes) of one batch, each in stream order."""
    accesses: list[Mapping[str, Any]] = []
    changes: list[Mapping[str, Any]] = []
    for record in records:
        (accesses if is_access(record) else changes).append(record)
    return accesses, changes


def log_accesses(records: Iterable[Mapping[str, Any]], log: AccessLog) -> list[str]:
    """Append each access; answers the sequence numbers of those that failed (Lambda retries from the first)."""
    failed: list[str] = []
    for record in records:
        try:
            log.append(access_record(record))
        except Exception:  # noqa: BLE001 - reported as this record's failure, retried by Lambda
            logger.exception("access record not written", event_id=record.get("eventID"))
            failed.append(str(record["dynamodb"]["SequenceNumber"]))
    return failed

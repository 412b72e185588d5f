"""Reading the moto table's stream as Lambda would deliver it, and feeding it to the stream functions."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import boto3

from local_stack.functions import FunctionHost
from local_stack.pump import matches
from local_stack.template import Template


class TableStream:
    """The table's stream from where it was when created: `new_records()` answers what was added since the last call."""

    def __init__(self, stream_arn: str) -> None:
        self._client = boto3.client("dynamodbstreams", region_name="us-east-1")
        self._arn = stream_arn
        shard = self._client.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
        self._iterator = self._client.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]

    def new_records(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        while True:
            answer = self._client.get_records(ShardIterator=self._iterator, Limit=1000)
            self._iterator = answer["NextShardIterator"]
            if not answer["Records"]:
                return records
            records += [lambda_record(r, self._arn) for r in answer["Records"]]


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A stream record in the shape Lambda's event source mapping delivers (JSON, epoch seconds)."""
    plain = json.loads(json.dumps(record, default=_json_default))
    plain["eventSourceARN"] = stream_arn
    return plain


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return int(value.astimezone(UTC).timestamp())
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value))


def subscribed(template: Template, function: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records the function's event source mapping lets through (its FilterCriteria in template.yaml)."""
    subscription = next(s for s in template.stream_subscriptions() if s.function == function)
    return [r for r in records if not subscription.filters or any(matches(f, r) for f in subscription.filters)]


def deliver(host: FunctionHost, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Invoke the function with one batch; answers its response (batchItemFailures)."""
    return host.invoke({"Records": records}) or {}


def failed_positions(batch: list[dict[str, Any]], answer: dict[str, Any]) -> list[int]:
    failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
    return [i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failed]


def deliver_until_done(host: FunctionHost, records: list[dict[str, Any]], attempts: int = 10) -> int:
    """What Lambda does with ReportBatchItemFailures: retry from the first failed record. Answers the attempts used."""
    batch = list(records)
    for attempt in range(1, attempts + 1):
        positions = failed_positions(batch, deliver(host, batch))
        if not positions:
            return attempt
        batch = batch[min(positions):]
    raise AssertionError(f"records still failing after {attempts} attempts")

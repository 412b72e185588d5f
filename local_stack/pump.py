"""The stream pump: what Lambda's DynamoDB event source mapping does, for the local stack.

It reads the table's stream, applies each subscription's filter criteria, invokes the function with
batches, honours partial batch failures (retrying from the first failed record) and, after the
template's retry limit, sends the failure to the subscription's on-failure queue.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

import boto3

from local_stack.functions import Function
from local_stack.template import StreamSubscription

log = logging.getLogger("govhub.local.pump")
MAX_IDLE_POLL_SECONDS = 0.5


def matches(pattern: Any, value: Any) -> bool:
    """EventBridge-style content filtering, the subset Lambda event filters use."""
    if isinstance(pattern, dict):
        if not isinstance(value, dict):
            return False
        return all(matches(sub, value.get(key, _MISSING)) for key, sub in pattern.items())
    if isinstance(pattern, list):
        return any(_matches_leaf(option, value) for option in pattern)
    return _matches_leaf(pattern, value)


_MISSING = object()


def _matches_leaf(option: Any, value: Any) -> bool:
    if isinstance(option, dict):
        if "exists" in option:
            return (value is not _MISSING) == bool(option["exists"])
        if value is _MISSING:
            return False
        if "prefix" in option:
            return isinstance(value, str) and value.startswith(option["prefix"])
        if "anything-but" in option:
            excluded = option["anything-but"]
            excluded = excluded if isinstance(excluded, list) else [excluded]
            return value not in excluded
        return False
    return value is not _MISSING and value == option


class StreamPump:
    def __init__(
        self,
        stream_arn: str,
        subscriptions: list[tuple[StreamSubscription, Function, str | None, int]],
        endpoint_url: str,
        region: str,
        poll_seconds: float = 0.1,
    ) -> None:
        """subscriptions: (subscription, function, on-failure queue URL or None, maximum retry attempts)."""
        self._arn = stream_arn
        self._subscriptions = subscriptions
        self._streams = boto3.client("dynamodbstreams", endpoint_url=endpoint_url, region_name=region)
        self._sqs = boto3.client("sqs", endpoint_url=endpoint_url, region_name=region)
        self._poll = poll_seconds
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.idle = threading.Event()

    def start(self) -> None:
        for subscription, function, dlq, retries in self._subscriptions:
            thread = threading.Thread(target=self._run, args=(subscription, function, dlq, retries), name=f"pump-{function.name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _iterator(self) -> str:
        shards = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]
        shard = shards[0]["ShardId"]
        return self._streams.get_shard_iterator(StreamArn=self._arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

    def _run(self, subscription: StreamSubscription, function: Function, dlq: str | None, retries: int) -> None:
        iterator = self._iterator()
        idle = self._poll
        while not self._stop.is_set():
            try:
                response = self._streams.get_records(ShardIterator=iterator, Limit=1000)
            except Exception:  # noqa: BLE001 - the emulator restarting must not kill the pump
                log.exception("reading the stream failed")
                time.sleep(1)
                continue
            iterator = response.get("NextShardIterator") or iterator
            records = [self._lambda_record(r) for r in response.get("Records", [])]
            records = [r for r in records if not subscription.filters or any(matches(f, r) for f in subscription.filters)]
            for start in range(0, len(records), subscription.batch_size):
                self._deliver(records[start : start + subscription.batch_size], function, dlq, retries)
            # Back off while the stream is quiet (the emulator keeps every shard iterator it hands out),
            # and poll fast again as soon as records flow.
            idle = self._poll if response.get("Records") else min(idle * 2, MAX_IDLE_POLL_SECONDS)
            if not response.get("Records"):
                time.sleep(idle)

    def _lambda_record(self, record: dict[str, Any]) -> dict[str, Any]:
        record = json.loads(json.dumps(record, default=_json_default))
        record["eventSourceARN"] = self._arn
        return record

    def _deliver(self, batch: list[dict[str, Any]], function: Function, dlq: str | None, retries: int) -> None:
        attempt = 0
        while batch and not self._stop.is_set():
            try:
                answer = function.invoke({"Records": batch}) or {}
                failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
            except Exception:  # noqa: BLE001 - a crashed invocation retries the whole batch, as Lambda does
                log.exception("%s failed", function.name)
                failed = {batch[0]["dynamodb"]["SequenceNumber"]}
            if not failed:
                return
            first = min(i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failed)
            batch = batch[first:]
            attempt += 1
            if attempt > retries:
                self._dead_letter(batch, function, dlq)
                return
            time.sleep(min(0.05 * 2**attempt, 1.0))

    def _dead_letter(self, batch: list[dict[str, Any]], function: Function, dlq: str | None) -> None:
        log.error("%s gave up on %d records after retries", function.name, len(batch))
        if dlq:
            self._sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps({
                "requestContext": {"functionArn": function.name, "condition": "RetryAttemptsExhausted"},
                "DDBStreamBatchInfo": {
                    "streamArn": self._arn,
                    "startSequenceNumber": batch[0]["dynamodb"]["SequenceNumber"],
                    "endSequenceNumber": batch[-1]["dynamodb"]["SequenceNumber"],
                    "batchSize": len(batch),
                },
            }))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).timestamp()
    if isinstance(value, (bytes, bytearray)):
        import base64

        return base64.b64encode(value).decode()
    if isinstance(value, set):
        return sorted(value)
    from decimal import Decimal

    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value))

"""The stream pump: what Lambda's DynamoDB event source mapping does, for the local stack.

It reads the table's stream, applies each subscription's filter criteria, invokes the function with
batches (gathered for the subscription's batching window, or until a batch is full), honours partial batch
failures (retrying from the first failed record) and, after the template's retry limit, sends the failure to
the subscription's on-failure queue.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Sequence
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
    """One reader of the stream, and one delivery thread per subscription, each at its own pace.

    Reading once for all subscriptions (not once each) keeps the emulator's load from the stream constant
    however many functions subscribe; a subscription whose function is slow or failing holds back only itself,
    as each event source mapping does in Lambda.
    """

    def __init__(
        self,
        stream_arn: str,
        subscriptions: Sequence[tuple[StreamSubscription, Function, str | None, int]],
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
        self._queues: list[queue.SimpleQueue[list[str]]] = []

    def start(self) -> None:
        for subscription, function, dlq, retries in self._subscriptions:
            records: queue.SimpleQueue[list[str]] = queue.SimpleQueue()
            self._queues.append(records)
            self._thread(self._serve, f"pump-{function.name}", subscription, function, dlq, retries, records)
        self._thread(self._read, "pump-reader")

    def _thread(self, target: Any, name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for waiting in self._queues:
            waiting.put([])  # wakes a subscription gathering a batch
        for thread in self._threads:
            thread.join(timeout=5)

    def _iterator(self) -> str:
        shards = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]
        shard = shards[0]["ShardId"]
        return self._streams.get_shard_iterator(StreamArn=self._arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

    def _read(self) -> None:
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
            if response.get("Records"):
                # as JSON text: each subscription parses its own copy, so no function sees another's changes
                records = [self._lambda_record(r) for r in response["Records"]]
                for subscription_queue in self._queues:
                    subscription_queue.put(records)
            # Poll at a steady pace while records flow, and back off while the stream is quiet (the emulator
            # keeps every shard iterator it hands out).
            idle = self._poll if response.get("Records") else min(idle * 2, MAX_IDLE_POLL_SECONDS)
            self._stop.wait(idle)

    def _serve(self, subscription: StreamSubscription, function: Function, dlq: str | None, retries: int,
               arrived: queue.SimpleQueue[list[str]]) -> None:
        while not self._stop.is_set():
            try:
                texts = arrived.get(timeout=0.2)
            except queue.Empty:
                continue
            # As Lambda does: gather records for the batching window, or until a batch is full
            deadline = time.monotonic() + subscription.batching_window
            while len(texts) < subscription.batch_size and not self._stop.is_set():
                try:
                    texts = texts + arrived.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
            while not arrived.empty():  # whatever came in meanwhile goes in the same batches
                texts = texts + arrived.get_nowait()
            records = [json.loads(text) for text in texts]
            records = [r for r in records if not subscription.filters or any(matches(f, r) for f in subscription.filters)]
            for start in range(0, len(records), subscription.batch_size):
                self._deliver(records[start : start + subscription.batch_size], function, dlq, retries)

    def _lambda_record(self, record: dict[str, Any]) -> str:
        return json.dumps({**record, "eventSourceARN": self._arn}, default=_json_default)

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

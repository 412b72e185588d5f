"""The stream pump reads the stream once for every subscription and feeds each at its own pace, as Lambda's mappings do."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from local_stack.emulator import Emulator
from local_stack.pump import StreamPump
from local_stack.template import StreamSubscription
from tests.harness import free_port

REGION = "us-east-1"
CREDENTIALS = {"region_name": REGION, "aws_access_key_id": "local", "aws_secret_access_key": "local"}


class Recorder:
    """A stream function that remembers the keys of the records it got, and may hold or fail its first batch."""

    def __init__(self, name: str, hold: threading.Event | None = None, mutate: bool = False) -> None:
        self.name, self._hold, self._mutate = name, hold, mutate
        self.keys: list[str] = []
        self.batches: list[int] = []

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        self.batches.append(len(event["Records"]))
        if self._hold is not None and not self._hold.wait(timeout=30):
            raise RuntimeError("never released")
        for record in event["Records"]:
            self.keys.append(record["dynamodb"]["Keys"]["PK"]["S"])
            if self._mutate:
                record["dynamodb"]["Keys"]["PK"]["S"] = "changed by another function"
        return {"batchItemFailures": []}


@pytest.fixture
def stream() -> Iterator[dict[str, Any]]:
    emulator = Emulator("127.0.0.1", free_port())
    emulator.start()
    endpoint = f"http://{emulator.host}:{emulator.port}"
    dynamodb = boto3.client("dynamodb", endpoint_url=endpoint, **CREDENTIALS)
    dynamodb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
                          StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    yield {"endpoint": endpoint, "dynamodb": dynamodb, "arn": dynamodb.describe_table(TableName="t")["Table"]["LatestStreamArn"]}
    emulator.stop()


def eventually(condition: Any, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_each_subscription_gets_every_record_it_filters_for_once_in_order_from_one_reader(stream: dict[str, Any]) -> None:
    # Given three subscriptions (one filtered to inserts of "a" keys, one changing the records it gets) and a pump
    everything, changer, only_a = Recorder("everything"), Recorder("changer", mutate=True), Recorder("only-a")
    a_inserts = {"eventName": ["INSERT"], "dynamodb": {"Keys": {"PK": {"S": [{"prefix": "a"}]}}}}
    pump = StreamPump(stream["arn"], [(StreamSubscription("everything", batch_size=3), everything, None, 2),
                                      (StreamSubscription("changer"), changer, None, 2),
                                      (StreamSubscription("only-a", [a_inserts]), only_a, None, 2)], stream["endpoint"], REGION)
    readers: set[str] = set()
    read = pump._streams.get_records

    def counted(**kwargs: Any) -> Any:
        readers.add(threading.current_thread().name)
        return read(**kwargs)

    pump._streams.get_records = counted
    pump.start()
    try:
        # When items are written, and one of them again
        keys = ["a1", "b1", "a2", "b2", "a3", "b3", "a1"]
        for key in keys:
            stream["dynamodb"].put_item(TableName="t", Item={"PK": {"S": key}})
        # Then each subscription gets its records once, in the order written, unchanged by another function
        assert eventually(lambda: len(everything.keys) == len(keys) and len(changer.keys) == len(keys) and len(only_a.keys) == 3)
        time.sleep(0.5)
        assert everything.keys == keys and changer.keys == keys
        assert only_a.keys == ["a1", "a2", "a3"]
        assert max(everything.batches) <= 3
        # And one thread read the stream for all of them
        assert readers == {"pump-reader"}
    finally:
        pump.stop()


def test_a_slow_subscription_holds_back_only_itself(stream: dict[str, Any]) -> None:
    # Given a subscription whose function is stuck, and another one
    release = threading.Event()
    stuck, quick = Recorder("stuck", hold=release), Recorder("quick")
    pump = StreamPump(stream["arn"], [(StreamSubscription("stuck"), stuck, None, 2), (StreamSubscription("quick"), quick, None, 2)],
                      stream["endpoint"], REGION)
    pump.start()
    try:
        # When items are written
        for key in ("k1", "k2", "k3"):
            stream["dynamodb"].put_item(TableName="t", Item={"PK": {"S": key}})
        # Then the quick subscription gets them while the stuck one waits
        assert eventually(lambda: quick.keys == ["k1", "k2", "k3"])
        assert stuck.keys == []
        # And once released, the stuck one gets them too
        release.set()
        assert eventually(lambda: stuck.keys == ["k1", "k2", "k3"])
    finally:
        release.set()
        pump.stop()



def test_records_are_gathered_for_the_batching_window_or_until_a_batch_is_full(stream: dict[str, Any]) -> None:
    # Given a subscription that waits up to two seconds for a batch of 100, and one whose batches hold 2 records
    windowed, small = Recorder("windowed"), Recorder("small")
    pump = StreamPump(stream["arn"], [(StreamSubscription("windowed", batch_size=100, batching_window=2), windowed, None, 2),
                                      (StreamSubscription("small", batch_size=2, batching_window=30), small, None, 2)],
                      stream["endpoint"], REGION)
    pump.start()
    try:
        # When five items are written a little apart
        for n in range(5):
            stream["dynamodb"].put_item(TableName="t", Item={"PK": {"S": f"k{n}"}})
            time.sleep(0.1)
        # Then the windowed subscription gets them in one batch, and the small one as soon as each batch is full
        assert eventually(lambda: len(windowed.keys) == 5 and len(small.keys) >= 4)
        assert windowed.batches == [5]
        assert small.batches[:2] == [2, 2]
    finally:
        pump.stop()

"""The local stack's AWS emulator runs in a process of its own, with the stack's fixes, and never outlives the stack."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator

import boto3
import pytest

from local_stack.emulator import Emulator, _accepts
from tests.harness import ROOT, TableStream, free_port


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    running = Emulator("127.0.0.1", free_port())
    running.start()
    yield running
    running.stop()


def test_the_emulator_answers_as_aws_with_the_stacks_fixes(emulator: Emulator) -> None:
    # Given a table with a stream in the emulator, and a reader of the stream
    endpoint = f"http://{emulator.host}:{emulator.port}"
    dynamodb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="local", aws_secret_access_key="local")
    streams = boto3.client("dynamodbstreams", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="local",
                           aws_secret_access_key="local")
    dynamodb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
                          StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    arn = dynamodb.describe_table(TableName="t")["Table"]["LatestStreamArn"]
    stream = TableStream(arn, client=streams)
    # When a transaction is cancelled and a later write commits
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "t", "Item": {"PK": {"S": "phantom"}}}},
            {"ConditionCheck": {"TableName": "t", "Key": {"PK": {"S": "missing"}}, "ConditionExpression": "attribute_exists(PK)"}},
        ])
    dynamodb.put_item(TableName="t", Item={"PK": {"S": "real"}})
    # Then the stream holds only the committed write (the stack's fixes are in the emulator's process)
    assert [r["dynamodb"]["Keys"]["PK"]["S"] for r in stream.new_records()] == ["real"]


def test_the_emulator_stops_with_the_stack_even_when_the_stack_is_killed() -> None:
    # Given a stack process that starts an emulator and then dies without stopping it
    port = free_port()
    script = textwrap.dedent(f"""
        import os
        from local_stack.emulator import Emulator
        Emulator("127.0.0.1", {port}).start()
        os._exit(0)  # no stop(), no cleanup: as if killed
    """)
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120)
    # When a moment passes
    deadline = time.monotonic() + 20
    while _accepts("127.0.0.1", port) and time.monotonic() < deadline:
        time.sleep(0.2)
    # Then the emulator is gone too: nothing answers on its port
    assert not _accepts("127.0.0.1", port)

"""The local stack's fixes to moto's DynamoDB (local_stack/moto_patches.py) keep what DynamoDB promises.

A transaction is all or nothing, and a cancelled one never reaches the stream; a stream reader keeps reading
after a cancelled transaction; a transaction costs the items it touches, not the table; concurrent
transactions and reads from many threads neither fail nor lose an increment.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from local_stack import moto_patches
from tests.harness import TableStream

TABLE = "patches"


@pytest.fixture
def aws() -> Iterator[dict[str, Any]]:
    moto_patches.apply()
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "SK", "AttributeType": "S"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        arn = dynamodb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
        yield {"dynamodb": dynamodb, "reader": StreamReader(TableStream(arn))}


class StreamReader:
    """Reads on from where it was, like the pump; each record as (event, PK, SK)."""

    def __init__(self, stream: TableStream) -> None:
        self._stream = stream

    def new_records(self) -> list[tuple[str, str, str]]:
        return [(r["eventName"], r["dynamodb"]["Keys"]["PK"]["S"], r["dynamodb"]["Keys"]["SK"]["S"]) for r in self._stream.new_records()]


def key(pk: str, sk: str = "A") -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


def item(dynamodb: Any, pk: str, sk: str = "A") -> dict[str, Any] | None:
    return dynamodb.get_item(TableName=TABLE, Key=key(pk, sk), ConsistentRead=True).get("Item")


def cancelled_transaction(dynamodb: Any) -> list[dict[str, Any]]:
    """Creates one item, changes one, deletes one, then fails its last condition."""
    return [
        {"Put": {"TableName": TABLE, "Item": {**key("new"), "v": {"N": "1"}}}},
        {"Update": {"TableName": TABLE, "Key": key("changed"), "UpdateExpression": "SET v = :v",
                    "ExpressionAttributeValues": {":v": {"N": "2"}}}},
        {"Delete": {"TableName": TABLE, "Key": key("deleted")}},
        {"ConditionCheck": {"TableName": TABLE, "Key": key("missing"), "ConditionExpression": "attribute_exists(PK)"}},
    ]


def test_a_cancelled_transaction_changes_no_item(aws: dict[str, Any]) -> None:
    # Given an item to change and one to delete
    dynamodb = aws["dynamodb"]
    dynamodb.put_item(TableName=TABLE, Item={**key("changed"), "v": {"N": "1"}})
    dynamodb.put_item(TableName=TABLE, Item={**key("deleted"), "v": {"N": "1"}})
    # When a transaction that creates, changes and deletes fails its last condition
    with pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(TransactItems=cancelled_transaction(dynamodb))
    # Then it is cancelled for that condition, and every item is as it was
    reasons = [r["Code"] for r in refused.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "ConditionalCheckFailed"]
    assert item(dynamodb, "new") is None
    assert item(dynamodb, "changed") == {**key("changed"), "v": {"N": "1"}}
    assert item(dynamodb, "deleted") == {**key("deleted"), "v": {"N": "1"}}


def test_a_cancelled_transaction_never_reaches_the_stream_and_the_reader_reads_on(aws: dict[str, Any]) -> None:
    # Given a stream reader that has read the first write
    dynamodb, reader = aws["dynamodb"], aws["reader"]
    dynamodb.put_item(TableName=TABLE, Item={**key("changed"), "v": {"N": "1"}})
    dynamodb.put_item(TableName=TABLE, Item={**key("deleted"), "v": {"N": "1"}})
    assert reader.new_records() == [("INSERT", "changed", "A"), ("INSERT", "deleted", "A")]
    # When a transaction is cancelled, and then one commits
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(TransactItems=cancelled_transaction(dynamodb))
    dynamodb.transact_write_items(TransactItems=[{"Put": {"TableName": TABLE, "Item": {**key("after"), "v": {"N": "1"}}}}])
    # Then the same reader sees only the committed write
    assert reader.new_records() == [("INSERT", "after", "A")]


def test_a_committed_transaction_writes_everything_and_streams_it_in_order(aws: dict[str, Any]) -> None:
    # Given a reader at the start of the stream
    dynamodb, reader = aws["dynamodb"], aws["reader"]
    dynamodb.put_item(TableName=TABLE, Item={**key("changed"), "v": {"N": "1"}})
    # When a transaction creates two items and changes one under a condition that holds
    dynamodb.transact_write_items(TransactItems=[
        {"Put": {"TableName": TABLE, "Item": {**key("one"), "v": {"N": "1"}}, "ConditionExpression": "attribute_not_exists(PK)"}},
        {"Put": {"TableName": TABLE, "Item": {**key("one", "B"), "v": {"N": "1"}}}},
        {"Update": {"TableName": TABLE, "Key": key("changed"), "UpdateExpression": "SET v = :two",
                    "ConditionExpression": "v = :one", "ExpressionAttributeValues": {":one": {"N": "1"}, ":two": {"N": "2"}}}},
    ])
    # Then all three changes are stored and streamed in the transaction's order
    assert item(dynamodb, "one") is not None and item(dynamodb, "one", "B") is not None
    assert item(dynamodb, "changed")["v"] == {"N": "2"}
    assert reader.new_records() == [("INSERT", "changed", "A"), ("INSERT", "one", "A"), ("INSERT", "one", "B"),
                                    ("MODIFY", "changed", "A")]


def test_a_transaction_never_copies_the_table(aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a table that refuses to be copied
    from moto.dynamodb.models.table import Table

    def refuse(self: Any, memo: Any) -> Any:
        raise AssertionError("the whole table was copied")

    monkeypatch.setattr(Table, "__deepcopy__", refuse, raising=False)
    dynamodb = aws["dynamodb"]
    # When a transaction commits and another is cancelled
    dynamodb.transact_write_items(TransactItems=[{"Put": {"TableName": TABLE, "Item": key("one")}}])
    with pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(TransactItems=[
            {"Put": {"TableName": TABLE, "Item": key("one"), "ConditionExpression": "attribute_not_exists(PK)"}}])
    # Then both answered as DynamoDB does
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert item(dynamodb, "one") == key("one")


def test_concurrent_conditional_increments_from_many_threads_lose_nothing(aws: dict[str, Any]) -> None:
    # Given a counter with a revision, and threads that read it and write it back under the revision they read
    dynamodb = aws["dynamodb"]
    dynamodb.put_item(TableName=TABLE, Item={**key("counter"), "n": {"N": "0"}})
    applied: list[int] = []
    failures: list[str] = []

    def increment(worker: int) -> None:
        client = boto3.client("dynamodb", region_name="us-east-1")
        for _ in range(15):
            n = int(client.get_item(TableName=TABLE, Key=key("counter"), ConsistentRead=True)["Item"]["n"]["N"])
            try:
                client.transact_write_items(TransactItems=[
                    {"Update": {"TableName": TABLE, "Key": key("counter"), "UpdateExpression": "SET n = :next",
                                "ConditionExpression": "n = :read",
                                "ExpressionAttributeValues": {":read": {"N": str(n)}, ":next": {"N": str(n + 1)}}}},
                    {"Put": {"TableName": TABLE, "Item": key("log", f"{worker}-{n}")}},
                ])
                applied.append(n)
            except ClientError as error:
                if error.response["Error"]["Code"] != "TransactionCanceledException":
                    failures.append(repr(error))
            dynamodb.query(TableName=TABLE, KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": "log"}})

    # When eight threads race
    threads = [threading.Thread(target=increment, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then nothing failed, each increment applied once, and exactly the applied ones left their log item
    assert failures == []
    assert sorted(applied) == list(range(len(applied)))
    assert int(item(dynamodb, "counter")["n"]["N"]) == len(applied)
    logs = dynamodb.query(TableName=TABLE, KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": "log"}})
    assert logs["Count"] == len(applied)


_is_plain = moto_patches.is_plain_attribute_value
RICH_ITEM = {
    **key("rich"), "s": {"S": "text é"}, "n": {"N": "-12.5"}, "yes": {"BOOL": True}, "no": {"BOOL": False}, "null": {"NULL": True},
    "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "b": {"B": b"\x00\x01"}, "bs": {"BS": [b"\x02", b"\x03"]},
    "m": {"M": {"inner": {"L": [{"S": "x"}, {"N": "1"}, {"M": {}}, {"L": []}, {"B": b"\x04"}]}, "empty": {"M": {}}}},
    "l": {"L": [{"NULL": True}, {"SS": ["z"]}]},
}


def serialized_both_ways(service: str, operation: str, result: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The body moto answers with, through the written-as-is path and through moto's generic serializer."""
    from moto.core.responses import ActionResult
    from moto.core.serialize import BaseJSONSerializer, XFormedAttributePicker, get_serializer_class
    from moto.core.utils import get_service_model

    model = get_service_model(service)
    serializer_class = get_serializer_class(service, model.protocol)

    def body() -> str:
        serializer = serializer_class(operation_model=model.operation_model(operation), pretty_print=False,
                                      value_picker=XFormedAttributePicker())
        return str(serializer.serialize(result.result if isinstance(result, ActionResult) else result)["body"])

    written_as_is = []
    with monkeypatch.context() as counting:
        counting.setattr(moto_patches, "is_plain_attribute_value",
                         lambda value: written_as_is.append(value) or _is_plain(value))
        fast = body()
    assert written_as_is, "the answer never took the written-as-is path"
    with monkeypatch.context() as generic:
        generic.setattr(BaseJSONSerializer, "_serialize_type_structure", BaseJSONSerializer._serialize_type_structure.__wrapped__)
        return fast, body()


def test_items_and_stream_records_serialize_as_moto_would(aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    # Given an item of every attribute type, stored and then changed, so that the stream holds both images
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.responses import DynamoResult
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    dynamodb = aws["dynamodb"]
    dynamodb.put_item(TableName=TABLE, Item=RICH_ITEM)
    dynamodb.update_item(TableName=TABLE, Key=key("rich"), UpdateExpression="SET n = :n", ExpressionAttributeValues={":n": {"N": "7"}})
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    stored = backend.get_item(TABLE, key("rich"))
    streams = dynamodbstreams_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    arn = backend.get_table(TABLE).table_arn + "/stream/" + backend.get_table(TABLE).latest_stream_label
    iterator = streams.get_shard_iterator(arn, backend.get_table(TABLE).stream_shard.id, "TRIM_HORIZON")
    answers = [
        ("dynamodb", "GetItem", DynamoResult({"Item": stored.describe_attrs(attributes=None)["Item"]})),
        ("dynamodb", "Query", DynamoResult({"Items": [stored.attrs, stored.attrs], "Count": 2, "ScannedCount": 2, "LastEvaluatedKey": key("rich")})),
        ("dynamodbstreams", "GetRecords", streams.get_records(iterator.arn, 1000)),
    ]
    for service, operation, result in answers:
        # When moto serializes the answer both ways
        fast, generic = serialized_both_ways(service, operation, result, monkeypatch)
        # Then the bodies are the same, byte for byte
        assert fast == generic, (service, operation)
        assert '"inner"' in fast


@pytest.fixture
def indexed() -> Iterator[Any]:
    """A table with an index, items in several partitions, some of them outside the index."""
    moto_patches.apply()
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName="indexed", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"} for name in ("PK", "SK", "GPK", "GSK")],
            GlobalSecondaryIndexes=[{"IndexName": "gsi1", "Projection": {"ProjectionType": "ALL"},
                                     "KeySchema": [{"AttributeName": "GPK", "KeyType": "HASH"}, {"AttributeName": "GSK", "KeyType": "RANGE"}]}],
        )
        for n in range(60):
            entry = {"PK": {"S": f"P#{n % 4}"}, "SK": {"S": f"S#{n:03d}"}, "n": {"N": str(n)}}
            if n % 5:
                entry |= {"GPK": {"S": f"G#{n % 3}"}, "GSK": {"S": f"{n % 7}"}}  # ties on GSK: table keys decide
            dynamodb.put_item(TableName="indexed", Item=entry)
        yield dynamodb


QUERIES: list[dict[str, Any]] = [
    {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "P#1"}}},
    {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "P#9"}}},
    {"KeyConditionExpression": "PK = :p AND begins_with(SK, :s)", "ExpressionAttributeValues": {":p": {"S": "P#2"}, ":s": {"S": "S#01"}}},
    {"KeyConditionExpression": "PK = :p AND SK BETWEEN :a AND :b", "ScanIndexForward": False,
     "ExpressionAttributeValues": {":p": {"S": "P#0"}, ":a": {"S": "S#010"}, ":b": {"S": "S#040"}}},
    {"KeyConditionExpression": "PK = :p", "FilterExpression": "n > :n", "ExpressionAttributeValues": {":p": {"S": "P#3"}, ":n": {"N": "20"}}},
    {"IndexName": "gsi1", "KeyConditionExpression": "GPK = :g", "ExpressionAttributeValues": {":g": {"S": "G#1"}}},
    {"IndexName": "gsi1", "KeyConditionExpression": "GPK = :g AND GSK > :k", "ScanIndexForward": False,
     "ExpressionAttributeValues": {":g": {"S": "G#2"}, ":k": {"S": "2"}}},
    {"IndexName": "gsi1", "KeyConditionExpression": "GPK = :g", "ProjectionExpression": "PK, n", "ExpressionAttributeValues": {":g": {"S": "G#0"}}},
]


def all_pages(dynamodb: Any, query: dict[str, Any]) -> list[dict[str, Any]]:
    pages, start = [], None
    while True:
        page = dynamodb.query(TableName="indexed", Limit=4, **query, **({"ExclusiveStartKey": start} if start else {}))
        page.pop("ResponseMetadata")
        pages.append(page)
        start = page.get("LastEvaluatedKey")
        if not start:
            return pages


def test_queries_answer_as_moto_would_without_sorting_the_table(indexed: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.dynamodb.models.table import Table

    # Given moto's own answers to queries on the table and on the index, page by page
    with monkeypatch.context() as unpatched:
        unpatched.setattr(Table, "query", Table.query.__wrapped__)
        expected = [all_pages(indexed, query) for query in QUERIES]
    assert sum(len(p["Items"]) for pages in expected for p in pages) > 60
    # When the same queries run while the table refuses to be listed whole and sorted

    def refuse(self: Any) -> Any:
        raise AssertionError("the whole table was sorted")

    monkeypatch.setattr(Table, "all_items", refuse)
    answers = [all_pages(indexed, query) for query in QUERIES]
    # Then every page holds the same items in the same order, with the same next keys
    assert answers == expected


def test_index_queries_follow_every_kind_of_write(indexed: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.dynamodb.models.table import Table

    def both_ways() -> tuple[list[Any], list[Any]]:
        answers = [all_pages(indexed, query) for query in QUERIES]
        with monkeypatch.context() as unpatched:
            unpatched.setattr(Table, "query", Table.query.__wrapped__)
            return answers, [all_pages(indexed, query) for query in QUERIES]

    def gsi(n: int, partition: str, sort: str) -> dict[str, Any]:
        return {"PK": {"S": f"P#{n % 4}"}, "SK": {"S": f"S#{n:03d}"}, "n": {"N": str(n)}, "GPK": {"S": partition}, "GSK": {"S": sort}}

    table = "indexed"
    # Given index queries answered once, so that the index partitions exist
    answers, expected = both_ways()
    assert answers == expected
    writes = [
        lambda: indexed.put_item(TableName=table, Item=gsi(100, "G#1", "0")),                             # a new item
        lambda: indexed.put_item(TableName=table, Item=gsi(1, "G#2", "9")),                               # moved by a put
        lambda: indexed.update_item(TableName=table, Key=key("P#2", "S#002"), UpdateExpression="SET GPK = :g",
                                    ExpressionAttributeValues={":g": {"S": "G#0"}}),                      # moved by an update
        lambda: indexed.update_item(TableName=table, Key=key("P#3", "S#003"), UpdateExpression="REMOVE GPK"),  # out of the index
        lambda: indexed.update_item(TableName=table, Key=key("P#0", "S#200"), UpdateExpression="SET GPK = :g, GSK = :k",
                                    ExpressionAttributeValues={":g": {"S": "G#1"}, ":k": {"S": "1"}}),     # created by an update
        lambda: indexed.delete_item(TableName=table, Key=key("P#3", "S#007")),                             # deleted
        lambda: indexed.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": gsi(101, "G#2", "3")}},
                                                               {"DeleteRequest": {"Key": key("P#0", "S#008")}}]}),
        lambda: indexed.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": gsi(102, "G#0", "5")}},
            {"Update": {"TableName": table, "Key": key("P#1", "S#009"), "UpdateExpression": "SET GPK = :g",
                        "ExpressionAttributeValues": {":g": {"S": "G#1"}}}}]),
    ]
    cancelled = [
        {"Put": {"TableName": table, "Item": gsi(103, "G#1", "2")}},
        {"Update": {"TableName": table, "Key": key("P#2", "S#006"), "UpdateExpression": "SET GPK = :g",
                    "ExpressionAttributeValues": {":g": {"S": "G#2"}}}},
        {"Delete": {"TableName": table, "Key": key("P#3", "S#011")}},
        {"ConditionCheck": {"TableName": table, "Key": key("nobody"), "ConditionExpression": "attribute_exists(PK)"}},
    ]
    for write in writes:
        # When the table changes, by each kind of write in turn, and a transaction touching the index is cancelled
        write()
        with pytest.raises(ClientError):
            indexed.transact_write_items(TransactItems=cancelled)
        # Then every query still answers as moto's own would
        answers, expected = both_ways()
        assert answers == expected


def test_events_are_transformed_for_their_targets_with_paths_parsed_once() -> None:
    import json

    from jsonpath_ng import ext

    moto_patches.apply()
    with mock_aws():
        # Given a rule sending a transformed event to a queue, and the default paths to another
        events, sqs = boto3.client("events", region_name="us-east-1"), boto3.client("sqs", region_name="us-east-1")
        queues = {name: sqs.create_queue(QueueName=name)["QueueUrl"] for name in ("shaped", "whole")}
        arns = {name: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
                for name, url in queues.items()}
        events.put_rule(Name="r", EventPattern=json.dumps({"source": ["govhub.test"]}))
        events.put_targets(Rule="r", Targets=[
            {"Id": "shaped", "Arn": arns["shaped"], "InputTransformer": {
                "InputPathsMap": {"name": "$.detail.model.name", "to": "$.detail.status"},
                "InputTemplate": '{"text": "<name> is now <to>"}'}},
            {"Id": "whole", "Arn": arns["whole"]},
        ])
        # When two events are put
        for name, status in (("a", "approved"), ("b", "retired")):
            events.put_events(Entries=[{"Source": "govhub.test", "DetailType": "Status Changed",
                                        "Detail": json.dumps({"model": {"name": name}, "status": status})}])
        # Then each target got each event, shaped as its rule says
        bodies = {name: [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
                  for name, url in queues.items()}
        assert bodies["shaped"] == [{"text": "a is now approved"}, {"text": "b is now retired"}]
        assert [(b["detail-type"], b["detail"]["status"]) for b in bodies["whole"]] == [("Status Changed", "approved"), ("Status Changed", "retired")]
        assert ext.parse.cache_info().hits > 0


def test_query_answers_are_consistent_while_items_change_and_leave_the_items_as_they_were(indexed: Any) -> None:
    # Given items whose two counters are always changed together, in partition P#0 and in index partition G#1
    for n in (0, 4, 8):
        indexed.update_item(TableName="indexed", Key=key("P#0", f"S#{n:03d}"), UpdateExpression="SET a = :z, b = :z, GPK = :g, GSK = :k",
                            ExpressionAttributeValues={":z": {"N": "0"}, ":g": {"S": "G#9"}, ":k": {"S": str(n)}})
    stop = threading.Event()
    failures: list[str] = []

    def change() -> None:
        client = boto3.client("dynamodb", region_name="us-east-1")
        while not stop.is_set():
            for n in (0, 4, 8):
                client.update_item(TableName="indexed", Key=key("P#0", f"S#{n:03d}"), UpdateExpression="ADD a :one, b :one",
                                   ExpressionAttributeValues={":one": {"N": "1"}})

    writers = [threading.Thread(target=change) for _ in range(2)]
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # threads take turns often, as they do on a busy machine
    for writer in writers:
        writer.start()
    try:
        # When queries on the table and on the index (whole items and projections) run meanwhile
        for _ in range(60):
            for query in ({"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "P#0"}}},
                          {"IndexName": "gsi1", "KeyConditionExpression": "GPK = :g", "ExpressionAttributeValues": {":g": {"S": "G#9"}}},
                          {"IndexName": "gsi1", "KeyConditionExpression": "GPK = :g", "ProjectionExpression": "a, b",
                           "ExpressionAttributeValues": {":g": {"S": "G#9"}}}):
                for found in indexed.query(TableName="indexed", **query)["Items"]:
                    if "a" in found and found["a"] != found["b"]:
                        failures.append(f"half-changed item in an answer: {found}")
    finally:
        stop.set()
        for writer in writers:
            writer.join()
        sys.setswitchinterval(switch)
    # Then every answer showed each item either before or after a change, never in between
    assert failures == []
    # And answering with a projection did not take anything from the stored items
    stored = indexed.get_item(TableName="indexed", Key=key("P#0", "S#004"))["Item"]
    assert {"PK", "SK", "n", "a", "b", "GPK", "GSK"} <= set(stored)


def test_a_revoked_refresh_token_no_longer_refreshes() -> None:
    # Given a signed-in user of the local Cognito (the dashboard's sign-out calls RevokeToken)
    moto_patches.apply()
    with mock_aws():
        idp = boto3.client("cognito-idp", region_name="us-east-1")
        pool = idp.create_user_pool(PoolName="p")["UserPool"]["Id"]
        client = idp.create_user_pool_client(UserPoolId=pool, ClientName="web", ExplicitAuthFlows=["USER_PASSWORD_AUTH"])
        client_id = client["UserPoolClient"]["ClientId"]
        idp.admin_create_user(UserPoolId=pool, Username="u")
        idp.admin_set_user_password(UserPoolId=pool, Username="u", Password="Passw0rd!Passw0rd", Permanent=True)
        tokens = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": "u", "PASSWORD": "Passw0rd!Passw0rd"})["AuthenticationResult"]
        # When the refresh token is revoked
        idp.revoke_token(Token=tokens["RefreshToken"], ClientId=client_id)
        # Then it gets no new tokens
        with pytest.raises(ClientError) as refused:
            idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
        assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_the_patches_refuse_a_moto_release_they_were_not_written_for() -> None:
    moto_patches.check_moto_version(moto_patches.MOTO_VERSION)
    with pytest.raises(moto_patches.MotoVersionError, match=r"moto 5\.2\.5.*moto 5\.3\.0 is installed"):
        moto_patches.check_moto_version("5.3.0")


def test_the_pinned_moto_is_the_one_the_patches_were_written_for() -> None:
    from importlib.metadata import version
    from pathlib import Path

    pins = Path(__file__).resolve().parents[2].joinpath("requirements-dev.txt").read_text()
    assert f"moto[server]=={moto_patches.MOTO_VERSION}" in pins
    assert version("moto") == moto_patches.MOTO_VERSION


def plain_moto(script: str, patched: bool = False) -> Any:
    """What `script` prints as JSON, run in a fresh interpreter where moto is not patched (or, with `patched`,
    where local_stack/moto_patches.py is applied first: the same script both ways is a side-by-side comparison)."""
    import json
    import subprocess
    import textwrap
    from pathlib import Path

    env = {"AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled", "PATH": "/usr/bin:/bin"}
    source = textwrap.dedent(script)
    if patched:
        env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
        source = "from local_stack import moto_patches; moto_patches.apply()\n" + source
    run = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, timeout=120, env=env, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def both_motos(script: str) -> tuple[Any, Any]:
    """The script's answer from plain moto, then from the patched moto."""
    return plain_moto(script), plain_moto(script, patched=True)


RACING_WRITES_AND_READS = """
    import json, sys, threading, boto3
    from moto import mock_aws
    errors = []
    with mock_aws():
        db = boto3.client("dynamodb")
        db.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
                        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("PK", "SK")])
        sys.setswitchinterval(1e-6)  # threads take turns often, as on a busy machine
        done = threading.Event()
        def write(writer):
            client = boto3.client("dynamodb")
            for n in range(150):
                try:
                    client.transact_write_items(TransactItems=[{"Put": {"TableName": "t", "Item": {"PK": {"S": "P"}, "SK": {"S": f"{writer}-{n}"}}}}])
                except Exception as error:
                    errors.append(f"{type(error).__name__}: {error}")
        def read():
            client = boto3.client("dynamodb")
            while not done.is_set():
                try:
                    client.query(TableName="t", KeyConditionExpression="PK = :p", ExpressionAttributeValues={":p": {"S": "P"}})
                except Exception as error:
                    errors.append(f"{type(error).__name__}: {error}")
        writers = [threading.Thread(target=write, args=(w,)) for w in range(3)]
        readers = [threading.Thread(target=read) for _ in range(2)]
        for thread in writers + readers:
            thread.start()
        for thread in writers:
            thread.join()
        done.set()
        for thread in readers:
            thread.join()
        count = db.query(TableName="t", KeyConditionExpression="PK = :p", ExpressionAttributeValues={":p": {"S": "P"}}, Select="COUNT")["Count"]
    print(json.dumps({"errors": sorted(set(e[:80] for e in errors)), "failed": len(errors), "items": count}))
"""


def test_plain_moto_fails_concurrent_transactions_and_queries_and_the_lock_does_not() -> None:
    # Given three threads writing by transaction and two querying the same partition meanwhile
    plain, patched = both_motos(RACING_WRITES_AND_READS)
    # Then plain moto fails some of them (its backend is not thread-safe): patch 1 is still needed
    assert plain["failed"] > 0, f"moto {moto_patches.MOTO_VERSION} is thread-safe now ({plain}): drop patch 1 from moto_patches"
    assert any("dictionary changed size during iteration" in error for error in plain["errors"])
    # And with the lock every call succeeds and every write is there
    assert patched == {"errors": [], "failed": 0, "items": 450}


def test_events_transformed_once_parsed_answer_as_plain_moto_does() -> None:
    # Given a rule with an input transformer and a plain target, two events put, each target's bodies read
    script = """
        import json, boto3
        from moto import mock_aws
        with mock_aws():
            events, sqs = boto3.client("events"), boto3.client("sqs")
            queues = {name: sqs.create_queue(QueueName=name)["QueueUrl"] for name in ("shaped", "whole")}
            arns = {name: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
                    for name, url in queues.items()}
            events.put_rule(Name="r", EventPattern=json.dumps({"source": ["govhub.test"]}))
            events.put_targets(Rule="r", Targets=[
                {"Id": "shaped", "Arn": arns["shaped"], "InputTransformer": {
                    "InputPathsMap": {"name": "$.detail.model.name", "to": "$.detail.status", "all": "$.detail"},
                    "InputTemplate": '{"text": "<name> is now <to>", "detail": <all>}'}},
                {"Id": "whole", "Arn": arns["whole"]},
            ])
            for name, status in (("a", "approved"), ("b", "retired"), ("a", "retired")):
                events.put_events(Entries=[{"Source": "govhub.test", "DetailType": "Status Changed",
                                            "Detail": json.dumps({"model": {"name": name}, "status": status})}])
            bodies = {name: [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
                      for name, url in queues.items()}
        for event in bodies["whole"]:  # each put has its own id and time
            del event["id"], event["time"]
        print(json.dumps(bodies))
    """
    # When moto runs it plain and with its JSONPath parses kept (patch 6)
    plain, patched = both_motos(script)
    # Then the targets got the same bodies both ways
    assert patched == plain
    assert plain["shaped"][0] == {"text": "a is now approved", "detail": {"model": {"name": "a"}, "status": "approved"}}


def test_answers_built_under_the_lock_without_a_deep_copy_are_plain_motos_answers() -> None:
    # Given items with nested maps, lists, sets, numbers and binary values, read by Query (whole and projected,
    # on the table and an index), GetItem and BatchGetItem
    script = """
        import json, boto3
        from moto import mock_aws
        with mock_aws():
            db = boto3.client("dynamodb")
            db.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
                            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("PK", "SK", "G")],
                            GlobalSecondaryIndexes=[{"IndexName": "gsi", "Projection": {"ProjectionType": "ALL"},
                                                     "KeySchema": [{"AttributeName": "G", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}]}])
            for n in range(6):
                db.put_item(TableName="t", Item={
                    "PK": {"S": "P"}, "SK": {"S": f"S#{n}"}, "G": {"S": "G"}, "n": {"N": str(n * 1.5)},
                    "m": {"M": {"a": {"L": [{"S": "x"}, {"N": "1"}, {"M": {"deep": {"BOOL": True}}}]}, "b": {"NULL": True}}},
                    "ss": {"SS": ["b", "a"]}, "ns": {"NS": ["2", "1"]}, "bin": {"B": bytes([n, 255])}})
            def plain(value):  # sets are unordered in DynamoDB: compared as sorted
                value = json.loads(json.dumps(value, default=lambda b: list(b), sort_keys=True))
                def sort_sets(node):
                    if isinstance(node, dict):
                        return {k: sorted(v) if k in ("SS", "NS") else sort_sets(v) for k, v in node.items()}
                    return [sort_sets(v) for v in node] if isinstance(node, list) else node
                return sort_sets(value)
            answers = {
                "query": db.query(TableName="t", KeyConditionExpression="PK = :p", ExpressionAttributeValues={":p": {"S": "P"}}, Limit=4),
                "projected": db.query(TableName="t", IndexName="gsi", KeyConditionExpression="G = :g",
                                      ExpressionAttributeValues={":g": {"S": "G"}}, ProjectionExpression="n, m.a[2], ss",
                                      ScanIndexForward=False),
                "get": db.get_item(TableName="t", Key={"PK": {"S": "P"}, "SK": {"S": "S#3"}}, ProjectionExpression="m, bin"),
                "batch": db.batch_get_item(RequestItems={"t": {"Keys": [{"PK": {"S": "P"}, "SK": {"S": f"S#{n}"}} for n in (1, 5)]}}),
            }
            for answer in answers.values():
                answer.pop("ResponseMetadata")
            answers["batch"]["Responses"]["t"].sort(key=lambda item: item["SK"]["S"])
        print(json.dumps(plain(answers)))
    """
    # When moto answers plain and patched (answers turned into plain data under the lock, no deep copy: patch 7)
    plain, patched = both_motos(script)
    # Then the answers are the same, item for item and byte for byte
    assert patched == plain
    assert [item["SK"]["S"] for item in plain["query"]["Items"]] == ["S#0", "S#1", "S#2", "S#3"]


def test_plain_moto_still_streams_a_cancelled_transaction_and_loses_the_reader() -> None:
    # Given plain moto, a reader that has read the first write, a cancelled transaction and then a committed write
    seen = plain_moto("""
        import json, boto3
        from botocore.exceptions import ClientError
        from moto import mock_aws
        key = lambda pk: {"PK": {"S": pk}, "SK": {"S": "A"}}
        with mock_aws():
            db, streams = boto3.client("dynamodb"), boto3.client("dynamodbstreams")
            db.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
                            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("PK", "SK")],
                            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
            arn = db.describe_table(TableName="t")["Table"]["LatestStreamArn"]
            shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
            state = {"it": streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]}
            def read():
                answer = streams.get_records(ShardIterator=state["it"])
                state["it"] = answer["NextShardIterator"]
                return [r["dynamodb"]["Keys"]["PK"]["S"] for r in answer["Records"]]
            db.put_item(TableName="t", Item=key("first"))
            read()
            try:
                db.transact_write_items(TransactItems=[
                    {"Put": {"TableName": "t", "Item": key("phantom")}},
                    {"ConditionCheck": {"TableName": "t", "Key": key("missing"), "ConditionExpression": "attribute_exists(PK)"}}])
            except ClientError:
                pass
            db.put_item(TableName="t", Item=key("after"))
            print(json.dumps(read()))
    """)
    # Then the reader sees the write that never happened and not the one that did: patch 2 is still needed
    # (the patched moto answers ["after"]: test_a_cancelled_transaction_never_reaches_the_stream_and_the_reader_reads_on)
    assert seen == ["phantom"], f"moto {moto_patches.MOTO_VERSION} fixed this itself ({seen}): drop patch 2 from moto_patches"


def test_the_service_folders_looked_up_once_are_those_plain_moto_finds() -> None:
    moto_patches.apply()
    from moto import backends

    plain = plain_moto("import json; from moto import backends; print(json.dumps(list(backends.list_of_moto_modules())))")
    assert list(backends.list_of_moto_modules()) == plain

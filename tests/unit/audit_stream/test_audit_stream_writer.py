"""Writing the chains under at-least-once delivery: no duplicate, no gap, whatever fails and whoever races.

The bucket and the table are in-memory fakes (audit_stream_fakes); the writer and the powertools
batch processor are the real ones.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from audit_stream_fakes import FakeArchive, FakeIndex, metric_item, model_item, stream_record, version_item
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from govhub.audit import GENESIS_HASH, audit_record_key, encode_record, load_record, seal, verify_chain
from govhub.services.audit import AuditBatchProcessor, AuditService, AuditWriter, ChainConflictError, audit_batch
from govhub.store.audit import AuditHead


class Trail:
    """One audit_stream container: a writer and its batch processor over shared fakes."""

    def __init__(self, index: FakeIndex, archive: FakeArchive) -> None:
        self.index, self.archive = index, archive
        self.processor = AuditBatchProcessor(AuditWriter(index, archive), raise_on_entire_batch_failure=False)

    def deliver(self, records: list[dict]) -> list[int]:
        """Answers the positions reported failed."""
        answer = audit_batch({"Records": records}, self.processor)
        failed = {f["itemIdentifier"] for f in answer["batchItemFailures"]}
        return [i for i, r in enumerate(records) if r["dynamodb"]["SequenceNumber"] in failed]

    def deliver_until_done(self, records: list[dict], attempts: int = 5) -> None:
        batch = list(records)
        for _ in range(attempts):
            failed = self.deliver(batch)
            if not failed:
                return
            batch = batch[min(failed):]
        raise AssertionError("still failing")

    def chain(self, model_id: int) -> list[dict]:
        return [load_record(self.archive.objects[k]) for k in self.archive.keys(model_id)]

    def verify(self, model_id: int) -> dict:
        verdict = AuditService(self.index, self.archive).verify(model_id)
        return {k: verdict[k] for k in ("intact", "records", "head_hash", "first_break")}


@pytest.fixture
def trail() -> Trail:
    return Trail(FakeIndex(), FakeArchive())


def _life_of_model_7() -> list[dict]:
    created = model_item(7)
    reviewed = model_item(7, "2026-11-25T14:10:00+00:00", reason="ready", revision=2, compliance_status="under_review")
    return [
        stream_record("INSERT", created),
        stream_record("INSERT", version_item(3, 7, "v1")),
        stream_record("MODIFY", model_item(7, latest_version_id=3, latest_version_tag="v1"), created),  # pointer only
        stream_record("INSERT", metric_item(11, 3, 7, "f1", 0.93)),
        stream_record("MODIFY", reviewed, created),
    ]


def test_each_change_becomes_one_record_in_sequence_and_the_chain_verifies(trail: Trail) -> None:
    records = _life_of_model_7()
    assert trail.deliver(records) == []
    chain = trail.chain(7)
    assert [(r["sequence"], r["entity"], r["action"]) for r in chain] == [
        (1, "model", "create"), (2, "version", "create"), (3, "metric", "create"), (4, "model", "status_change"),
    ]
    assert [r["event_id"] for r in chain] == [records[i]["eventID"] for i in (0, 1, 3, 4)]
    assert chain[0]["prev_hash"] == GENESIS_HASH and all(b["prev_hash"] == a["hash"] for a, b in zip(chain, chain[1:], strict=False))
    assert trail.index.head(7) == AuditHead(7, 4, chain[-1]["hash"])
    assert sorted(trail.index.records) == [(7, 1), (7, 2), (7, 3), (7, 4)]
    assert trail.verify(7) == {"intact": True, "records": 4, "head_hash": chain[-1]["hash"], "first_break": None}


def test_models_have_independent_chains(trail: Trail) -> None:
    trail.deliver([stream_record("INSERT", model_item(1)), stream_record("INSERT", model_item(2)),
                   stream_record("MODIFY", model_item(1, revision=2, description="x"), model_item(1))])
    assert [r["sequence"] for r in trail.chain(1)] == [1, 2]
    assert [r["sequence"] for r in trail.chain(2)] == [1]


def test_a_redelivered_batch_adds_nothing(trail: Trail) -> None:
    records = _life_of_model_7()
    trail.deliver(records)
    stored = dict(trail.archive.objects)
    # When Lambda delivers the same batch again (at-least-once)
    assert trail.deliver(records) == []
    # Then no record was added or changed, and the chain is still whole
    assert trail.archive.objects == stored
    assert trail.verify(7)["intact"] and trail.index.head(7).sequence == 4


def test_s3_failing_for_one_record_fails_it_and_everything_after_it_and_the_retry_completes_the_chain(trail: Trail) -> None:
    records = _life_of_model_7()
    trail.archive.fail_once.add(audit_record_key(7, 3))  # the metric's record
    # When the batch is delivered, the put of record 3 fails
    failed = trail.deliver(records)
    # Then the metric and every record after it are reported failed; what came before is committed
    assert failed == [3, 4]
    assert trail.index.head(7).sequence == 2
    # When Lambda retries from the first failure
    assert trail.deliver(records[3:]) == []
    # Then every change has exactly one record and the chain verifies
    assert [r["event_id"] for r in trail.chain(7)] == [records[i]["eventID"] for i in (0, 1, 3, 4)]
    assert trail.verify(7)["intact"]


def test_a_crash_between_the_bucket_and_the_table_is_repaired_by_the_retry_without_duplicates(trail: Trail) -> None:
    records = _life_of_model_7()
    trail.index.fail_save_records = 1  # the records are stored, indexing them fails
    assert trail.deliver(records) == [0, 1, 2, 3, 4]
    assert len(trail.archive.objects) == 4 and trail.index.head(7) is None
    # The retry finds its own records in the bucket (same events) and completes the table side
    assert trail.deliver(records) == []
    assert len(trail.archive.objects) == 4
    assert trail.index.head(7).sequence == 4 and trail.verify(7)["intact"]


def test_records_stored_by_an_attempt_that_never_came_back_are_adopted_by_the_next_change(trail: Trail) -> None:
    created, edited = model_item(7), model_item(7, revision=2, description="edited", reason="edit")
    first = [stream_record("INSERT", created), stream_record("MODIFY", edited, created)]
    trail.index.fail_save_records = 1
    trail.deliver(first)  # stored, not indexed; say the stream gave up on them (dead-letter queue)
    # When a later change of the model arrives
    later = stream_record("MODIFY", model_item(7, revision=3, description="again", reason="again"), edited)
    assert trail.deliver([later]) == []
    # Then the stored records became part of the chain, in place, and the new change follows them
    assert [r["event_id"] for r in trail.chain(7)] == [first[0]["eventID"], first[1]["eventID"], later["eventID"]]
    assert trail.index.head(7).sequence == 3 and sorted(trail.index.records) == [(7, 1), (7, 2), (7, 3)]
    # and when the lost events come back after all, they are recognised
    assert trail.deliver(first) == [] and len(trail.archive.objects) == 3


def test_an_event_whose_record_was_taken_in_earlier_in_the_batch_is_not_recorded_twice(trail: Trail) -> None:
    created, edited = model_item(7), model_item(7, revision=2, description="edited", reason="edit")
    first, second = stream_record("INSERT", created), stream_record("MODIFY", edited, created)
    # Given the second change's record already stored at sequence 1 by an attempt that never reached the table
    trail.index.fail_save_records = 1
    trail.deliver([second])
    # When a batch brings the first change, then the second again
    assert trail.deliver([first, second]) == []
    # Then the stored record keeps its place and the second change is not recorded again
    assert [r["event_id"] for r in trail.chain(7)] == [second["eventID"], first["eventID"]]


def test_two_writers_racing_on_one_model_give_one_chain_with_every_change_once() -> None:
    index, archive = FakeIndex(), FakeArchive()
    a, b = Trail(index, archive), Trail(index, archive)
    created = model_item(7)
    model_events = [stream_record("INSERT", created),
                    stream_record("MODIFY", model_item(7, revision=2, compliance_status="under_review", reason="r"), created)]
    version_events = [stream_record("INSERT", version_item(3, 7, "v1")), stream_record("INSERT", metric_item(11, 3, 7, "f1", 0.9))]
    # Given writer B (another shard) starts its batch before writer A moves the head...
    index.on_advance.append(lambda: b.deliver(version_events))
    # When A delivers its batch
    a.deliver(model_events)
    # Then the bucket decided the order, and each change is in the chain once
    chain = a.chain(7)
    assert sorted(r["event_id"] for r in chain) == sorted(r["eventID"] for r in model_events + version_events)
    assert [r["sequence"] for r in chain] == [1, 2, 3, 4]
    assert index.head(7).sequence == 4 and a.verify(7)["intact"]


@pytest.mark.parametrize("tamper", [
    lambda r: {**r, "reason": "rewritten"},  # content that no longer matches its hash
    lambda r: seal({**r, "sequence": 2}, r["prev_hash"]),  # a record claiming another place
    lambda r: seal(r, "f" * 64),  # a record that links to nothing
])
def test_an_object_that_does_not_continue_the_chain_is_never_adopted(trail: Trail, tamper: Any) -> None:
    # Given the next key of model 7's chain holds something that is not its next record
    genuine = seal({"schema": "govhub.audit/1", "model_id": 7, "sequence": 1, "entity": "model", "entity_id": 7,
                    "action": "create", "actor": {"username": "mallory", "role": "admin"}, "reason": None,
                    "time": "2026-11-25T13:00:00.000000+00:00", "changes": {}, "event_id": "planted"}, GENESIS_HASH)
    trail.archive.objects[audit_record_key(7, 1)] = json.dumps(tamper(genuine)).encode()
    # When the model's real first change arrives
    failed = trail.deliver([stream_record("INSERT", model_item(7))])
    # Then it is refused (retried, then dead-lettered with an alarm), and nothing joins the chain
    assert failed == [0]
    assert trail.index.head(7) is None and trail.index.items == {}


def test_the_refusal_names_the_key() -> None:
    index, archive = FakeIndex(), FakeArchive()
    writer = AuditWriter(index, archive)
    archive.objects[audit_record_key(7, 1)] = b"{}"
    raw = stream_record("INSERT", model_item(7))
    writer.begin([DynamoDBRecord(raw)])
    with pytest.raises(ChainConflictError, match=r"audit/model=7/0000000001\.json"):
        writer.write(DynamoDBRecord(raw))


def test_an_index_item_the_head_does_not_cover_yet_does_not_pass_for_a_recorded_event(trail: Trail) -> None:
    # Given event E's record stored and indexed, but the head never moved (a crash right before it)
    created = stream_record("INSERT", model_item(7))
    original_advance = trail.index.advance
    trail.index.advance = lambda current, new: (_ for _ in ()).throw(TimeoutError("crash"))
    assert trail.deliver([created]) == [0]
    trail.index.advance = original_advance
    assert trail.index.items and trail.index.head(7) is None
    # When E is redelivered, it is finished, not skipped: the head moves over its record
    assert trail.deliver([created]) == []
    assert trail.index.head(7).sequence == 1 and len(trail.archive.objects) == 1


def test_the_verification_reports_a_tampered_record_by_sequence(trail: Trail) -> None:
    trail.deliver(_life_of_model_7())
    key = audit_record_key(7, 2)
    record = json.loads(trail.archive.objects[key])
    record["changes"]["version_tag"]["after"] = "v9"
    trail.archive.objects[key] = json.dumps(record).encode()
    verdict = trail.verify(7)
    assert verdict["intact"] is False
    assert (verdict["first_break"]["sequence"], verdict["first_break"]["problem"]) == (2, "modified")


def test_records_written_but_not_yet_anchored_continue_the_chain(trail: Trail) -> None:
    trail.deliver(_life_of_model_7())
    # a fifth record stored, its table write not made yet
    head = trail.index.head(7)
    pending = seal({**trail.chain(7)[-1], "sequence": 5, "event_id": "pending", "hash": None}, head.hash)
    trail.archive.objects[audit_record_key(7, 5)] = encode_record(pending)
    assert trail.verify(7) == {"intact": True, "records": 5, "head_hash": pending["hash"], "first_break": None}
    assert AuditService(trail.index, trail.archive).verify(7)["pending"] == {"from": 5, "to": 5, "count": 1}  # type: ignore[arg-type]
    assert verify_chain(trail.chain(7)).intact

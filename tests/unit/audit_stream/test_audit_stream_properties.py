"""The chain's invariants under any interleaving of two stream shards, S3 faults and table faults (Hypothesis).

Two shards carry one model's changes (as a model item and its versions live under different partition
keys); Lambda delivers each shard's batches in order, retries from the first reported failure, and a
fault may strike any put or any commit. Whatever happens, once both shards are drained: every change
has exactly one record, the sequences run 1..n without a gap, each shard's changes keep their order,
the head is the last record, and the chain verifies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from audit_stream_fakes import FakeArchive, FakeIndex, model_item, stream_record, version_item
from hypothesis import given, settings
from hypothesis import strategies as st

from govhub.audit import audit_record_key, load_record, verify_chain
from govhub.services.audit import AuditBatchProcessor, AuditWriter, audit_batch


@dataclass
class Shard:
    records: list[dict]
    checkpoint: int = 0
    processor: AuditBatchProcessor | None = None
    log: list[str] = field(default_factory=list)

    @property
    def drained(self) -> bool:
        return self.checkpoint >= len(self.records)


def _shards(model_changes: int, version_changes: int) -> tuple[list[dict], list[dict]]:
    created = model_item(7)
    model_records = [stream_record("INSERT", created)]
    previous = created
    for n in range(1, model_changes):
        edited = model_item(7, revision=n + 1, description=f"edit {n}", reason=f"edit {n}")
        model_records.append(stream_record("MODIFY", edited, previous))
        previous = edited
    version_records = [stream_record("INSERT", version_item(100 + n, 7, f"v{n}")) for n in range(version_changes)]
    return model_records, version_records


def _deliver(shard: Shard, batch_size: int) -> None:
    batch = shard.records[shard.checkpoint : shard.checkpoint + batch_size]
    assert shard.processor is not None
    answer = audit_batch({"Records": batch}, shard.processor)
    failed = {f["itemIdentifier"] for f in answer["batchItemFailures"]}
    positions = [i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failed]
    shard.checkpoint += min(positions) if positions else len(batch)


@settings(max_examples=60, deadline=None)
@given(
    model_changes=st.integers(1, 6),
    version_changes=st.integers(0, 5),
    steps=st.lists(
        st.tuples(st.sampled_from([0, 1]), st.integers(1, 4), st.sets(st.integers(1, 12), max_size=2), st.booleans()),
        max_size=25,
    ),
)
def test_any_interleaving_with_any_faults_gives_one_record_per_change_in_one_verified_chain(
    model_changes: int, version_changes: int, steps: list[tuple[int, int, set[int], bool]]
) -> None:
    index, archive = FakeIndex(), FakeArchive()
    shards = [Shard(records) for records in _shards(model_changes, version_changes)]
    for shard in shards:
        shard.processor = AuditBatchProcessor(AuditWriter(index, archive), raise_on_entire_batch_failure=False)
    # Faulty deliveries, in any order
    for which, batch_size, failing_sequences, table_fails in steps:
        shard = shards[which]
        if shard.drained:
            continue
        archive.fail_once = {audit_record_key(7, s) for s in failing_sequences}
        index.fail_save_records = 1 if table_fails else 0
        _deliver(shard, batch_size)
    # Then the faults stop and Lambda keeps retrying until both shards are drained
    archive.fail_once.clear()
    index.fail_save_records = 0
    for shard in shards:
        while not shard.drained:
            _deliver(shard, 100)

    chain = [load_record(archive.objects[k]) for k in archive.keys(7)]
    events = [r["event_id"] for r in chain]
    every_change = [r["eventID"] for shard in shards for r in shard.records]
    assert sorted(events) == sorted(every_change)  # each change exactly once
    assert [r["sequence"] for r in chain] == list(range(1, len(every_change) + 1))  # no gap
    for shard in shards:  # each shard's changes in their order
        own = [e for e in events if e in {r["eventID"] for r in shard.records}]
        assert own == [r["eventID"] for r in shard.records]
    head = index.head(7)
    assert head is not None and (head.sequence, head.hash) == (chain[-1]["sequence"], chain[-1]["hash"])
    assert verify_chain(chain, expected_last_sequence=head.sequence, expected_head_hash=head.hash).intact
    assert sorted(index.items) == sorted(every_change)  # every record indexed

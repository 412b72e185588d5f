"""Signed digests: written every N records (or T minutes), verified incrementally, and tampering with a record,
a digest or a signature is detected. The bucket and the table are fakes; the writer and the reader are real."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from audit_stream_fakes import FakeArchive, FakeIndex, FakeSigningKey, metric_item, model_item, stream_record, version_item

from govhub.audit import audit_record_key, encode_record, load_record, seal, state_as_of
from govhub.audit.digest import digest_hash, digest_key, signed_bytes
from govhub.services.audit import AuditBatchProcessor, AuditService, AuditWriter, DigestCadence, audit_batch
from govhub_cli.bundle import verify_bundle

START = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
KEY = FakeSigningKey()


def at(minute: int) -> str:
    return (START + timedelta(minutes=minute)).isoformat()


def history() -> list[dict]:
    """Ten changes of model 7: created, a version, six metrics, review, approval."""
    changes = [stream_record("INSERT", model_item(7, at(0))), stream_record("INSERT", version_item(3, 7, "v1", at(1)))]
    changes += [stream_record("INSERT", metric_item(100 + i, 3, 7, "accuracy", 0.80 + i / 100, at(2 + i))) for i in range(6)]
    reviewed = model_item(7, at(10), reason="ready", revision=2, compliance_status="under_review")
    approved = model_item(7, at(11), by="ana.admin", role="admin", reason="ok", revision=3, compliance_status="approved",
                          approved_version_id=3)
    changes += [stream_record("MODIFY", reviewed, model_item(7, at(0))), stream_record("MODIFY", approved, reviewed)]
    return changes


class Trail:
    def __init__(self, every: int = 3, now: datetime = START + timedelta(minutes=12)) -> None:
        self.index, self.archive = FakeIndex(), FakeArchive()
        writer = AuditWriter(self.index, self.archive, KEY, DigestCadence(records=every, minutes=60), clock=lambda: now)  # type: ignore[arg-type]
        self.processor = AuditBatchProcessor(writer, raise_on_entire_batch_failure=False)

    def deliver(self, records: list[dict], batch: int = 4) -> None:
        for start in range(0, len(records), batch):
            answer = audit_batch({"Records": records[start : start + batch]}, self.processor)
            assert answer["batchItemFailures"] == []

    def service(self, sample: int = 100) -> AuditService:
        return AuditService(self.index, self.archive, signing_key=KEY, sample_size=sample)  # type: ignore[arg-type]

    def records(self) -> list[dict]:
        return [load_record(self.archive.objects[k]) for k in self.archive.keys(7)]

    def digest(self, number: int) -> dict:
        return json.loads(self.archive.objects[digest_key(7, number)])

    def store_digest(self, number: int, digest: dict) -> None:
        """What someone with write access to the bucket and the table (not to the key) can do: rewrite both copies."""
        self.archive.objects[digest_key(7, number)] = encode_record(digest)
        self.index.digest_copies[(7, number)] = encode_record(digest)


@pytest.fixture
def trail() -> Trail:
    t = Trail()
    t.deliver(history())
    return t


def test_a_digest_is_written_every_n_records_and_verification_reads_from_the_last_one(trail: Trail) -> None:
    assert trail.index.digest_head(7).number == 3 and trail.index.digest_head(7).last_sequence == 9
    assert [trail.digest(n)["first_sequence"] for n in (1, 2, 3)] == [1, 4, 7]
    assert trail.digest(2)["previous_digest_hash"] == trail.digest(1)["hash"]
    verdict = trail.service(sample=4).verify(7)
    assert verdict["intact"] is True and verdict["mode"] == "incremental" and verdict["records"] == 10
    assert verdict["digests"]["count"] == 3 and verdict["digests"]["signatures_verified"] == 3
    assert verdict["verified_records"] == {"from": 10, "to": 10, "count": 1}
    # a sample of 4 is drawn from one digest (4 records a digest), here of 3 records
    assert verdict["sample"]["size"] == 3 and len({(s - 1) // 3 for s in verdict["sample"]["sequences"]}) == 1
    assert verdict["head_hash"] == trail.records()[-1]["hash"]


def test_a_digest_is_written_after_t_minutes_even_below_n_records() -> None:
    early, late = Trail(every=1000), Trail(every=1000, now=START + timedelta(minutes=75))
    early.deliver(history())
    late.deliver(history())
    assert early.index.digest_head(7).number == 0
    # every batch (of 4) finds its oldest undigested record over an hour old: a digest each time
    assert late.index.digest_head(7).last_sequence == 10
    assert [late.digest(n)["first_sequence"] for n in (1, 2, 3)] == [1, 5, 9]


def test_a_changed_record_covered_by_a_digest_is_detected_even_when_re_sealed(trail: Trail) -> None:
    record = trail.records()[4]  # sequence 5, under digest 2
    forged = seal({**record, "changes": {"value": {"before": None, "after": 0.99}}}, record["prev_hash"])
    trail.archive.objects[audit_record_key(7, 5)] = encode_record(forged)
    verdict = trail.service(sample=9).verify(7)
    assert verdict["intact"] is False
    assert verdict["first_break"]["sequence"] == 5 and verdict["first_break"]["problem"] == "modified"


def test_a_changed_record_after_the_last_digest_is_detected(trail: Trail) -> None:
    record = trail.records()[-1]
    trail.archive.objects[audit_record_key(7, 10)] = encode_record({**record, "reason": "nothing to see"})
    verdict = trail.service(sample=0).verify(7)
    assert (verdict["intact"], verdict["first_break"]["sequence"], verdict["first_break"]["problem"]) == (False, 10, "modified")


def test_a_changed_digest_is_detected(trail: Trail) -> None:
    digest = trail.digest(2)
    digest["merkle_root"] = "0" * 64  # the hash no longer matches
    trail.store_digest(2, digest)
    verdict = trail.service().verify(7)
    assert verdict["intact"] is False
    assert verdict["first_break"]["problem"] == "modified" and verdict["first_break"]["digest"] == 2


def test_a_digest_object_that_differs_from_its_signed_copy_is_detected(trail: Trail) -> None:
    digest = trail.digest(1)
    digest["created_at"] = at(40)
    trail.archive.objects[digest_key(7, 1)] = encode_record(digest)  # the bucket object only
    verdict = trail.service(sample=9).verify(7)
    assert (verdict["intact"], verdict["first_break"]["problem"], verdict["first_break"]["digest"]) == (False, "modified", 1)


def test_a_digest_re_signed_without_the_key_is_detected_as_forged(trail: Trail) -> None:
    # Someone who can write to the bucket and table, but cannot use the KMS key, rewrites a digest consistently.
    digest = trail.digest(3)
    digest["last_time"] = at(30)
    digest["hash"] = digest_hash(digest)
    digest["signature"] = base64.b64encode(FakeSigningKey().sign(signed_bytes(digest))).decode()
    trail.store_digest(3, digest)
    verdict = trail.service().verify(7)
    assert verdict["intact"] is False
    assert (verdict["first_break"]["problem"], verdict["first_break"]["digest"]) == ("forged", 3)


def test_a_garbled_signature_is_detected(trail: Trail) -> None:
    digest = trail.digest(1)
    signature = bytearray(base64.b64decode(digest["signature"]))
    signature[10] ^= 1
    digest["signature"] = base64.b64encode(bytes(signature)).decode()
    trail.store_digest(1, digest)
    assert trail.service().verify(7)["first_break"]["problem"] == "forged"


def test_records_the_writer_has_not_finished_are_pending_not_missing(trail: Trail) -> None:
    head = trail.index.head(7)
    for sequence in (11, 12):  # stored, the head not moved yet
        previous = trail.records()[-1]
        trail.archive.objects[audit_record_key(7, sequence)] = encode_record(
            seal({**previous, "sequence": sequence, "event_id": f"pending-{sequence}"}, previous["hash"]))
    verdict = trail.service().verify(7)
    assert verdict["intact"] is True and verdict["first_break"] is None
    assert verdict["pending"] == {"from": 11, "to": 12, "count": 2} and verdict["records"] == 12
    assert trail.index.head(7) == head


def test_a_record_removed_below_the_head_is_missing(trail: Trail) -> None:
    del trail.archive.objects[audit_record_key(7, 10)]
    verdict = trail.service().verify(7)
    assert (verdict["intact"], verdict["first_break"]["problem"], verdict["first_break"]["sequence"]) == (False, "missing", 10)


def test_as_of_from_the_nearest_snapshot_answers_as_a_replay_from_the_first_record(trail: Trail) -> None:
    records = trail.records()
    for minute in (0, 1, 4, 6, 8, 10, 11, 30):
        moment = START + timedelta(minutes=minute, seconds=30)
        answer = trail.service().as_of(7, moment)
        expected = state_as_of(records, moment)
        assert {k: answer[k] for k in expected} == expected, minute  # type: ignore[union-attr]


def test_the_summary_counts_every_record_and_keeps_the_approval_history(trail: Trail) -> None:
    summary = trail.service().summary(7, last=3)
    assert summary["records"] == 10
    assert summary["counts"] == {"metric.create": 6, "model.create": 1, "model.status_change": 2, "version.create": 1}
    assert [(h["from"], h["to"]) for h in summary["approval_history"]] == [
        (None, "draft"), ("draft", "under_review"), ("under_review", "approved")]
    assert [(h["from"], h["to"]) for h in summary["risk_history"]] == [(None, "high")]
    assert summary["approval_history"][-1]["approved_version_id"] == 3
    assert [r["sequence"] for r in summary["last_records"]] == [8, 9, 10]
    assert summary["verification"]["intact"] is True


# -- offline, from the export bundle ------------------------------------------------------------------


def _write(files: dict[str, bytes], folder) -> None:  # noqa: ANN001 - a pytest tmp_path
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def _relist(files: dict[str, bytes]) -> None:
    """What a forger with the whole bundle does: rewrite the manifest's file hashes to match."""
    manifest = json.loads(files["manifest.json"])
    manifest["files"] = {n: hashlib.sha256(d).hexdigest() for n, d in files.items() if n != "manifest.json"}
    files["manifest.json"] = json.dumps(manifest).encode()


def test_the_bundle_carries_the_digests_and_key_and_verifies_offline(trail: Trail, tmp_path) -> None:  # noqa: ANN001
    files = trail.service().export(7)
    _write(files, tmp_path)
    result = verify_bundle(tmp_path, expected_key=hashlib.sha256(KEY.public_key_der()).hexdigest())
    assert result["intact"] is True and result["digests"] == 3 and result["records"] == 10


def test_offline_a_re_sealed_chain_is_caught_by_the_signed_digests(trail: Trail, tmp_path) -> None:  # noqa: ANN001
    # Given a forger who rewrites record 2 and re-seals every record after it, and the manifest
    files = trail.service().export(7)
    previous = json.loads(files["records/00000001.json"])["hash"]
    for sequence in range(2, 11):
        record = json.loads(files[f"records/{sequence:08d}.json"])
        if sequence == 2:
            record["changes"]["version_tag"]["after"] = "v9"
        sealed = seal(record, previous)
        files[f"records/{sequence:08d}.json"] = encode_record(sealed)
        previous = sealed["hash"]
    manifest = json.loads(files["manifest.json"])
    manifest["head_hash"] = previous
    files["manifest.json"] = json.dumps(manifest).encode()
    _relist(files)
    _write(files, tmp_path)
    # Then the chain links, but the first digest's Merkle root is not that of the records
    problems = verify_bundle(tmp_path)["problems"]
    assert [(p["file"], p["problem"]) for p in problems] == [("digests/00000001.json", "modified")]


def test_offline_digests_re_signed_with_another_key_are_forged_against_the_expected_key(trail: Trail, tmp_path) -> None:  # noqa: ANN001
    files = trail.service().export(7)
    forger = FakeSigningKey()
    manifest = json.loads(files["manifest.json"])
    manifest["signing_keys"] = {KEY.arn(): base64.b64encode(forger.public_key_der()).decode()}
    files["manifest.json"] = json.dumps(manifest).encode()
    for number in (1, 2, 3):
        digest = json.loads(files[f"digests/{number:08d}.json"])
        digest["signature"] = base64.b64encode(forger.sign(signed_bytes(digest))).decode()
        files[f"digests/{number:08d}.json"] = encode_record(digest)
    _relist(files)
    _write(files, tmp_path)
    assert verify_bundle(tmp_path)["intact"] is True  # self-consistent: only the key's fingerprint tells
    result = verify_bundle(tmp_path, expected_key=hashlib.sha256(KEY.public_key_der()).hexdigest())
    assert [(p["file"], p["problem"]) for p in result["problems"]] == [("manifest.json", "forged")]


def test_offline_a_digest_with_a_garbled_signature_is_forged(trail: Trail, tmp_path) -> None:  # noqa: ANN001
    files = trail.service().export(7)
    digest = json.loads(files["digests/00000002.json"])
    digest["signature"] = base64.b64encode(b"\x01" * 256).decode()
    files["digests/00000002.json"] = encode_record(digest)
    _relist(files)
    _write(files, tmp_path)
    problems = verify_bundle(tmp_path)["problems"]
    assert [(p["file"], p["problem"]) for p in problems] == [("digests/00000002.json", "forged")]

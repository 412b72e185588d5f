"""The audit trail's use cases: turn committed changes into chained records, and read, verify and replay them.

Writing (the ``audit_stream`` function): every stream record of an audited item becomes an
``AuditChange`` (``change_from_stream``), and ``AuditWriter`` gives it the model's next sequence,
seals it with the previous record's hash and stores it. The protocol, for at-least-once delivery and
concurrent writers of one chain (``docs/audit-trail.md``, "How records are written"):

1. read the heads of the batch's models, then the index items of its events: an event whose item
   names a sequence the head already covers is done (a redelivery);
2. seal every other change against the heads in memory and store it with a conditional put
   (If-None-Match) at ``audit/model=<id>/<s:010d>.json``: the bucket decides which record holds a
   sequence. If the key is taken by the same event (an earlier attempt), that stored record is used;
   if by another event's record that continues the chain from the head (a concurrent writer, or an
   attempt that failed before reaching the table), it is adopted into the chain and the change moves
   on to the next sequence; anything else is refused (only this function may write to the bucket:
   its policy says so);
3. index the records, then move each model's head with a condition on where it was. Records are
   written in order and a failure stops the batch, so no sequence is ever skipped, and an event is
   given at most one record.

Reading: ``audit_records``/``verify_model`` (used by the reports), the audit-log lists, the chain
verification against the head, the model as of a past moment, and the export bundle.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import itertools
import json
import logging
import random
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol, cast

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
)

from govhub.audit import (
    GENESIS_HASH,
    ChainVerification,
    RecordFormatError,
    audit_record_key,
    build_bundle,
    canonical_json,
    encode_record,
    field_changes,
    load_record,
    new_record,
    parse_audit_record_key,
    record_hash,
    seal,
    verify_chain,
)
from govhub.audit.asof import Replay, replay_records
from govhub.audit.digest import (
    DigestProblem,
    check_digest_chain,
    check_leaves,
    check_sampled_record,
    digest_files,
    digest_hash,
    digest_key,
    leaves_key,
    snapshot_key,
    verify_pss_signature,
)
from govhub.audit.record import format_time, parse_time
from govhub.config import settings
from govhub.domain.entities import Page
from govhub.errors import GovhubError, NotFoundError
from govhub.store import keys
from govhub.store.audit import (
    AuditArchive,
    AuditHead,
    AuditIndexRepository,
    AuditQuery,
    AuditSigningKey,
    DigestHead,
    IndexedEvent,
    RecordExistsError,
)
from govhub.store.items import MODEL_BOOKKEEPING_ATTRIBUTES

logger = logging.getLogger(__name__)

# The audit trail's ports (govhub.store.audit implements them over the table and the Object Lock bucket;
# the unit tests over dicts).
class AuditIndex(Protocol):
    def head(self, model_id: int) -> AuditHead | None: ...
    def heads(self, model_ids: Iterable[int]) -> dict[int, AuditHead]: ...
    def advance(self, current: AuditHead, new: AuditHead) -> bool: ...
    def indexed_events(self, event_ids: Iterable[str]) -> dict[str, IndexedEvent]: ...
    def save_records(self, records: Iterable[Mapping[str, Any]]) -> None: ...
    def list(self, query: AuditQuery, limit: int, cursor: str | None) -> Page: ...
    def digest_heads(self, model_ids: Iterable[int]) -> dict[int, DigestHead]: ...
    def digest_head(self, model_id: int) -> DigestHead: ...
    def advance_digest(self, current: DigestHead, new: DigestHead) -> bool: ...
    def save_digest(self, model_id: int, number: int, document: bytes) -> None: ...
    def digests(self, model_id: int, count: int) -> dict[int, bytes]: ...


class AuditStore(Protocol):
    def put_new(self, key: str, data: bytes) -> None: ...
    def keys(self, model_id: int) -> list[str]: ...
    def read(self, keys_in_order: list[str]) -> list[bytes]: ...
    def get(self, key: str) -> bytes: ...
    def get_if_present(self, key: str) -> bytes | None: ...
    def read_present(self, keys_in_order: list[str]) -> list[bytes | None]: ...
    def has_any(self, model_id: int) -> bool: ...

# -- from a committed change to an audit record ----------------------------------------------------

AUDITED_ENTITIES = (
    keys.ENTITY_MODEL, keys.ENTITY_VERSION, keys.ENTITY_METRIC, keys.ENTITY_REPORT, keys.ENTITY_POLICY,
    keys.ENTITY_APPROVAL, keys.ENTITY_TEAM,
    keys.ENTITY_TIMELINE, keys.ENTITY_ATTESTATION, keys.ENTITY_EVIDENCE, keys.ENTITY_FRAMEWORKS,
    keys.ENTITY_MONITORING_PLAN, keys.ENTITY_FINDING, keys.ENTITY_REVIEW, keys.ENTITY_INCIDENT, keys.ENTITY_INCIDENT_DEADLINES,
    keys.ENTITY_DATASET, keys.ENTITY_DATASET_VERSION,
)
# The attribute that holds each entity's own id (a tombstone names what it deleted, a model by default).
ENTITY_ID_ATTRIBUTE = {
    keys.ENTITY_MODEL: "model_id",
    keys.ENTITY_VERSION: "version_id",
    keys.ENTITY_METRIC: "metric_id",
    keys.ENTITY_REPORT: "report_id",
    keys.ENTITY_POLICY: "version",
    keys.ENTITY_APPROVAL: "snapshot_sha256",
    keys.ENTITY_TEAM: "slug",
    keys.ENTITY_TIMELINE: "version",
    keys.ENTITY_ATTESTATION: "obligation_id",
    keys.ENTITY_EVIDENCE: "evidence_id",
    keys.ENTITY_FRAMEWORKS: "version",
    keys.ENTITY_MONITORING_PLAN: "model_id",
    keys.ENTITY_FINDING: "metric",
    keys.ENTITY_REVIEW: "review_id",
    keys.ENTITY_INCIDENT: "incident_id",
    keys.ENTITY_INCIDENT_DEADLINES: "version",
    keys.ENTITY_DATASET: "dataset_id",
    keys.ENTITY_DATASET_VERSION: "dataset_version_id",
}
# Attributes that are bookkeeping, not facts about the object: keys, index keys, revision, the stamp
# (actor, reason and time are the record's own fields), pointers kept for reads, expiry.
BOOKKEEPING = frozenset(
    {"PK", "SK", "entity", "model_id", "revision", "name_key", "expires_at", "item_type"}
    | {f"GSI{n}{part}" for n in range(1, 10) for part in ("PK", "SK")}
    | {"created_at", "created_by", "updated_at", "updated_by", "updated_by_role", "change_reason", "claimed_context"}
    | set(MODEL_BOOKKEEPING_ATTRIBUTES)
)
SNAPSHOT_BOOKKEEPING = frozenset({"id", "revision", "latest_version", "stamp"})
UNKNOWN = "unknown"


@dataclass(frozen=True)
class AuditChange:
    """One committed change, before it is given its place in the model's chain."""

    event_id: str
    model_id: int
    entity: str
    entity_id: Any
    action: str
    actor: dict[str, str]
    reason: str | None
    time: str
    changes: dict[str, dict[str, Any]]
    claimed_context: dict[str, str] | None = None

    def record(self, sequence: int) -> dict[str, Any]:
        return new_record(
            model_id=self.model_id,
            sequence=sequence,
            entity=cast(Any, self.entity),
            entity_id=self.entity_id,
            action=cast(Any, self.action),
            actor=self.actor,
            reason=self.reason,
            time=self.time,
            changes=self.changes,
            event_id=self.event_id,
            claimed_context=self.claimed_context,
        )


def change_from_stream(
    event_name: str,
    event_id: str,
    old_image: Mapping[str, Any] | None,
    new_image: Mapping[str, Any] | None,
    approximate_time: datetime | None = None,
) -> AuditChange | None:
    """The audit fact of one stream record (images as plain Python values), or None if it is not one.

    REMOVE events are not facts: a delete writes a tombstone in its transaction (who, why, the last
    state) and that INSERT is the delete's record. A MODIFY that changes only bookkeeping (revision,
    time stamps, index keys, the latest-version pointer) is not a fact either.
    """
    if event_name == "REMOVE" or not new_image:
        return None
    new = plain(new_image)
    entity = new.get("entity")
    model_id = new.get("model_id")
    if not isinstance(model_id, int) or isinstance(model_id, bool):
        return None
    if entity == keys.ENTITY_TOMBSTONE:
        return _deletion(event_name, event_id, new, model_id, approximate_time) if event_name == "INSERT" else None
    if entity not in AUDITED_ENTITIES:
        return None
    id_attribute = ENTITY_ID_ATTRIBUTE[entity]
    exclude = BOOKKEEPING | {id_attribute}
    if event_name == "INSERT":
        changes = field_changes(None, new, exclude=exclude)
        action = {keys.ENTITY_REPORT: "report_generated", keys.ENTITY_APPROVAL: "approval_sealed"}.get(entity, "create")
    else:
        changes = field_changes(plain(old_image or {}), new, exclude=exclude)
        if not changes:
            return None
        action = _modify_action(entity, changes)
    return AuditChange(
        event_id=event_id,
        model_id=model_id,
        entity=entity,
        entity_id=new.get(id_attribute, model_id),
        action=action,
        actor=_actor(new),
        reason=new.get("change_reason"),
        time=_time(new, approximate_time),
        changes=changes,
        claimed_context=_claimed_context(new),
    )


def _deletion(event_name: str, event_id: str, tombstone: dict[str, Any], model_id: int, approximate_time: datetime | None) -> AuditChange:
    snapshot = tombstone.get("snapshot")
    last_state = json.loads(snapshot) if isinstance(snapshot, str) else {}
    if not isinstance(last_state, dict):
        last_state = {}
    entity = tombstone.get("deleted_entity") or keys.ENTITY_MODEL
    return AuditChange(
        event_id=event_id,
        model_id=model_id,
        entity=entity,
        entity_id=tombstone.get("deleted_id", model_id),
        action="delete",
        actor=_actor(tombstone),
        reason=tombstone.get("change_reason"),
        time=_time(tombstone, approximate_time),
        changes=field_changes(last_state, None, exclude=SNAPSHOT_BOOKKEEPING),
    )


def _modify_action(entity: str, changes: Mapping[str, Any]) -> str:
    if entity == keys.ENTITY_MODEL:
        if "compliance_status" in changes:
            return "status_change"
        if "risk_level" in changes or "risk_justification" in changes:
            return "risk_change"
    return "update"


def _claimed_context(image: Mapping[str, Any]) -> dict[str, str] | None:
    """What a pipeline said about its run when it made the change (claimed, never verified)."""
    context = image.get("claimed_context")
    if not isinstance(context, Mapping) or not context:
        return None
    return {str(k): str(v) for k, v in context.items()}


def _actor(image: Mapping[str, Any]) -> dict[str, str]:
    return {
        "username": str(image.get("updated_by") or image.get("created_by") or UNKNOWN),
        "role": str(image.get("updated_by_role") or UNKNOWN),
    }


def _time(image: Mapping[str, Any], approximate_time: datetime | None) -> str:
    stamped = image.get("updated_at") or image.get("created_at")
    if isinstance(stamped, str):
        try:
            return format_time(stamped)
        except ValueError:
            pass
    return format_time(approximate_time or datetime.now(UTC))


def plain(value: Any) -> Any:
    """A stream image's values as JSON values: Decimal -> int or float, sets -> sorted lists, bytes -> base64."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v) for v in value), key=lambda v: (str(type(v)), v))
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    return value


def change_from_record(record: DynamoDBRecord) -> AuditChange | None:
    """``change_from_stream`` for a powertools stream record."""
    stream, event_name = record.dynamodb, record.get("eventName")
    if stream is None or not isinstance(event_name, str) or record.event_id is None:
        return None
    approximate = stream.approximate_creation_date_time
    return change_from_stream(
        event_name,
        record.event_id,
        stream.old_image,
        stream.new_image,
        datetime.fromtimestamp(approximate, UTC) if approximate is not None else None,
    )


# -- writing the chain -------------------------------------------------------------------------------


class ChainConflictError(Exception):
    """The next key of a chain holds an object that does not continue it: refused, never adopted."""


class EarlierRecordFailedError(Exception):
    """Not attempted: an earlier record of the batch failed, and a chain is written in order."""


class HeadMovedError(Exception):
    """The head moved in a way no writer of this protocol moves it."""


HEAD_ATTEMPTS = 8


@dataclass
class _Batch:
    changes: dict[str, AuditChange | None] = field(default_factory=dict)
    unreadable: dict[str, Exception] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)
    stored_heads: dict[int, AuditHead] = field(default_factory=dict)  # what the table held when the batch began
    heads: dict[int, AuditHead] = field(default_factory=dict)  # the chain's end as this batch has written it
    digest_heads: dict[int, DigestHead] = field(default_factory=dict)
    staged: dict[int, list[tuple[dict[str, Any], int]]] = field(default_factory=dict)  # model -> (record, position)
    position: dict[str, int] = field(default_factory=dict)


class AuditWriter:
    """Writes one stream batch into the model chains: ``begin``, ``write`` each record in order, ``commit``."""

    def __init__(
        self,
        index: AuditIndex,
        archive: AuditStore,
        signer: AuditSigningKey | None = None,
        cadence: DigestCadence | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._index = index
        self._archive = archive
        self._digests = DigestWriter(index, archive, signer, cadence or DigestCadence(), clock) if signer and signer.configured else None
        self._batch = _Batch()

    def begin(self, records: list[DynamoDBRecord]) -> None:
        batch = _Batch()
        for position, record in enumerate(records):
            event_id = record.event_id or f"unnamed-{position}"
            batch.position[event_id] = position
            try:
                batch.changes[event_id] = change_from_record(record)
            except Exception as error:  # noqa: BLE001 - reported as this record's failure by write()
                batch.unreadable[event_id] = error
        changes = [c for c in batch.changes.values() if c is not None]
        # Heads before index items: an event committed in between is then seen by its item.
        batch.stored_heads = self._index.heads(c.model_id for c in changes)
        batch.heads = dict(batch.stored_heads)
        if self._digests is not None:
            batch.digest_heads = self._index.digest_heads(c.model_id for c in changes)
        indexed = self._index.indexed_events(c.event_id for c in changes)
        batch.done = {
            event_id
            for event_id, item in indexed.items()
            if item.sequence <= batch.stored_heads.get(item.model_id, AuditHead(item.model_id)).sequence
        }
        self._batch = batch

    def write(self, record: DynamoDBRecord) -> int | None:
        """Store the record of one stream record; answers its sequence (None if it needs none)."""
        batch = self._batch
        event_id = record.event_id or ""
        if event_id in batch.unreadable:
            raise batch.unreadable[event_id]
        change = batch.changes.get(event_id)
        if change is None or event_id in batch.done:
            return None
        position = batch.position[event_id]
        head = batch.heads.get(change.model_id, AuditHead(change.model_id))
        while True:
            sealed = seal(change.record(head.sequence + 1), head.hash)
            key = audit_record_key(change.model_id, sealed["sequence"])
            try:
                self._archive.put_new(key, encode_record(sealed))
                stored = sealed
            except RecordExistsError as taken:
                stored = self._continuation(taken, head)
                if stored["event_id"] != event_id:  # another event's record holds this place: it is the chain
                    head = self._stage(stored, position)
                    batch.done.add(str(stored["event_id"]))  # recorded now, should that event come later in the batch
                    continue
            self._stage(stored, position)
            return int(stored["sequence"])

    def _continuation(self, taken: RecordExistsError, head: AuditHead) -> dict[str, Any]:
        """The record stored at the next key, if it genuinely continues the chain from ``head``."""
        try:
            stored = load_record(taken.stored)
        except RecordFormatError as error:
            raise ChainConflictError(f"{taken.key} holds something that is not an audit record: {error}") from None
        model_id, sequence = parse_audit_record_key(taken.key)
        genuine = (
            stored.get("hash") == record_hash(stored)
            and stored.get("model_id") == model_id
            and stored.get("sequence") == sequence
            and stored.get("prev_hash") == head.hash
            and isinstance(stored.get("event_id"), str)
            and isinstance(stored.get("time"), str)
            and isinstance(stored.get("actor"), dict)
        )
        if not genuine:
            raise ChainConflictError(f"{taken.key} holds a record that does not continue the chain from record {head.sequence}")
        return stored

    def _stage(self, record: dict[str, Any], position: int) -> AuditHead:
        model_id = int(record["model_id"])
        head = AuditHead(model_id, int(record["sequence"]), str(record["hash"]))
        self._batch.staged.setdefault(model_id, []).append((record, position))
        self._batch.heads[model_id] = head
        return head

    def commit(self) -> set[int]:
        """Index the staged records and move the heads; answers the batch positions whose records did not commit."""
        failed: set[int] = set()
        batch = self._batch
        for model_id, staged in batch.staged.items():
            try:
                self._index.save_records(record for record, _ in staged)
                self._move_head(batch.stored_heads.get(model_id, AuditHead(model_id)), batch.heads[model_id])
            except Exception:  # noqa: BLE001 - these records are retried from the stream; the rest stand
                failed.update(position for _, position in staged)
                continue
            if self._digests is not None:
                self._digests.write_due(batch.heads[model_id], batch.digest_heads.get(model_id, DigestHead(model_id)),
                                        [record for record, _ in staged])
        self._batch = _Batch()
        return failed

    def _move_head(self, current: AuditHead, new: AuditHead) -> None:
        for _ in range(HEAD_ATTEMPTS):
            if self._index.advance(current, new):
                return
            # Another writer moved it: through the same stored records, since the bucket decides every key.
            fresh = self._index.head(new.model_id) or AuditHead(new.model_id)
            if fresh.sequence >= new.sequence:
                return
            if fresh.sequence < current.sequence:
                raise HeadMovedError(f"the head of model {new.model_id} went back from {current.sequence} to {fresh.sequence}")
            current = fresh
        raise HeadMovedError(f"the head of model {new.model_id} kept moving")


@dataclass(frozen=True)
class DigestCadence:
    """A digest every ``records`` records of a chain, or when its oldest undigested record is ``minutes`` old."""

    records: int = 1000
    minutes: int = 60

    @classmethod
    def from_settings(cls) -> DigestCadence:
        return cls(settings().audit_digest_every_records, settings().audit_digest_every_minutes)


class DigestWriter:
    """Writes the signed digests of a chain once its head has moved (``govhub.audit.digest``).

    Best effort by design: the records are committed already, and a digest that could not be written is
    still due when the writer next runs for the chain, so a failure is logged, never failed back to the
    stream. The range is read back from the bucket and verified before it is signed: a digest never
    vouches for records that do not chain.
    """

    def __init__(self, index: AuditIndex, archive: AuditStore, signer: AuditSigningKey,
                 cadence: DigestCadence, clock: Callable[[], datetime] | None = None) -> None:
        self._index = index
        self._archive = archive
        self._signer = signer
        self._cadence = cadence
        self._clock = clock or (lambda: datetime.now(UTC))

    def write_due(self, head: AuditHead, digest_head: DigestHead, fresh: list[dict[str, Any]]) -> None:
        try:
            while self._due(head, digest_head, fresh):
                moved = self._write_next(head, digest_head)
                if moved is None:
                    return
                digest_head = moved
        except Exception:  # noqa: BLE001 - see the class docstring
            logger.exception("digest of model %s not written; retried with its next change", head.model_id)

    def _due(self, head: AuditHead, digest_head: DigestHead, fresh: list[dict[str, Any]]) -> bool:
        undigested = head.sequence - digest_head.last_sequence
        if undigested <= 0:
            return False
        if undigested >= self._cadence.records:
            return True
        first = digest_head.last_sequence + 1
        oldest = next((r["time"] for r in fresh if r["sequence"] == first), None)
        if oldest is None:
            data = self._archive.get_if_present(audit_record_key(head.model_id, first))
            oldest = load_record(data).get("time") if data else None
        age = self._clock() - parse_time(str(oldest)) if oldest else timedelta(0)
        return age >= timedelta(minutes=self._cadence.minutes)

    def _write_next(self, head: AuditHead, digest_head: DigestHead) -> DigestHead | None:
        model_id, first = head.model_id, digest_head.last_sequence + 1
        last = min(head.sequence, digest_head.last_sequence + self._cadence.records)
        stored = self._archive.read_present([audit_record_key(model_id, s) for s in range(first, last + 1)])
        if any(data is None for data in stored):
            raise ChainConflictError(f"records {first}-{last} of model {model_id} are not all in the bucket")
        records = [load_record(cast(bytes, data)) for data in stored]
        previous, previous_state = self._previous(digest_head)
        check = verify_chain(records, start_sequence=first, start_prev_hash=str(previous["head_hash"]) if previous else GENESIS_HASH)
        if not check.intact:
            raise ChainConflictError(f"records {first}-{last} of model {model_id} do not chain: {check.first_break}")
        number = digest_head.number + 1
        made = digest_files(
            model_id=model_id, number=number, records=records, previous=previous, previous_state=previous_state,
            created_at=format_time(self._clock()), key_id=self._signer.arn(), sign=self._signer.sign,
        )
        for key, data in made.files.items():
            try:
                self._archive.put_new(key, data)
            except RecordExistsError as taken:
                if key == digest_key(model_id, number):  # another writer signed digest `number` first: theirs stands
                    return self._adopt(digest_head, taken.stored)
                # leaves and snapshots are named by their range, so a same-named one holds the same bytes
        self._index.save_digest(model_id, number, made.files[digest_key(model_id, number)])
        moved = DigestHead(model_id, number, last, str(made.digest["hash"]), str(made.digest["created_at"]))
        return moved if self._index.advance_digest(digest_head, moved) else None

    def _previous(self, digest_head: DigestHead) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        if digest_head.number == 0:
            return None, None
        model_id = digest_head.model_id
        previous = load_record(self._archive.get(digest_key(model_id, digest_head.number)))
        if previous.get("hash") != digest_head.hash or digest_hash(previous) != digest_head.hash:
            raise ChainConflictError(f"digest {digest_head.number} of model {model_id} is not the one the table names")
        snapshot = self._archive.get(snapshot_key(model_id, digest_head.number, digest_head.last_sequence))
        if hashlib.sha256(snapshot).hexdigest() != previous.get("snapshot_sha256"):
            raise ChainConflictError(f"the snapshot of digest {digest_head.number} of model {model_id} was changed")
        return previous, load_record(snapshot)["state"]

    def _adopt(self, digest_head: DigestHead, stored: bytes) -> DigestHead | None:
        digest = load_record(stored)
        if digest.get("previous_digest_hash") != digest_head.hash or digest.get("hash") != digest_hash(digest):
            raise ChainConflictError(f"digest {digest_head.number + 1} of model {digest_head.model_id} does not continue the digests")
        self._index.save_digest(digest_head.model_id, int(digest["number"]), stored)
        moved = DigestHead(digest_head.model_id, int(digest["number"]), int(digest["last_sequence"]), str(digest["hash"]),
                           str(digest["created_at"]))
        return moved if self._index.advance_digest(digest_head, moved) else None


class AuditBatchProcessor(BatchProcessor):
    """powertools partial batch processing for a hash chain.

    Records are written in stream order and the first failure stops the batch: the records after it
    are reported failed too (Lambda retries from the first failure anyway, and a chain must not take
    a later change before an earlier one). The table writes are made once per model at the end; a
    model whose records could not be committed has them reported failed, to be retried.
    """

    def __init__(self, writer: AuditWriter, **kwargs: Any) -> None:
        super().__init__(EventType.DynamoDBStreams, **kwargs)
        self.writer = writer

    def process(self) -> list[tuple]:
        try:
            self.writer.begin([DynamoDBRecord(raw) for raw in self.records])
        except Exception:  # noqa: BLE001 - nothing was written: the whole batch is retried
            error = sys.exc_info()
            return [self.failure_handler(DynamoDBRecord(raw), error) for raw in self.records]
        results: list[tuple] = []
        for raw in self.records:
            if results and results[-1][0] == "fail":
                results.append(self._not_attempted(raw))
            else:
                results.append(self._process_record(raw))
        uncommitted = self.writer.commit()
        if uncommitted:
            first = min(uncommitted)
            for position in range(first, len(self.records)):
                if results[position][0] == "success":
                    results[position] = self._fail_after_success(self.records[position])
        return results

    def _not_attempted(self, raw: dict) -> tuple:
        try:
            raise EarlierRecordFailedError("an earlier record of this batch failed; retried with it")
        except EarlierRecordFailedError:
            return self.failure_handler(DynamoDBRecord(raw), sys.exc_info())

    def _fail_after_success(self, raw: dict) -> tuple:
        self.success_messages.remove(cast(Any, raw))  # success_handler keeps the raw record
        try:
            raise EarlierRecordFailedError("this record's chain could not be committed to the table; retried")
        except EarlierRecordFailedError:
            return self.failure_handler(DynamoDBRecord(raw), sys.exc_info())


def audit_batch(event: dict[str, Any], processor: AuditBatchProcessor, context: Any = None) -> PartialItemFailureResponse:
    """The audit_stream handler's body: process the batch, report the records to retry."""
    return process_partial_response(event=event, record_handler=processor.writer.write, processor=processor, context=context)


# -- reading the chain -------------------------------------------------------------------------------


class AuditTrailDamagedError(GovhubError):
    status, code = 409, "audit_trail_damaged"


@dataclass(frozen=True)
class StoredRecord:
    key: str
    sequence: int
    data: bytes


@dataclass
class TrailInspection:
    """What one incremental verification read and found; as-of answers and report summaries reuse it."""

    verification: dict[str, Any]
    digests: list[dict[str, Any]]  # the verified digests, in order
    tail: list[dict[str, Any]]  # the records after the last digest up to the head, then the pending ones
    records: int  # records in the chain (the head's sequence plus pending records)


PENDING_PROBE = 16  # records probed at once after the head; a batch stores at most 100
SAMPLE_PER_DIGEST = 4  # the verification sample is drawn from ceil(sample / 4) random digests


class AuditService:
    def __init__(
        self,
        index: AuditIndex,
        archive: AuditStore,
        clock: Callable[[], datetime] | None = None,
        signing_key: AuditSigningKey | None = None,
        sample_size: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._index = index
        self._archive = archive
        self._clock = clock or (lambda: datetime.now(UTC))
        self._signing_key = signing_key
        self._sample_size = sample_size
        self._rng = rng or random.SystemRandom()

    def stored(self, model_id: int) -> list[StoredRecord]:
        """The model's stored records, in sequence order, as the exact bytes in the bucket."""
        keys_in_order = self._archive.keys(model_id)
        return [
            StoredRecord(key, parse_audit_record_key(key)[1], data)
            for key, data in zip(keys_in_order, self._archive.read(keys_in_order), strict=True)
        ]

    def records(self, model_id: int) -> list[dict[str, Any]]:
        """The model's records, parsed, in sequence order (unreadable objects are left out; verify names them)."""
        parsed = []
        for stored in self.stored(model_id):
            try:
                parsed.append(load_record(stored.data))
            except RecordFormatError:
                continue
        return parsed

    def verify(self, model_id: int) -> dict[str, Any]:
        """Incremental verification (``docs/audit-trail.md``, "Verifying"): the signed digest chain, every record
        after the last digest up to the head, a random sample of earlier records against their digests, and the
        records stored after the head (pending: the writer has not finished them) as a continuation."""
        return self.inspect(model_id).verification

    def verify_full(self, model_id: int) -> dict[str, Any]:
        """Every stored record, one pass, against the head (and every digest's signature): the offline verifier's work."""
        head = self._index.head(model_id)
        stored = self.stored(model_id)
        result = self._verify(stored, head).to_dict()
        digests, problem = self._digest_chain(model_id, self._index.digest_head(model_id))
        result |= {"mode": "full", "digests": self._digests_checked(digests), "pending": None, "sample": None,
                   "verified_records": _range(1, len(stored))}
        if problem is not None and result["intact"]:
            result |= {"intact": False, "first_break": self._digest_break(digests, problem)}
        return result

    def inspect(self, model_id: int, sample: bool = True) -> TrailInspection:
        """The incremental verification; without ``sample`` only what an as-of answer is replayed from (the
        digests, the snapshot they sign, the records since the last one)."""
        head = self._index.head(model_id)  # first: every record up to the head is stored before the head moves
        if head is None:  # records stored, none committed to the table yet (or a trail without its table side)
            stored = self.stored(model_id)
            tail = [r for r in (_parsed_or_reason(s.data) for s in stored) if isinstance(r, dict)]
            whole = self._verify(stored, None).to_dict() | {"mode": "full", "digests": self._digests_checked([]),
                                                           "verified_records": _range(1, len(stored)), "sample": None, "pending": None}
            return TrailInspection(whole, [], tail, len(stored))
        digests, problem = self._digest_chain(model_id, self._index.digest_head(model_id))
        last = digests[-1] if digests else None
        start = int(last["last_sequence"]) + 1 if last else 1
        if last is not None and int(last["last_sequence"]) > head.sequence:
            problem = DigestProblem(int(last["number"]), "missing",
                                    f"digest {last['number']} covers records up to {last['last_sequence']}, but the chain "
                                    f"ends at {head.sequence}: records were cut off the end")
        tail_bytes = self._archive.read_present([audit_record_key(model_id, s) for s in range(start, head.sequence + 1)])
        tail_records = [_parsed_or_reason(data) for data in tail_bytes if data is not None]
        verdict = verify_chain(tail_records, start_sequence=start, start_prev_hash=str(last["head_hash"]) if last else GENESIS_HASH,
                               expected_last_sequence=head.sequence, expected_head_hash=head.hash)
        pending = [_parsed_or_reason(data) for data in self._pending(model_id, head.sequence)]
        after_head = verify_chain(pending, start_sequence=head.sequence + 1, start_prev_hash=head.hash) if pending else None
        sampled, sample_break = self._sample(model_id, digests) if sample else (None, None)
        result: dict[str, Any] = {
            "intact": True,
            "records": head.sequence + len(pending),
            "head_hash": (after_head.head_hash if after_head and after_head.intact else None) or head.hash,
            "first_break": None,
            "mode": "incremental" if digests else "full",
            "digests": self._digests_checked(digests),
            "verified_records": _range(start, head.sequence),
            "sample": sampled,
            "pending": _range(head.sequence + 1, head.sequence + len(pending)) if pending else None,
        }
        breaks = [
            self._digest_break(digests, problem) if problem else None,
            sample_break,
            verdict.first_break,
            after_head.first_break if after_head else None,
        ]
        first = next((b for b in breaks if b is not None), None)
        if first is not None:
            result |= {"intact": False, "first_break": first, "head_hash": verdict.head_hash if verdict.first_break else result["head_hash"]}
        records = [r for r in tail_records + pending if isinstance(r, dict)]
        return TrailInspection(result, digests, records, result["records"])

    # -- the pieces of an incremental verification --------------------------------------------------
    def _pending(self, model_id: int, head_sequence: int) -> list[bytes]:
        """The records stored after the head (the writer stores them in order before it moves the head): read by
        key, PENDING_PROBE at a time, until the first absent one. No listing: its cost would grow with the chain."""
        found: list[bytes] = []
        while True:
            start = head_sequence + len(found) + 1
            probe = self._archive.read_present([audit_record_key(model_id, s) for s in range(start, start + PENDING_PROBE)])
            present = list(itertools.takewhile(lambda data: data is not None, probe))
            found += cast(list[bytes], present)
            if len(present) < PENDING_PROBE:
                return found

    def _verify_signature(self) -> Callable[[str, bytes, bytes], bool]:
        key = self._signing_key or AuditSigningKey()
        if not key.configured:
            return lambda key_id, message, signature: False

        def verify(key_id: str, message: bytes, signature: bytes) -> bool:
            public_key = key.public_key_for(key_id)
            return public_key is not None and verify_pss_signature(public_key, message, signature)

        return verify

    def _digest_chain(self, model_id: int, digest_head: DigestHead) -> tuple[list[dict[str, Any]], DigestProblem | None]:
        """Digests 1..n the table anchors, from their signed copies (read by key; a copy the writer did not get to
        make is read from the bucket), plus n+1 if it was stored before the table moved. The last one is compared
        with its object."""
        number = digest_head.number
        copies = self._index.digests(model_id, number)
        absent = [n for n in range(1, number + 1) if n not in copies]
        probes = self._archive.read_present([digest_key(model_id, n) for n in [*absent, *([number] if number else []), number + 1]])
        copies |= {n: data for n, data in zip(absent, probes, strict=False) if data is not None}
        stored: list[bytes | None] = [copies.get(n) for n in range(1, number + 1)]
        if probes[-1] is not None:
            stored.append(probes[-1])
        if not stored:
            return [], None
        digests, problem = check_digest_chain(model_id, stored, self._verify_signature())
        if problem is None and number and probes[-2] != stored[number - 1]:
            problem = DigestProblem(number, "modified", f"digest {number} in the bucket is not its signed copy")
        if problem is None and number and digests[number - 1]["hash"] != digest_head.hash:
            problem = DigestProblem(number, "modified", f"digest {number} is not the one the table anchors")
        return digests, problem

    @staticmethod
    def _digests_checked(digests: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "count": len(digests),
            "last_sequence": int(digests[-1]["last_sequence"]) if digests else 0,
            "signatures_verified": len(digests),
            "key_id": digests[-1]["signing"]["key_id"] if digests else None,
        }

    @staticmethod
    def _digest_break(digests: list[dict[str, Any]], problem: DigestProblem) -> dict[str, Any]:
        sequence = int(digests[-1]["last_sequence"]) + 1 if digests else 1
        kind = {"signature": "forged", "modified": "modified", "missing": "missing"}.get(problem.problem, "inserted")
        return {"sequence": sequence, "problem": kind, "detail": problem.detail, "digest": problem.number}

    def _sample(self, model_id: int, digests: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """A random sample of the digested records, each checked against its signed digest's Merkle leaves."""
        if not digests:
            return None, None
        size = self._sample_size if self._sample_size is not None else settings().audit_verify_sample
        # a bounded number of digests, then records within them: the cost is the same for 10 or 1,000 digests
        chosen = self._rng.sample(digests, min(len(digests), max(1, -(-size // SAMPLE_PER_DIGEST)))) if size > 0 else []
        ranges = [range(int(d["first_sequence"]), int(d["last_sequence"]) + 1) for d in chosen]
        population = [s for r in ranges for s in r]
        sequences = sorted(self._rng.sample(population, min(size, len(population))))
        ends = [int(d["last_sequence"]) for d in digests]
        owners = [digests[bisect.bisect_left(ends, s)] for s in sequences]
        wanted = sorted({int(d["number"]) for d in owners})
        by_number = {int(d["number"]): d for d in digests}
        reads = self._archive.read_present(
            [audit_record_key(model_id, s) for s in sequences]
            + [leaves_key(model_id, n, int(by_number[n]["last_sequence"])) for n in wanted]
            + [digest_key(model_id, n) for n in wanted]
        )
        leaves = dict(zip(wanted, reads[len(sequences) : len(sequences) + len(wanted)], strict=True))
        objects = dict(zip(wanted, reads[len(sequences) + len(wanted) :], strict=True))
        summary = {"size": len(sequences), "sequences": sequences}
        for number in wanted:
            if objects[number] != canonical_json(by_number[number]):
                return summary, {"sequence": int(by_number[number]["first_sequence"]), "problem": "modified",
                                 "detail": f"digest {number} in the bucket is not its signed copy", "digest": number}
            data = leaves[number]
            why = "the leaves file is missing" if data is None else check_leaves(by_number[number], _json_or_none(data))
            if why:
                return summary, {"sequence": int(by_number[number]["first_sequence"]), "problem": "modified",
                                 "detail": f"digest {number}: {why}", "digest": number}
        for sequence, digest, data in zip(sequences, owners, reads[: len(sequences)], strict=True):
            if data is None:
                return summary, {"sequence": sequence, "problem": "missing", "detail": f"record {sequence} is not in the bucket"}
            record = _parsed_or_reason(data)
            why = (f"record {sequence} is not an audit record: {record}" if isinstance(record, str)
                   else check_sampled_record(record, sequence, digest, json.loads(cast(bytes, leaves[int(digest["number"])]))))
            if why:
                return summary, {"sequence": sequence, "problem": "modified", "detail": why}
        return summary, None

    @staticmethod
    def _verify(stored: list[StoredRecord], head: AuditHead | None) -> ChainVerification:
        """Verify the chain against the head in the table; records after the head (written, not yet indexed)
        must continue the chain from it."""
        records = [_parsed_or_reason(s.data) for s in stored]
        if head is None:
            return verify_chain(records)
        anchored = [r for r, s in zip(records, stored, strict=True) if s.sequence <= head.sequence]
        pending = records[len(anchored) :]
        verdict = verify_chain(anchored, expected_last_sequence=head.sequence, expected_head_hash=head.hash)
        if not verdict.intact or not pending:
            return ChainVerification(verdict.intact, len(records), verdict.head_hash, verdict.first_break)
        tail = verify_chain(pending, start_sequence=head.sequence + 1, start_prev_hash=head.hash)
        return ChainVerification(tail.intact, len(records), tail.head_hash or head.hash, tail.first_break)

    def list(self, query: AuditQuery, limit: int, cursor: str | None) -> Page:
        return self._index.list(query, limit, cursor)

    def require_trail(self, model_id: int, model_exists: Callable[[int], bool]) -> None:
        """404 unless the model exists or has an audit trail (a deleted model keeps its trail)."""
        if self._index.head(model_id) is None and not model_exists(model_id) and not self._archive.has_any(model_id):
            raise NotFoundError(f"Model {model_id} does not exist and has no audit trail.", {"model_id": model_id})

    # -- replays from the nearest snapshot ---------------------------------------------------------
    def _replay_since_snapshot(self, model_id: int, inspection: TrailInspection, at: datetime | None) -> Replay:
        """The replay at ``at`` (None: everything): the snapshot of the last digest whose records all precede it,
        then the records after it (those of later digests only while their range starts before ``at``)."""
        moment = format_time(at) if at is not None else None
        digests = inspection.digests
        base = None
        for digest in digests:
            if moment is None or str(digest["max_time"]) <= moment:
                base = digest
        replay = Replay()
        if base is not None:
            data = self._archive.get(snapshot_key(model_id, int(base["number"]), int(base["last_sequence"])))
            if hashlib.sha256(data).hexdigest() != base["snapshot_sha256"]:
                raise AuditTrailDamagedError(f"The snapshot of digest {base['number']} of model {model_id} was changed; verify the chain.",
                                             {"model_id": model_id})
            replay = Replay.from_state(load_record(data)["state"])
        later = [d for d in digests if base is None or int(d["number"]) > int(base["number"])]
        needed = [d for d in later if moment is None or str(d["first_time"]) <= moment]
        sequences = [s for d in needed for s in range(int(d["first_sequence"]), int(d["last_sequence"]) + 1)]
        middle = [r for r in (_parsed_or_reason(b) for b in self._archive.read_present([audit_record_key(model_id, s) for s in sequences]) if b)
                  if isinstance(r, dict)]
        _check_ranges(model_id, digests, needed, middle)
        return replay_records(replay, middle + inspection.tail, at)  # the replay keeps only records up to `at`

    def as_of(self, model_id: int, at: datetime) -> dict[str, Any]:
        moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
        inspection = self.inspect(model_id, sample=False)
        try:
            state = self._replay_since_snapshot(model_id, inspection, moment).answer()
        except (KeyError, TypeError, ValueError) as error:
            raise AuditTrailDamagedError(
                f"The audit trail of model {model_id} cannot be replayed: {error}. Verify the chain.",
                {"model_id": model_id},
            ) from None
        if state is None:  # before its first record: the model did not exist yet
            state = {"model": None, "latest_version": None, "metrics": {}, "last_change": None, "approved": None,
                     "monitoring_plan": None, "deleted": False}
        return {"model_id": model_id, "at": format_time(moment), "existed": state["model"] is not None, **state,
                "chain": inspection.verification}

    def summary(self, model_id: int, last: int = 200) -> dict[str, Any]:
        """What a report shows of the trail: counts per kind, every status change (the approval history), the last
        ``last`` records, and the verification; the bundle holds the rest."""
        inspection = self.inspect(model_id)
        replay = self._replay_since_snapshot(model_id, inspection, None)
        total = inspection.records
        first = max(1, total - last + 1)
        known = {int(r["sequence"]): r for r in inspection.tail}
        missing = [s for s in range(first, total + 1) if s not in known]
        for data in self._archive.read_present([audit_record_key(model_id, s) for s in missing]):
            record = _parsed_or_reason(data) if data else None
            if isinstance(record, dict):
                known[int(record["sequence"])] = record
        return {
            "records": total,
            "counts": dict(replay.counts),
            "approval_history": list(replay.approval_history),
            "risk_history": list(replay.risk_history),
            "last_records": [known[s] for s in range(first, total + 1) if s in known],
            "verification": inspection.verification,
        }

    def export(self, model_id: int, evidence: Mapping[str, Any] | None = None) -> dict[str, bytes]:
        """The export bundle's files (``govhub audit verify`` checks them offline): every record, every digest
        and the public key that signed them, and the model's evidence manifest when given."""
        stored = self.stored(model_id)
        records = [r for r in (_parsed_or_reason(s.data) for s in stored) if isinstance(r, dict)]
        name = _model_name(records, model_id)
        digest_head = self._index.digest_head(model_id)
        digests = [d for d in self._archive.read_present([digest_key(model_id, n) for n in range(1, digest_head.number + 2)]) if d]
        key = self._signing_key or AuditSigningKey()
        signing_keys: dict[str, bytes] = {}
        for data in digests:
            key_id = str(((_json_or_none(data) or {}).get("signing") or {}).get("key_id"))
            public = key.public_key_for(key_id) if key.configured and key_id not in signing_keys else None
            if public is not None:
                signing_keys[key_id] = public
        try:
            return build_bundle([s.data for s in stored], {"id": model_id, "name": name}, self._clock(),
                                digests=digests, signing_keys=signing_keys, evidence=evidence)
        except ValueError as error:
            raise AuditTrailDamagedError(
                f"The audit trail of model {model_id} holds an object that is not a record ({error}); "
                "GET /models/{id}/audit-logs/verify names it.",
                {"model_id": model_id},
            ) from None


def _parsed_or_reason(data: bytes) -> Any:
    """The parsed record, or a string saying why it is not one (verify_chain reports it as modified)."""
    try:
        return load_record(data)
    except RecordFormatError as error:
        return str(error)


def _model_name(records: list[dict[str, Any]], model_id: int) -> str:
    name = None
    for record in records:
        change = (record.get("changes") or {}).get("name")
        if isinstance(change, dict):
            name = change.get("after") or change.get("before") or name
    return str(name) if name else f"model-{model_id}"


@lru_cache(maxsize=1)
def default_audit_service() -> AuditService:
    return AuditService(AuditIndexRepository(), AuditArchive())


def audit_records(model_id: int) -> list[dict[str, Any]]:
    """A model's audit records, in sequence order, as stored in the audit bucket."""
    return default_audit_service().records(model_id)


def request_full_verification(model_id: int, by: str, role: str) -> dict[str, Any]:
    """Queue a full verification of the chain (``?full=true``): the verification jobs function runs it from the
    table's stream and stores its outcome on the job, with who asked and when."""
    from uuid import uuid4

    from govhub.store.audit import AuditVerificationJobs

    return AuditVerificationJobs().create(uuid4().hex, model_id, by, role, format_time(datetime.now(UTC)))


def run_verification_job(job_id: str) -> dict[str, Any] | None:
    """Run a queued full verification: every record and digest (``AuditService.verify_full``); answers the job."""
    from govhub.store.audit import AuditVerificationJobs

    jobs = AuditVerificationJobs()
    job = jobs.get(job_id)
    if job is None or job["status"] != "queued":
        return job
    try:
        result = default_audit_service().verify_full(job["model_id"])
    except Exception as error:  # noqa: BLE001 - recorded on the job, which the caller polls
        logger.exception("full verification %s failed", job_id)
        jobs.finish(job_id, "failed", format_time(datetime.now(UTC)), error=f"{type(error).__name__}: {error}")
    else:
        logger.info("full verification %s of model %s: intact=%s", job_id, job["model_id"], result["intact"])
        jobs.finish(job_id, "done", format_time(datetime.now(UTC)), result=result)
    return jobs.get(job_id)


def verify_model(model_id: int) -> dict[str, Any]:
    """The incremental verification of a model's chain (intact, records, head_hash, first_break, mode, what was checked)."""
    return default_audit_service().verify(model_id)


def audit_summary(model_id: int) -> dict[str, Any]:
    """What a report shows of a model's trail (``AuditService.summary``)."""
    return default_audit_service().summary(model_id)


def _check_ranges(model_id: int, digests: list[dict[str, Any]], ranges: list[dict[str, Any]], records: list[dict[str, Any]]) -> None:
    """The records of digested ranges a replay reads must be the ones their (verified) digests sign."""
    by_number = {int(d["number"]): d for d in digests}
    for digest in ranges:
        first, last = int(digest["first_sequence"]), int(digest["last_sequence"])
        previous = by_number.get(int(digest["number"]) - 1)
        check = verify_chain([r for r in records if first <= r["sequence"] <= last], start_sequence=first,
                             start_prev_hash=str(previous["head_hash"]) if previous else GENESIS_HASH,
                             expected_last_sequence=last, expected_head_hash=str(digest["head_hash"]))
        if not check.intact:
            raise AuditTrailDamagedError(f"The audit trail of model {model_id} does not verify: {check.first_break}",
                                         {"model_id": model_id, "first_break": check.first_break})


def _range(first: int, last: int) -> dict[str, int] | None:
    return {"from": first, "to": last, "count": last - first + 1} if last >= first else None


def _json_or_none(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return None


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
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol, cast

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
)

from govhub.audit import (
    ChainVerification,
    RecordFormatError,
    audit_record_key,
    build_bundle,
    encode_record,
    field_changes,
    load_record,
    new_record,
    parse_audit_record_key,
    record_hash,
    seal,
    state_as_of,
    verify_chain,
)
from govhub.audit.record import format_time
from govhub.domain.entities import Page
from govhub.errors import GovhubError, NotFoundError
from govhub.store import keys
from govhub.store.audit import (
    AuditArchive,
    AuditHead,
    AuditIndexRepository,
    AuditQuery,
    IndexedEvent,
    RecordExistsError,
)
from govhub.store.items import MODEL_BOOKKEEPING_ATTRIBUTES


# The audit trail's ports (govhub.store.audit implements them over the table and the Object Lock bucket;
# the unit tests over dicts).
class AuditIndex(Protocol):
    def head(self, model_id: int) -> AuditHead | None: ...
    def heads(self, model_ids: Iterable[int]) -> dict[int, AuditHead]: ...
    def advance(self, current: AuditHead, new: AuditHead) -> bool: ...
    def indexed_events(self, event_ids: Iterable[str]) -> dict[str, IndexedEvent]: ...
    def save_records(self, records: Iterable[Mapping[str, Any]]) -> None: ...
    def list(self, query: AuditQuery, limit: int, cursor: str | None) -> Page: ...


class AuditStore(Protocol):
    def put_new(self, key: str, data: bytes) -> None: ...
    def keys(self, model_id: int) -> list[str]: ...
    def read(self, keys_in_order: list[str]) -> list[bytes]: ...

# -- from a committed change to an audit record ----------------------------------------------------

AUDITED_ENTITIES = (
    keys.ENTITY_MODEL, keys.ENTITY_VERSION, keys.ENTITY_METRIC, keys.ENTITY_REPORT, keys.ENTITY_POLICY,
    keys.ENTITY_APPROVAL, keys.ENTITY_TEAM,
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
}
# Attributes that are bookkeeping, not facts about the object: keys, index keys, revision, the stamp
# (actor, reason and time are the record's own fields), pointers kept for reads, expiry.
BOOKKEEPING = frozenset(
    {"PK", "SK", "entity", "model_id", "revision", "name_key", "expires_at", "item_type"}
    | {f"GSI{n}{part}" for n in range(1, 8) for part in ("PK", "SK")}
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
    staged: dict[int, list[tuple[dict[str, Any], int]]] = field(default_factory=dict)  # model -> (record, position)
    position: dict[str, int] = field(default_factory=dict)


class AuditWriter:
    """Writes one stream batch into the model chains: ``begin``, ``write`` each record in order, ``commit``."""

    def __init__(self, index: AuditIndex, archive: AuditStore) -> None:
        self._index = index
        self._archive = archive
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


class AuditService:
    def __init__(self, index: AuditIndex, archive: AuditStore, clock: Callable[[], datetime] | None = None) -> None:
        self._index = index
        self._archive = archive
        self._clock = clock or (lambda: datetime.now(UTC))

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

    def verify(self, model_id: int) -> ChainVerification:
        return self._verify(self.stored(model_id), self._index.head(model_id))

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
        if self._index.head(model_id) is None and not model_exists(model_id) and not self._archive.keys(model_id):
            raise NotFoundError(f"Model {model_id} does not exist and has no audit trail.", {"model_id": model_id})

    def as_of(self, model_id: int, at: datetime) -> dict[str, Any]:
        stored = self.stored(model_id)
        records = [r for r in (_parsed_or_reason(s.data) for s in stored) if isinstance(r, dict)]
        moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
        try:
            state = state_as_of(records, moment)
        except (KeyError, TypeError, ValueError) as error:
            raise AuditTrailDamagedError(
                f"The audit trail of model {model_id} cannot be replayed: {error}. Verify the chain.",
                {"model_id": model_id},
            ) from None
        chain = self._verify(stored, self._index.head(model_id)).to_dict()
        if state is None:  # before its first record: the model did not exist yet
            state = {"model": None, "latest_version": None, "metrics": {}, "last_change": None, "approved": None, "deleted": False}
        return {"model_id": model_id, "at": format_time(moment), "existed": state["model"] is not None, **state, "chain": chain}

    def export(self, model_id: int) -> dict[str, bytes]:
        """The export bundle's files (``govhub audit verify`` checks them offline)."""
        stored = self.stored(model_id)
        records = [r for r in (_parsed_or_reason(s.data) for s in stored) if isinstance(r, dict)]
        name = _model_name(records, model_id)
        try:
            return build_bundle([s.data for s in stored], {"id": model_id, "name": name}, self._clock())
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


def verify_model(model_id: int) -> dict[str, Any]:
    """The verification of a model's chain (``ChainVerification.to_dict()``: intact, records, head_hash, first_break)."""
    return default_audit_service().verify(model_id).to_dict()


"""Where the audit trail lives.

- The records: one S3 object each in the audit bucket (Object Lock, COMPLIANCE mode), at
  ``audit/model=<id>/<sequence:010d>.json``, holding the canonical JSON of the sealed record. They are
  the truth: verification, as-of answers and exports read them.
- In the table, items without an ``entity`` attribute (so they never feed the stream consumers back):
  the head of each model's chain (``AUDITHEAD#<id>``: last sequence and hash, the anchor a verification
  compares the chain's end with), and one index item per record, keyed by the stream event it was made
  from (``AUDITEVENT#<event id>``: a redelivered event is recognised with one consistent read) and
  indexed for the audit-log lists: GSI1 ``AUDIT`` by time, GSI2 ``ACTOR#<username>`` by time, GSI3
  ``AUDIT#<model id>`` by sequence.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from govhub.audit import GENESIS_HASH, audit_model_prefix, parse_audit_record_key
from govhub.config import settings
from govhub.domain.entities import Page
from govhub.store import keys
from govhub.store.cursors import decode_cursor
from govhub.store.items import DomainIndex, ListIndex, OwnerIndex, RiskIndex, RiskStatusIndex, StatusIndex, _TableMeta
from govhub.store.repository import _page

READ_THREADS = 16


@dataclass(frozen=True)
class AuditHead:
    """The end of a model's chain as the table knows it: ``sequence`` 0 and the genesis hash before any record."""

    model_id: int
    sequence: int = 0
    hash: str = GENESIS_HASH


# -- table items ---------------------------------------------------------------------------------


class AuditHeadItem(Model):
    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    model_id = NumberAttribute()
    last_sequence = NumberAttribute()
    head_hash = UnicodeAttribute()
    updated_at = NumberAttribute()


class AuditDigestHeadItem(Model):
    """The last signed digest of a model's chain: which number, up to which record, its hash and time."""

    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    model_id = NumberAttribute()
    number = NumberAttribute()
    last_sequence = NumberAttribute()
    digest_hash = UnicodeAttribute()
    created_at = UnicodeAttribute()


class AuditDigestPageItem(Model):
    """Signed copies of up to 100 digests of a chain (``AUDITDIGEST#<model>``, ``DP#<page>``), one canonical JSON
    document a line: verification reads a chain's digests with one GetItem per 100 (a page stays under 100 KB)
    instead of one object each; the signatures make the copies as trustworthy as the objects, and each
    verification compares a sample of them with their objects byte for byte."""

    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    entries = NumberAttribute()  # not `count`: that is the Model's own class method
    documents = UnicodeAttribute()


@dataclass(frozen=True)
class DigestHead:
    """The last digest of a chain as the table knows it (number 0: none yet)."""

    model_id: int
    number: int = 0
    last_sequence: int = 0
    hash: str = GENESIS_HASH
    created_at: str = ""


class AuditIndexItem(Model):
    """One record, keyed by its stream event; the filterable fields as attributes, the whole record as JSON text.

    Every filter of the audit-log lists is a partition of an index, so a filtered page reads only matching
    records: GSI1 ``AUDIT`` (all) by time, GSI2 ``ACTOR#<user>``, GSI3 ``AUDIT#<model>`` by sequence,
    GSI4 ``AUDITENTITY#<entity>``, GSI5 ``AUDITACTION#<action>``, GSI6 ``AUDIT#<model>#ACTOR#<user>``, all by
    time; the per-model entity, action and time partitions are on the record's ``AuditFilterItem``.
    """

    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    model_id = NumberAttribute()
    sequence = NumberAttribute()
    time = UnicodeAttribute()
    action = UnicodeAttribute()
    audited_entity = UnicodeAttribute()  # not `entity`: that attribute is what the stream filters select
    username = UnicodeAttribute()
    record_hash = UnicodeAttribute()
    record = UnicodeAttribute()
    gsi1pk = UnicodeAttribute(attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(attr_name="GSI1SK")
    gsi2pk = UnicodeAttribute(attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(attr_name="GSI2SK")
    gsi3pk = UnicodeAttribute(attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(attr_name="GSI3SK")
    gsi4pk = UnicodeAttribute(null=True, attr_name="GSI4PK")
    gsi4sk = UnicodeAttribute(null=True, attr_name="GSI4SK")
    gsi5pk = UnicodeAttribute(null=True, attr_name="GSI5PK")
    gsi5sk = UnicodeAttribute(null=True, attr_name="GSI5SK")
    gsi6pk = UnicodeAttribute(null=True, attr_name="GSI6PK")
    gsi6sk = UnicodeAttribute(null=True, attr_name="GSI6SK")

    by_time = ListIndex()  # gsi1: AUDIT, by time
    by_actor = RiskIndex()  # gsi2: ACTOR#<username>, by time
    by_model = StatusIndex()  # gsi3: AUDIT#<model id>, by sequence
    by_entity = OwnerIndex()  # gsi4: AUDITENTITY#<entity>, by time
    by_action = DomainIndex()  # gsi5: AUDITACTION#<action>, by time
    by_model_actor = RiskStatusIndex()  # gsi6: AUDIT#<model>#ACTOR#<username>, by time


class AuditFilterItem(Model):
    """A record's second index item (``AUDITFILTER#<event id>``): one model's records by entity, by action and by
    time, each by time (GSI1, GSI2, GSI3), with the record as JSON text, so those pages read only what they show."""

    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    record = UnicodeAttribute()
    gsi1pk = UnicodeAttribute(attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(attr_name="GSI1SK")
    gsi2pk = UnicodeAttribute(attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(attr_name="GSI2SK")
    gsi3pk = UnicodeAttribute(attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(attr_name="GSI3SK")

    by_model_entity = ListIndex()  # gsi1: AUDIT#<model>#ENTITY#<entity>
    by_model_action = RiskIndex()  # gsi2: AUDIT#<model>#ACTION#<action>
    by_model_time = StatusIndex()  # gsi3: AUDITTIME#<model>


class AuditFilterError(ValueError):
    """A combination of filters no index serves."""


@dataclass(frozen=True)
class IndexedEvent:
    """Where an event's record was indexed: its model, sequence and hash."""

    event_id: str
    model_id: int
    sequence: int
    record_hash: str


@dataclass(frozen=True)
class AuditQuery:
    """Filters of the audit-log lists; times are ISO 8601 UTC strings as records hold them."""

    model_id: int | None = None
    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    since: str | None = None
    until: str | None = None


class AuditIndexRepository:
    """The table side of the trail: the heads and the index items."""

    # -- heads -----------------------------------------------------------------------------------
    def head(self, model_id: int) -> AuditHead | None:
        """The model's head, or None if nothing was ever recorded for it."""
        return self.heads([model_id]).get(model_id)

    def heads(self, model_ids: Iterable[int]) -> dict[int, AuditHead]:
        wanted = sorted(set(model_ids))
        found: dict[int, AuditHead] = {}
        if not wanted:
            return found
        for item in AuditHeadItem.batch_get([(keys.audit_head_pk(m), keys.AUDIT_HEAD_SK) for m in wanted], consistent_read=True):
            found[int(item.model_id)] = AuditHead(int(item.model_id), int(item.last_sequence), item.head_hash)
        return found

    def advance(self, current: AuditHead, new: AuditHead) -> bool:
        """Move the head from ``current`` to ``new``; False if it is no longer at ``current``."""
        item = AuditHeadItem(
            keys.audit_head_pk(new.model_id),
            keys.AUDIT_HEAD_SK,
            model_id=new.model_id,
            last_sequence=new.sequence,
            head_hash=new.hash,
            updated_at=int(time.time()),
        )
        condition = (
            AuditHeadItem.pk.does_not_exist()
            if current.sequence == 0
            else (AuditHeadItem.last_sequence == current.sequence) & (AuditHeadItem.head_hash == current.hash)
        )
        try:
            item.save(condition=condition)
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # -- digests ---------------------------------------------------------------------------------
    def digest_heads(self, model_ids: Iterable[int]) -> dict[int, DigestHead]:
        wanted = sorted(set(model_ids))
        found: dict[int, DigestHead] = {}
        if not wanted:
            return found
        pairs = [(keys.audit_digest_head_pk(m), keys.AUDIT_DIGEST_HEAD_SK) for m in wanted]
        for item in AuditDigestHeadItem.batch_get(pairs, consistent_read=True):
            found[int(item.model_id)] = DigestHead(
                int(item.model_id), int(item.number), int(item.last_sequence), item.digest_hash, item.created_at
            )
        return found

    def digest_head(self, model_id: int) -> DigestHead:
        return self.digest_heads([model_id]).get(model_id, DigestHead(model_id))

    def save_digest(self, model_id: int, number: int, document: bytes) -> None:
        """Append digest ``number``'s copy to its page (conditionally: a copy already there stands)."""
        pk, sk = keys.audit_digest_head_pk(model_id), keys.audit_digest_page_sk(number)
        position = (number - 1) % keys.AUDIT_DIGESTS_PER_PAGE
        try:
            page = AuditDigestPageItem.get(pk, sk, consistent_read=True)
            lines, count = page.documents.split("\n"), int(page.entries)
        except AuditDigestPageItem.DoesNotExist:
            lines, count = [], 0
        if count > position:
            return
        if count < position:
            raise ValueError(f"digest {number} of model {model_id} comes before digest {number - 1}'s copy")
        item = AuditDigestPageItem(pk, sk, entries=count + 1, documents="\n".join([*lines, document.decode("utf-8")]))
        condition = AuditDigestPageItem.pk.does_not_exist() if count == 0 else AuditDigestPageItem.entries == count
        try:
            item.save(condition=condition)
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

    def digests(self, model_id: int, count: int) -> dict[int, bytes]:
        """The copies of digests 1..count by number (one BatchGetItem for up to 10,000 digests)."""
        found: dict[int, bytes] = {}
        if count <= 0:
            return found
        pk = keys.audit_digest_head_pk(model_id)
        pages = sorted({keys.audit_digest_page_sk(n) for n in range(1, count + 1, keys.AUDIT_DIGESTS_PER_PAGE)})
        for page in AuditDigestPageItem.batch_get([(pk, sk) for sk in pages], consistent_read=True):
            first = int(page.sk.removeprefix(keys.AUDIT_DIGEST_PAGE)) * keys.AUDIT_DIGESTS_PER_PAGE + 1
            for offset, line in enumerate(page.documents.split("\n")):
                if first + offset <= count:
                    found[first + offset] = line.encode("utf-8")
        return found

    def advance_digest(self, current: DigestHead, new: DigestHead) -> bool:
        """Move the digest head from ``current`` to ``new``; False if it is no longer at ``current``."""
        item = AuditDigestHeadItem(
            keys.audit_digest_head_pk(new.model_id),
            keys.AUDIT_DIGEST_HEAD_SK,
            model_id=new.model_id,
            number=new.number,
            last_sequence=new.last_sequence,
            digest_hash=new.hash,
            created_at=new.created_at,
        )
        condition = (
            AuditDigestHeadItem.pk.does_not_exist() if current.number == 0 else AuditDigestHeadItem.number == current.number
        )
        try:
            item.save(condition=condition)
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # -- index items -----------------------------------------------------------------------------
    def save_records(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Index sealed records (idempotent: an event's item only ever holds the one record stored for it)."""
        with AuditIndexItem.batch_write() as batch:
            for record in records:
                batch.save(self._to_item(record))
                batch.save(self._to_filter_item(record))  # same table: one batch writes both kinds

    def indexed_events(self, event_ids: Iterable[str]) -> dict[str, IndexedEvent]:
        """The events that have an index item, with the record it names (consistent reads)."""
        wanted = sorted(set(event_ids))
        found: dict[str, IndexedEvent] = {}
        if not wanted:
            return found
        for item in AuditIndexItem.batch_get([(keys.audit_event_pk(e), keys.AUDIT_EVENT_SK) for e in wanted], consistent_read=True):
            event_id = item.pk.removeprefix(keys.AUDIT_EVENT)
            found[event_id] = IndexedEvent(event_id, int(item.model_id), int(item.sequence), item.record_hash)
        return found

    def list(self, query: AuditQuery, limit: int, cursor: str | None) -> Page:
        """Records newest first, as dicts: one Query of the index partition that holds exactly the matching
        records (time ranges are sort-key conditions), so a page reads only what it shows."""
        index, partition, sort_key = self._partition(query)
        by_sequence = sort_key is AuditIndexItem.gsi3sk
        results = index.query(
            partition,
            range_key_condition=None if by_sequence else _time_range(sort_key, query.since, query.until),
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=decode_cursor(cursor, index, partition),
        )
        return _page(results, lambda item: json.loads(item.record))

    @staticmethod
    def _partition(query: AuditQuery) -> tuple[Any, str, UnicodeAttribute]:
        chosen = [name for name in ("actor", "action", "entity") if getattr(query, name)]
        if len(chosen) > 1:
            raise AuditFilterError(f"{' and '.join(chosen)} cannot be combined: each is an index of its own; "
                                   "combine one of them with model_id and a time range")
        model = query.model_id
        if query.actor:
            if model is not None:
                return AuditIndexItem.by_model_actor, keys.audit_model_actor_partition(model, query.actor), AuditIndexItem.gsi6sk
            return AuditIndexItem.by_actor, keys.actor_partition(query.actor), AuditIndexItem.gsi2sk
        if query.entity:
            if model is not None:
                return AuditFilterItem.by_model_entity, keys.audit_entity_partition(query.entity, model), AuditFilterItem.gsi1sk
            return AuditIndexItem.by_entity, keys.audit_entity_partition(query.entity), AuditIndexItem.gsi4sk
        if query.action:
            if model is not None:
                return AuditFilterItem.by_model_action, keys.audit_action_partition(query.action, model), AuditFilterItem.gsi2sk
            return AuditIndexItem.by_action, keys.audit_action_partition(query.action), AuditIndexItem.gsi5sk
        if model is not None:
            if query.since or query.until:
                return AuditFilterItem.by_model_time, keys.audit_model_time_partition(model), AuditFilterItem.gsi3sk
            return AuditIndexItem.by_model, keys.audit_records_pk(model), AuditIndexItem.gsi3sk
        return AuditIndexItem.by_time, keys.AUDIT_LIST, AuditIndexItem.gsi1sk

    @staticmethod
    def _to_item(record: Mapping[str, Any]) -> AuditIndexItem:
        model_id, sequence, at = int(record["model_id"]), int(record["sequence"]), str(record["time"])
        username, action, entity = str(record["actor"]["username"]), str(record["action"]), str(record["entity"])
        time_key = keys.audit_time_sk(at, model_id, sequence)
        return AuditIndexItem(
            keys.audit_event_pk(str(record["event_id"])),
            keys.AUDIT_EVENT_SK,
            model_id=model_id,
            sequence=sequence,
            time=at,
            action=action,
            audited_entity=entity,
            username=username,
            record_hash=str(record["hash"]),
            record=_record_text(record),
            gsi1pk=keys.AUDIT_LIST,
            gsi1sk=time_key,
            gsi2pk=keys.actor_partition(username),
            gsi2sk=time_key,
            gsi3pk=keys.audit_records_pk(model_id),
            gsi3sk=keys.audit_sequence_sk(sequence),
            gsi4pk=keys.audit_entity_partition(entity),
            gsi4sk=time_key,
            gsi5pk=keys.audit_action_partition(action),
            gsi5sk=time_key,
            gsi6pk=keys.audit_model_actor_partition(model_id, username),
            gsi6sk=time_key,
        )

    @staticmethod
    def _to_filter_item(record: Mapping[str, Any]) -> AuditFilterItem:
        model_id, sequence = int(record["model_id"]), int(record["sequence"])
        time_key = keys.audit_time_sk(str(record["time"]), model_id, sequence)
        return AuditFilterItem(
            keys.audit_filter_pk(str(record["event_id"])),
            keys.AUDIT_FILTER_SK,
            record=_record_text(record),
            gsi1pk=keys.audit_entity_partition(str(record["entity"]), model_id),
            gsi1sk=time_key,
            gsi2pk=keys.audit_action_partition(str(record["action"]), model_id),
            gsi2sk=time_key,
            gsi3pk=keys.audit_model_time_partition(model_id),
            gsi3sk=time_key,
        )


def _record_text(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _time_range(sort_key: UnicodeAttribute, since: str | None, until: str | None) -> Condition | None:
    # Sort keys are "<time>#<model>#<sequence>": "#~" sorts after every suffix of the same instant.
    upper = f"{until}#~" if until else None
    if since and upper:
        return sort_key.between(since, upper)
    if since:
        return sort_key >= since
    if upper:
        return sort_key <= upper
    return None


# -- full verification jobs ---------------------------------------------------------------------------


class AuditVerificationJobItem(Model):
    """A full verification asked through the API: who asked and when, then its outcome (kept for 90 days)."""

    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    item_type = UnicodeAttribute(default=keys.AUDIT_VERIFICATION_JOB_TYPE)
    job_id = UnicodeAttribute()
    model_id = NumberAttribute()
    status = UnicodeAttribute()  # queued, running, done, failed
    requested_by = UnicodeAttribute()
    requested_by_role = UnicodeAttribute()
    requested_at = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)
    result = UnicodeAttribute(null=True)  # the verification, JSON
    error = UnicodeAttribute(null=True)
    expires_at = NumberAttribute()


class AuditVerificationJobs:
    FIELDS = ("job_id", "model_id", "status", "requested_by", "requested_by_role", "requested_at", "finished_at", "error")
    KEEP_SECONDS = 90 * 24 * 3600

    def create(self, job_id: str, model_id: int, by: str, role: str, at: str) -> dict[str, Any]:
        item = AuditVerificationJobItem(
            keys.audit_verification_job_pk(job_id), keys.AUDIT_VERIFICATION_JOB_SK, job_id=job_id, model_id=model_id,
            status="queued", requested_by=by, requested_by_role=role, requested_at=at,
            expires_at=int(time.time()) + self.KEEP_SECONDS,
        )
        item.save(condition=AuditVerificationJobItem.pk.does_not_exist())
        return self._plain(item)

    def get(self, job_id: str) -> dict[str, Any] | None:
        try:
            item = AuditVerificationJobItem.get(keys.audit_verification_job_pk(job_id), keys.AUDIT_VERIFICATION_JOB_SK,
                                                consistent_read=True)
        except AuditVerificationJobItem.DoesNotExist:
            return None
        return self._plain(item)

    def finish(self, job_id: str, status: str, at: str, result: Mapping[str, Any] | None = None, error: str | None = None) -> None:
        item = AuditVerificationJobItem(keys.audit_verification_job_pk(job_id), keys.AUDIT_VERIFICATION_JOB_SK)
        actions: list[Any] = [AuditVerificationJobItem.status.set(status), AuditVerificationJobItem.finished_at.set(at)]
        if result is not None:
            actions.append(AuditVerificationJobItem.result.set(json.dumps(result, separators=(",", ":"))))
        if error is not None:
            actions.append(AuditVerificationJobItem.error.set(error))
        item.update(actions=actions)

    def _plain(self, item: AuditVerificationJobItem) -> dict[str, Any]:
        plain: dict[str, Any] = {name: getattr(item, name) for name in self.FIELDS}
        plain["model_id"] = int(plain["model_id"])
        plain["result"] = json.loads(item.result) if item.result else None
        return plain


# -- the bucket ----------------------------------------------------------------------------------


class RecordExistsError(Exception):
    """The key already holds a record (a conditional put was refused)."""

    def __init__(self, key: str, stored: bytes) -> None:
        super().__init__(key)
        self.key = key
        self.stored = stored


@lru_cache(maxsize=1)
def s3_client() -> Any:
    """One S3 client per container; enough pooled connections for the parallel reads."""
    return boto3.client(
        "s3",
        region_name=settings().region,
        config=Config(max_pool_connections=READ_THREADS * 2, retries={"mode": "standard", "max_attempts": 3}),
    )


class AuditArchive:
    """The audit bucket: records are written once (If-None-Match) and then locked by the bucket's default retention."""

    def __init__(self, bucket: str | None = None) -> None:
        self._given_bucket = bucket

    @property
    def _bucket(self) -> str:
        return self._given_bucket or settings().audit_bucket

    def put_new(self, key: str, data: bytes) -> None:
        """Store ``data`` at ``key`` unless the key exists; raises RecordExistsError with what it holds."""
        try:
            s3_client().put_object(
                Bucket=self._bucket, Key=key, Body=data, ContentType="application/json", IfNoneMatch="*"
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "PreconditionFailed":
                raise RecordExistsError(key, self.get(key)) from None
            raise

    def get(self, key: str) -> bytes:
        body: bytes = s3_client().get_object(Bucket=self._bucket, Key=key)["Body"].read()
        return body

    def get_if_present(self, key: str) -> bytes | None:
        try:
            return self.get(key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise

    def read_present(self, keys_in_order: list[str]) -> list[bytes | None]:
        """The stored bytes of each key (None where there is no object), read in parallel, in the order given."""
        if len(keys_in_order) <= 1:
            return [self.get_if_present(key) for key in keys_in_order]
        with ThreadPoolExecutor(max_workers=min(READ_THREADS, len(keys_in_order))) as pool:
            return list(pool.map(self.get_if_present, keys_in_order))

    def has_any(self, model_id: int) -> bool:
        page = s3_client().list_objects_v2(Bucket=self._bucket, Prefix=audit_model_prefix(model_id), MaxKeys=1)
        return bool(page.get("Contents"))

    def keys(self, model_id: int) -> list[str]:
        """The keys of a model's records, in sequence order (other objects under the prefix are ignored)."""
        found: list[tuple[int, str]] = []
        paginator = s3_client().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self._bucket, Prefix=audit_model_prefix(model_id)):
            for entry in page.get("Contents", []):
                try:
                    _, sequence = parse_audit_record_key(entry["Key"])
                except ValueError:
                    continue
                found.append((sequence, entry["Key"]))
        return [key for _, key in sorted(found)]

    def read(self, keys_in_order: list[str]) -> list[bytes]:
        """The stored bytes of each key, read in parallel, in the order given."""
        if len(keys_in_order) <= 1:
            return [self.get(key) for key in keys_in_order]
        with ThreadPoolExecutor(max_workers=min(READ_THREADS, len(keys_in_order))) as pool:
            return list(pool.map(self.get, keys_in_order))


# -- the signing key ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def kms_client() -> Any:
    return boto3.client("kms", region_name=settings().region, config=Config(retries={"mode": "standard", "max_attempts": 3}))


class AuditSigningKey:
    """The asymmetric KMS key (RSA_2048, SIGN_VERIFY) that signs digests, named by its alias.

    The writer may Sign (and DescribeKey, to name the key's ARN in each digest); readers get the public key
    and verify locally (the same check an auditor makes offline), accepting only digests signed by the key
    the alias names now.
    """

    def __init__(self, key_id: str | None = None) -> None:
        self._given_key_id = key_id

    @property
    def key_id(self) -> str:
        return self._given_key_id if self._given_key_id is not None else settings().audit_signing_key_id

    @property
    def configured(self) -> bool:
        return bool(self.key_id)

    def arn(self) -> str:
        """The ARN of the key the alias names (asked each time: a digest is written once per N records)."""
        arn: str = kms_client().describe_key(KeyId=self.key_id)["KeyMetadata"]["Arn"]
        return arn

    def sign(self, message: bytes) -> bytes:
        answer = kms_client().sign(KeyId=self.key_id, Message=message, MessageType="RAW", SigningAlgorithm="RSASSA_PSS_SHA_256")
        signature: bytes = answer["Signature"]
        return signature

    def public_key_for(self, key_arn: str) -> bytes | None:
        """The DER public key of ``key_arn`` if that is the key the alias names, else None (kept per container)."""
        cached = _PUBLIC_KEYS.get(self.key_id)
        if cached is None or not _same_key(cached[0], key_arn):
            answer = kms_client().get_public_key(KeyId=self.key_id)
            cached = _PUBLIC_KEYS[self.key_id] = (str(answer["KeyId"]), bytes(answer["PublicKey"]))
        return cached[1] if _same_key(cached[0], key_arn) else None


def _same_key(key_id: str, key_arn: str) -> bool:
    """KMS answers GetPublicKey with the key's ARN (moto with its bare id): the id after the last '/' decides."""
    return bool(key_id) and key_id.rsplit("/", 1)[-1] == key_arn.rsplit("/", 1)[-1]


_PUBLIC_KEYS: dict[str, tuple[str, bytes]] = {}

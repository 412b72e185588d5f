"""Evidence in the single table, and its objects in the evidence bucket.

- `PK=MODEL#<id> SK=EVIDENCE#<evidence id>` (entity `evidence`): one item per document revision, revisioned and
  audited in the model's chain. GSI2 `EVIDENCE#<id>#KIND#<kind>` and GSI3 `EVIDENCE#<id>#STATUS#<status>` back the
  kind and status filters; GSI9 `DUE#evidence_expiry` / `<valid until>#<model>#<evidence id>` holds it while it is
  awaiting sign-off or signed off and has an end date, so the daily sweep and the needs-attention list read only what
  is due.
- `PK=MODEL#<id> SK=EVCOVER#<ref>#<evidence id>` (no `entity`, never audited): one per obligation, rule or control the
  document covers, written in the item's creating transaction (the covers filter).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from functools import lru_cache
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from govhub.config import settings
from govhub.domain.entities import Page
from govhub.evidence.model import DATED, Evidence, EvidenceKind, EvidenceSignoff, EvidenceStatus
from govhub.evidence.service import EvidenceConflictError, StoredObject
from govhub.store import keys
from govhub.store.items import RiskIndex, StatusIndex, _index, _Stamped, _TableMeta
from govhub.store.repository import ConditionFailedError, _apply_stamp, _stamp_from, _transact, decode_cursor, encode_cursor

DueIndex = _index(keys.GSI_DUE)
_HEAD_BYTES = 512


class EvidenceSignoffMap(MapAttribute):
    by = UnicodeAttribute()
    role = UnicodeAttribute()
    at = UnicodeAttribute()
    reason = UnicodeAttribute()


class EvidenceItem(_Stamped):
    class Meta(_TableMeta):
        pass

    revision = VersionAttribute()
    evidence_id = UnicodeAttribute()
    team = UnicodeAttribute(null=True)
    title = UnicodeAttribute()
    kind = UnicodeAttribute()
    covers = ListAttribute(of=UnicodeAttribute, default=list)
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    sha256 = UnicodeAttribute()
    object_key = UnicodeAttribute()
    object_version = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    uploaded_by = UnicodeAttribute()
    valid_from = UnicodeAttribute(null=True)
    valid_until = UnicodeAttribute(null=True)
    supersedes = UnicodeAttribute(null=True)
    verified_at = UnicodeAttribute(null=True)
    signoff = EvidenceSignoffMap(null=True)
    expiry_notice = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(null=True, attr_name="GSI2SK")
    gsi3pk = UnicodeAttribute(null=True, attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(null=True, attr_name="GSI3SK")
    gsi9pk = UnicodeAttribute(null=True, attr_name="GSI9PK")
    gsi9sk = UnicodeAttribute(null=True, attr_name="GSI9SK")

    by_kind = RiskIndex()
    by_status = StatusIndex()
    by_due = DueIndex()


class EvidenceCoverItem(Model):
    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    evidence_id = UnicodeAttribute()


class EvidenceRepository:
    def get(self, model_id: int, evidence_id: str) -> Evidence | None:
        try:
            return _to_domain(EvidenceItem.get(keys.model_pk(model_id), keys.evidence_sk(evidence_id), consistent_read=True))
        except DoesNotExist:
            return None

    def create(self, evidence: Evidence) -> Evidence:
        item = _to_item(evidence)
        covers = [EvidenceCoverItem(keys.model_pk(evidence.model_id), keys.evidence_cover_sk(ref, evidence.evidence_id),
                                    evidence_id=evidence.evidence_id) for ref in evidence.covers]

        def build(transaction: TransactWrite) -> None:
            transaction.save(item, condition=EvidenceItem.pk.does_not_exist())
            for cover in covers:
                transaction.save(cover)

        try:
            _transact(build)
        except ConditionFailedError:
            raise EvidenceConflictError(evidence.evidence_id) from None
        return _to_domain(item)

    def save(self, evidence: Evidence, also: Evidence | None = None) -> Evidence:
        """Both writes or none, each conditioned on its revision (VersionAttribute)."""
        item = _to_item(evidence)
        other = _to_item(also) if also is not None else None

        def build(transaction: TransactWrite) -> None:
            transaction.save(item)
            if other is not None:
                transaction.save(other)

        try:
            _transact(build)
        except ConditionFailedError:
            raise EvidenceConflictError(evidence.evidence_id) from None
        return _to_domain(item)

    def writer(self, evidence: Evidence) -> Callable[[TransactWrite], None]:
        """The write of a changed item (conditioned on its revision) inside another store's transaction: a withdrawal
        that reopens the model's review is one transaction with the model (govhub.services.registry, `also`)."""
        item = _to_item(evidence)

        def write(transaction: TransactWrite) -> None:
            transaction.save(item)

        return write

    def listing(self, model_id: int, limit: int, cursor: str | None, kind: str | None, status: str | None, covers: str | None) -> Page:
        if covers is not None:
            refs = EvidenceCoverItem.query(keys.model_pk(model_id), EvidenceCoverItem.sk.startswith(keys.evidence_cover_prefix(covers)),
                                           scan_index_forward=False, limit=limit, page_size=limit,
                                           last_evaluated_key=decode_cursor(cursor, EvidenceCoverItem, keys.model_pk(model_id)))
            ids = [ref.evidence_id for ref in refs]
            found = {e.evidence_id: e for e in self._batch(model_id, ids)}
            return Page(items=[found[i] for i in ids if i in found], next_cursor=encode_cursor(refs.last_evaluated_key))
        if kind is not None:
            partition = keys.evidence_kind_partition(model_id, kind)
            results: Any = EvidenceItem.by_kind.query(partition, scan_index_forward=False, limit=limit, page_size=limit,
                                                      last_evaluated_key=decode_cursor(cursor, EvidenceItem.by_kind, partition))
        elif status is not None:
            partition = keys.evidence_status_partition(model_id, status)
            results = EvidenceItem.by_status.query(partition, scan_index_forward=False, limit=limit, page_size=limit,
                                                   last_evaluated_key=decode_cursor(cursor, EvidenceItem.by_status, partition))
        else:
            results = EvidenceItem.query(keys.model_pk(model_id), EvidenceItem.sk.startswith(keys.EVIDENCE), scan_index_forward=False,
                                         limit=limit, page_size=limit, last_evaluated_key=decode_cursor(cursor, EvidenceItem, keys.model_pk(model_id)))
        items = [_to_domain(item) for item in results]
        return Page(items=items, next_cursor=encode_cursor(results.last_evaluated_key))

    def for_model(self, model_id: int) -> list[Evidence]:
        """Every item of the model (a model has tens of documents, not thousands): one Query, paged through."""
        return [_to_domain(item) for item in EvidenceItem.query(keys.model_pk(model_id), EvidenceItem.sk.startswith(keys.EVIDENCE),
                                                                  consistent_read=True)]

    def due_by(self, until: datetime, limit: int, cursor: str | None) -> Page:
        """Items whose validity ends by `until`, soonest first (a range Query of the due-date partition)."""
        results = EvidenceItem.by_due.query(keys.due_partition(keys.EVIDENCE_EXPIRY), EvidenceItem.gsi9sk <= f"{until.isoformat()}~",
                                            limit=limit, page_size=limit,
                                            last_evaluated_key=decode_cursor(cursor, EvidenceItem.by_due, keys.due_partition(keys.EVIDENCE_EXPIRY)))
        items = [_to_domain(item) for item in results]
        return Page(items=items, next_cursor=encode_cursor(results.last_evaluated_key))

    def _batch(self, model_id: int, ids: list[str]) -> list[Evidence]:
        if not ids:
            return []
        wanted = [(keys.model_pk(model_id), keys.evidence_sk(i)) for i in ids]
        return [_to_domain(item) for item in EvidenceItem.batch_get(wanted, consistent_read=True)]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _to_item(evidence: Evidence) -> EvidenceItem:
    item = EvidenceItem(
        keys.model_pk(evidence.model_id), keys.evidence_sk(evidence.evidence_id), entity=keys.ENTITY_EVIDENCE,
        model_id=evidence.model_id, evidence_id=evidence.evidence_id, team=evidence.team, title=evidence.title, kind=evidence.kind.value,
        covers=list(evidence.covers), content_type=evidence.content_type, size=evidence.size, sha256=evidence.sha256,
        object_key=evidence.object_key, object_version=evidence.object_version, status=evidence.status.value,
        uploaded_by=evidence.uploaded_by, valid_from=_iso(evidence.valid_from), valid_until=_iso(evidence.valid_until),
        supersedes=evidence.supersedes, verified_at=_iso(evidence.verified_at), expiry_notice=evidence.expiry_notice,
        signoff=EvidenceSignoffMap(by=evidence.signoff.by, role=evidence.signoff.role, at=evidence.signoff.at.isoformat(),
                                   reason=evidence.signoff.reason) if evidence.signoff else None,
        gsi2pk=keys.evidence_kind_partition(evidence.model_id, evidence.kind.value), gsi2sk=evidence.evidence_id,
        gsi3pk=keys.evidence_status_partition(evidence.model_id, evidence.status.value), gsi3sk=evidence.evidence_id,
    )
    if evidence.valid_until is not None and evidence.status in DATED:
        item.gsi9pk = keys.due_partition(keys.EVIDENCE_EXPIRY)
        item.gsi9sk = keys.due_sort_key(evidence.valid_until.isoformat(), f"{evidence.model_id:012d}#{evidence.evidence_id}")
    _apply_stamp(item, evidence.stamp)
    if evidence.revision is not None:
        item.revision = evidence.revision
    return item


def _to_domain(item: EvidenceItem) -> Evidence:
    signoff = item.signoff
    return Evidence(
        model_id=int(item.model_id), evidence_id=item.evidence_id, team=item.team, title=item.title, kind=EvidenceKind(item.kind),
        covers=tuple(str(ref) for ref in (item.covers or [])), content_type=item.content_type, size=int(item.size), sha256=item.sha256,
        object_key=item.object_key, status=EvidenceStatus(item.status), uploaded_by=item.uploaded_by, stamp=_stamp_from(item),
        valid_from=_date(item.valid_from), valid_until=_date(item.valid_until), supersedes=item.supersedes,
        object_version=item.object_version, verified_at=_date(item.verified_at),
        signoff=EvidenceSignoff(signoff.by, signoff.role, datetime.fromisoformat(signoff.at), signoff.reason) if signoff else None,
        expiry_notice=item.expiry_notice, revision=int(item.revision) if item.revision else None,
    )


# -- the bucket ------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _s3() -> Any:
    import boto3
    from botocore.config import Config

    # the hub hashes what it reads itself and says what differs, instead of botocore raising on a stored checksum
    return boto3.client("s3", region_name=settings().region,
                        config=Config(signature_version="s3v4", response_checksum_validation="when_required"))


class EvidenceBucket:
    """Presigned PUTs that S3 checks (size, type and SHA-256 are signed), versioned reads, presigned GETs of one version."""

    def __init__(self, bucket: str | None = None) -> None:
        self._bucket = bucket or settings().evidence_bucket

    def upload_url(self, key: str, content_type: str, size: int, sha256_b64: str, ttl_seconds: int) -> str:
        return str(_s3().generate_presigned_url(
            "put_object",
            Params={"Bucket": self._bucket, "Key": key, "ContentType": content_type, "ContentLength": size,
                    "ChecksumAlgorithm": "SHA256", "ChecksumSHA256": sha256_b64},  # Object Lock buckets want the algorithm named
            ExpiresIn=ttl_seconds,
        ))

    def download_url(self, key: str, version_id: str | None, ttl_seconds: int, filename: str) -> str:
        params: dict[str, Any] = {"Bucket": self._bucket, "Key": key, "ResponseContentDisposition": f'attachment; filename="{filename}"'}
        if version_id:
            params["VersionId"] = version_id
        return str(_s3().generate_presigned_url("get_object", Params=params, ExpiresIn=ttl_seconds))

    def open(self, key: str) -> StoredObject | None:
        """The first uploaded version of the key (a later PUT to the same URL cannot replace what was verified)."""
        s3 = _s3()
        try:
            versions = s3.list_object_versions(Bucket=self._bucket, Prefix=key).get("Versions", [])
        except s3.exceptions.NoSuchBucket:
            return None
        mine = sorted((v for v in versions if v["Key"] == key), key=lambda v: v["LastModified"])
        if not mine:
            return None
        version = mine[0].get("VersionId")
        params: dict[str, Any] = {"Bucket": self._bucket, "Key": key}
        if version and version != "null":
            params["VersionId"] = version
        body = s3.get_object(**params)
        stream = body["Body"]
        head = stream.read(_HEAD_BYTES)

        def chunks() -> Iterator[bytes]:
            yield head
            while chunk := stream.read(1024 * 1024):
                yield chunk

        return StoredObject(int(body["ContentLength"]), version if version and version != "null" else None, head, chunks())

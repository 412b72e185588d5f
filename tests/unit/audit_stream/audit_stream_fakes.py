"""In-memory stand-ins for the audit trail's ports (the table side and the bucket), and stream record builders.

The fakes keep the promises the real ones make: a conditional put refuses a taken key and says what
it holds, the head moves only from where the caller says it is, markers and index items are plain
upserts. Faults are injected per key or per call.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeSerializer

from govhub.audit import audit_model_prefix, parse_audit_record_key
from govhub.domain.entities import Page
from govhub.store.audit import AuditHead, AuditQuery, DigestHead, IndexedEvent, RecordExistsError

_serializer = TypeSerializer()
_sequence_numbers = itertools.count(1000)


class S3Unavailable(Exception):
    """What the fake bucket raises for an injected fault."""


class TableUnavailable(Exception):
    """What the fake table raises for an injected fault."""


class FakeArchive:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.failing_keys: set[str] = set()  # every put to these keys fails
        self.fail_once: set[str] = set()  # the next put to these keys fails
        self.puts = 0

    def put_new(self, key: str, data: bytes) -> None:
        self.puts += 1
        if key in self.failing_keys or key in self.fail_once:
            self.fail_once.discard(key)
            raise S3Unavailable(key)
        if key in self.objects:
            raise RecordExistsError(key, self.objects[key])
        self.objects[key] = data

    def get(self, key: str) -> bytes:
        return self.objects[key]

    def keys(self, model_id: int) -> list[str]:
        prefix = audit_model_prefix(model_id)
        return sorted((k for k in self.objects if k.startswith(prefix)), key=lambda k: parse_audit_record_key(k)[1])

    def read(self, keys_in_order: list[str]) -> list[bytes]:
        return [self.objects[k] for k in keys_in_order]

    def get_if_present(self, key: str) -> bytes | None:
        return self.objects.get(key)

    def read_present(self, keys_in_order: list[str]) -> list[bytes | None]:
        return [self.objects.get(k) for k in keys_in_order]

    def has_any(self, model_id: int) -> bool:
        return bool(self.keys(model_id))


class FakeSigningKey:
    """An RSA key in memory, signing as KMS does (RSASSA-PSS, SHA-256, salt of the digest's length)."""

    key_id = "alias/fake-audit-signing"
    configured = True

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa

        self._private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.signed = 0

    def sign(self, message: bytes) -> bytes:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        self.signed += 1
        return self._private.sign(message, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())

    def arn(self) -> str:
        return f"arn:aws:kms:eu-central-1:123456789012:key/fake-{id(self)}"

    def public_key_der(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self._private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    def public_key_for(self, key_arn: str) -> bytes | None:
        return self.public_key_der() if key_arn == self.arn() else None


class FakeIndex:
    def __init__(self) -> None:
        self.head_items: dict[int, AuditHead] = {}
        self.digest_head_items: dict[int, DigestHead] = {}
        self.digest_copies: dict[tuple[int, int], bytes] = {}
        self.items: dict[str, dict[str, Any]] = {}  # event id -> the record its index item holds
        self.fail_save_records = 0  # how many save_records calls fail before they work again
        self.on_advance: list[Any] = []  # callbacks run before a head moves (to interleave another writer)

    @property
    def records(self) -> dict[tuple[int, int], dict[str, Any]]:
        return {(r["model_id"], r["sequence"]): r for r in self.items.values()}

    def head(self, model_id: int) -> AuditHead | None:
        return self.head_items.get(model_id)

    def heads(self, model_ids: Iterable[int]) -> dict[int, AuditHead]:
        return {m: self.head_items[m] for m in set(model_ids) if m in self.head_items}

    def advance(self, current: AuditHead, new: AuditHead) -> bool:
        while self.on_advance:
            self.on_advance.pop(0)()
        stored = self.head_items.get(new.model_id)
        if (stored is None and current.sequence != 0) or (stored is not None and stored != current):
            return False
        self.head_items[new.model_id] = new
        return True

    def digest_heads(self, model_ids: Iterable[int]) -> dict[int, DigestHead]:
        return {m: self.digest_head_items[m] for m in set(model_ids) if m in self.digest_head_items}

    def digest_head(self, model_id: int) -> DigestHead:
        return self.digest_head_items.get(model_id, DigestHead(model_id))

    def save_digest(self, model_id: int, number: int, document: bytes) -> None:
        self.digest_copies[(model_id, number)] = document

    def digests(self, model_id: int, count: int) -> dict[int, bytes]:
        return {n: d for (m, n), d in self.digest_copies.items() if m == model_id and n <= count}

    def advance_digest(self, current: DigestHead, new: DigestHead) -> bool:
        if self.digest_head(new.model_id).number != current.number:
            return False
        self.digest_head_items[new.model_id] = new
        return True

    def save_records(self, records: Iterable[Mapping[str, Any]]) -> None:
        if self.fail_save_records:
            self.fail_save_records -= 1
            raise TableUnavailable("BatchWriteItem")
        for record in records:
            self.items[record["event_id"]] = dict(record)

    def indexed_events(self, event_ids: Iterable[str]) -> dict[str, IndexedEvent]:
        return {
            e: IndexedEvent(e, self.items[e]["model_id"], self.items[e]["sequence"], self.items[e]["hash"])
            for e in set(event_ids)
            if e in self.items
        }

    def list(self, query: AuditQuery, limit: int, cursor: str | None) -> Page:
        items = sorted(self.items.values(), key=lambda r: r["time"], reverse=True)
        if query.model_id is not None:
            items = [r for r in items if r["model_id"] == query.model_id]
        return Page(items=items[:limit], next_cursor=None)


# -- stream records, as Lambda delivers them --------------------------------------------------------

def image(item: Mapping[str, Any]) -> dict[str, Any]:
    """A stored item as a stream image (DynamoDB JSON); floats are stored as numbers, i.e. Decimals."""
    return {k: _serializer.serialize(Decimal(str(v)) if isinstance(v, float) else v) for k, v in item.items() if v is not None}


def stream_record(event_name: str, new: Mapping[str, Any] | None = None, old: Mapping[str, Any] | None = None,
                  event_id: str | None = None) -> dict[str, Any]:
    sequence_number = str(next(_sequence_numbers))
    keys_of = new or old or {}
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": int(datetime(2026, 11, 25, 14, 0, tzinfo=UTC).timestamp()),
        "Keys": image({"PK": keys_of.get("PK"), "SK": keys_of.get("SK")}),
        "SequenceNumber": sequence_number,
        "SizeBytes": 100,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new is not None:
        body["NewImage"] = image(new)
    if old is not None:
        body["OldImage"] = image(old)
    return {
        "eventID": event_id or f"event-{sequence_number}",
        "eventName": event_name,
        "eventSource": "aws:dynamodb",
        "eventVersion": "1.1",
        "awsRegion": "eu-central-1",
        "dynamodb": body,
        "eventSourceARN": "arn:aws:dynamodb:eu-central-1:123456789012:table/govhub/stream/2026-11-25T00:00:00.000",
    }


def stamp(username: str, role: str, at: str, reason: str | None) -> dict[str, Any]:
    return {"created_at": at, "created_by": username, "updated_at": at, "updated_by": username,
            "updated_by_role": role, "change_reason": reason}


def model_item(model_id: int, at: str = "2026-11-25T14:00:00+00:00", *, by: str = "omar.owner", role: str = "model_owner",
               reason: str | None = "Registered", revision: int = 1, **fields: Any) -> dict[str, Any]:
    item = {
        "PK": f"MODEL#{model_id}", "SK": "META", "entity": "model", "model_id": model_id, "revision": revision,
        "name": f"model-{model_id}", "name_key": f"model-{model_id}", "owner": "ML Team", "risk_level": "high",
        "compliance_status": "draft", "GSI1PK": "MODELS", "GSI1SK": f"model-{model_id}",
        "GSI3PK": "STATUS#draft", "GSI3SK": f"model-{model_id}", **stamp(by, role, at, reason),
    }
    item.update(fields)
    return item


def version_item(version_id: int, model_id: int, tag: str, at: str = "2026-11-25T14:05:00+00:00") -> dict[str, Any]:
    return {
        "PK": f"VERSION#{version_id}", "SK": "META", "entity": "version", "model_id": model_id, "version_id": version_id,
        "version_tag": tag, "s3_path": f"s3://models/{tag}", "revision": 1, "GSI1PK": f"MODEL#{model_id}#VERSIONS",
        "GSI1SK": f"{version_id:012d}", **stamp("ci-bot", "model_owner", at, f"Version {tag} registered"),
    }


def metric_item(metric_id: int, version_id: int, model_id: int, name: str, value: float,
                at: str = "2026-11-25T14:06:00+00:00") -> dict[str, Any]:
    return {
        "PK": f"VERSION#{version_id}", "SK": f"METRIC#{metric_id:012d}", "entity": "metric", "model_id": model_id,
        "metric_id": metric_id, "version_id": version_id, "metric_name": name, "value": value,
        "GSI1PK": f"METRIC#{metric_id}", "GSI1SK": "METRIC#", **stamp("ci-bot", "model_owner", at, "Evaluation recorded"),
    }

"""Signed digests of a model's chain, CloudTrail style: verification reads digests, not every record.

Every ``N`` records (or ``T`` minutes, whichever comes first when the writer next runs for the chain)
the audit writer stores, under Object Lock, for the records since the previous digest:

* ``audit/digests/model=<id>/<number:08d>.json``: the digest (below), signed by an asymmetric KMS key;
* ``audit/digests/model=<id>/<number:08d>.<last sequence:010d>.leaves.json``: the range's record hashes
  in sequence order (a JSON list), whose Merkle root the digest holds;
* ``audit/snapshots/model=<id>/<number:08d>.<last sequence:010d>.json``: the replay state after the
  range's last record (``asof.Replay.to_state``), whose SHA-256 the digest holds.

The digest document (``docs/audit-trail.md`` describes it for auditors writing their own verifier)::

    {"schema": "govhub.audit-digest/1", "model_id", "number", "first_sequence", "last_sequence",
     "records", "head_hash", "merkle_root", "first_time", "last_time", "max_time",
     "previous_digest_hash", "snapshot_sha256", "created_at",
     "signing": {"key_id", "algorithm": "RSASSA_PSS_SHA_256"},
     "hash", "signature"}

``hash`` is SHA-256 over the canonical JSON of the document without ``hash`` and ``signature`` (the
same bytes the signature is over, as a KMS ``RAW`` message); ``signature`` is base64 RSASSA-PSS with
SHA-256 and MGF1-SHA-256. ``previous_digest_hash`` chains digests (64 zeros for the first).
The Merkle tree is RFC 6962's: leaf = SHA-256(0x00 || hash bytes), node = SHA-256(0x01 || left || right).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from govhub.audit.chain import GENESIS_HASH, canonical_json, record_hash
from govhub.audit.record import AUDIT_PREFIX

DIGEST_SCHEMA = "govhub.audit-digest/1"
SIGNING_ALGORITHM = "RSASSA_PSS_SHA_256"
UNSIGNED_FIELDS = ("hash", "signature")


def digest_key(model_id: int, number: int) -> str:
    return f"{AUDIT_PREFIX}digests/model={model_id}/{number:08d}.json"


def leaves_key(model_id: int, number: int, last_sequence: int) -> str:
    return f"{AUDIT_PREFIX}digests/model={model_id}/{number:08d}.{last_sequence:010d}.leaves.json"


def snapshot_key(model_id: int, number: int, last_sequence: int) -> str:
    return f"{AUDIT_PREFIX}snapshots/model={model_id}/{number:08d}.{last_sequence:010d}.json"


# -- Merkle tree (RFC 6962) -------------------------------------------------------------------------


def merkle_root(hashes: Sequence[str]) -> str:
    """Hex Merkle root of hex leaf hashes; the hash of nothing is SHA-256 of the empty string."""
    if not hashes:
        return hashlib.sha256(b"").hexdigest()
    level = [hashlib.sha256(b"\x00" + bytes.fromhex(h)).digest() for h in hashes]
    return _root(level).hex()


def _root(nodes: list[bytes]) -> bytes:
    if len(nodes) == 1:
        return nodes[0]
    split = 1 << ((len(nodes) - 1).bit_length() - 1)  # the largest power of two below the count
    return hashlib.sha256(b"\x01" + _root(nodes[:split]) + _root(nodes[split:])).digest()


# -- the digest document ----------------------------------------------------------------------------


def signed_bytes(digest: Mapping[str, Any]) -> bytes:
    """The bytes a digest's hash and signature are over: its canonical JSON without ``hash`` and ``signature``."""
    return canonical_json({k: v for k, v in digest.items() if k not in UNSIGNED_FIELDS})


def digest_hash(digest: Mapping[str, Any]) -> str:
    return hashlib.sha256(signed_bytes(digest)).hexdigest()


def new_digest(
    *,
    model_id: int,
    number: int,
    records: Sequence[Mapping[str, Any]],
    previous: Mapping[str, Any] | None,
    snapshot_sha256: str,
    created_at: str,
    key_id: str,
    sign: Callable[[bytes], bytes],
) -> dict[str, Any]:
    """The signed digest of ``records`` (the range after ``previous``, in sequence order)."""
    if not records:
        raise ValueError("a digest covers at least one record")
    first = int(records[0]["sequence"])
    times = [str(r["time"]) for r in records]
    document: dict[str, Any] = {
        "schema": DIGEST_SCHEMA,
        "model_id": model_id,
        "number": number,
        "first_sequence": first,
        "last_sequence": first + len(records) - 1,
        "records": len(records),
        "head_hash": str(records[-1]["hash"]),
        "merkle_root": merkle_root([str(r["hash"]) for r in records]),
        "first_time": min(times),
        "last_time": max(times),
        # the latest time of any record up to this digest: an as-of at or after it may start from its snapshot
        "max_time": max([*times, str(previous["max_time"])] if previous else times),
        "previous_digest_hash": str(previous["hash"]) if previous else GENESIS_HASH,
        "snapshot_sha256": snapshot_sha256,
        "created_at": created_at,
        "signing": {"key_id": key_id, "algorithm": SIGNING_ALGORITHM},
    }
    message = signed_bytes(document)
    document["hash"] = hashlib.sha256(message).hexdigest()
    document["signature"] = base64.b64encode(sign(message)).decode("ascii")
    return document


@dataclass(frozen=True)
class DigestProblem:
    number: int
    problem: str  # "modified" (content/hash), "signature", "missing", "inserted" (a link that does not hold)
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"digest": self.number, "problem": self.problem, "detail": self.detail}


def check_digest_chain(
    model_id: int,
    documents: Sequence[bytes | None],
    verify_signature: Callable[[str, bytes, bytes], bool],
) -> tuple[list[dict[str, Any]], DigestProblem | None]:
    """Check digests 1..n (stored bytes, None where absent) in order: each parses, hashes, is signed
    (``verify_signature(key_id, message, signature)``), and links to the previous one over a contiguous range from sequence 1. Answers the parsed digests up to the
    first problem, and that problem (or None)."""
    checked: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for number, data in enumerate(documents, start=1):
        if data is None:
            return checked, DigestProblem(number, "missing", f"digest {number} of model {model_id} is not in the bucket")
        try:  # plain parsing: a document with duplicate keys or NaN is not canonical, which the check below refuses
            digest = json.loads(data)
        except ValueError as error:
            return checked, DigestProblem(number, "modified", f"digest {number} is not a digest document: {error}")
        if not isinstance(digest, dict):
            return checked, DigestProblem(number, "modified", f"digest {number} is not a digest document")
        expected_first = int(previous["last_sequence"]) + 1 if previous else 1
        expected_previous = str(previous["hash"]) if previous else GENESIS_HASH
        try:
            canonical = canonical_json(digest)
        except ValueError:
            canonical = b""
        if data != canonical or digest.get("hash") != digest_hash(digest):
            return checked, DigestProblem(number, "modified", f"digest {number} was changed: its content does not match its hash")
        try:
            signature = base64.b64decode(str(digest.get("signature")), validate=True)
        except ValueError:
            signature = b""
        key_id = str((digest.get("signing") or {}).get("key_id"))
        if not verify_signature(key_id, signed_bytes(digest), signature):
            return checked, DigestProblem(number, "signature", f"digest {number} is not signed by the audit signing key")
        well_placed = (
            digest.get("schema") == DIGEST_SCHEMA
            and digest.get("model_id") == model_id
            and digest.get("number") == number
            and digest.get("first_sequence") == expected_first
            and digest.get("previous_digest_hash") == expected_previous
            and isinstance(digest.get("last_sequence"), int)
            and digest["last_sequence"] - expected_first + 1 == digest.get("records")
        )
        if not well_placed:
            return checked, DigestProblem(
                number, "inserted", f"digest {number} does not continue the digest chain from digest {number - 1}"
            )
        checked.append(digest)
        previous = digest
    return checked, None


def check_leaves(digest: Mapping[str, Any], leaves: Any) -> str | None:
    """Why the stored leaves are not the digest's record hashes, or None if they are."""
    if not isinstance(leaves, list) or not all(isinstance(h, str) and len(h) == 64 for h in leaves):
        return "the leaves file is not a list of record hashes"
    if len(leaves) != digest["records"] or not leaves or leaves[-1] != digest["head_hash"]:
        return "the leaves file does not cover the digest's range"
    if merkle_root(leaves) != digest["merkle_root"]:
        return "the leaves do not give the digest's Merkle root"
    return None


def check_sampled_record(record: Mapping[str, Any], sequence: int, digest: Mapping[str, Any], leaves: Sequence[str]) -> str | None:
    """Why a sampled record is not the one the (signed) digest covers, or None."""
    if record.get("sequence") != sequence or record.get("model_id") != digest["model_id"]:
        return f"the object at sequence {sequence} is another record"
    expected = leaves[sequence - int(digest["first_sequence"])]
    if record_hash(record) != expected or record.get("hash") != expected:
        return f"record {sequence} was changed: it does not hash to what digest {digest['number']} covers"
    return None


def verify_pss_signature(public_key_der: bytes, message: bytes, signature: bytes) -> bool:
    """RSASSA-PSS / SHA-256 / MGF1-SHA-256 with any salt length (KMS uses 32), against a DER public key.

    ``cryptography`` is imported here, on first use: only verification needs it.
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    key = _rsa_public_key(public_key_der)
    if key is None:
        return False
    try:
        key.verify(signature, message, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


SNAPSHOT_SCHEMA = "govhub.audit-snapshot/1"


@dataclass(frozen=True)
class DigestFiles:
    """What one digest adds to the bucket: the digest, its leaves and its snapshot (key -> bytes, in write order)."""

    digest: dict[str, Any]
    files: dict[str, bytes]


def digest_files(
    *,
    model_id: int,
    number: int,
    records: Sequence[Mapping[str, Any]],
    previous: Mapping[str, Any] | None,
    previous_state: Mapping[str, Any] | None,
    created_at: str,
    key_id: str,
    sign: Callable[[bytes], bytes],
) -> DigestFiles:
    """Digest ``number`` over ``records`` (verified by the caller): the snapshot replays them onto the previous
    snapshot's state; leaves and snapshot come first in ``files``, the digest (which names both) last."""
    from govhub.audit.asof import Replay, replay_records

    replay = replay_records(Replay.from_state(previous_state) if previous_state else Replay(), records)
    last_sequence = int(records[-1]["sequence"])
    snapshot = canonical_json(
        {"schema": SNAPSHOT_SCHEMA, "model_id": model_id, "number": number, "last_sequence": last_sequence, "state": replay.to_state()}
    )
    leaves = canonical_json([str(r["hash"]) for r in records])
    digest = new_digest(
        model_id=model_id,
        number=number,
        records=records,
        previous=previous,
        snapshot_sha256=hashlib.sha256(snapshot).hexdigest(),
        created_at=created_at,
        key_id=key_id,
        sign=sign,
    )
    return DigestFiles(
        digest,
        {
            leaves_key(model_id, number, last_sequence): leaves,
            snapshot_key(model_id, number, last_sequence): snapshot,
            digest_key(model_id, number): canonical_json(digest),
        },
    )


@lru_cache(maxsize=8)
def _rsa_public_key(public_key_der: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = serialization.load_der_public_key(public_key_der)
    return key if isinstance(key, rsa.RSAPublicKey) else None

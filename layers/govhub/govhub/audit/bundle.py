"""The export bundle: one model's audit records plus a manifest, for offline verification.

Layout (``docs/audit-trail.md``)::

    manifest.json
    records/00000001.json   the exact stored bytes of record 1 (canonical JSON)
    records/00000002.json
    ...
    digests/00000001.json   the exact stored bytes of signed digest 1 (its public key is in the manifest)
    ...
    evidence/manifest.json  the model's evidence documents, each with its SHA-256 (when it has any)

``govhub_cli.bundle`` verifies a bundle with nothing but the Python standard library.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from govhub.audit.chain import GENESIS_HASH, HASH_RULE, encode_record, load_record

BUNDLE_FORMAT = "govhub.audit-bundle/1"
MANIFEST = "manifest.json"
EVIDENCE_MANIFEST = "evidence/manifest.json"


def record_file_name(sequence: int) -> str:
    return f"records/{sequence:08d}.json"


def digest_file_name(number: int) -> str:
    return f"digests/{number:08d}.json"


def build_bundle(
    records: Sequence[Mapping[str, Any] | bytes],
    model: Mapping[str, Any],
    generated_at: datetime | str,
    digests: Sequence[bytes] = (),
    signing_keys: Mapping[str, bytes] | None = None,
    evidence: Mapping[str, Any] | None = None,
) -> dict[str, bytes]:
    """The files of an export bundle, name -> bytes.

    ``records`` are one model's sealed records, either as the bytes read from storage (kept exactly
    as stored, so a tampered object is exported as it is and caught by the verifier) or as dicts
    (written as canonical JSON). ``model`` needs ``id`` and ``name``. ``digests`` are the chain's signed
    digests as stored, in order; ``signing_keys`` the DER public keys that signed them, by KMS key ARN.
    """
    files: dict[str, bytes] = {}
    index: list[tuple[int, str]] = []  # (sequence, hash) in sequence order
    for item in records:
        data = bytes(item) if isinstance(item, (bytes, bytearray)) else encode_record(item)
        record = load_record(data)
        sequence, model_id = record.get("sequence"), record.get("model_id")
        if not isinstance(sequence, int) or sequence < 1:
            raise ValueError(f"an audit record without a valid sequence: {sequence!r}")
        if model_id != model["id"]:
            raise ValueError(f"record {sequence} belongs to model {model_id!r}, not to model {model['id']!r}")
        name = record_file_name(sequence)
        if name in files:
            raise ValueError(f"two records numbered {sequence}")
        files[name] = data
        index.append((sequence, str(record.get("hash"))))
    index.sort()
    for number, data in enumerate(digests, start=1):
        files[digest_file_name(number)] = bytes(data)
    if evidence is not None:
        files[EVIDENCE_MANIFEST] = (json.dumps(evidence, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    manifest = {
        "format": BUNDLE_FORMAT,
        "model": {"id": model["id"], "name": model["name"]},
        "records": len(index),
        "first_sequence": index[0][0] if index else None,
        "last_sequence": index[-1][0] if index else None,
        "head_hash": index[-1][1] if index else None,
        "genesis_hash": GENESIS_HASH,
        "hash_rule": HASH_RULE,
        "files": {name: hashlib.sha256(files[name]).hexdigest() for name in sorted(files)},
        "digests": len(digests),
        "evidence_documents": len((evidence or {}).get("documents") or []),
        "signing_keys": {key_id: base64.b64encode(der).decode("ascii") for key_id, der in sorted((signing_keys or {}).items())},
        "signature_rule": "RSASSA-PSS, SHA-256, MGF1-SHA-256 over the canonical JSON of a digest without 'hash' and 'signature'",
        "generated_at": _timestamp(generated_at),
    }
    files[MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    return dict(sorted(files.items()))


def bundle_to_zip(files: Mapping[str, bytes], folder: str = "") -> bytes:
    """The bundle as a zip archive, byte-for-byte the same for the same files.

    ``folder`` (e.g. ``audit-model-7``) puts every file under one top-level folder.
    """
    buffer = io.BytesIO()
    prefix = f"{folder.strip('/')}/" if folder else ""
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(prefix + name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def _timestamp(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()

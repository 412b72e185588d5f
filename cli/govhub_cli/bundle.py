"""Verify an AI Governance Hub audit export bundle offline, with the Python standard library only.

    python -m govhub_cli.bundle BUNDLE [--expect-head HASH] [--evidence DIR] [--json]

BUNDLE is the folder or ``.zip`` written by ``govhub audit export``::

    manifest.json            model, record count, first/last sequence, head hash, SHA-256 of every file,
                             the public key(s) that signed the digests (base64 DER, by KMS key ARN)
    records/00000001.json    one audit record each, stored as canonical JSON
    ...
    digests/00000001.json    the signed digests of the chain, as stored (none for a short chain)
    ...
    evidence/manifest.json   the model's evidence documents, each with its SHA-256 and size (if it has any)

This file is self-contained on purpose: it re-implements the canonical JSON and hash rule instead
of importing the service's code, so an auditor can read this one file and check a bundle
independently. The rule (also in docs/audit-trail.md):

* ``hash`` = hex SHA-256 of the canonical JSON of the record without its ``hash`` key;
* ``prev_hash`` = the ``hash`` of the record before it, 64 zeros for sequence 1;
* canonical JSON: no whitespace; object keys sorted by UTF-16 code units; strings as
  ``json.dumps(s, ensure_ascii=False)`` writes them; integers in plain digits; other numbers as
  ECMAScript writes them (RFC 8785): shortest round-trip digits, ``1.0`` -> ``1``,
  ``1e-07`` -> ``1e-7``, ``1e21`` -> ``1e+21``; UTF-8 bytes.

Checks: every file's SHA-256 against the manifest (and no file unlisted); every record parses, is
in canonical form and matches its own hash; the records form one chain (prev_hash links, sequences
1, 2, 3, ... with no gap, repeat or disorder); the manifest's count, sequences and head hash match
the records; every digest is canonical, hashes to its ``hash``, is signed (RSASSA-PSS, SHA-256,
MGF1-SHA-256, verified here in plain Python) by a key the manifest lists, links to the previous digest
over a contiguous range from sequence 1, and its Merkle root (RFC 6962) and head hash are those of the
records it covers. A bundle is only as trustworthy as its head hash and its key: compare the head with
the one the live system reports (``--expect-head``) and the signing key's fingerprint with the one
published for the deployment (``--expect-key``), or whoever rewrites the whole bundle rewrites its
manifest too. With ``--evidence DIR`` (the evidence documents as downloaded), every file there must be a document
of the evidence manifest, found by its SHA-256; documents without a file are listed as not provided.

Exit status: 0 intact, 1 problems found, 2 not a readable bundle.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import os
import sys
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from govhub_cli.output import print_json, print_text

GENESIS_HASH = "0" * 64
MANIFEST = "manifest.json"
EVIDENCE_MANIFEST = "evidence/manifest.json"
EVIDENCE_SCHEMA = "govhub.evidence-manifest/1"
MAX_FILE_BYTES = 16 * 1024 * 1024  # no audit record or manifest comes near this; guards against zip bombs


Obj = dict[str, Any]  # a JSON object: a record, the manifest, a problem
Entry = tuple[str, Obj, str]  # (file name, record, the hash its content gives)


class BundleError(Exception):
    """The path is not a bundle that can be read at all."""


# -- the canonical JSON and hash rule -------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """Canonical UTF-8 JSON bytes of a parsed JSON value."""
    return _canonical(value).encode("utf-8")


_quote = json.JSONEncoder(ensure_ascii=False).encode  # a str in, the JSON string literal out
_LITERALS = {None: "null", True: "true", False: "false"}


def _canonical(value: Any) -> str:
    if isinstance(value, str):
        return _quote(value)
    if value is None or value is True or value is False:
        return _LITERALS[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _ecmascript_number(value)
    if isinstance(value, list):
        return "[" + ",".join([_canonical(item) for item in value]) + "]"
    if isinstance(value, dict):
        return "{" + ",".join([_quote(key) + ":" + _canonical(value[key]) for key in _key_order(value)]) + "}"
    raise ValueError(f"not a JSON value: {type(value).__name__}")


def _key_order(obj: Obj) -> list[str]:
    """Keys by UTF-16 code units; for ASCII keys (all that records use) that is plain sorting."""
    if all(key.isascii() for key in obj):
        return sorted(obj)
    return sorted(obj, key=lambda key: key.encode("utf-16-be", "surrogatepass"))


def _ecmascript_number(value: float) -> str:
    """Number.prototype.toString: the shortest digits that round-trip (Python's repr finds them)."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError("NaN and infinity are not JSON")
    if value == 0:
        return "0"
    sign, value = ("-", -value) if value < 0 else ("", value)
    mantissa, _, exponent = repr(value).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).rstrip("0")
    point = len(whole) + int(exponent or 0)  # value = 0.<digits> x 10**point
    point -= len(digits) - len(digits.lstrip("0"))
    digits = digits.lstrip("0")
    k = len(digits)
    if k <= point <= 21:
        return sign + digits + "0" * (point - k)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    e = point - 1
    return sign + digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def record_hash(record: Obj) -> str:
    """Hex SHA-256 of the canonical JSON of the record without its ``hash`` key."""
    return hashlib.sha256(canonical_json({k: v for k, v in record.items() if k != "hash"})).hexdigest()


def _canonical_and_hash(record: Obj) -> tuple[bytes, str]:
    """The record's canonical bytes and ``record_hash(record)``, writing each value once."""
    members = [(key, _quote(key) + ":" + _canonical(record[key])) for key in _key_order(record)]
    body = "{" + ",".join([member for key, member in members if key != "hash"]) + "}"
    whole = "{" + ",".join([member for _, member in members]) + "}"
    return whole.encode("utf-8"), hashlib.sha256(body.encode("utf-8")).hexdigest()


def _strict_json(data: bytes) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> Obj:
        result: Obj = {}
        for key, value in pairs:
            if key in result:
                raise ValueError(f"duplicate key {key!r}")
            result[key] = value
        return result

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(data.decode("utf-8"), object_pairs_hook=no_duplicates, parse_constant=no_constants)


# -- reading a folder or a zip --------------------------------------------------------------------


class _Bundle:
    def __init__(self, path: Path) -> None:
        self.files: dict[str, bytes] = {}
        self.sha256: dict[str, str] = {}
        if path.is_dir():
            for folder, _, names in os.walk(path):
                relative = Path(folder).relative_to(path).as_posix()
                for name in names:
                    file = os.path.join(folder, name)
                    bundle_name = name if relative == "." else f"{relative}/{name}"
                    self._add(bundle_name, os.path.getsize(file), lambda file=file: _read(file))
        elif zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = [info for info in archive.infolist() if not info.is_dir()]
                folder = _common_folder([info.filename for info in members])
                for info in members:
                    self._add(info.filename[len(folder) :], info.file_size, lambda i=info: archive.read(i))
        else:
            raise BundleError(f"{path} is neither a folder nor a zip file")

    def _add(self, name: str, size: int, read: Any) -> None:
        if size > MAX_FILE_BYTES:
            raise BundleError(f"{name} is {size} bytes, larger than any bundle file can be")
        self.files[name] = read()
        self.sha256[name] = hashlib.sha256(self.files[name]).hexdigest()  # while the bytes are fresh in cache


def _read(file: str) -> bytes:
    with open(file, "rb") as handle:
        return handle.read()


def _common_folder(names: list[str]) -> str:
    """The single top-level folder a zip may wrap its files in ('' if none)."""
    if MANIFEST in names:
        return ""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and all("/" in name for name in names):
        return tops.pop() + "/"
    return ""


def _safe_name(name: object) -> bool:
    if not isinstance(name, str) or not name or "\\" in name:
        return False
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts


# -- verification ---------------------------------------------------------------------------------


def verify_bundle(
    path: str | Path, expected_head: str | None = None, expected_key: str | None = None, evidence_dir: str | Path | None = None
) -> dict[str, Any]:
    """Check a bundle folder or zip; ``intact`` is true only when no problem was found.

    Returns ``{"intact", "records", "head_hash", "model", "problems": [{"file" or "sequence",
    "problem", "detail"}]}``. ``head_hash`` is the hash of the last record of the verified part of
    the chain. Raises BundleError if the path cannot be read as a bundle at all.
    """
    path = Path(path)
    if not path.exists():
        raise BundleError(f"{path} does not exist")
    bundle = _Bundle(path)
    problems: list[dict[str, Any]] = []
    manifest = _read_manifest(bundle, problems)
    _check_files(bundle, manifest, problems)
    records = _read_records(bundle, problems)
    model_id = manifest["model"].get("id") if manifest and isinstance(manifest.get("model"), dict) else None
    head_hash, head_sequence = _check_chain(records, model_id, problems)
    if manifest is not None:
        _check_manifest_totals(manifest, records, problems)
    keys = _signing_keys(manifest, problems)
    digests = _check_digests(bundle, model_id, records, keys, problems)
    evidence = _check_evidence(bundle, model_id, Path(evidence_dir) if evidence_dir is not None else None, problems)
    if expected_key is not None and digests and set(keys) and any(_fingerprint(der) != expected_key for der in keys.values()):
        problems.append({"file": MANIFEST, "problem": "forged", "detail": f"a signing key is not the expected key {expected_key}"})
    if expected_head is not None and (not records or records[-1][1].get("hash") != expected_head):
        problems.append(
            {
                "sequence": head_sequence,
                "problem": "modified",
                "detail": f"the chain's head is not the expected head {expected_head}",
            }
        )
    return {
        "intact": not problems,
        "records": len(records),
        "head_hash": head_hash,
        "model": manifest.get("model") if manifest else None,
        "digests": digests,
        "signing_keys": {key_id: _fingerprint(der) for key_id, der in keys.items()},
        "evidence": evidence,
        "problems": problems,
    }


def _file_sha256(file: str) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _check_evidence(bundle: _Bundle, model_id: Any, folder: Path | None, problems: list[Obj]) -> Obj | None:
    """The evidence manifest's form, and each given document against its SHA-256 (found by it)."""
    if EVIDENCE_MANIFEST not in bundle.files:
        if folder is not None:
            problems.append({"file": EVIDENCE_MANIFEST, "problem": "missing", "detail": "documents were given but the bundle has no evidence manifest"})
        return None
    try:
        listed = _strict_json(bundle.files[EVIDENCE_MANIFEST])
    except ValueError as error:
        problems.append({"file": EVIDENCE_MANIFEST, "problem": "malformed", "detail": f"not JSON: {error}"})
        return None
    documents = listed.get("documents") if isinstance(listed, dict) else None
    if not isinstance(listed, dict) or listed.get("schema") != EVIDENCE_SCHEMA or not isinstance(documents, list):
        problems.append({"file": EVIDENCE_MANIFEST, "problem": "malformed", "detail": f"not a {EVIDENCE_SCHEMA} document"})
        return None
    if listed.get("model_id") != model_id:
        problems.append({"file": EVIDENCE_MANIFEST, "problem": "modified", "detail": f"it lists model {listed.get('model_id')!r}, not {model_id!r}"})
    by_hash: dict[str, Obj] = {}
    for document in documents:
        sha = document.get("sha256") if isinstance(document, dict) else None
        if not isinstance(sha, str) or len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            problems.append({"file": EVIDENCE_MANIFEST, "problem": "malformed", "detail": f"a document without a SHA-256: {document!r}"[:200]})
            continue
        by_hash[sha] = document
    result: Obj = {"documents": len(documents), "checked": [], "not_provided": []}
    if folder is None:
        return result
    if not folder.is_dir():
        raise BundleError(f"{folder} is not a folder of evidence documents")
    found: set[str] = set()
    for current, _, names in os.walk(folder):
        for name in sorted(names):
            file = os.path.join(current, name)
            sha = _file_sha256(file)
            relative = Path(file).relative_to(folder).as_posix()
            document = by_hash.get(sha)
            if document is None:
                problems.append({"file": f"evidence:{relative}", "problem": "unmatched",
                                 "detail": f"SHA-256 {sha} is not the hash of any document in the evidence manifest"})
                continue
            found.add(sha)
            result["checked"].append({"file": relative, "evidence_id": document.get("evidence_id"), "title": document.get("title"), "sha256": sha})
    result["not_provided"] = [{"evidence_id": d.get("evidence_id"), "title": d.get("title")} for sha, d in by_hash.items() if sha not in found]
    return result


def _read_manifest(bundle: _Bundle, problems: list[Obj]) -> Obj | None:
    if MANIFEST not in bundle.files:
        problems.append({"file": MANIFEST, "problem": "missing", "detail": "the bundle has no manifest"})
        return None
    try:
        manifest = _strict_json(bundle.files[MANIFEST])
    except ValueError as error:
        problems.append({"file": MANIFEST, "problem": "malformed", "detail": f"not JSON: {error}"})
        return None
    if not isinstance(manifest, dict):
        problems.append({"file": MANIFEST, "problem": "malformed", "detail": "the manifest is not a JSON object"})
        return None
    needed = ("model", "records", "first_sequence", "last_sequence", "head_hash", "files")
    absent = [key for key in needed if key not in manifest]
    if absent or not isinstance(manifest["files"], dict):
        detail = f"fields missing: {', '.join(absent)}" if absent else "'files' is not an object"
        problems.append({"file": MANIFEST, "problem": "malformed", "detail": detail})
        return None
    return manifest


def _check_files(bundle: _Bundle, manifest: Obj | None, problems: list[Obj]) -> None:
    listed = manifest["files"] if manifest else {}
    for name in sorted(listed):
        if not _safe_name(name) or name == MANIFEST:
            problems.append({"file": str(name), "problem": "malformed", "detail": "not a valid file name in a bundle"})
        elif name not in bundle.files:
            problems.append({"file": name, "problem": "missing", "detail": "listed in the manifest, absent from the bundle"})
        elif bundle.sha256[name] != listed[name]:
            problems.append(
                {"file": name, "problem": "modified", "detail": "its SHA-256 is not the one in the manifest"}
            )
    if manifest is not None:
        for name in sorted(set(bundle.files) - set(listed) - {MANIFEST}):
            problems.append({"file": name, "problem": "unlisted", "detail": "present but not in the manifest"})


def _read_records(bundle: _Bundle, problems: list[Obj]) -> list[Entry]:
    """(file name, record, the hash its content gives) for every record file, in file-name order."""
    records = []
    for name in sorted(bundle.files):
        if not (name.startswith("records/") and name.endswith(".json")):
            continue
        data = bundle.files[name]
        try:
            record = _strict_json(data)
            if not isinstance(record, dict):
                raise TypeError("a record is a JSON object")
            for key, kind in (("sequence", int), ("model_id", int), ("prev_hash", str), ("hash", str)):
                if not isinstance(record.get(key), kind) or isinstance(record.get(key), bool):
                    raise TypeError(f"'{key}' is missing or of the wrong type")
            canonical, digest = _canonical_and_hash(record)
        except (ValueError, TypeError) as error:
            problems.append({"file": name, "problem": "malformed", "detail": f"not an audit record: {error}"})
            continue
        if canonical != data:
            problems.append({"file": name, "problem": "not_canonical", "detail": "stored bytes are not canonical JSON"})
        records.append((name, record, digest))
    return records


def _check_chain(records: list[Entry], model_id: Any, problems: list[Obj]) -> tuple[str | None, int | None]:
    """Check every record's own hash, and the chain up to its first structural break."""
    hashes_by_sequence: dict[int, str] = {}
    present = {record["sequence"] for _, record, _ in records}
    head_hash: str | None = None
    head_sequence: int | None = None
    before_head: tuple[str | None, int | None] = (None, None)
    verified = True  # no problem yet from the first record to this one
    chain_broken = False
    prev: Obj | None = None
    for name, record, digest in records:
        sequence = record["sequence"]
        if digest != record["hash"]:
            problems.append(
                {"sequence": sequence, "file": name, "problem": "modified", "detail": "its content does not match its hash"}
            )
            verified = False
        if not chain_broken:
            link = _link_problem(prev, record, present, hashes_by_sequence, model_id)
            if link is not None:
                problems.append(link)
                chain_broken = True
                if verified and link["problem"] == "modified" and prev is not None and link["sequence"] == prev["sequence"]:
                    head_hash, head_sequence = before_head  # the previous record is the re-sealed one
                verified = False
        hashes_by_sequence.setdefault(sequence, record["hash"])
        if verified:
            before_head = (head_hash, head_sequence)
            head_hash, head_sequence = record["hash"], sequence
        prev = record
    return head_hash, head_sequence


def _link_problem(prev: Obj | None, record: Obj, present: set[int], seen: dict[int, str], model_id: Any) -> Obj | None:
    sequence, expected = record["sequence"], (prev["sequence"] + 1 if prev else 1)
    if model_id is not None and record["model_id"] != model_id:
        return {"sequence": sequence, "problem": "inserted", "detail": f"the record belongs to model {record['model_id']}"}
    if sequence in seen:
        if seen[sequence] == record["hash"]:
            return {"sequence": sequence, "problem": "duplicate", "detail": f"record {sequence} appears twice"}
        return {"sequence": sequence, "problem": "inserted", "detail": f"two different records are numbered {sequence}"}
    if sequence != expected:
        if sequence < expected or expected in present:
            return {
                "sequence": expected,
                "problem": "reordered",
                "detail": f"record {sequence} comes where record {expected} belongs",
            }
        last = sequence - 1
        span = f"record {expected} is" if last == expected else f"records {expected}-{last} are"
        return {"sequence": expected, "problem": "missing", "detail": f"{span} missing"}
    if prev is None and record["prev_hash"] != GENESIS_HASH:
        return {"sequence": 1, "problem": "modified", "detail": "record 1's prev_hash is not 64 zeros"}
    if prev is not None and record["prev_hash"] != prev["hash"]:
        return {
            "sequence": prev["sequence"],
            "problem": "modified",
            "detail": f"record {sequence}'s prev_hash is not record {prev['sequence']}'s hash: "
            f"record {prev['sequence']} was rewritten and re-sealed",
        }
    return None


def _check_manifest_totals(manifest: Obj, records: list[Entry], problems: list[Obj]) -> None:
    actual = {
        "records": len(records),
        "first_sequence": records[0][1]["sequence"] if records else None,
        "last_sequence": records[-1][1]["sequence"] if records else None,
        "head_hash": records[-1][1]["hash"] if records else None,
    }
    for key, value in actual.items():
        if manifest.get(key) != value:
            problems.append(
                {
                    "file": MANIFEST,
                    "problem": "modified",
                    "detail": f"{key} is {manifest.get(key)!r} in the manifest but {value!r} in the records",
                }
            )
    model = manifest.get("model")
    if isinstance(model, dict):
        others = sorted({record["model_id"] for _, record, _ in records} - {model.get("id")})
        if others:
            problems.append(
                {"file": MANIFEST, "problem": "modified", "detail": f"records of model(s) {others} in model {model.get('id')}'s bundle"}
            )


# -- digests and their signatures -----------------------------------------------------------------


def _fingerprint(der: bytes) -> str:
    """A signing key's fingerprint: hex SHA-256 of its DER SubjectPublicKeyInfo."""
    return hashlib.sha256(der).hexdigest()


def _signing_keys(manifest: Obj | None, problems: list[Obj]) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    listed = (manifest or {}).get("signing_keys") or {}
    if not isinstance(listed, dict):
        problems.append({"file": MANIFEST, "problem": "malformed", "detail": "'signing_keys' is not an object"})
        return keys
    for key_id, encoded in listed.items():
        try:
            keys[str(key_id)] = base64.b64decode(str(encoded), validate=True)
        except ValueError:
            problems.append({"file": MANIFEST, "problem": "malformed", "detail": f"the key {key_id} is not base64"})
    return keys


def merkle_root(hashes: list[str]) -> str:
    """RFC 6962: leaf = SHA-256(0x00 || hash), node = SHA-256(0x01 || left || right), split at the largest power of 2 below n."""
    def root(nodes: list[bytes]) -> bytes:
        if len(nodes) == 1:
            return nodes[0]
        split = 1 << ((len(nodes) - 1).bit_length() - 1)
        return hashlib.sha256(b"\x01" + root(nodes[:split]) + root(nodes[split:])).digest()

    if not hashes:
        return hashlib.sha256(b"").hexdigest()
    return root([hashlib.sha256(b"\x00" + bytes.fromhex(h)).digest() for h in hashes]).hex()


def _check_digests(bundle: _Bundle, model_id: Any, records: list[Entry], keys: dict[str, bytes], problems: list[Obj]) -> int:
    """Check every digest file in order; answers how many verified before the first problem."""
    names = sorted(n for n in bundle.files if n.startswith("digests/") and n.endswith(".json"))
    content_hash = {record["sequence"]: digest for _, record, digest in records}
    previous: Obj | None = None
    for number, name in enumerate(names, start=1):
        digest, problem = _digest_problem(name, number, bundle.files[name], previous, model_id, content_hash, keys)
        if problem is not None:
            problems.append({"file": name, **problem})
            return number - 1
        previous = digest
    return len(names)


def _digest_problem(name: str, number: int, data: bytes, previous: Obj | None, model_id: Any,
                    content_hash: dict[int, str], keys: dict[str, bytes]) -> tuple[Obj, Obj | None]:
    """The digest, and its problem ({"problem", "detail"}) or None when it verifies."""
    try:
        digest = _strict_json(data)
        if not isinstance(digest, dict):
            raise TypeError("a digest is a JSON object")
        first, last = int(digest["first_sequence"]), int(digest["last_sequence"])
        signature = base64.b64decode(str(digest["signature"]), validate=True)
        key_id = str(digest["signing"]["key_id"])
    except (ValueError, TypeError, KeyError) as error:
        return {}, {"problem": "malformed", "detail": f"not a digest: {error!r}"}
    message = canonical_json({k: v for k, v in digest.items() if k not in ("hash", "signature")})
    if canonical_json(digest) != data or hashlib.sha256(message).hexdigest() != digest.get("hash"):
        return digest, {"problem": "modified", "detail": f"digest {number} does not match its hash"}
    if key_id not in keys or not rsa_pss_sha256_verify(keys[key_id], message, signature):
        return digest, {"problem": "forged", "detail": f"digest {number} is not signed by the listed key {key_id}"}
    expected_first = previous["last_sequence"] + 1 if previous else 1
    links = (
        name == f"digests/{number:08d}.json"
        and digest.get("number") == number
        and (model_id is None or digest.get("model_id") == model_id)
        and first == expected_first
        and digest.get("previous_digest_hash") == (previous["hash"] if previous else GENESIS_HASH)
        and last - first + 1 == digest.get("records")
    )
    if not links:
        return digest, {"problem": "inserted", "detail": f"digest {number} does not continue the digest chain"}
    covered = [content_hash.get(sequence) for sequence in range(first, last + 1)]
    if any(h is None for h in covered):
        return digest, {"problem": "missing", "detail": f"records {first}-{last} that digest {number} covers are not all in the bundle"}
    hashes = [str(h) for h in covered]
    if merkle_root(hashes) != digest.get("merkle_root") or hashes[-1] != digest.get("head_hash"):
        return digest, {"problem": "modified", "detail": f"the records {first}-{last} are not the ones digest {number} signed"}
    return digest, None


def _der(data: bytes, at: int) -> tuple[int, bytes, int]:
    """(tag, value, the offset after it) of the DER element at ``at``."""
    tag, length, at = data[at], data[at + 1], at + 2
    if length & 0x80:
        count = length & 0x7F
        length, at = int.from_bytes(data[at : at + count], "big"), at + count
    return tag, data[at : at + length], at + length


def rsa_public_key(der: bytes) -> tuple[int, int]:
    """(n, e) of an RSA SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { rsaEncryption, NULL }, BIT STRING { SEQUENCE { n, e } } }."""
    _, spki, _ = _der(der, 0)
    _, _, after_algorithm = _der(spki, 0)
    tag, bits, _ = _der(spki, after_algorithm)
    if tag != 0x03 or bits[:1] != b"\x00":
        raise ValueError("not an RSA public key")
    _, key, _ = _der(bits[1:], 0)
    _, modulus, after = _der(key, 0)
    _, exponent, _ = _der(key, after)
    return int.from_bytes(modulus, "big"), int.from_bytes(exponent, "big")


def rsa_pss_sha256_verify(public_key_der: bytes, message: bytes, signature: bytes) -> bool:
    """RFC 8017 RSASSA-PSS-VERIFY with SHA-256 and MGF1-SHA-256, any salt length (KMS signs with 32 bytes)."""
    try:
        n, e = rsa_public_key(public_key_der)
    except (ValueError, IndexError):
        return False
    mod_bits = n.bit_length()
    if len(signature) != (mod_bits + 7) // 8 or int.from_bytes(signature, "big") >= n:
        return False
    em_bits = mod_bits - 1
    em_len = (em_bits + 7) // 8
    encoded = pow(int.from_bytes(signature, "big"), e, n).to_bytes(em_len, "big")
    h_len = 32
    if em_len < h_len + 2 or encoded[-1] != 0xBC:
        return False
    masked, digest = encoded[: em_len - h_len - 1], encoded[em_len - h_len - 1 : -1]
    unused_bits = 8 * em_len - em_bits
    if unused_bits and masked[0] >> (8 - unused_bits):
        return False
    mask = b"".join(hashlib.sha256(digest + i.to_bytes(4, "big")).digest() for i in range((len(masked) + h_len - 1) // h_len))
    block = bytearray(a ^ b for a, b in zip(masked, mask[: len(masked)], strict=True))
    block[0] &= 0xFF >> unused_bits
    start = next((i for i, byte in enumerate(block) if byte), len(block))
    if start == len(block) or block[start] != 0x01:
        return False
    salt = bytes(block[start + 1 :])
    return hashlib.sha256(b"\x00" * 8 + hashlib.sha256(message).digest() + salt).digest() == digest


# -- command line ---------------------------------------------------------------------------------


def format_report(result: dict[str, Any]) -> str:
    """The human-readable verdict ``main`` prints."""
    model = result.get("model") or {}
    who = f"model {model.get('id')} ({model.get('name')})" if model else "unknown model"
    signed = f", {result['digests']} signed digest(s) verified" if result.get("digests") else ""
    keys = "".join(f"\n  signing key {k}: SHA-256 {v}" for k, v in (result.get("signing_keys") or {}).items())
    evidence = result.get("evidence")
    if evidence:
        keys += (f"\n  evidence: {evidence['documents']} document(s) in the manifest, {len(evidence['checked'])} checked against "
                 f"their SHA-256, {len(evidence['not_provided'])} not provided")
    if result["intact"]:
        return f"INTACT: {who}, {result['records']} records, chain unbroken{signed}, head {result['head_hash']}{keys}"
    lines = [f"TAMPERED: {who}, {result['records']} records, {len(result['problems'])} problem(s):"]
    for problem in result["problems"]:
        where = f"sequence {problem['sequence']}" if problem.get("sequence") is not None else problem.get("file")
        lines.append(f"  {where}: {problem['problem']} - {problem['detail']}")
    if result["head_hash"]:
        lines.append(f"  last verified record hash: {result['head_hash']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m govhub_cli.bundle",
        description="Verify an audit export bundle (folder or .zip) offline.",
    )
    parser.add_argument("bundle", help="the bundle folder or .zip")
    parser.add_argument("--expect-head", metavar="HASH", help="the head hash the live system reports")
    parser.add_argument("--expect-key", metavar="SHA256", help="the SHA-256 fingerprint of the deployment's signing key")
    parser.add_argument("--evidence", metavar="DIR", help="the evidence documents as downloaded: each is checked against its SHA-256")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    try:
        result = verify_bundle(args.bundle, expected_head=args.expect_head, expected_key=args.expect_key, evidence_dir=args.evidence)
    except (BundleError, OSError, zipfile.BadZipFile) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print_json(result)
    else:
        print_text(format_report(result))
    return 0 if result["intact"] else 1


if __name__ == "__main__":
    sys.exit(main())

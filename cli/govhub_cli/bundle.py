"""Verify an AI Governance Hub audit export bundle offline, with the Python standard library only.

    python -m govhub_cli.bundle BUNDLE [--expect-head HASH] [--json]

BUNDLE is the folder or ``.zip`` written by ``govhub audit export``::

    manifest.json            model, record count, first/last sequence, head hash, SHA-256 of every file
    records/00000001.json    one audit record each, stored as canonical JSON
    ...

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
the records. A bundle is only as trustworthy as its head hash: compare it with the head the live
system reports (``--expect-head``), or whoever rewrites the whole bundle rewrites its manifest too.

Exit status: 0 intact, 1 problems found, 2 not a readable bundle.
"""

from __future__ import annotations

import argparse
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


def verify_bundle(path: str | Path, expected_head: str | None = None) -> dict[str, Any]:
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
        "problems": problems,
    }


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


# -- command line ---------------------------------------------------------------------------------


def format_report(result: dict[str, Any]) -> str:
    """The human-readable verdict ``main`` prints."""
    model = result.get("model") or {}
    who = f"model {model.get('id')} ({model.get('name')})" if model else "unknown model"
    if result["intact"]:
        return f"INTACT: {who}, {result['records']} records, chain unbroken, head {result['head_hash']}"
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
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    try:
        result = verify_bundle(args.bundle, expected_head=args.expect_head)
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

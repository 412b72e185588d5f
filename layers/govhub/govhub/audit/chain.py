"""The audit hash chain: canonical JSON, sealing a record, and verifying a model's chain.

Each model has its own chain. Record ``n`` stores ``prev_hash`` = the ``hash`` of record ``n - 1``
(``GENESIS_HASH`` for record 1) and ``hash`` = SHA-256 of the canonical JSON of the record without
its ``hash`` key. Changing, removing, reordering, inserting or duplicating any record breaks a link
or a hash, and ``verify_chain`` says which.

The canonical JSON rule (``docs/audit-trail.md`` states the same; ``govhub_cli.bundle`` re-implements it):

* objects: keys sorted by their UTF-16 code units (for ASCII keys: plain byte order), no whitespace,
  ``{"a":1,"b":[true,null]}``; ``separators=(",", ":")``;
* strings: as ``json.dumps(s, ensure_ascii=False)`` writes them: ``"`` and ``\\`` escaped, control
  characters as ``\\n \\r \\t \\b \\f`` or ``\\u00XX`` (lower-case hex), every other character
  written as itself; the whole document is UTF-8;
* integers (and integral ``Decimal`` values): plain decimal digits, ``-`` for negatives;
* floats (and non-integral ``Decimal`` values, first rounded to the nearest double): the shortest
  digits that round-trip, laid out as ECMAScript's ``Number.prototype.toString`` does (RFC 8785):
  ``0.1``, ``1e-7``, ``1.0`` -> ``1``, ``1e21`` -> ``1e+21``, ``-0.0`` -> ``0``; NaN and
  infinities are refused.

So a number is written by its value, not its Python type: ``1``, ``1.0`` and ``Decimal("1")``
(what a DynamoDB stream image holds) give the same bytes. For every JSON document ``d`` this
produces, ``canonical_json(json.loads(d)) == d``, which is what lets anyone re-hash a stored record.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any, Literal

SCHEMA = "govhub.audit/1"
GENESIS_HASH = "0" * 64
HASH_RULE = (
    "sha256 over the canonical JSON (RFC 8785 style: keys sorted, no whitespace, UTF-8, "
    "numbers in ECMAScript form) of the record without its 'hash' key; "
    "prev_hash of sequence 1 is 64 zeros"
)

BreakKind = Literal["modified", "missing", "reordered", "inserted", "duplicate"]


class CanonicalJSONError(ValueError):
    """The value cannot be written as canonical JSON (NaN, infinity, a non-string key, an unknown type)."""


class RecordFormatError(ValueError):
    """Bytes that are not one well-formed audit record."""


# -- canonical JSON ------------------------------------------------------------------------------


def canonical_json(obj: Any) -> bytes:
    """The canonical UTF-8 JSON bytes of ``obj`` (rule in the module docstring)."""
    parts: list[str] = []
    _write(obj, parts)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate has no UTF-8 form
        raise CanonicalJSONError(f"text that is not valid Unicode: {error.reason}") from None


def _write(obj: Any, out: list[str]) -> None:
    kind = type(obj)  # exact-type dispatch first: this runs for every value of every record
    if kind is str:
        out.append(encode_basestring(obj))
    elif kind is dict:
        _write_object(obj, out)
    elif obj is None:
        out.append("null")
    elif obj is True:
        out.append("true")
    elif obj is False:
        out.append("false")
    elif kind is int:
        out.append(str(obj))
    elif kind is float:
        out.append(format_number(obj))
    elif kind is list or kind is tuple:
        _write_array(obj, out)
    elif isinstance(obj, str):
        out.append(encode_basestring(str(obj)))
    elif isinstance(obj, int):
        out.append(str(int(obj)))
    elif isinstance(obj, float):
        out.append(format_number(float(obj)))
    elif isinstance(obj, Decimal):
        out.append(_format_decimal(obj))
    elif isinstance(obj, Mapping):
        _write_object(obj, out)
    elif isinstance(obj, (list, tuple)):
        _write_array(obj, out)
    else:
        raise CanonicalJSONError(f"cannot write a {kind.__name__} as canonical JSON")


def _write_object(obj: Mapping[Any, Any], out: list[str], skip: str | None = None) -> None:
    out.append("{")
    first = True
    for key in _sorted_keys(obj):
        if key == skip:
            continue
        if not first:
            out.append(",")
        first = False
        out.append(encode_basestring(key))
        out.append(":")
        _write(obj[key], out)
    out.append("}")


def _write_array(items: Sequence[Any], out: list[str]) -> None:
    out.append("[")
    first = True
    for item in items:
        if not first:
            out.append(",")
        first = False
        _write(item, out)
    out.append("]")


def _sorted_keys(obj: Mapping[Any, Any]) -> list[str]:
    keys = list(obj.keys())
    ascii_only = True
    for key in keys:
        if not isinstance(key, str):
            raise CanonicalJSONError(f"object keys must be strings, not {type(key).__name__}")
        ascii_only = ascii_only and key.isascii()
    if ascii_only:
        return sorted(keys)
    # UTF-16 code-unit order (RFC 8785); differs from code-point order when astral characters meet U+E000..U+FFFF.
    return sorted(keys, key=lambda key: key.encode("utf-16-be", "surrogatepass"))


def format_number(value: float) -> str:
    """A float as ECMAScript's ``Number.prototype.toString`` writes it (shortest round-trip digits)."""
    if math.isnan(value) or math.isinf(value):
        raise CanonicalJSONError(f"{value!r} has no JSON form")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    digits, point = _shortest_digits(abs(value))
    return sign + _layout(digits, point)


def _shortest_digits(value: float) -> tuple[str, int]:
    """``(digits, n)`` with value == 0.<digits> x 10**n, digits the shortest that round-trip (from repr)."""
    text = repr(value)
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).rstrip("0")
    point = len(whole) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    return stripped, point


def _layout(digits: str, n: int) -> str:
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    exponent = n - 1
    sign = "+" if exponent >= 0 else "-"
    head = digits[0] if k == 1 else digits[0] + "." + digits[1:]
    return f"{head}e{sign}{abs(exponent)}"


def _format_decimal(value: Decimal) -> str:
    if not value.is_finite():
        raise CanonicalJSONError(f"{value!r} has no JSON form")
    if value == value.to_integral_value():
        return str(int(value))
    return format_number(float(value))


# -- records -------------------------------------------------------------------------------------


def record_hash(record: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the canonical JSON of ``record`` without its ``hash`` key."""
    parts: list[str] = []
    _write_object(record, parts, skip="hash")
    try:
        data = "".join(parts).encode("utf-8")
    except UnicodeEncodeError as error:
        raise CanonicalJSONError(f"text that is not valid Unicode: {error.reason}") from None
    return hashlib.sha256(data).hexdigest()


def seal(record: Mapping[str, Any], prev_hash: str) -> dict[str, Any]:
    """A copy of ``record`` with ``prev_hash`` set and ``hash`` computed over everything else."""
    if not _is_hex_hash(prev_hash):
        raise ValueError("prev_hash must be 64 lower-case hex characters")
    sealed = {key: value for key, value in record.items() if key not in ("hash", "prev_hash")}
    sealed["prev_hash"] = prev_hash
    sealed["hash"] = record_hash(sealed)
    return sealed


def encode_record(record: Mapping[str, Any]) -> bytes:
    """The bytes to store for a sealed record: its canonical JSON, hash included."""
    return canonical_json(record)


def load_record(data: bytes | str) -> dict[str, Any]:
    """Parse stored record bytes, refusing what canonical JSON never holds (duplicate keys, NaN)."""
    try:
        record = json.loads(data, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise RecordFormatError(f"not a JSON audit record: {error}") from None
    if not isinstance(record, dict):
        raise RecordFormatError("an audit record is a JSON object")
    return record


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _is_hex_hash(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


# -- verification --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainVerification:
    """The outcome of ``verify_chain``.

    ``head_hash`` is the hash of the last record of the verified part of the chain: the chain's head
    when it is intact, the last trustworthy record before the first break otherwise (None if none,
    or if the head differs from the anchor, since then any record may have been re-sealed).
    ``first_break`` is ``{"sequence", "problem", "detail"}`` or None.
    """

    intact: bool
    records: int
    head_hash: str | None
    first_break: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "records": self.records,
            "head_hash": self.head_hash,
            "first_break": dict(self.first_break) if self.first_break is not None else None,
        }


class _Break(Exception):
    def __init__(self, sequence: int, problem: BreakKind, detail: str) -> None:
        super().__init__(detail)
        self.as_dict: dict[str, Any] = {"sequence": sequence, "problem": problem, "detail": detail}


def verify_chain(
    records: Sequence[Mapping[str, Any]],
    *,
    start_sequence: int = 1,
    start_prev_hash: str = GENESIS_HASH,
    expected_last_sequence: int | None = None,
    expected_head_hash: str | None = None,
) -> ChainVerification:
    """Check one model's records, in the order they are stored, and name the first break.

    ``start_sequence``/``start_prev_hash`` verify a tail of the chain from a trusted checkpoint.
    ``expected_last_sequence``/``expected_head_hash`` compare the end of the chain with an anchor
    kept elsewhere (the audit index, an export manifest); without one, records cut off the end of the
    chain cannot be noticed, since what is left is a valid shorter chain.

    Problems, reported at the sequence where the chain first goes wrong:

    * ``modified``: a record's content does not match its hash; or a record was re-sealed after a
      change, so its hash is not the ``prev_hash`` its successor recorded (reported at the re-sealed
      record); or the head differs from the anchor;
    * ``missing``: records are absent (a sequence gap whose ``prev_hash`` points to no record, or a
      chain that ends before the anchored last sequence); reported at the first absent sequence;
    * ``reordered``: the records are all present and genuine, but not in chain order; reported at
      the first position holding the wrong record;
    * ``inserted``: an extra, self-consistent record: two records claim the same predecessor (a fork
      in the chain), or a record linking to nothing sits where another record continues the chain,
      or a record belongs to another model; reported at the sequence the extra record contends for;
    * ``duplicate``: the same record (same hash) appears more than once; reported at its sequence.
    """
    # Fast path, one pass: an untouched chain links record by record. Only when something does not
    # link is the full diagnosis needed, and it reuses the hashes computed so far.
    head, sequence, model_id = start_prev_hash, start_sequence - 1, None
    hashes: list[str | None] = []
    for record in records:
        if _well_formed(record) is not None:
            break
        digest = record_hash(record)
        hashes.append(digest)
        linked = record["prev_hash"] == head and record["sequence"] == sequence + 1
        if digest != record["hash"] or not linked or model_id not in (None, record["model_id"]):
            break
        head, sequence, model_id = digest, sequence + 1, record["model_id"]
    else:
        anchored_sequence = expected_last_sequence in (None, sequence)
        if anchored_sequence and expected_head_hash in (None, head):
            return ChainVerification(True, len(records), head if records else None, None)
    walk = _ChainWalk(records, start_sequence, start_prev_hash, hashes)
    return walk.run(expected_last_sequence, expected_head_hash)


class _ChainWalk:
    def __init__(
        self,
        records: Sequence[Mapping[str, Any]],
        start_sequence: int,
        start_prev_hash: str,
        known_hashes: Sequence[str | None] = (),
    ) -> None:
        self.records = records
        self.start_sequence = start_sequence
        self.start_prev_hash = start_prev_hash
        # One pass hashes each record and indexes those whose content matches their hash (a tampered
        # record's stored fields prove nothing), so each step of the walk after it is O(1).
        self.problems: list[str | None] = []
        self.actual_hash: list[str | None] = []
        self.first_position: dict[str, int] = {}  # hash -> where it first appears
        self.repeats: dict[str, list[int]] = {}  # hash -> every position, for hashes stored more than once
        self.successor: dict[str, str] = {}  # prev_hash -> the first record naming it
        self.forks: dict[str, list[str]] = {}  # prev_hash -> every record naming it, when more than one does
        self.sequence_of_hash: dict[str, int] = {}
        for position, record in enumerate(records):
            problem = _well_formed(record)
            if problem is not None:
                digest = None
            elif position < len(known_hashes):
                digest = known_hashes[position]
            else:
                digest = record_hash(record)
            self.problems.append(problem)
            self.actual_hash.append(digest)
            if digest is None or digest != record["hash"]:
                continue
            if digest in self.first_position:
                self.repeats.setdefault(digest, [self.first_position[digest]]).append(position)
                continue
            self.first_position[digest] = position
            self.sequence_of_hash[digest] = record["sequence"]
            prev = record["prev_hash"]
            if prev in self.successor:
                self.forks.setdefault(prev, [self.successor[prev]]).append(digest)
            else:
                self.successor[prev] = digest
        self.head = start_prev_hash
        self.head_sequence = start_sequence - 1
        self.verified_head: str | None = None
        self.verified_before_head: str | None = None  # for a break that turns out to be the head's fault

    def run(self, expected_last_sequence: int | None, expected_head_hash: str | None) -> ChainVerification:
        try:
            model_id = None
            for position, record in enumerate(self.records):
                self.step(position, record, model_id)
                model_id = record["model_id"]
            self.check_anchor(expected_last_sequence, expected_head_hash)
        except _Break as found:
            return ChainVerification(False, len(self.records), self.verified_head, found.as_dict)
        return ChainVerification(True, len(self.records), self.verified_head, None)

    def step(self, position: int, record: Mapping[str, Any], model_id: Any) -> None:
        expected = self.head_sequence + 1
        where = f"position {position + 1}"
        problem = self.problems[position]
        if problem is not None:
            raise _Break(expected, "modified", f"the record at {where} is not a valid audit record: {problem}")
        digest, prev, sequence = record["hash"], record["prev_hash"], record["sequence"]
        actual = self.actual_hash[position]
        assert actual is not None  # well-formed records always have a computed hash
        if actual != digest:
            raise _Break(
                expected,
                "modified",
                f"the record at {where} (sequence {sequence}) was changed: its content hashes to "
                f"{actual[:12]}…, not to its stored hash {digest[:12]}…",
            )
        if digest in self.repeats:
            places = ", ".join(str(p + 1) for p in self.repeats[digest])
            raise _Break(sequence, "duplicate", f"record {sequence} appears more than once (positions {places})")
        if model_id is not None and record["model_id"] != model_id:
            raise _Break(
                expected,
                "inserted",
                f"the record at {where} belongs to model {record['model_id']}, not to model {model_id}",
            )
        if prev in self.forks:
            raise _Break(self.successor_slot(prev), "inserted", self.fork_detail(prev))
        if prev == self.head:
            if sequence != expected:
                raise _Break(
                    expected,
                    "modified",
                    f"the record at {where} links to record {self.head_sequence} but is numbered {sequence}, "
                    f"not {expected}: it was rewritten and re-sealed",
                )
            self.verified_before_head = self.verified_head
            self.head, self.head_sequence, self.verified_head = digest, sequence, digest
            return
        self.diagnose_broken_link(where, prev, sequence, expected)

    def diagnose_broken_link(self, where: str, prev: str, sequence: int, expected: int) -> None:
        follower_present = self.head in self.successor
        prev_known = prev in self.sequence_of_hash or prev == self.start_prev_hash
        if follower_present:
            if prev_known:
                raise _Break(
                    expected,
                    "reordered",
                    f"record {sequence} sits at {where}, where record {expected} belongs; "
                    f"record {expected} is further on",
                )
            raise _Break(
                expected,
                "inserted",
                f"an extra record (numbered {sequence}) sits at {where}, where record {expected} belongs; "
                "its prev_hash matches no record",
            )
        if prev_known:
            raise _Break(
                expected,
                "reordered",
                f"record {sequence} sits at {where}, but its predecessor is not record {self.head_sequence}",
            )
        if sequence > expected:
            absent = f"record {expected} is" if sequence == expected + 1 else f"records {expected}–{sequence - 1} are"
            raise _Break(
                expected,
                "missing",
                f"{absent} missing: record {sequence} follows record {self.head_sequence} "
                "and its prev_hash matches no record",
            )
        if sequence == expected:
            if self.head_sequence < self.start_sequence:
                raise _Break(
                    sequence,
                    "modified",
                    f"record {sequence} does not start the chain: its prev_hash is not {self.start_prev_hash[:12]}…",
                )
            self.verified_head = self.verified_before_head
            raise _Break(
                self.head_sequence,
                "modified",
                f"record {self.head_sequence} was rewritten and re-sealed: its hash is not the prev_hash "
                f"that record {sequence} recorded for it",
            )
        raise _Break(
            sequence,
            "inserted",
            f"an extra record numbered {sequence} sits at {where}, after record {self.head_sequence}; "
            "its prev_hash matches no record",
        )

    def successor_slot(self, prev: str) -> int:
        if prev == self.start_prev_hash:
            return self.start_sequence
        return self.sequence_of_hash.get(prev, self.head_sequence) + 1

    def fork_detail(self, prev: str) -> str:
        slot = self.successor_slot(prev)
        rivals = self.forks[prev]  # in the order they are stored
        orphans = [h for h in rivals if h not in self.successor]
        described = ", ".join(f"position {self.first_position[h] + 1} (hash {h[:12]}…)" for h in rivals)
        text = f"{len(rivals)} records claim to follow record {slot - 1} as record {slot}: {described}"
        if len(orphans) == 1 and len(rivals) == 2:
            text += f"; the one at position {self.first_position[orphans[0]] + 1} has no successor: it is the extra one"
        return text

    def check_anchor(self, expected_last_sequence: int | None, expected_head_hash: str | None) -> None:
        if expected_last_sequence is not None and self.head_sequence < expected_last_sequence:
            first = self.head_sequence + 1
            absent = f"record {first} is" if first == expected_last_sequence else f"records {first}–{expected_last_sequence} are"
            raise _Break(first, "missing", f"{absent} missing: the chain ends at record {self.head_sequence}")
        if expected_last_sequence is not None and self.head_sequence > expected_last_sequence:
            raise _Break(
                expected_last_sequence + 1,
                "inserted",
                f"the chain runs on to record {self.head_sequence}, past the anchored last record {expected_last_sequence}",
            )
        if expected_head_hash is not None and self.head != expected_head_hash:
            self.verified_head = None  # any record may have been re-sealed: nothing is vouched for
            raise _Break(
                self.head_sequence,
                "modified",
                f"the chain's head hash {self.head[:12]}… is not the anchored head {expected_head_hash[:12]}…: "
                "the chain was rewritten",
            )


_REQUIRED = (("model_id", int), ("sequence", int), ("prev_hash", str), ("hash", str))


def _well_formed(record: object) -> str | None:
    """Why ``record`` cannot take part in a chain, or None."""
    if not isinstance(record, Mapping):
        return "not a JSON object"
    for name, kind in _REQUIRED:
        value = record.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            return f"'{name}' is missing or not a{'n integer' if kind is int else ' string'}"
    return None

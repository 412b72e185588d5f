"""The hash chain: canonical JSON, sealing, and naming every kind of tampering."""

from __future__ import annotations

import json
import struct
from decimal import Decimal
from typing import Any

import pytest
from audit_factory import (
    chain_from,
    chains,
    chains_of,
    json_values,
    record_bodies,
    simple_chain,
    thorough,
)
from hypothesis import given
from hypothesis import strategies as st

from govhub.audit import (
    GENESIS_HASH,
    CanonicalJSONError,
    RecordFormatError,
    canonical_json,
    encode_record,
    load_record,
    record_hash,
    seal,
    verify_chain,
)

# -- canonical JSON --------------------------------------------------------------------------------


def test_canonical_json_sorts_keys_drops_whitespace_and_keeps_text_as_utf8() -> None:
    # Given a record with unsorted keys and non-ASCII text
    value = {"b": [1, True, None], "a": {"ä": "Grüße, 東京 ✓", "z": "line\nbreak \"quoted\" \\ \x01"}}

    # When it is written canonically
    data = canonical_json(value)

    # Then keys are in order, there is no whitespace, and text is UTF-8 rather than \u escapes
    assert data == '{"a":{"z":"line\\nbreak \\"quoted\\" \\\\ \\u0001","ä":"Grüße, 東京 ✓"},"b":[1,true,null]}'.encode()


@pytest.mark.parametrize(
    ("bits", "expected"),
    [  # RFC 8785 appendix B, checked against node's String(number)
        ("0000000000000000", "0"),
        ("8000000000000000", "0"),
        ("0000000000000001", "5e-324"),
        ("8000000000000001", "-5e-324"),
        ("7fefffffffffffff", "1.7976931348623157e+308"),
        ("ffefffffffffffff", "-1.7976931348623157e+308"),
        ("4340000000000000", "9007199254740992"),
        ("c340000000000000", "-9007199254740992"),
        ("4430000000000000", "295147905179352830000"),
        ("44b52d02c7e14af5", "9.999999999999997e+22"),
        ("44b52d02c7e14af6", "1e+23"),
        ("44b52d02c7e14af7", "1.0000000000000001e+23"),
        ("444b1ae4d6e2ef4e", "999999999999999700000"),
        ("444b1ae4d6e2ef4f", "999999999999999900000"),
        ("444b1ae4d6e2ef50", "1e+21"),
        ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
        ("3eb0c6f7a0b5ed8d", "0.000001"),
        ("41b3de4355555553", "333333333.3333332"),
        ("41b3de4355555554", "333333333.33333325"),
        ("41b3de4355555555", "333333333.3333333"),
        ("41b3de4355555556", "333333333.3333334"),
        ("41b3de4355555557", "333333333.33333343"),
        ("becbf647612f3696", "-0.0000033333333333333333"),
        ("43143ff3c1cb0959", "1424953923781206.2"),
    ],
)
def test_floats_are_written_as_ecmascript_writes_them(bits: str, expected: str) -> None:
    value = struct.unpack(">d", bytes.fromhex(bits))[0]
    assert canonical_json(value) == expected.encode()


@pytest.mark.parametrize(("value", "expected"), [(0.1, b"0.1"), (1e-7, b"1e-7"), (1.0, b"1"), (1e21, b"1e+21"), (-2.5, b"-2.5")])
def test_everyday_floats(value: float, expected: bytes) -> None:
    assert canonical_json(value) == expected


def test_a_number_is_written_by_its_value_not_its_python_type() -> None:
    # Given the same metric value as an int, a float and a DynamoDB Decimal
    # Then all three give the same bytes, so the hash does not depend on how the value was read
    assert canonical_json({"value": 1}) == canonical_json({"value": 1.0}) == canonical_json({"value": Decimal(1)})
    assert canonical_json(Decimal("0.93")) == canonical_json(0.93) == b"0.93"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN"), {1: "x"}, {"s": {1, 2}}, "\ud800"])
def test_values_without_a_canonical_form_are_refused(value: Any) -> None:
    with pytest.raises(CanonicalJSONError):
        canonical_json(value)


def test_keys_sort_by_utf16_code_units() -> None:
    # U+1F600 is the surrogate pair D83D DE00 in UTF-16, so it sorts before U+FF61 (RFC 8785),
    # although its code point is the larger one
    assert canonical_json({"\uff61": 2, "\U0001f600": 1}) == '{"😀":1,"｡":2}'.encode()


@thorough
@given(json_values)
def test_canonical_json_reads_back_to_the_same_bytes(value: Any) -> None:
    # Given any JSON value written canonically
    data = canonical_json(value)
    # When a verifier parses the stored bytes and writes them again
    # Then it gets exactly the same bytes, so it computes the same hash
    assert canonical_json(json.loads(data)) == data


# -- sealing --------------------------------------------------------------------------------------


@thorough
@given(record_bodies())
def test_seal_links_to_the_previous_hash_and_hashes_everything_else(body: dict[str, Any]) -> None:
    (first,) = chain_from([body])
    prev = "ab" * 32
    sealed = seal({k: v for k, v in first.items() if k not in ("hash", "prev_hash")}, prev)

    assert sealed["prev_hash"] == prev
    assert sealed["hash"] == record_hash(sealed) == record_hash({k: v for k, v in sealed.items() if k != "hash"})
    assert len(sealed["hash"]) == 64


def test_the_first_record_links_to_the_genesis_hash() -> None:
    assert simple_chain(1)[0]["prev_hash"] == GENESIS_HASH == "0" * 64


def test_seal_refuses_a_prev_hash_that_is_not_a_sha256() -> None:
    with pytest.raises(ValueError, match="prev_hash"):
        seal({"sequence": 1}, "not-a-hash")


def test_stored_bytes_load_back_to_the_record() -> None:
    record = simple_chain(1)[0]
    assert load_record(encode_record(record)) == record


@pytest.mark.parametrize("data", [b'{"a":1,"a":2}', b'{"v":NaN}', b"[1,2]", b"\xff", b"{"])
def test_load_record_refuses_what_a_stored_record_never_is(data: bytes) -> None:
    with pytest.raises(RecordFormatError):
        load_record(data)


# -- verification: intact chains ------------------------------------------------------------------


@thorough
@given(chains)
def test_an_untouched_chain_is_intact_and_reports_its_head(records: list[dict[str, Any]]) -> None:
    result = verify_chain(records)

    assert result.intact
    assert result.first_break is None
    assert result.records == len(records)
    assert result.head_hash == records[-1]["hash"]


def test_an_empty_chain_is_intact_without_a_head() -> None:
    assert verify_chain([]).to_dict() == {"intact": True, "records": 0, "head_hash": None, "first_break": None}


def test_a_tail_verifies_from_a_trusted_checkpoint() -> None:
    records = simple_chain(6)
    result = verify_chain(records[3:], start_sequence=4, start_prev_hash=records[2]["hash"])
    assert result.intact
    assert result.head_hash == records[-1]["hash"]


def test_to_dict_is_what_the_api_returns() -> None:
    records = simple_chain(3)
    broken = verify_chain([records[0], records[2]])
    assert broken.to_dict() == {
        "intact": False,
        "records": 2,
        "head_hash": records[0]["hash"],
        "first_break": {
            "sequence": 2,
            "problem": "missing",
            "detail": "record 2 is missing: record 3 follows record 1 and its prev_hash matches no record",
        },
    }
    json.dumps(broken.to_dict())


# -- verification: every kind of tampering is named -----------------------------------------------


def _break(records: list[dict[str, Any]], **anchor: Any) -> tuple[int, str]:
    result = verify_chain(records, **anchor)
    assert not result.intact
    assert result.first_break is not None
    return result.first_break["sequence"], result.first_break["problem"]


@thorough
@given(chains, st.data())
def test_a_changed_record_is_named_modified(records: list[dict[str, Any]], data: st.DataObject) -> None:
    # Given a chain in which someone edits one record's content but cannot re-compute its hash
    k = data.draw(st.integers(0, len(records) - 1))
    field = data.draw(st.sampled_from(["reason", "actor", "changes", "time", "sequence", "prev_hash", "hash", "model_id"]))
    tampered = [dict(r) for r in records]
    tampered[k][field] = {"reason": "edited", "actor": {"username": "mallory", "role": "admin"}, "changes": {},
                          "time": "2020-01-01T00:00:00.000000+00:00", "sequence": 10_000, "prev_hash": "f" * 64,
                          "hash": "e" * 64, "model_id": 8}[field]  # fmt: skip
    if tampered[k] == records[k]:
        return

    # When the chain is verified
    # Then the first break is that record, named modified
    assert _break(tampered) == (k + 1, "modified")


@thorough
@given(chains_of(2), st.data())
def test_a_record_rewritten_and_resealed_is_named_modified(records: list[dict[str, Any]], data: st.DataObject) -> None:
    # Given someone who rewrites record k and re-seals it (the hash rule is public)
    k = data.draw(st.integers(0, len(records) - 2))
    tampered = list(records)
    tampered[k] = seal({**records[k], "reason": "nothing to see here", "hash": None}, records[k]["prev_hash"])
    if tampered[k]["hash"] == records[k]["hash"]:
        return
    # Then its successor's prev_hash no longer matches it
    assert _break(tampered) == (k + 1, "modified")


def test_a_resealed_last_record_needs_the_anchored_head() -> None:
    records = simple_chain(4)
    tampered = records[:3] + [seal({**records[3], "reason": "rewritten"}, records[3]["prev_hash"])]
    # Without an anchor the rewritten chain is self-consistent...
    assert verify_chain(tampered).intact
    # ...against the head the index recorded it is not
    assert _break(tampered, expected_head_hash=records[3]["hash"]) == (4, "modified")


@thorough
@given(chains_of(2), st.data())
def test_removed_records_are_named_missing(records: list[dict[str, Any]], data: st.DataObject) -> None:
    # Given a chain from which a run of records (not the last) was deleted
    start = data.draw(st.integers(0, len(records) - 2))
    stop = data.draw(st.integers(start + 1, len(records) - 1))
    tampered = records[:start] + records[stop:]
    # Then the first deleted sequence is reported missing
    assert _break(tampered) == (start + 1, "missing")


@thorough
@given(chains_of(2), st.data())
def test_records_cut_from_the_end_are_missing_against_the_anchor(records: list[dict[str, Any]], data: st.DataObject) -> None:
    keep = data.draw(st.integers(0, len(records) - 1))
    tampered = records[:keep]
    assert verify_chain(tampered).intact  # a shorter chain is still a chain
    assert _break(tampered, expected_last_sequence=len(records)) == (keep + 1, "missing")


@thorough
@given(chains_of(2), st.data())
def test_records_out_of_order_are_named_reordered(records: list[dict[str, Any]], data: st.DataObject) -> None:
    # Given the genuine records in any order but the right one
    order = data.draw(st.permutations(range(len(records))).filter(lambda p: list(p) != sorted(p)))
    tampered = [records[i] for i in order]
    # Then the first position holding the wrong record is reported reordered
    first_wrong = next(position for position, index in enumerate(order) if position != index)
    assert _break(tampered) == (first_wrong + 1, "reordered")


@thorough
@given(chains_of(2), record_bodies(), st.data())
def test_an_extra_record_claiming_a_predecessor_is_named_inserted(
    records: list[dict[str, Any]], body: dict[str, Any], data: st.DataObject
) -> None:
    # Given a forged, properly sealed record that claims to follow record k (which already has a successor)
    k = data.draw(st.integers(0, len(records) - 2))  # index of the predecessor; -1 is genesis
    k = data.draw(st.sampled_from([k, -1]))
    prev = records[k]["hash"] if k >= 0 else GENESIS_HASH
    forged = chain_from([body])[0]
    forged = seal({**forged, "sequence": k + 2, "model_id": records[0]["model_id"], "event_id": "forged"}, prev)
    # placed anywhere in the chain
    position = data.draw(st.integers(0, len(records)))
    tampered = records[:position] + [forged] + records[position:]
    # Then the chain forks there and the slot it contends for is reported inserted
    assert _break(tampered) == (k + 2, "inserted")


def test_an_inserted_record_is_told_apart_from_the_genuine_one() -> None:
    records = simple_chain(4)
    forged = seal({**records[1], "reason": "forged approval"}, records[0]["hash"])
    result = verify_chain([records[0], forged, *records[1:]])
    assert result.first_break is not None
    assert result.first_break["problem"] == "inserted"
    assert "the one at position 2 has no successor: it is the extra one" in result.first_break["detail"]


def test_a_record_linking_to_nothing_between_genuine_ones_is_inserted() -> None:
    records = simple_chain(4)
    stray = seal({**records[2], "reason": "stray"}, "c" * 64)
    assert _break([records[0], records[1], stray, records[2], records[3]]) == (3, "inserted")


def test_a_record_of_another_model_is_inserted() -> None:
    records = simple_chain(3)
    other = simple_chain(3, model_id=8)
    assert _break([records[0], records[1], other[2]]) == (3, "inserted")


@thorough
@given(chains, st.data())
def test_a_record_stored_twice_is_named_duplicate(records: list[dict[str, Any]], data: st.DataObject) -> None:
    # Given a chain where one record appears a second time anywhere
    k = data.draw(st.integers(0, len(records) - 1))
    position = data.draw(st.integers(0, len(records)))
    tampered = records[:position] + [records[k]] + records[position:]
    # Then that record's sequence is reported duplicate
    assert _break(tampered) == (k + 1, "duplicate")


def test_a_chain_longer_than_the_anchor_is_reported() -> None:
    assert _break(simple_chain(3), expected_last_sequence=2) == (3, "inserted")


def test_the_head_of_a_broken_chain_is_the_last_trustworthy_record() -> None:
    records = simple_chain(5)
    tampered = [dict(r) for r in records]
    tampered[3]["reason"] = "edited"
    result = verify_chain(tampered)
    assert result.head_hash == records[2]["hash"]


@pytest.mark.parametrize("bad", [None, "x", {"sequence": "1"}, {"model_id": 7, "sequence": True, "prev_hash": "0", "hash": "0"}])
def test_something_that_is_not_a_record_is_modified(bad: Any) -> None:
    records = simple_chain(2)
    assert _break([records[0], bad, records[1]])[1] == "modified"


@thorough
@given(chains)
def test_verification_accepts_records_read_back_from_storage(records: list[dict[str, Any]]) -> None:
    stored = [load_record(encode_record(r)) for r in records]
    assert verify_chain(stored).head_hash == records[-1]["hash"]

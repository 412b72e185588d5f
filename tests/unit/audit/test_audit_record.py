"""Building a record and naming where it is stored."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from audit_factory import thorough
from hypothesis import given
from hypothesis import strategies as st

from govhub.audit import (
    audit_model_prefix,
    audit_record_key,
    field_changes,
    new_record,
    parse_audit_record_key,
)


def test_record_keys_sort_in_sequence_order_under_the_model_prefix() -> None:
    assert audit_record_key(7, 12) == "audit/model=7/0000000012.json"
    assert audit_record_key(7, 12).startswith(audit_model_prefix(7))
    assert sorted(audit_record_key(7, n) for n in (10, 9, 100)) == [audit_record_key(7, n) for n in (9, 10, 100)]


@thorough
@given(st.integers(1, 10**9), st.integers(1, 10**10 - 1))
def test_a_record_key_reads_back(model_id: int, sequence: int) -> None:
    assert parse_audit_record_key(audit_record_key(model_id, sequence)) == (model_id, sequence)


@pytest.mark.parametrize("key", ["audit/model=7/12.json", "reports/model=7/0000000012.json", "audit/model=x/0000000001.json"])
def test_other_keys_are_not_audit_record_keys(key: str) -> None:
    with pytest.raises(ValueError, match="not an audit record key"):
        parse_audit_record_key(key)


def test_a_create_lists_every_field_with_a_null_before() -> None:
    assert field_changes(None, {"name": "m", "risk_level": "high", "revision": 1}, exclude=["revision"]) == {
        "name": {"before": None, "after": "m"},
        "risk_level": {"before": None, "after": "high"},
    }


def test_an_update_lists_only_what_changed() -> None:
    before = {"compliance_status": "draft", "name": "m", "description": None}
    after = {"compliance_status": "under_review", "name": "m", "description": "now described"}
    assert field_changes(before, after) == {
        "compliance_status": {"before": "draft", "after": "under_review"},
        "description": {"before": None, "after": "now described"},
    }


def test_a_delete_keeps_the_last_state_with_null_afters() -> None:
    assert field_changes({"name": "m", "owner": "ML"}, None) == {
        "name": {"before": "m", "after": None},
        "owner": {"before": "ML", "after": None},
    }


def test_a_new_record_has_every_field_of_the_format_but_the_hashes() -> None:
    record = new_record(
        model_id=7,
        sequence=12,
        entity="model",
        entity_id=7,
        action="status_change",
        actor={"username": "demo-owner", "role": "model_owner"},
        reason="Ready for compliance review",
        time=datetime(2026, 11, 25, 15, 3, 11, 123456, tzinfo=timezone(timedelta(hours=1))),
        changes={"compliance_status": {"before": "draft", "after": "under_review"}},
        event_id="4b1c",
    )
    assert record == {
        "schema": "govhub.audit/1",
        "model_id": 7,
        "sequence": 12,
        "entity": "model",
        "entity_id": 7,
        "action": "status_change",
        "actor": {"username": "demo-owner", "role": "model_owner"},
        "reason": "Ready for compliance review",
        "time": "2026-11-25T14:03:11.123456+00:00",
        "changes": {"compliance_status": {"before": "draft", "after": "under_review"}},
        "event_id": "4b1c",
    }


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"entity": "user"}, "entity"),
        ({"action": "approve"}, "action"),
        ({"sequence": 0}, "start at 1"),
        ({"actor": {"username": "", "role": "admin"}}, "actor"),
        ({"time": datetime(2026, 1, 1)}, "time zone"),
    ],
)
def test_a_record_that_would_not_say_what_who_and_when_is_refused(override: dict, message: str) -> None:
    fields = {
        "model_id": 7,
        "sequence": 1,
        "entity": "model",
        "entity_id": 7,
        "action": "create",
        "actor": {"username": "a", "role": "admin"},
        "reason": None,
        "time": "2026-01-01T00:00:00+00:00",
        "changes": {},
        "event_id": "e",
    } | override
    with pytest.raises(ValueError, match=message):
        new_record(**fields)

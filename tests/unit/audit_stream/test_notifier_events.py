"""What the notifier announces for a committed change, checked against the published JSON schemas (docs/events)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from audit_stream_fakes import image, model_item, stamp, version_item
from boto3.dynamodb.types import TypeDeserializer
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = {
    "Compliance Status Changed": "compliance-status-changed.v1.schema.json",
    "Risk Level Changed": "risk-level-changed.v1.schema.json",
    "Model Version Registered": "model-version-registered.v1.schema.json",
    "Model Deleted": "model-deleted.v1.schema.json",
    "Evidence Expiring": "evidence-expiring.v1.schema.json",
    "Evidence Expired": "evidence-expired.v1.schema.json",
    "Dataset Flagged": "dataset-flagged.v1.schema.json",
}
_deserializer = TypeDeserializer()


def _load_notifications() -> ModuleType:
    spec = importlib.util.spec_from_file_location("govhub_notifier_notifications", ROOT / "functions" / "notifier" / "notifications.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


notifications = _load_notifications()


def _stream(item: dict | None) -> dict | None:
    return None if item is None else {k: _deserializer.deserialize(v) for k, v in image(item).items()}


def _events(event_name: str, new: dict | None, old: dict | None = None, models: dict | None = None) -> list[tuple[str, dict]]:
    return notifications.governance_events(event_name, "evt-42", _stream(old), _stream(new), (models or {}).get)


def _valid(detail_type: str, detail: dict) -> None:
    schema = json.loads((ROOT / "docs" / "events" / SCHEMAS[detail_type]).read_text())
    Draft202012Validator.check_schema(schema)
    errors = sorted(Draft202012Validator(schema).iter_errors(detail), key=lambda e: list(e.path))
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def test_an_approval_is_one_status_event_naming_the_approved_version_and_the_approver() -> None:
    before = model_item(7, compliance_status="under_review", latest_version_id=3, latest_version_tag="v1.2.0")
    after = model_item(7, "2026-11-26T09:00:00+00:00", by="ada.admin", role="admin", reason="Annex IV complete", revision=3,
                       compliance_status="approved", approved_version_id=3, approved_by="ada.admin",
                       latest_version_id=3, latest_version_tag="v1.2.0")
    events = _events("MODIFY", after, before)
    assert [t for t, _ in events] == ["Compliance Status Changed"]
    detail = events[0][1]
    assert detail["previous_status"] == "under_review" and detail["status"] == "approved"
    assert detail["approved_version"] == {"id": 3, "version_tag": "v1.2.0"}
    assert detail["actor"] == {"username": "ada.admin", "role": "admin"} and detail["reason"] == "Annex IV complete"
    assert detail["model"]["id"] == 7 and detail["model"]["compliance_status"] == "approved"
    assert detail["event_id"] == "evt-42" and detail["schema_version"] == "1.1"
    assert detail["summary"] == "model-7 (#7): under_review -> approved by ada.admin: Annex IV complete"
    _valid(*events[0])


def test_a_reclassification_is_one_risk_event_with_its_justification() -> None:
    after = model_item(7, revision=2, risk_level="unacceptable", risk_justification="social scoring", reason="social scoring")
    events = _events("MODIFY", after, model_item(7))
    assert [t for t, _ in events] == ["Risk Level Changed"]
    assert (events[0][1]["previous_risk_level"], events[0][1]["risk_level"]) == ("high", "unacceptable")
    assert events[0][1]["justification"] == "social scoring"
    _valid(*events[0])


def test_a_new_version_is_announced_with_its_model() -> None:
    models = {7: {"id": 7, "name": "fraud-detector", "owner": "ML", "domain": "finance", "risk_level": "high",
                  "compliance_status": "draft"}}
    events = _events("INSERT", {**version_item(3, 7, "v1.2.0"), "sha256": "a" * 64}, models=models)
    assert [t for t, _ in events] == ["Model Version Registered"]
    detail = events[0][1]
    assert detail["version"] == {"id": 3, "version_tag": "v1.2.0", "s3_path": "s3://models/v1.2.0", "sha256": "a" * 64}
    assert detail["model"]["name"] == "fraud-detector"
    _valid(*events[0])


def test_a_deleted_model_is_announced_with_its_last_state_and_who_deleted_it() -> None:
    snapshot = {"id": 7, "name": "fraud-detector", "owner": "ML", "domain": None, "risk_level": "high",
                "compliance_status": "retired"}
    tombstone = {"PK": "MODEL#7", "SK": "TOMBSTONE#x", "entity": "tombstone", "model_id": 7, "name": "fraud-detector",
                 "snapshot": json.dumps(snapshot), **stamp("ada.admin", "admin", "2026-12-01T10:00:00+00:00", "Superseded")}
    events = _events("INSERT", tombstone)
    assert [t for t, _ in events] == ["Model Deleted"]
    assert events[0][1]["model"]["compliance_status"] == "retired" and events[0][1]["reason"] == "Superseded"
    _valid(*events[0])


@pytest.mark.parametrize("event_name,new,old", [
    ("MODIFY", model_item(7, revision=2, description="edited"), model_item(7)),  # a profile edit
    ("MODIFY", model_item(7, latest_version_id=3, latest_version_tag="v1"), model_item(7)),  # the pointer
    ("INSERT", model_item(7), None),  # a registration
    ("REMOVE", None, version_item(3, 7, "v1")),  # a child removed with its model
])
def test_other_changes_announce_nothing(event_name: str, new: dict | None, old: dict | None) -> None:
    assert _events(event_name, new, old) == []


def test_the_put_events_entry_carries_source_detail_type_and_bus() -> None:
    (detail_type, detail), = _events("MODIFY", model_item(7, revision=2, risk_level="limited"), model_item(7))
    entry = notifications.entry(detail_type, detail, "govhub-governance")
    assert entry["Source"] == "govhub.registry" and entry["DetailType"] == "Risk Level Changed"
    assert entry["EventBusName"] == "govhub-governance" and json.loads(entry["Detail"]) == detail


def test_a_summary_cannot_ping_a_channel_mention_a_user_or_disguise_a_link() -> None:
    before = model_item(7, compliance_status="under_review")
    after = model_item(7, by="ada.admin", role="admin", revision=2, compliance_status="draft",
                       name="<!channel> <@U024BE7LH> <https://evil.example|bank.example> @everyone & co",
                       change_reason="see <https://evil.example|the ticket>")
    [(_, detail)] = _events("MODIFY", after, before)
    summary = detail["summary"]
    assert "<" not in summary
    assert "&lt;!channel&gt; &lt;@\u200bU024BE7LH&gt; &lt;https://evil.example|bank.example&gt;" in summary
    assert "@everyone" not in summary and "&amp; co" in summary
    assert detail["model"]["name"].startswith("<!channel>")  # the structured fields keep the data as it is
    _valid("Compliance Status Changed", detail)


def _evidence_item(notice: str | None, at: str = "2026-12-06T03:00:00+00:00") -> dict:
    return {"PK": "MODEL#7", "SK": "EVIDENCE#e1", "entity": "evidence", "model_id": 7, "evidence_id": "e1", "revision": 3,
            "title": "Instructions for use", "kind": "instructions_for_use", "covers": ["art-13"], "sha256": "ab" * 32,
            "valid_until": "2026-12-26T00:00:00+00:00", "status": "signed_off", "expiry_notice": notice,
            **stamp("system:sweeper", "system", at, "Evidence expires on 2026-12-26")}


def test_the_sweep_marking_a_document_expiring_or_expired_is_announced_once_per_stage() -> None:
    models = {7: {"id": 7, "name": "fraud-detector", "owner": "ML", "domain": "finance", "risk_level": "high",
                  "compliance_status": "approved"}}
    expiring = _events("MODIFY", _evidence_item("expiring"), _evidence_item(None), models=models)
    assert [t for t, _ in expiring] == ["Evidence Expiring"]
    detail = expiring[0][1]
    assert detail["evidence"] == {"id": "e1", "title": "Instructions for use", "kind": "instructions_for_use", "covers": ["art-13"],
                                  "valid_until": "2026-12-26T00:00:00+00:00", "sha256": "ab" * 32}
    assert detail["model"]["name"] == "fraud-detector" and "expires 2026-12-26" in detail["summary"]
    _valid(*expiring[0])
    expired = _events("MODIFY", _evidence_item("expired"), _evidence_item("expiring"), models=models)
    assert [t for t, _ in expired] == ["Evidence Expired"]
    _valid(*expired[0])
    # a change that leaves the stage as it was (a sign-off, a withdrawal) announces nothing
    assert _events("MODIFY", _evidence_item("expiring"), _evidence_item("expiring"), models=models) == []


def _dataset(flagged: bool, reason: str | None = None, revision: int = 1) -> dict:
    return {"PK": "DATASET#4", "SK": "META", "entity": "dataset", "model_id": 0, "dataset_id": 4, "name": "cards-train",
            "team": "payments-ml", "revision": revision, "flagged": flagged, "flag_reason": reason,
            **stamp("omar.owner", "model_owner", "2026-12-06T21:00:00+00:00", f"Dataset flagged: {reason}" if reason else "registered")}


def test_flagging_a_dataset_is_announced_once_with_its_reason() -> None:
    events = _events("MODIFY", _dataset(True, "labels leaked", 2), _dataset(False))
    assert [t for t, _ in events] == ["Dataset Flagged"]
    detail = events[0][1]
    assert detail["dataset"] == {"id": 4, "name": "cards-train", "team": "payments-ml"} and detail["reason"] == "labels leaked"
    assert detail["summary"] == "dataset cards-train (#4) flagged by omar.owner: labels leaked"
    _valid(*events[0])
    # a change of its datasheet, or clearing the flag, announces nothing
    assert _events("MODIFY", {**_dataset(False, revision=2), "licence": "internal"}, _dataset(False)) == []
    assert _events("MODIFY", _dataset(False, revision=3), _dataset(True, "labels leaked", 2)) == []

"""From a committed change (a stream record's old and new images) to the audit fact it records."""

from __future__ import annotations

import json

import pytest
from audit_stream_fakes import image, metric_item, model_item, stamp, version_item
from boto3.dynamodb.types import TypeDeserializer

from govhub.services.audit import change_from_stream

_deserializer = TypeDeserializer()


def _images(new: dict | None, old: dict | None = None) -> tuple[dict | None, dict | None]:
    """Images as the stream delivers them: numbers come back as Decimals."""
    def plain(item: dict | None) -> dict | None:
        return None if item is None else {k: _deserializer.deserialize(v) for k, v in image(item).items()}
    return plain(old), plain(new)


def _change(event_name: str, new: dict | None, old: dict | None = None):
    old_image, new_image = _images(new, old)
    return change_from_stream(event_name, "evt-1", old_image, new_image)


def test_a_registered_model_is_recorded_as_a_create_with_every_field_and_who_registered_it() -> None:
    # Given the INSERT of a new model
    change = _change("INSERT", model_item(7, description="Scores card payments", domain="finance"))
    # Then it is a create of model 7 by its registrar, every descriptive field with a null before
    assert (change.model_id, change.entity, change.entity_id, change.action) == (7, "model", 7, "create")
    assert change.actor == {"username": "omar.owner", "role": "model_owner"}
    assert change.reason == "Registered"
    assert change.changes == {
        "compliance_status": {"before": None, "after": "draft"},
        "description": {"before": None, "after": "Scores card payments"},
        "domain": {"before": None, "after": "finance"},
        "name": {"before": None, "after": "model-7"},
        "owner": {"before": None, "after": "ML Team"},
        "risk_level": {"before": None, "after": "high"},
    }
    assert change.time == "2026-11-25T14:00:00.000000+00:00"


def test_a_status_change_records_only_what_changed_with_the_new_actor_and_reason() -> None:
    before = model_item(7)
    after = model_item(7, "2026-11-26T09:30:00+00:00", by="ada.admin", role="admin", reason="Ready for compliance review",
                       revision=2, compliance_status="under_review", submitted_by="ada.admin", GSI3PK="STATUS#under_review")
    change = _change("MODIFY", after, before)
    assert change.action == "status_change"
    assert change.actor == {"username": "ada.admin", "role": "admin"}
    assert change.reason == "Ready for compliance review"
    assert change.changes == {
        "compliance_status": {"before": "draft", "after": "under_review"},
        "submitted_by": {"before": None, "after": "ada.admin"},
    }
    assert change.time == "2026-11-26T09:30:00.000000+00:00"


def test_a_new_risk_level_is_a_risk_change_and_a_profile_edit_is_an_update() -> None:
    before = model_item(7)
    risk = _change("MODIFY", model_item(7, revision=2, risk_level="limited", risk_justification="advisory only",
                                        reason="advisory only"), before)
    edit = _change("MODIFY", model_item(7, revision=2, description="new text", reason="Profile updated"), before)
    assert risk.action == "risk_change" and set(risk.changes) == {"risk_level", "risk_justification"}
    assert edit.action == "update" and edit.changes == {"description": {"before": None, "after": "new text"}}


def test_a_change_of_bookkeeping_only_is_not_an_audit_fact() -> None:
    # Registering a version moves the model's latest-version pointer in the same transaction (no revision bump)
    before = model_item(7)
    after = model_item(7, latest_version_id=3, latest_version_tag="v1")
    assert _change("MODIFY", after, before) is None
    # and a rewrite that only bumps the revision, times and index keys says nothing either
    touched = model_item(7, "2026-11-27T00:00:00+00:00", revision=5, GSI3SK="x")
    assert _change("MODIFY", touched, before) is None


def test_removals_are_not_facts_the_tombstone_is() -> None:
    # When a model is deleted, its items disappear without saying who did it
    assert _change("REMOVE", None, model_item(7)) is None
    assert _change("REMOVE", None, version_item(3, 7, "v1")) is None
    # The tombstone written in the same transaction says who, why, and the last state
    snapshot = {"id": 7, "name": "model-7", "owner": "ML Team", "risk_level": "high", "compliance_status": "retired",
                "description": None, "revision": 9}
    tombstone = {"PK": "MODEL#7", "SK": "TOMBSTONE#2026-12-01T10:00:00+00:00", "entity": "tombstone", "model_id": 7,
                 "name": "model-7", "snapshot": json.dumps(snapshot),
                 **stamp("ada.admin", "admin", "2026-12-01T10:00:00+00:00", "Superseded by model 9")}
    change = _change("INSERT", tombstone)
    assert (change.entity, change.entity_id, change.action) == ("model", 7, "delete")
    assert change.actor == {"username": "ada.admin", "role": "admin"} and change.reason == "Superseded by model 9"
    assert change.changes == {
        "compliance_status": {"before": "retired", "after": None},
        "description": {"before": None, "after": None},
        "name": {"before": "model-7", "after": None},
        "owner": {"before": "ML Team", "after": None},
        "risk_level": {"before": "high", "after": None},
    }


def test_versions_and_metrics_are_recorded_in_their_models_chain_with_plain_numbers() -> None:
    version = _change("INSERT", version_item(3, 7, "v1.2.0"))
    metric = _change("INSERT", metric_item(11, 3, 7, "f1", 0.93))
    assert (version.model_id, version.entity, version.entity_id) == (7, "version", 3)
    assert version.changes == {"s3_path": {"before": None, "after": "s3://models/v1.2.0"},
                               "version_tag": {"before": None, "after": "v1.2.0"}}
    assert (metric.model_id, metric.entity, metric.entity_id) == (7, "metric", 11)
    assert metric.changes["value"] == {"before": None, "after": 0.93}
    assert type(metric.changes["value"]["after"]) is float and type(metric.changes["version_id"]["after"]) is int


def test_a_report_generation_and_a_policy_version_are_audited_too() -> None:
    report = {"PK": "MODEL#7", "SK": "REPORT#2026-11-25T15:00:00+00:00#r-1", "entity": "report", "model_id": 7,
              "report_id": "r-1", "format": "pdf", "sha256": "ab" * 32, "size_bytes": 51234,
              **stamp("aude.auditor", "auditor", "2026-11-25T15:00:00+00:00", "Compliance report generated")}
    policy = {"PK": "POLICY", "SK": "V#000002", "entity": "policy", "model_id": 0, "version": 2, "name": "EU baseline",
              "document": "{}", **stamp("ada.admin", "admin", "2026-11-25T16:00:00+00:00", "Stricter bias threshold")}
    generated = _change("INSERT", report)
    adopted = _change("INSERT", policy)
    assert (generated.entity, generated.entity_id, generated.action) == ("report", "r-1", "report_generated")
    assert generated.actor["role"] == "auditor"
    assert (adopted.model_id, adopted.entity, adopted.entity_id, adopted.action) == (0, "policy", 2, "create")


def test_a_timeline_version_an_attestation_and_a_classification_are_audited() -> None:
    timeline = {"PK": "TIMELINE", "SK": "V#000001", "entity": "timeline", "model_id": 0, "version": 1, "name": "EU AI Act dates",
                "document": "{}", **stamp("ada.admin", "admin", "2026-12-01T10:00:00+00:00", "Omnibus moved Annex III")}
    attestation = {"PK": "MODEL#7", "SK": "ATTESTATION#art-49", "entity": "attestation", "model_id": 7, "obligation_id": "art-49",
                   "revision": 1, "statement": "Registered under EU-AI-000123",
                   **stamp("ada.admin", "admin", "2026-12-01T11:00:00+00:00", "I submitted it")}
    dated, attested = _change("INSERT", timeline), _change("INSERT", attestation)
    assert (dated.model_id, dated.entity, dated.entity_id, dated.reason) == (0, "timeline", 1, "Omnibus moved Annex III")
    assert (attested.model_id, attested.entity, attested.entity_id) == (7, "attestation", "art-49")
    assert attested.changes["statement"]["after"] == "Registered under EU-AI-000123"
    before = model_item(7)
    after = {**before, "classification": {"suggested_risk_level": "high", "override": False, "answered_yes": ["annex3_4_a_recruitment"]},
             "operator_role": "provider", "GSI7PK": "CLASSIFICATION#OVERRIDE", **stamp("omar.owner", "model_owner", "2026-12-01T12:00:00+00:00", "Classified")}
    classified = _change("MODIFY", after, before)
    assert set(classified.changes) == {"classification", "operator_role"}  # the override index key is bookkeeping


@pytest.mark.parametrize("item", [
    {"PK": "STATS", "SK": "COUNTERS", "total": 3},
    {"PK": "MODELNAME#fraud", "SK": "META", "target_id": 7},
    {"PK": "AUDITHEAD#7", "SK": "HEAD", "model_id": 7, "last_sequence": 3, "head_hash": "0" * 64},
    {"PK": "REPORTJOB#j", "SK": "META", "item_type": "report_job", "status": "queued"},
])
def test_items_without_an_audited_entity_are_ignored(item: dict) -> None:
    assert _change("INSERT", item) is None
    assert _change("MODIFY", item, item) is None

"""Adding a field to a model is a change in the domain, its store mapping and (if exposed) its schema, nowhere
else: the API shapes, the notifier's payloads and the report read the domain objects by declaration. These tests
fail when a field is added to one place only."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from govhub.domain.entities import AIModel, ApprovalState, Stamp
from govhub.domain.lifecycle import RiskLevel
from govhub.schemas import ModelOut, ModelRefOut
from govhub.store.items import ModelItem
from govhub.store.repository import ModelRepository

NOW = datetime(2026, 12, 1, tzinfo=UTC)
# Fields of the domain model that are not attributes of the stored item under the same name, and why
STORED_ELSEWHERE = {"id": "model_id", "stamp": "created_*/updated_* attributes", "latest_version": "latest_version_* pointer"}
# Domain fields the API does not show, and why
NOT_EXPOSED = {"stamp": "flattened: created_at, created_by, updated_at, updated_by, last_change_reason",
               "editors_since_submission": "who may not approve; shown in the compliance check's evidence"}


def _model() -> AIModel:
    stamp = Stamp(NOW, "omar", NOW, "omar", "model_owner", "Registered")
    return AIModel(id=7, name="fraud", owner="ML", stamp=stamp, team="ml-platform", risk_level=RiskLevel.HIGH,
                   approval=ApprovalState(), editors_since_submission=frozenset({"omar"}))


def test_every_domain_field_is_stored_by_the_one_mapping_and_read_back() -> None:
    stored = set(ModelItem.get_attributes())
    for field in dataclasses.fields(AIModel):
        assert field.name in stored or field.name in STORED_ELSEWHERE, f"{field.name} is not mapped to the model item"
    model = _model()
    assert ModelRepository._to_domain(ModelRepository._to_item(model)) == dataclasses.replace(model, revision=None)


def test_every_domain_field_is_in_the_api_shape_or_said_why_not() -> None:
    shown = set(ModelOut.model_fields)
    for field in dataclasses.fields(AIModel):
        assert field.name in shown or field.name in NOT_EXPOSED, f"{field.name} is neither in ModelOut nor in NOT_EXPOSED"
    out = ModelOut.from_domain(_model())
    assert out.team == "ml-platform" and out.created_by == "omar" and out.revision == 1


def test_the_notifier_payload_is_the_declared_model_reference() -> None:
    from_domain = ModelRefOut.from_domain(_model()).model_dump(mode="json")
    from_item = ModelRefOut.model_validate({"model_id": 7, "name": "fraud", "owner": "ML", "team": "ml-platform",
                                            "risk_level": "high", "compliance_status": "draft"}).model_dump(mode="json")
    assert from_domain == from_item == {"id": 7, "name": "fraud", "owner": "ML", "team": "ml-platform", "domain": None,
                                        "risk_level": "high", "compliance_status": "draft"}

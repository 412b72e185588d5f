"""The registry's use cases over in-memory stores: what a caller gets back, and what the stores then hold."""

from __future__ import annotations

from typing import Any

import pytest
from registry_fakes import Stores

from govhub.datasets.entities import BaseModel, VersionInputs
from govhub.domain.entities import Actor, AIModel
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.errors import (
    DuplicateNameError,
    DuplicateVersionError,
    ModelInUseError,
    ModelRetiredError,
    NotFoundError,
    StaleWriteError,
    TransitionNotAllowedError,
    ValidationFailedError,
)

TEAM = "payments-ml"
OWNER = Actor("omar.owner", "model_owner", frozenset({TEAM}))
ADMIN = Actor("ada.admin", "admin")


@pytest.fixture
def stores() -> Stores:
    return Stores()


def register(stores: Stores, name: str = "fraud-detector", **fields: Any) -> AIModel:
    return stores.registry.register_model({"name": name, "owner": "ML Team", "team": TEAM, "risk_level": RiskLevel.HIGH, **fields}, OWNER)


def test_a_registered_model_starts_as_a_draft_stamped_with_who_registered_it(stores: Stores) -> None:
    model = register(stores)

    assert (model.id, model.compliance_status, model.revision) == (1, ComplianceStatus.DRAFT, 1)
    assert (model.stamp.created_by, model.stamp.change_reason) == ("omar.owner", "Registered")
    assert stores.registry.dashboard().matrix["high"]["draft"] == 1


def test_a_second_model_with_a_taken_name_is_refused_naming_the_first(stores: Stores) -> None:
    first = register(stores)

    with pytest.raises(DuplicateNameError) as refused:
        register(stores)

    assert refused.value.details == {"name": "fraud-detector", "model_id": first.id}
    assert stores.registry.dashboard().total == 1


def test_submitting_for_review_records_the_submitter_and_moves_the_counters(stores: Stores) -> None:
    model = register(stores)

    reviewed = stores.registry.change_status(model.id, ComplianceStatus.UNDER_REVIEW, "ready", OWNER, expected_revision=1)

    assert (reviewed.compliance_status, reviewed.submitted_by, reviewed.revision) == (ComplianceStatus.UNDER_REVIEW, "omar.owner", 2)
    stats = stores.registry.dashboard()
    assert (stats.by_status["draft"], stats.by_status["under_review"]) == (0, 1)


def test_a_forbidden_step_is_refused_listing_the_allowed_ones(stores: Stores) -> None:
    model = register(stores)

    with pytest.raises(TransitionNotAllowedError) as refused:
        stores.registry.change_status(model.id, ComplianceStatus.APPROVED, "skip review", ADMIN, None)

    assert refused.value.details["allowed"] == ["under_review", "retired"]
    assert stores.models.items[model.id].compliance_status is ComplianceStatus.DRAFT


def test_approval_records_the_approver_and_the_version_approved_and_seals_a_snapshot(stores: Stores) -> None:
    model = register(stores)
    version = stores.registry.register_version(model.id, {"version_tag": "v1", "s3_path": "s3://m/v1"}, OWNER)
    stores.registry.change_status(model.id, ComplianceStatus.UNDER_REVIEW, "ready", OWNER, None)

    approved = stores.registry.change_status(model.id, ComplianceStatus.APPROVED, "reviewed", ADMIN, None)

    assert (approved.approved_by, approved.approved_version_id) == ("ada.admin", version.id)
    assert approved.approved_at == approved.stamp.updated_at
    ((sha256, _),) = stores.registry.sealed_approvals(model.id, 10, None).items
    assert sha256 == approved.approval.snapshot_sha256


def test_a_stale_expected_revision_is_refused_and_changes_nothing(stores: Stores) -> None:
    model = register(stores)
    stores.registry.change_risk(model.id, RiskLevel.LIMITED, "narrower use", OWNER, expected_revision=1)

    with pytest.raises(StaleWriteError) as refused:
        stores.registry.change_risk(model.id, RiskLevel.MINIMAL, "read long ago", OWNER, expected_revision=1)

    assert refused.value.details == {"current_revision": 2, "expected_revision": 1}
    assert stores.models.items[model.id].risk_level is RiskLevel.LIMITED


def test_a_write_that_loses_the_race_after_reading_is_a_stale_write_not_a_lost_update(stores: Stores) -> None:
    model = register(stores)

    def another_writer_first(current: AIModel, target: ComplianceStatus, by: Actor) -> None:
        # between the registry's read and its save, someone else changes the model
        stores.registry.update_model(current.id, {"description": "changed meanwhile"}, ADMIN, None, "edit")

    with pytest.raises(StaleWriteError) as refused:
        stores.registry.change_status(model.id, ComplianceStatus.UNDER_REVIEW, "ready", OWNER, None, check_policy=another_writer_first)

    assert refused.value.details["current_revision"] == 2
    assert stores.models.items[model.id].compliance_status is ComplianceStatus.DRAFT


def test_a_policy_refusal_stops_the_change(stores: Stores) -> None:
    model = register(stores)

    def refuse(current: AIModel, target: ComplianceStatus, by: Actor) -> None:
        raise ValidationFailedError("intended purpose missing")

    with pytest.raises(ValidationFailedError):
        stores.registry.change_status(model.id, ComplianceStatus.UNDER_REVIEW, "ready", OWNER, None, check_policy=refuse)

    assert stores.models.items[model.id].revision == 1


def test_renaming_to_a_taken_name_is_refused(stores: Stores) -> None:
    register(stores, "scorer")
    model = register(stores)

    with pytest.raises(DuplicateNameError):
        stores.registry.update_model(model.id, {"name": "scorer"}, OWNER, None, None)

    assert stores.registry.find_model_by_name("fraud-detector") is not None


def test_a_retired_model_takes_no_changes_versions_or_metrics(stores: Stores) -> None:
    model = register(stores)
    version = stores.registry.register_version(model.id, {"version_tag": "v1", "s3_path": "s3://m/v1"}, OWNER)
    stores.registry.change_status(model.id, ComplianceStatus.RETIRED, "replaced", ADMIN, None)

    with pytest.raises(ModelRetiredError):
        stores.registry.update_model(model.id, {"owner": "Someone"}, OWNER, None, None)
    with pytest.raises(ModelRetiredError):
        stores.registry.register_version(model.id, {"version_tag": "v2", "s3_path": "s3://m/v2"}, OWNER)
    with pytest.raises(ModelRetiredError):
        stores.registry.record_metrics(version.id, [("accuracy", 0.9)], OWNER)
    assert list(stores.versions.items) == [version.id] and stores.metrics.items == {}


def test_a_taken_version_tag_is_refused(stores: Stores) -> None:
    model = register(stores)
    stores.registry.register_version(model.id, {"version_tag": "v1", "s3_path": "s3://m/v1"}, OWNER)

    with pytest.raises(DuplicateVersionError) as refused:
        stores.registry.register_version(model.id, {"version_tag": "v1", "s3_path": "s3://m/other"}, OWNER)

    assert refused.value.details == {"model_id": model.id, "version_tag": "v1"}


def test_metrics_are_recorded_against_the_version_and_its_model(stores: Stores) -> None:
    model = register(stores)
    version = stores.registry.register_version(model.id, {"version_tag": "v1", "s3_path": "s3://m/v1"}, OWNER)

    recorded = stores.registry.record_metrics(version.id, [("accuracy", 0.91), ("f1", 0.88)], OWNER)

    assert [(m.metric_name, m.value, m.model_id) for m in recorded] == [("accuracy", 0.91, model.id), ("f1", 0.88, model.id)]
    assert stores.registry.list_metrics(version.id, 10, None).items == recorded


def test_reading_what_does_not_exist_is_not_found(stores: Stores) -> None:
    with pytest.raises(NotFoundError):
        stores.registry.get_model(404)
    with pytest.raises(NotFoundError):
        stores.registry.list_versions(404, 10, None)
    with pytest.raises(NotFoundError):
        stores.registry.record_metrics(404, [("accuracy", 1.0)], OWNER)


def test_deleting_leaves_a_tombstone_saying_who_and_why_and_takes_it_off_the_dashboard(stores: Stores) -> None:
    model = register(stores)

    stores.registry.delete_model(model.id, "registered by mistake", ADMIN)

    ((gone, deleted),) = stores.models.tombstones
    assert (gone.id, deleted.updated_by, deleted.change_reason) == (model.id, "ada.admin", "registered by mistake")
    assert stores.registry.dashboard().total == 0
    with pytest.raises(NotFoundError):
        stores.registry.get_model(model.id)


def _built_on(stores: Stores, base: AIModel, name: str) -> AIModel:
    """A model whose version v1 declares `base`'s version v1 as its base model."""
    base_version = stores.registry.list_versions(base.id, 1, None).items[0]
    model = register(stores, name)
    inputs = VersionInputs(base_model=BaseModel(base.id, base_version.id, base.name, base_version.version_tag))
    stores.registry.register_version(model.id, {"version_tag": "v1", "s3_path": "s3://m/v1", "inputs": inputs}, OWNER)
    return model


def test_a_model_other_models_are_built_on_is_not_deleted_and_the_refusal_names_them(stores: Stores) -> None:
    base = register(stores, "foundation-scorer")
    stores.registry.register_version(base.id, {"version_tag": "v1", "s3_path": "s3://m/v1"}, OWNER)
    derived = _built_on(stores, base, "fraud-scorer")

    with pytest.raises(ModelInUseError) as refused:
        stores.registry.delete_model(base.id, "obsolete", ADMIN)

    assert "fraud-scorer@v1" in refused.value.message and "retire" in refused.value.message
    assert [(d["model_id"], d["base_version_tag"]) for d in refused.value.details["dependents"]] == [(derived.id, "v1")]
    assert stores.registry.get_model(base.id).name == "foundation-scorer" and stores.models.tombstones == []
    # once the model built on it is deleted, it can be
    stores.registry.delete_model(derived.id, "obsolete", ADMIN)
    stores.registry.delete_model(base.id, "obsolete", ADMIN)
    assert [gone.id for gone, _ in stores.models.tombstones] == [derived.id, base.id]


def test_a_model_built_on_while_it_is_deleted_is_refused_as_in_use(stores: Stores) -> None:
    base = register(stores, "foundation-scorer")
    stores.registry.register_version(base.id, {"version_tag": "v1", "s3_path": "s3://m/v1"}, OWNER)
    delete = stores.models.delete

    def built_on_meanwhile(*args: Any) -> None:  # another request registers a model on it between the check and the write
        _built_on(stores, base, "fraud-scorer")
        delete(*args)

    stores.models.delete = built_on_meanwhile  # type: ignore[method-assign]

    with pytest.raises(ModelInUseError):
        stores.registry.delete_model(base.id, "obsolete", ADMIN)
    assert stores.registry.get_model(base.id).name == "foundation-scorer"


def test_listing_by_exact_name_applies_the_other_filters_too(stores: Stores) -> None:
    register(stores, "fraud-detector")
    register(stores, "chatbot", risk_level=RiskLevel.LIMITED)

    assert [m.name for m in stores.registry.list_models({"name": "chatbot", "risk_level": "limited"}, 10, None).items] == ["chatbot"]
    assert stores.registry.list_models({"name": "chatbot", "risk_level": "high"}, 10, None).items == []

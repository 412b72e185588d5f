"""What an approval relied on: withdrawing or the expiry of an evidence document the sealed snapshot pinned reopens
review, over the real registry and in-memory stores (tests/unit/registry/registry_fakes.py, evidence_fakes.py)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from evidence_fakes import Files, Store

from govhub.approvals.snapshot import PolicyRef, load_snapshot
from govhub.domain.entities import Actor, AIModel, Metric, ModelVersion
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.errors import ApprovalLockedError, StaleWriteError
from govhub.evidence.model import Evidence, EvidenceKind, EvidenceStatus
from govhub.evidence.service import EvidenceService, NewEvidence
from govhub.evidence.sweep import SWEEPER
from govhub.store.repository import ConditionFailedError
from tests.unit.registry.registry_fakes import Stores

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
TEAM = "payments-ml"
OWNER = Actor("omar.owner", "model_owner", frozenset({TEAM}))
COLLEAGUE = Actor("olga.owner", "model_owner", frozenset({TEAM}))
ADMIN = Actor("ada.admin", "admin")
SECOND = Actor("bea.admin", "admin")


@dataclass(frozen=True)
class Verdict:
    """What the policy judged an approval on (the registry's ApprovalEvidence): here, the documents current now."""

    evidence: tuple[Evidence, ...]
    required_signoffs: int = 1
    latest_version: ModelVersion | None = None
    metrics: tuple[Metric, ...] = ()
    policy_ref: PolicyRef | None = None
    monitoring_plan: dict[str, Any] | None = None


class World:
    def __init__(self) -> None:
        self.stores = Stores()
        self.registry = self.stores.registry
        self.evidence = Store()
        self.files = Files()
        self.now = NOW
        self.service = EvidenceService(self.registry, self.evidence, self.files, clock=lambda: self.now)
        self.model = self.registry.register_model(
            {"name": "fraud-detector", "owner": "ML Team", "team": TEAM, "risk_level": RiskLevel.HIGH}, OWNER)

    def signed(self, title: str, valid_until: datetime | None = None) -> Evidence:
        """A document uploaded by the owner and signed off by a colleague: current."""
        data = f"%PDF-1.7\n {title} \n%%EOF".encode()
        new = NewEvidence(title, EvidenceKind.RISK_MANAGEMENT_PROCEDURE, ("art-9",), "application/pdf", len(data),
                          hashlib.sha256(data).hexdigest(), None, valid_until, None, None)
        item = self.service.request_upload(self.model.id, new, OWNER).evidence
        self.files.objects[item.object_key] = data
        self.service.complete(self.model.id, item.evidence_id, OWNER)
        return self.service.sign_off(self.model.id, item.evidence_id, "checked", COLLEAGUE, None)

    def submit(self) -> AIModel:
        return self.registry.change_status(self.model.id, ComplianceStatus.UNDER_REVIEW, "ready", OWNER, None)

    def approve(self, by: Actor = ADMIN, required: int = 1) -> AIModel:
        verdict = Verdict(tuple(self.service.current(self.model.id)), required)
        return self.registry.change_status(self.model.id, ComplianceStatus.APPROVED, "file complete", by, None,
                                           check_policy=lambda *_: verdict)

    def current_model(self) -> AIModel:
        return self.registry.get_model(self.model.id)

    def sealed(self) -> dict[str, Any]:
        [(_, text)] = self.registry.sealed_approvals(self.model.id, 1, None).items
        return load_snapshot(text)


@pytest.fixture
def world() -> World:
    return World()


# -- withdrawal ------------------------------------------------------------------------------------------------
def test_withdrawing_a_document_the_approval_pinned_reopens_review_in_the_same_write(world: World) -> None:
    # Given an approved model whose sealed snapshot pins its risk management procedure
    item = world.signed("Risk procedure")
    world.submit()
    approved = world.approve()
    assert [e["evidence_id"] for e in world.sealed()["evidence"]] == [item.evidence_id]
    # When its owner withdraws the procedure
    withdrawn = world.service.withdraw(world.model.id, item.evidence_id, "Superseded by the group procedure", OWNER, item.revision)
    # Then the item is withdrawn with the owner's reason, and the model is back under review saying why
    assert withdrawn.status is EvidenceStatus.WITHDRAWN and withdrawn.stamp.change_reason == "Superseded by the group procedure"
    model = world.current_model()
    assert model.compliance_status is ComplianceStatus.UNDER_REVIEW
    assert model.stamp.change_reason == (
        f"approval invalidated: evidence:{item.evidence_id} changed (evidence 'Risk procedure' (risk_management_procedure, "
        f"{item.evidence_id}) withdrawn: Superseded by the group procedure)")
    invalidated = model.approval.invalidated
    assert invalidated is not None and invalidated.fields == (f"evidence:{item.evidence_id}",)
    assert invalidated.snapshot_sha256 == approved.approval.snapshot_sha256 and model.approval.snapshot_sha256 is None
    # And the dashboard's counters moved with it
    assert world.registry.dashboard().by_status["approved"] == 0 and world.registry.dashboard().by_status["under_review"] == 1


def test_a_policy_that_refuses_changes_to_approved_models_refuses_the_withdrawal_and_nothing_changes(world: World) -> None:
    item = world.signed("Risk procedure")
    world.submit()
    approved = world.approve()
    with pytest.raises(ApprovalLockedError) as refused:
        world.service.withdraw(world.model.id, item.evidence_id, "gone", OWNER, None, approved_changes=lambda: "refuse")
    assert f"evidence:{item.evidence_id}" in refused.value.message
    assert world.evidence.items[item.evidence_id].status is EvidenceStatus.SIGNED_OFF
    model = world.current_model()
    assert (model.compliance_status, model.revision) == (ComplianceStatus.APPROVED, approved.revision)


def test_withdrawing_a_document_the_approval_did_not_pin_leaves_the_approval_in_force(world: World) -> None:
    world.signed("Risk procedure")
    world.submit()
    approved = world.approve()
    later = world.signed("Test report")  # signed off after the approval: not in its snapshot
    assert world.service.withdraw(world.model.id, later.evidence_id, "wrong file", OWNER, None).status is EvidenceStatus.WITHDRAWN
    model = world.current_model()
    assert (model.compliance_status, model.revision) == (ComplianceStatus.APPROVED, approved.revision)
    assert model.approval.snapshot_sha256 == approved.approval.snapshot_sha256


def test_under_review_withdrawing_a_current_document_clears_the_sign_offs_and_bars_the_withdrawer(world: World) -> None:
    # Given a model under review with one of two sign-offs, and a current and an unsigned document
    item = world.signed("Risk procedure")
    data = b"%PDF-1.7\n draft report \n%%EOF"
    unsigned = world.service.request_upload(world.model.id, NewEvidence(
        "Draft report", EvidenceKind.TEST_REPORT, (), "application/pdf", len(data), hashlib.sha256(data).hexdigest(),
        None, None, None, None), OWNER).evidence
    world.submit()
    first = world.approve(required=2)
    assert first.compliance_status is ComplianceStatus.UNDER_REVIEW and len(first.approval.signoffs) == 1
    # When a document that is not current is withdrawn, the model is untouched
    world.service.withdraw(world.model.id, unsigned.evidence_id, "never finished", COLLEAGUE, None)
    assert world.current_model().revision == first.revision
    # When the current one is withdrawn
    world.service.withdraw(world.model.id, item.evidence_id, "out of date", SECOND, None)
    # Then the sign-off given on what it was is cleared, and the withdrawer counts among those who changed the model
    model = world.current_model()
    assert model.compliance_status is ComplianceStatus.UNDER_REVIEW and model.approval.signoffs == []
    assert model.stamp.change_reason is not None and model.stamp.change_reason.endswith(
        f"withdrawn: out of date (sign-offs cleared: evidence:{item.evidence_id} changed)")
    assert "bea.admin" in model.editors_since_submission


def test_withdrawing_a_draft_models_document_leaves_the_model_as_it_is(world: World) -> None:
    item = world.signed("Risk procedure")
    before = world.current_model()
    world.service.withdraw(world.model.id, item.evidence_id, "wrong model", OWNER, None)
    assert world.current_model() == before


def test_a_withdrawal_that_loses_a_race_on_the_item_changes_neither_the_item_nor_the_model(world: World) -> None:
    item = world.signed("Risk procedure")
    world.submit()
    approved = world.approve()
    racing = world.evidence.writer

    def meanwhile(evidence: Evidence) -> Any:  # another write moves the item on between the read and the transaction
        world.evidence.items[evidence.evidence_id] = replace(world.evidence.items[evidence.evidence_id], revision=99)
        return racing(evidence)

    world.evidence.writer = meanwhile  # type: ignore[method-assign]
    with pytest.raises(StaleWriteError) as stale:
        world.service.withdraw(world.model.id, item.evidence_id, "gone", OWNER, None)
    assert stale.value.details["current_revision"] == 99
    assert world.evidence.items[item.evidence_id].status is EvidenceStatus.SIGNED_OFF
    assert world.current_model() == approved


# -- the expiry sweep --------------------------------------------------------------------------------------------
def test_an_expired_document_the_approval_pinned_reopens_review_once(world: World) -> None:
    # Given an approved model whose snapshot pins a procedure valid until 20 December
    item = world.signed("Risk procedure", valid_until=NOW + timedelta(days=14))
    world.submit()
    approved = world.approve()
    # When the sweep runs after that date, twice
    later = NOW + timedelta(days=15)
    first = world.service.sweep_expiry(later, SWEEPER)
    reopened = world.current_model()
    second = world.service.sweep_expiry(later, SWEEPER)
    # Then the first run reopened review, naming the document, its kind and the date, and the second changed nothing
    assert (first["evidence_expired"], first["evidence_reopened"]) == (1, 1)
    assert (second["evidence_expired"], second["evidence_reopened"]) == (0, 0)
    assert reopened.compliance_status is ComplianceStatus.UNDER_REVIEW
    assert reopened.stamp.change_reason == (
        f"approval invalidated: evidence 'Risk procedure' (risk_management_procedure, {item.evidence_id}) expired on 2026-12-20")
    assert reopened.stamp.updated_by == "system:sweeper"
    invalidated = reopened.approval.invalidated
    assert invalidated is not None and invalidated.fields == (f"evidence:{item.evidence_id}",)
    assert invalidated.snapshot_sha256 == approved.approval.snapshot_sha256
    assert world.current_model() == reopened
    assert world.evidence.items[item.evidence_id].expiry_notice == "expired"


def test_a_document_that_merely_expires_soon_reopens_nothing(world: World) -> None:
    item = world.signed("Risk procedure", valid_until=NOW + timedelta(days=14))
    world.submit()
    approved = world.approve()
    counts = world.service.sweep_expiry(NOW, SWEEPER)
    assert (counts["evidence_expiring"], counts["evidence_reopened"]) == (1, 0)
    assert world.evidence.items[item.evidence_id].expiry_notice == "expiring"
    assert world.current_model() == approved


def test_an_expired_document_the_approval_did_not_pin_is_only_marked(world: World) -> None:
    world.signed("Risk procedure")
    world.submit()
    approved = world.approve()
    later = world.signed("Test report", valid_until=NOW + timedelta(days=3))  # signed off after the approval
    counts = world.service.sweep_expiry(NOW + timedelta(days=4), SWEEPER)
    assert (counts["evidence_expired"], counts["evidence_reopened"]) == (1, 0)
    assert world.evidence.items[later.evidence_id].expiry_notice == "expired"
    assert world.current_model() == approved


def test_a_reopening_that_fails_leaves_the_stage_unrecorded_so_the_next_run_does_it(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    item = world.signed("Risk procedure", valid_until=NOW + timedelta(days=14))
    world.submit()
    world.approve()
    later = NOW + timedelta(days=15)
    models = world.stores.models
    save = models.save

    def conflicting(*args: Any, **kwargs: Any) -> AIModel:
        raise ConditionFailedError("the model moved on")

    monkeypatch.setattr(models, "save", conflicting)
    failed = world.service.sweep_expiry(later, SWEEPER)
    assert (failed["evidence_conflicts"], failed["evidence_reopened"]) == (1, 0)
    assert world.evidence.items[item.evidence_id].expiry_notice is None
    assert world.current_model().compliance_status is ComplianceStatus.APPROVED

    monkeypatch.setattr(models, "save", save)
    retried = world.service.sweep_expiry(later, SWEEPER)
    assert (retried["evidence_expired"], retried["evidence_reopened"]) == (1, 1)
    assert world.current_model().compliance_status is ComplianceStatus.UNDER_REVIEW

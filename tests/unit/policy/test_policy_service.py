"""The policy use cases over in-memory fakes: versions, the transition gate, compliance checks and the monitor."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from govhub.domain.documents import StoreConflictError
from govhub.domain.entities import (
    Actor,
    AIModel,
    Metric,
    ModelVersion,
    Page,
    PolicyViolation,
    Stamp,
)
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.errors import NotFoundError, StaleWriteError, TransitionNotAllowedError
from govhub.policy.document import default_policy
from govhub.policy.errors import PolicyDocumentError, PolicyViolationError
from govhub.policy.evaluator import CheckStatus
from govhub.policy.facts import Occasion
from govhub.policy.service import PolicyService
from govhub.policy.versions import PolicyVersion
from tests.unit.policy.policy_factory import (
    ADMIN,
    GOOD_METRICS,
    NOW,
    OWNER,
    DocumentedDatasets,
    FakeMonitoring,
    documented_model,
    metrics,
    version,
)


class FakeStore:
    def __init__(self) -> None:
        self.versions: dict[int, PolicyVersion] = {}
        self.pointer: int | None = None

    def active(self) -> PolicyVersion | None:
        return self.versions[self.pointer] if self.pointer else None

    def get(self, number: int) -> PolicyVersion | None:
        return self.versions.get(number)

    def list(self, limit: int, cursor: str | None) -> Page:
        ordered = sorted(self.versions, reverse=True)
        start = int(cursor) if cursor else 0
        chunk = ordered[start : start + limit]
        more = start + limit < len(ordered)
        return Page([self.versions[n] for n in chunk], str(start + limit) if more else None)

    def activate(self, new: PolicyVersion, replaces: int) -> None:
        if (self.pointer or 0) != replaces or new.version in self.versions:
            raise StoreConflictError("moved")
        self.versions[new.version] = new
        self.pointer = new.version


class FakeEvidence:
    def __init__(self) -> None:
        self.latest: dict[int, tuple[ModelVersion | None, list[Metric]]] = {}
        self.reads = 0

    def latest_evidence(self, model: AIModel) -> tuple[ModelVersion | None, list[Metric]]:
        self.reads += 1
        return self.latest.get(model.id, (None, []))


class FakeModels:
    def __init__(self, *models: AIModel) -> None:
        self.models = {m.id: m for m in models}

    def get(self, model_id: int) -> AIModel | None:
        return self.models.get(model_id)

    def approved(self, limit: int, cursor: str | None) -> Page:
        return Page([m for m in self.models.values() if m.compliance_status is ComplianceStatus.APPROVED], None)


class FakeFlags:
    def __init__(self, models: FakeModels) -> None:
        self.models = models
        self.writes: list[tuple[int, list[PolicyViolation], Stamp]] = []

    def set_violations(self, model: AIModel, violations: list[PolicyViolation], stamp: Stamp) -> bool:
        stored = self.models.models[model.id]
        if stored.revision != model.revision or stored.compliance_status is not ComplianceStatus.APPROVED:
            return False
        self.models.models[model.id] = replace(stored, policy_violations=violations, stamp=stamp, revision=(stored.revision or 0) + 1)
        self.writes.append((model.id, violations, stamp))
        return True


class FakeEvents:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def policy_violated(self, detail: dict[str, Any]) -> None:
        self.sent.append(detail)


@pytest.fixture
def world() -> dict[str, Any]:
    store, evidence = FakeStore(), FakeEvidence()
    approved = documented_model(compliance_status=ComplianceStatus.APPROVED, approved_by="ada.admin")
    models = FakeModels(approved)
    flags, events = FakeFlags(models), FakeEvents()
    evidence.latest[7] = (version(), list(metrics(GOOD_METRICS)))
    service = PolicyService(store, evidence, models, flags, events, clock=lambda: NOW, monitoring=FakeMonitoring(),
                            datasets=DocumentedDatasets())
    return {"service": service, "store": store, "evidence": evidence, "models": models, "flags": flags, "events": events}


def _stricter(accuracy: float = 0.97) -> dict[str, Any]:
    raw = default_policy().to_json()
    next(r for r in raw["rules"] if r["id"] == "accuracy-minimum")["min"] = accuracy
    return raw


# -- versions --------------------------------------------------------------------------------
def test_with_nothing_stored_the_built_in_default_is_active_as_version_0(world: dict[str, Any]) -> None:
    active = world["service"].active()
    assert (active.version, active.built_in, active.created_by) == (0, True, "govhub")
    assert active.document == default_policy()


def test_an_admin_replaces_the_policy_and_the_versions_list_ends_with_the_default(world: dict[str, Any]) -> None:
    service: PolicyService = world["service"]
    first = service.policies.replace(_stricter(0.95), "Tighter accuracy for 2027", ADMIN)
    second = service.policies.replace(_stricter(0.97), "Even tighter", ADMIN, expected_version=1)
    assert (first.version, second.version, service.active().version) == (1, 2, 2)
    assert second.created_by == "ada.admin" and second.reason == "Even tighter"
    page = service.policies.versions(limit=10, cursor=None)
    assert [v.version for v in page.items] == [2, 1, 0]
    first_page = service.policies.versions(limit=1, cursor=None)
    assert [v.version for v in first_page.items] == [2] and first_page.next_cursor is not None
    assert [v.version for v in service.policies.versions(limit=1, cursor=first_page.next_cursor).items] == [1, 0]


def test_an_invalid_document_changes_nothing(world: dict[str, Any]) -> None:
    raw = _stricter()
    raw["rules"][5]["min"] = "lots"
    with pytest.raises(PolicyDocumentError):
        world["service"].policies.replace(raw, "typo", ADMIN)
    assert world["store"].versions == {}


def test_a_stale_expected_version_is_refused(world: dict[str, Any]) -> None:
    service: PolicyService = world["service"]
    service.policies.replace(_stricter(), "v1", ADMIN)
    with pytest.raises(StaleWriteError) as stale:
        service.policies.replace(_stricter(), "based on the default", ADMIN, expected_version=0)
    assert stale.value.details == {"current_version": 1, "expected_version": 0}


def test_a_concurrent_replacement_surfaces_as_stale(world: dict[str, Any]) -> None:
    service: PolicyService = world["service"]
    store: FakeStore = world["store"]
    real_activate = store.activate

    def racing(new: PolicyVersion, replaces: int) -> None:
        real_activate(replace(new, reason="someone else"), replaces)
        real_activate(new, replaces)  # our write now finds the pointer moved

    store.activate = racing
    with pytest.raises(StaleWriteError):
        service.policies.replace(_stricter(), "mine", ADMIN)


def test_an_unknown_version_is_not_found_and_0_is_the_default(world: dict[str, Any]) -> None:
    assert world["service"].version(0).built_in
    with pytest.raises(NotFoundError):
        world["service"].version(9)


# -- the gate --------------------------------------------------------------------------------
def test_the_gate_lets_a_compliant_approval_pass(world: dict[str, Any]) -> None:
    world["service"].check_transition(documented_model(), ComplianceStatus.APPROVED, ADMIN)


def test_the_gate_refuses_with_every_failed_rule_its_reason_and_article(world: dict[str, Any]) -> None:
    model = documented_model(oversight_plan=None, submitted_by="ada.admin")
    with pytest.raises(PolicyViolationError) as refused:
        world["service"].check_transition(model, ComplianceStatus.APPROVED, ADMIN)
    error = refused.value
    assert (error.status, error.code) == (422, "policy_violation")
    assert error.message == "Model 7 cannot move to approved: 2 rules of policy v0 fail (four-eyes-approval, high-risk-documentation)."
    assert error.details["failed_rules"][1] == {
        "rule_id": "high-risk-documentation",
        "rule": "high-risk-documentation",
        "reason": "A high-risk model must document intended_purpose, data_sources and oversight_plan; missing: oversight_plan.",
        "article": "Art. 11, Annex IV",
    }
    assert error.details["policy_version"] == 0 and error.details["target"] == "approved"


def test_the_gate_reads_the_evidence_once_for_all_rules(world: dict[str, Any]) -> None:
    world["service"].check_transition(documented_model(), ComplianceStatus.APPROVED, ADMIN)
    assert world["evidence"].reads == 1


def test_the_gate_follows_the_active_policy(world: dict[str, Any]) -> None:
    service: PolicyService = world["service"]
    service.policies.replace(_stricter(0.97), "stricter", ADMIN)
    with pytest.raises(PolicyViolationError) as refused:
        service.check_transition(documented_model(), ComplianceStatus.APPROVED, ADMIN)
    assert refused.value.details["failed_rules"][0]["reason"] == "accuracy is 0.95, below the minimum 0.97."
    assert refused.value.details["policy_version"] == 1


# -- compliance check ------------------------------------------------------------------------
def test_the_check_looks_at_the_next_forward_step_by_default(world: dict[str, Any]) -> None:
    service: PolicyService = world["service"]
    draft = documented_model(compliance_status=ComplianceStatus.DRAFT, submitted_by=None)
    check = service.compliance_check(draft, None, Actor(OWNER, "model_owner"))
    assert (check.target, check.occasion) == (ComplianceStatus.UNDER_REVIEW, Occasion.TRANSITION)
    assert check.passed
    review = service.compliance_check(documented_model(), None, ADMIN)
    assert review.target is ComplianceStatus.APPROVED and review.summary()["pass"] == 12


def test_an_approved_model_is_checked_as_the_monitor_checks_it(world: dict[str, Any]) -> None:
    check = world["service"].compliance_check(world["models"].models[7], None, ADMIN)
    assert (check.target, check.occasion) == (ComplianceStatus.APPROVED, Occasion.MONITORING)
    assert next(i for i in check.items if i.kind == "four_eyes").status is CheckStatus.NOT_APPLICABLE


def test_a_retired_model_has_nothing_to_check(world: dict[str, Any]) -> None:
    check = world["service"].compliance_check(documented_model(compliance_status=ComplianceStatus.RETIRED), None, ADMIN)
    assert check.target is None
    assert {i.status for i in check.items} == {CheckStatus.NOT_APPLICABLE}
    assert check.items[0].reason == "The model is retired: no transition follows."


def test_a_target_the_lifecycle_does_not_allow_is_refused(world: dict[str, Any]) -> None:
    approved = documented_model(compliance_status=ComplianceStatus.APPROVED)
    with pytest.raises(TransitionNotAllowedError) as refused:
        world["service"].compliance_check(approved, ComplianceStatus.DRAFT, ADMIN)
    assert refused.value.details["allowed"] == ["under_review", "retired"]


def test_a_draft_checked_for_approval_is_a_preview_that_judges_no_approver(world: dict[str, Any]) -> None:
    draft = documented_model(compliance_status=ComplianceStatus.DRAFT)
    checklist = world["service"].compliance_check(draft, ComplianceStatus.APPROVED, ADMIN)
    four_eyes = next(item for item in checklist.items if item.kind == "four_eyes")
    assert checklist.target is ComplianceStatus.APPROVED and four_eyes.status.value == "not_applicable"


# -- obligations -----------------------------------------------------------------------------
def test_obligations_of_a_high_risk_model_use_the_policy_as_evidence(world: dict[str, Any]) -> None:
    checklist = world["service"].obligations(documented_model(oversight_plan=None))
    items = {item.article: item for item in checklist.items}
    # on 2026-11-25 the Annex III obligations apply from 2027-12-02: nothing evidences oversight, and it is not in force
    assert (items["Art. 14"].status.value, items["Art. 14"].days_until) == ("not_in_force", 372)
    assert items["Art. 15"].status.value == "evidenced"
    assert [c.ref for c in items["Art. 15"].covered_by] == ["accuracy-minimum", "fairness-demographic-parity", "metrics-fresh"]


# -- monitoring ------------------------------------------------------------------------------
def test_a_new_failing_metric_flags_the_approved_model_and_announces_it_once(world: dict[str, Any]) -> None:
    service: PolicyService = world["service"]
    world["evidence"].latest[7] = (version("v2.0.0"), list(metrics({"accuracy": 0.81, "demographic_parity_difference": 0.2})))
    outcome = service.monitor(7, {"entity": "metric", "id": 300})
    assert outcome.changed and outcome.new_rule_ids == ("accuracy-minimum", "fairness-demographic-parity")
    flagged = world["models"].models[7]
    assert [v.rule_id for v in flagged.policy_violations] == ["accuracy-minimum", "fairness-demographic-parity"]
    assert (flagged.stamp.updated_by, flagged.stamp.updated_by_role) == ("policy-monitor", "system")
    assert flagged.stamp.change_reason == "Policy v0: accuracy-minimum, fairness-demographic-parity fail"
    [event] = world["events"].sent
    assert event["model"]["id"] == 7 and event["trigger"] == {"entity": "metric", "id": 300}
    assert event["summary"] == (
        "fraud-detector (#7): approved, but fails accuracy-minimum, fairness-demographic-parity of policy v0"
    )
    assert event["actor"] == {"username": "policy-monitor", "role": "system"}
    assert event["failed_rules"][0] == {"rule_id": "accuracy-minimum", "reason": "accuracy is 0.81, below the minimum 0.9.", "article": "Art. 15"}
    # When the same evidence is seen again (a redelivery), nothing is written or sent
    again = service.monitor(7, {"entity": "metric", "id": 301})
    assert not again.changed and len(world["events"].sent) == 1 and len(world["flags"].writes) == 1


def test_a_flag_clears_when_the_model_complies_again_without_an_event(world: dict[str, Any]) -> None:
    service: PolicyService = world["service"]
    world["evidence"].latest[7] = (version("v2.0.0"), list(metrics({"accuracy": 0.81, "demographic_parity_difference": 0.01})))
    service.monitor(7)
    world["evidence"].latest[7] = (version("v2.0.0"), list(metrics({"accuracy": 0.96, "demographic_parity_difference": 0.01})))
    outcome = service.monitor(7)
    assert outcome.changed and world["models"].models[7].policy_violations == []
    assert world["models"].models[7].stamp.change_reason == "Policy v0: compliant again"
    assert len(world["events"].sent) == 1


def test_a_changed_reason_rewrites_the_flag_but_announces_only_new_rules(world: dict[str, Any]) -> None:
    service: PolicyService = world["service"]
    world["evidence"].latest[7] = (version("v2.0.0"), list(metrics({"accuracy": 0.81, "demographic_parity_difference": 0.01})))
    first = service.monitor(7)
    detected = world["models"].models[7].policy_violations[0].detected_at
    world["evidence"].latest[7] = (version("v2.0.0"), list(metrics({"accuracy": 0.80, "demographic_parity_difference": 0.01})))
    later = PolicyService(world["store"], world["evidence"], world["models"], world["flags"], world["events"],
                          clock=lambda: NOW + timedelta(hours=1), monitoring=FakeMonitoring(), datasets=DocumentedDatasets())
    second = later.monitor(7)
    assert first.changed and second.changed and second.new_rule_ids == ()
    assert world["models"].models[7].policy_violations[0].detected_at == detected
    assert len(world["events"].sent) == 1


def test_models_that_are_not_approved_are_left_alone(world: dict[str, Any]) -> None:
    world["models"].models[8] = documented_model(id=8, compliance_status=ComplianceStatus.UNDER_REVIEW)
    assert world["service"].monitor(8).checklist is None
    assert world["service"].monitor(99).checklist is None
    assert world["flags"].writes == []


def test_a_model_that_moved_on_meanwhile_is_not_flagged(world: dict[str, Any]) -> None:
    world["evidence"].latest[7] = (version("v2.0.0"), list(metrics({"accuracy": 0.5})))
    models: FakeModels = world["models"]
    stale_read = models.models[7]
    original_get = models.get
    models.get = lambda model_id: stale_read
    models.models[7] = replace(stale_read, revision=(stale_read.revision or 0) + 1)
    outcome = world["service"].monitor(7)
    models.get = original_get
    assert not outcome.changed and world["flags"].writes == []


def test_a_policy_change_rechecks_every_approved_model(world: dict[str, Any]) -> None:
    service: PolicyService = world["service"]
    world["models"].models[9] = documented_model(id=9, compliance_status=ComplianceStatus.APPROVED, risk_level=RiskLevel.MINIMAL)
    world["evidence"].latest[9] = (version("v0.1.0"), list(metrics({"precision_at_10": 0.3})))
    service.policies.replace(_stricter(0.97), "stricter", ADMIN)
    outcomes = service.monitor_all_approved({"entity": "policy", "id": 1})
    assert {o.model_id: o.changed for o in outcomes} == {7: True, 9: False}
    assert world["events"].sent[0]["policy_version"] == 1

"""Each rule kind, judged by the pure evaluator: pass, fail (with the reason a user reads) and not applicable."""

from __future__ import annotations

from dataclasses import replace

import pytest

from govhub.domain.entities import Actor
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.policy.document import default_policy
from govhub.policy.evaluator import CheckItem, CheckStatus, evaluate
from govhub.policy.facts import Occasion
from tests.unit.policy.policy_factory import (
    ADMIN,
    GOOD_METRICS,
    OWNER,
    documented_model,
    facts,
    metrics,
    policy_with,
    version,
)

PASS, FAIL, NA = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.NOT_APPLICABLE


def judged(rule: dict, **facts_kw: object) -> CheckItem:
    policy = policy_with({"id": "under-test", "article": "Art. 99", **rule})
    checklist = evaluate(policy, facts(**facts_kw), policy_version=4)
    return next(item for item in checklist.items if item.rule_id == "under-test")


# -- required fields -------------------------------------------------------------------------
DOCS = {"kind": "required_fields", "risk_levels": ["high"], "fields": ["intended_purpose", "data_sources", "oversight_plan"]}


def test_required_fields_pass_when_every_field_has_text() -> None:
    item = judged(DOCS)
    assert item.status is PASS
    assert item.evidence == {"present": ["intended_purpose", "data_sources", "oversight_plan"], "missing": []}


def test_required_fields_name_each_missing_field_and_blank_text_counts_as_missing() -> None:
    model = documented_model(data_sources=None, oversight_plan="   ")
    item = judged(DOCS, model=model)
    assert item.status is FAIL
    assert item.reason == (
        "A high-risk model must document intended_purpose, data_sources and oversight_plan; "
        "missing: data_sources, oversight_plan."
    )
    assert item.article == "Art. 99"


def test_required_fields_do_not_apply_to_another_risk_level() -> None:
    item = judged(DOCS, model=documented_model(risk_level=RiskLevel.MINIMAL, data_sources=None))
    assert item.status is NA
    assert item.reason == "Applies to high risk; this model is minimal risk."


# -- registered version ----------------------------------------------------------------------
ARTIFACT = {"kind": "registered_version", "transitions": ["under_review", "approved"]}


def test_registered_version_passes_with_an_artifact_location() -> None:
    item = judged(ARTIFACT, target=ComplianceStatus.UNDER_REVIEW, model=documented_model(compliance_status=ComplianceStatus.DRAFT))
    assert item.status is PASS
    assert item.reason == "Version v1.0.0 is registered at s3://models/fraud/v1.0.0."


def test_registered_version_fails_without_any_version() -> None:
    item = judged(ARTIFACT, latest=None, recorded=())
    assert item.status is FAIL
    assert item.reason == "No version is registered: register one with its artifact location first."


def test_an_artifact_hash_is_required_only_when_the_policy_says_so() -> None:
    assert judged(ARTIFACT).status is PASS
    item = judged({**ARTIFACT, "require_sha256": True})
    assert item.status is FAIL
    assert item.reason == "Version v1.0.0 has no artifact hash (sha256); this policy requires one."
    assert judged({**ARTIFACT, "require_sha256": True}, latest=version(sha256="a" * 64)).status is PASS


def test_a_rule_gating_another_transition_is_not_applicable() -> None:
    item = judged({"kind": "registered_version", "transitions": ["under_review"]}, latest=None)
    assert item.status is NA
    assert item.reason == "Checked on the way to under_review; this check is for approved."


# -- metric thresholds -----------------------------------------------------------------------
ACCURACY = {"kind": "metric_threshold", "metric": "accuracy", "min": 0.9}
PARITY = {"kind": "metric_threshold", "metric": "demographic_parity_difference", "max": 0.1}


def test_a_minimum_passes_at_or_above_it_and_fails_below() -> None:
    assert judged(ACCURACY, recorded=metrics({"accuracy": 0.9})).status is PASS
    item = judged(ACCURACY, recorded=metrics({"accuracy": 0.85}))
    assert item.status is FAIL
    assert item.reason == "accuracy is 0.85, below the minimum 0.9."
    assert item.evidence["value"] == 0.85 and item.evidence["version_id"] == 11


def test_a_maximum_fails_above_it() -> None:
    item = judged(PARITY, recorded=metrics({"demographic_parity_difference": 0.12}))
    assert item.status is FAIL
    assert item.reason == "demographic_parity_difference is 0.12, above the maximum 0.1."
    assert judged(PARITY).reason == "demographic_parity_difference is 0.04 (at most 0.1)."


def test_a_missing_metric_fails_unless_the_rule_only_applies_when_measured() -> None:
    missing = judged(ACCURACY, recorded=metrics({"f1": 0.9}))
    assert missing.status is FAIL and missing.reason == "No accuracy metric is recorded on version v1.0.0."
    optional = judged({**PARITY, "when_missing": "not_applicable"}, recorded=metrics({"accuracy": 0.95}))
    assert optional.status is NA


def test_the_latest_recording_of_a_metric_counts() -> None:
    # Given accuracy recorded twice on the version: 0.80, then 0.93
    recorded = metrics({"accuracy": 0.80}, first_id=1) + metrics({"accuracy": 0.93}, first_id=2)
    assert judged(ACCURACY, recorded=tuple(reversed(recorded))).evidence["value"] == 0.93


def test_while_monitoring_a_new_version_without_metrics_waits_for_its_evaluation() -> None:
    # Given CI registered a version and has not pushed its metrics yet
    waiting = judged(ACCURACY, recorded=(), actor=None, occasion=Occasion.MONITORING, latest=version("v2.0.0"))
    assert waiting.status is NA
    assert waiting.reason == "Version v2.0.0 has no metrics yet: it is judged when its evaluation is recorded."
    assert judged(BIAS, recorded=(), actor=None, occasion=Occasion.MONITORING).status is NA
    # At a transition the same gap fails
    assert judged(ACCURACY, recorded=()).status is FAIL


# -- metric present --------------------------------------------------------------------------
BIAS = {"kind": "metric_present", "any_of": ["demographic_parity_difference", "equalized_odds_difference"]}


def test_a_bias_metric_must_be_present() -> None:
    assert judged(BIAS).reason == "Recorded: demographic_parity_difference = 0.04."
    item = judged(BIAS, recorded=metrics({"accuracy": 0.95}))
    assert item.status is FAIL
    assert item.reason == "None of demographic_parity_difference, equalized_odds_difference is recorded on version v1.0.0."


# -- freshness -------------------------------------------------------------------------------
FRESH = {"kind": "metric_freshness", "max_age_days": 90}


def test_fresh_metrics_pass_and_stale_ones_are_named() -> None:
    assert judged(FRESH, recorded=metrics(GOOD_METRICS, age_days=89)).status is PASS
    item = judged(FRESH, recorded=metrics({"accuracy": 0.95}, age_days=120))
    assert item.status is FAIL
    assert item.reason == "Older than 90 days: accuracy (120 days). Re-evaluate the model."


def test_freshness_fails_without_any_evaluation_and_can_name_its_metrics() -> None:
    assert judged(FRESH, recorded=()).status is FAIL
    named = judged({**FRESH, "metrics": ["auc"]})
    assert named.status is FAIL and named.reason == "Not recorded on the latest version: auc."


def test_freshness_is_an_approval_check_not_a_monitoring_one() -> None:
    item = judged(FRESH, recorded=metrics(GOOD_METRICS, age_days=400), actor=None, occasion=Occasion.MONITORING)
    assert item.status is NA


# -- prohibited ------------------------------------------------------------------------------
def test_unacceptable_risk_can_never_be_approved() -> None:
    checklist = evaluate(default_policy(), facts(model=documented_model(risk_level=RiskLevel.UNACCEPTABLE)), 0)
    item = next(i for i in checklist.items if i.kind == "prohibited")
    assert item.status is FAIL
    assert item.article == "Art. 5"
    assert item.reason == "A model classified as unacceptable risk can never be moved to approved (Art. 5)."


def test_prohibited_does_not_touch_other_risk_levels() -> None:
    checklist = evaluate(default_policy(), facts(), 0)
    assert next(i for i in checklist.items if i.kind == "prohibited").status is NA


# -- four eyes -------------------------------------------------------------------------------
def _four_eyes(**facts_kw: object) -> CheckItem:
    checklist = evaluate(default_policy(), facts(**facts_kw), 0)
    return next(i for i in checklist.items if i.kind == "four_eyes")


def test_an_admin_who_neither_registered_nor_submitted_may_approve() -> None:
    item = _four_eyes()
    assert item.status is PASS
    assert item.reason == (
        "ada.admin (admin) neither registered the model (omar.owner), nor submitted it for review (omar.owner), "
        "nor changed it since (changed by: nobody)."
    )


def test_the_submitter_may_not_approve_even_as_admin() -> None:
    model = documented_model(submitted_by="ada.admin")
    item = _four_eyes(model=model)
    assert item.status is FAIL
    assert item.reason == "Four eyes: ada.admin submitted it for review. Someone else must approve."


def test_the_registrant_may_not_approve_and_names_compare_case_insensitively() -> None:
    model = documented_model(stamp=replace(documented_model().stamp, created_by="Ada.Admin"))
    assert "ada.admin registered this model" in _four_eyes(model=model).reason


def test_only_the_roles_the_policy_names_may_approve() -> None:
    item = _four_eyes(actor=Actor("olga.owner", "model_owner"))
    assert item.status is FAIL
    assert item.reason == "Four eyes: approval needs the role admin, and olga.owner acts as model_owner. Someone else must approve."
    assert item.evidence["approver"] == {"username": "olga.owner", "role": "model_owner"}


def test_every_four_eyes_problem_is_listed_at_once() -> None:
    item = _four_eyes(actor=Actor(OWNER, "model_owner"))
    assert item.reason.count(";") == 2


@pytest.mark.parametrize("roles", [["admin", "model_owner"]])
def test_a_policy_may_let_model_owners_approve_others_models(roles: list[str]) -> None:
    policy = policy_with()
    raw = policy.to_json()
    next(r for r in raw["rules"] if r["kind"] == "four_eyes")["approver_roles"] = roles
    from govhub.policy.document import parse_policy

    checklist = evaluate(parse_policy(raw), facts(actor=Actor("olga.owner", "model_owner")), 1)
    assert next(i for i in checklist.items if i.kind == "four_eyes").status is PASS


def test_nobody_approves_while_monitoring() -> None:
    assert _four_eyes(actor=None, occasion=Occasion.MONITORING).status is NA


# -- the default policy as a whole -----------------------------------------------------------
def test_a_documented_measured_model_passes_the_default_policy_for_another_admin() -> None:
    checklist = evaluate(default_policy(), facts(), 0)
    assert checklist.passed, [i.reason for i in checklist.failed]
    assert checklist.summary() == {"pass": 12, "fail": 0, "not_applicable": 2}


def test_the_seed_example_lists_every_gap_at_once() -> None:
    # Given the seed's high-risk model: only an intended purpose, one version, accuracy 0.95
    model = documented_model(data_sources=None, oversight_plan=None)
    checklist = evaluate(default_policy(), facts(model=model, recorded=metrics({"accuracy": 0.95})), 0)
    assert [i.rule_id for i in checklist.failed] == ["high-risk-documentation", "bias-metric-present"]
    assert [i.failed_rule()["article"] for i in checklist.failed] == ["Art. 11, Annex IV", "Art. 10(2)(f)"]


def test_submitting_for_review_needs_only_a_registered_version_by_default() -> None:
    model = documented_model(compliance_status=ComplianceStatus.DRAFT, data_sources=None, submitted_by=None)
    checklist = evaluate(default_policy(), facts(model=model, recorded=(), target=ComplianceStatus.UNDER_REVIEW, actor=ADMIN), 0)
    assert checklist.passed
    bare = evaluate(default_policy(), facts(model=model, latest=None, recorded=(), target=ComplianceStatus.UNDER_REVIEW), 0)
    assert [i.rule_id for i in bare.failed] == ["artifact-registered"]

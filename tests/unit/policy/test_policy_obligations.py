"""The EU AI Act obligations per risk level, and what in the hub covers each for one model."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from govhub.domain.entities import PolicyViolation
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.policy.document import default_policy
from govhub.policy.evaluator import evaluate
from govhub.policy.obligations import (
    CATALOGUE,
    CoverageStatus,
    as_json,
    cited_articles,
    obligations_for,
)
from tests.unit.policy.policy_factory import documented_model, facts, metrics


def _obligations(**model_changes: object):
    model = documented_model(**model_changes)
    check = evaluate(default_policy(), facts(model=model, actor=None), 0)
    return {item.article: item for item in obligations_for(model, check).items}


@pytest.mark.parametrize(("text", "numbers"), [
    ("Art. 5", {5}),
    ("Art. 10(2)(f), Art. 15", {10, 15}),
    ("Art. 11, Annex IV", {11}),
    ("Articles 9 and 17", {9, 17}),
    ("Annex III", set()),
])
def test_cited_articles(text: str, numbers: set[int]) -> None:
    assert cited_articles(text) == numbers


def test_each_risk_level_lists_the_articles_of_the_act() -> None:
    assert [o.article for o in CATALOGUE[RiskLevel.HIGH]] == [
        "Art. 9", "Art. 10", "Art. 11, Annex IV", "Art. 12", "Art. 13", "Art. 14", "Art. 15",
        "Art. 17", "Art. 43", "Art. 49", "Art. 72", "Art. 73",
    ]
    assert [o.article for o in CATALOGUE[RiskLevel.LIMITED]] == ["Art. 50"]
    assert [o.article for o in CATALOGUE[RiskLevel.UNACCEPTABLE]] == ["Art. 5"]
    assert [o.mandatory for o in CATALOGUE[RiskLevel.MINIMAL]] == [False]


def test_a_documented_high_risk_model_under_review_shows_what_covers_each_item() -> None:
    items = _obligations()
    assert items["Art. 14"].status is CoverageStatus.MET
    assert [(c.source, c.ref) for c in items["Art. 14"].covered_by] == [("field", "oversight_plan")]
    assert items["Art. 10"].status is CoverageStatus.MET
    assert {c.ref for c in items["Art. 10"].covered_by} == {"data_sources", "bias-metric-present", "fairness-demographic-parity"}
    assert items["Art. 12"].status is CoverageStatus.MET  # the artifact rule and the audit trail
    assert items["Art. 43"].status is CoverageStatus.OPEN
    assert items["Art. 43"].covered_by[-1].detail == "Not approved yet (status under_review)."
    assert items["Art. 73"].status is CoverageStatus.MANUAL and items["Art. 73"].manual


def test_missing_documentation_leaves_its_obligations_open_or_partial() -> None:
    items = _obligations(data_sources=None, description=None)
    assert items["Art. 10"].status is CoverageStatus.PARTIAL
    assert items["Art. 13"].status is CoverageStatus.PARTIAL
    assert next(c for c in items["Art. 10"].covered_by if c.ref == "data_sources").detail == "Data sources: empty."


def test_an_approved_model_with_a_flag_fails_post_market_monitoring() -> None:
    violation = PolicyViolation("accuracy-minimum", "metric_threshold", "accuracy is 0.8", "Art. 15", 0,
                                datetime(2026, 11, 26, tzinfo=UTC))
    items = _obligations(compliance_status=ComplianceStatus.APPROVED, approved_by="ada.admin",
                         approved_at=datetime(2026, 11, 25, tzinfo=UTC), policy_violations=[violation])
    assert items["Art. 43"].status is CoverageStatus.MET
    assert items["Art. 43"].covered_by[-1].detail == "Approved by ada.admin on 2026-11-25."
    assert items["Art. 72"].status is CoverageStatus.PARTIAL  # fresh metrics, but a flagged violation
    assert items["Art. 72"].covered_by[-1].detail == "Flagged: accuracy-minimum fail since approval."


def test_a_prohibited_practice_is_covered_while_the_policy_blocks_its_approval() -> None:
    items = _obligations(risk_level=RiskLevel.UNACCEPTABLE)
    [item] = items.values()
    assert item.status is CoverageStatus.MET
    assert item.covered_by[0].ref == "no-prohibited-practices"
    assert item.covered_by[0].detail.startswith("Approval is blocked: ")


def test_limited_risk_transparency_is_covered_by_the_intended_purpose() -> None:
    model = documented_model(risk_level=RiskLevel.LIMITED, intended_purpose=None)
    check = evaluate(default_policy(), facts(model=model, recorded=metrics({"answer_accuracy": 0.9}), actor=None), 0)
    data = as_json(obligations_for(model, check))
    assert data["risk_level"] == "limited" and data["summary"]["open"] == 1
    assert data["items"][0]["covered_by"][0] == {
        "source": "field", "ref": "intended_purpose", "satisfied": False, "detail": "Intended purpose: empty.",
    }

"""The EU AI Act obligations of one model: by operator role, dated by the timeline, with honest statuses."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from govhub.classification.timeline import default_timeline, parse_timeline
from govhub.domain.classification import Attestation, OperatorRole
from govhub.domain.entities import PolicyViolation
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.policy.document import default_policy
from govhub.policy.evaluator import evaluate
from govhub.policy.obligations import ObligationStatus, as_json, cited_articles, obligations_for
from tests.unit.policy.policy_factory import classified, documented_model, facts

IN_FORCE = date(2028, 9, 1)     # every milestone has passed
BEFORE = date(2026, 11, 25)     # Art. 4, 5, GPAI and Art. 50 apply; the high-risk obligations do not yet


def _obligations(today: date = IN_FORCE, attestations: tuple[Attestation, ...] = (), timeline=None, **model_changes: object):  # noqa: ANN001, ANN202
    model = documented_model(**model_changes)
    check = evaluate(default_policy(), facts(model=model, actor=None), 0)
    return obligations_for(model, check, today, timeline, attestations)


def _by_id(**kw: object) -> dict[str, object]:
    return {item.id: item for item in _obligations(**kw).items}  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "numbers"), [
    ("Art. 5", {5}), ("Art. 10(2)(f), Art. 15", {10, 15}), ("Art. 11, Annex IV", {11}), ("Articles 9 and 17", {9, 17}), ("Annex III", set()),
])
def test_cited_articles(text: str, numbers: set[int]) -> None:
    assert cited_articles(text) == numbers


def test_a_high_risk_provider_has_articles_9_to_17_43_47_to_49_72_73() -> None:
    checklist = _obligations(operator_role=OperatorRole.PROVIDER)
    assert [i.article for i in checklist.items] == [
        "Art. 4", "Art. 9", "Art. 10", "Art. 11, Annex IV", "Art. 12", "Art. 13", "Art. 14", "Art. 15", "Art. 16", "Art. 17",
        "Art. 43", "Art. 47, Art. 48", "Art. 49(1)", "Art. 72", "Art. 73",
    ]
    assert (checklist.operator_role, checklist.role_assumed) == (OperatorRole.PROVIDER, False)


def test_without_a_recorded_role_the_provider_is_assumed_and_said() -> None:
    checklist = _obligations()
    assert (checklist.operator_role, checklist.role_assumed) == (OperatorRole.PROVIDER, True)


def test_a_high_risk_deployer_has_article_26_and_a_public_body_also_27_and_49_3() -> None:
    private = _obligations(operator_role=OperatorRole.DEPLOYER, classification=classified(RiskLevel.HIGH, {"annex3_4_a_recruitment": True}))
    assert [i.article for i in private.items] == ["Art. 4", "Art. 26"]
    assert "at least six months" in private.items[1].summary
    public = _obligations(operator_role=OperatorRole.DEPLOYER,
                          classification=classified(RiskLevel.HIGH, {"annex3_4_a_recruitment": True, "deployer_public_body": True}))
    assert [i.article for i in public.items] == ["Art. 4", "Art. 26", "Art. 27", "Art. 49(3)"]
    credit = _obligations(operator_role=OperatorRole.DEPLOYER, classification=classified(RiskLevel.HIGH, {"annex3_5_b_credit_scoring": True}))
    assert [i.article for i in credit.items] == ["Art. 4", "Art. 26", "Art. 27"]  # Art. 27(1): credit scoring and insurance


def test_transparency_duties_split_between_provider_and_deployer() -> None:
    answers = {qid: True for qid in ("art50_1_interacts_with_people", "art50_2_synthetic_content", "art50_3_emotion_or_biometric_categorisation", "art50_4_deep_fake")}
    summary = classified(RiskLevel.LIMITED, answers)
    provider = _obligations(risk_level=RiskLevel.LIMITED, operator_role=OperatorRole.PROVIDER, classification=summary)
    deployer = _obligations(risk_level=RiskLevel.LIMITED, operator_role=OperatorRole.DEPLOYER, classification=summary)
    assert [i.article for i in provider.items] == ["Art. 4", "Art. 50(1)", "Art. 50(2)"]
    assert [i.article for i in deployer.items] == ["Art. 4", "Art. 50(3)", "Art. 50(4)"]


def test_each_obligation_is_dated_by_the_timeline_and_says_how_long_until_it_applies() -> None:
    items = _by_id(today=BEFORE)
    assert (items["art-4"].applies_from, items["art-4"].in_force) == (date(2025, 2, 2), True)
    assert (items["art-9"].applies_from, items["art-9"].in_force, items["art-9"].days_until) == (date(2027, 12, 2), False, 372)
    annex_i = _by_id(today=BEFORE, classification=classified(RiskLevel.HIGH, {"annex1_safety_component": True, "annex1_third_party_assessment": True}))
    assert annex_i["art-9"].applies_from == date(2028, 8, 2)


def test_a_replaced_timeline_moves_the_dates() -> None:
    raw = default_timeline().to_json()
    next(m for m in raw["milestones"] if m["id"] == "high_risk_annex_iii")["applies_from"] = "2026-01-01"
    items = _by_id(today=BEFORE, timeline=parse_timeline(raw))
    assert items["art-14"].in_force and items["art-14"].status is ObligationStatus.EVIDENCED


def test_statuses_never_overclaim() -> None:
    approved = dict(compliance_status=ComplianceStatus.APPROVED, approved_by="ada.admin", approved_at=datetime(2026, 11, 25, tzinfo=UTC))
    items = _by_id(**approved)
    assert items["art-14"].status is ObligationStatus.EVIDENCED   # the oversight plan is documented
    assert items["art-72"].status is ObligationStatus.EVIDENCED   # approved, monitored, no flag
    for article in ("art-43", "art-47", "art-49", "art-73"):      # acts towards authorities: never the hub's own records
        assert items[article].status is ObligationStatus.OPEN and items[article].evidenceable is False
    assert items["art-12"].status is ObligationStatus.OPEN        # the audit trail is the hub's, not the system's logs
    before = _by_id(today=BEFORE, oversight_plan=None)
    assert before["art-14"].status is ObligationStatus.NOT_IN_FORCE


def test_an_attestation_by_a_person_makes_it_attested() -> None:
    attested = Attestation(7, "art-49", "Registered in the EU database under EU-AI-000123", "I submitted it", "ada.admin", "admin",
                           datetime(2026, 12, 1, tzinfo=UTC), 1)
    items = _by_id(attestations=(attested,))
    assert items["art-49"].status is ObligationStatus.ATTESTED
    data = as_json(_obligations(attestations=(attested,)))
    entry = next(i for i in data["items"] if i["id"] == "art-49")
    assert entry["attestation"]["statement"] == "Registered in the EU database under EU-AI-000123"
    assert data["summary"]["attested"] == 1


def test_a_flag_since_approval_leaves_post_market_monitoring_open() -> None:
    violation = PolicyViolation("accuracy-minimum", "metric_threshold", "accuracy is 0.8", "Art. 15", 0, datetime(2026, 11, 26, tzinfo=UTC))
    items = _by_id(compliance_status=ComplianceStatus.APPROVED, approved_by="ada.admin", approved_at=datetime(2026, 11, 25, tzinfo=UTC),
                   policy_violations=[violation])
    assert items["art-72"].status is ObligationStatus.OPEN
    assert items["art-72"].covered_by[-1].detail == "Flagged: accuracy-minimum fail since approval."


def test_an_unjustified_override_leaves_risk_management_open() -> None:
    items = _by_id(classification=classified(RiskLevel.MINIMAL, {}, override=True))
    assert items["art-9"].status is ObligationStatus.OPEN
    assert items["art-9"].covered_by[1].detail.endswith("the override is not justified.")


def test_a_prohibited_practice_and_minimal_risk() -> None:
    [literacy, prohibited] = _obligations(risk_level=RiskLevel.UNACCEPTABLE).items
    assert prohibited.article == "Art. 5" and prohibited.status is ObligationStatus.EVIDENCED  # approval is blocked
    minimal = _obligations(risk_level=RiskLevel.MINIMAL, classification=classified(RiskLevel.MINIMAL, {}))
    assert [(i.article, i.mandatory) for i in minimal.items] == [("Art. 4", True), ("Art. 95", False)]


def test_a_derogation_adds_its_documentation_and_registration() -> None:
    summary = classified(RiskLevel.MINIMAL, {"annex3_4_a_recruitment": True, "art6_3_a_narrow_procedural_task": True})
    items = _obligations(risk_level=RiskLevel.MINIMAL, operator_role=OperatorRole.PROVIDER, classification=summary).items
    assert [i.article for i in items] == ["Art. 4", "Art. 6(4)", "Art. 49(2)"]

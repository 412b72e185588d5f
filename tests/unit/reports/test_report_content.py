"""The compliance report content: Annex IV sections, gaps, thresholds, fairness metrics, content hash."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from report_samples import POLICY, report_inputs, sample_policy_view, with_policy_view

from govhub.reports.content import build_report_content, canonical_json, classify_metric

FAIRNESS_FIRST_VERSION = [
    {"id": 1, "metric_name": "accuracy", "value": 0.95, "recorded_at": "2026-02-01T10:00:00+00:00"},
    {
        "id": 2,
        "metric_name": "demographic_parity_difference",
        "value": 0.05,
        "recorded_at": "2026-02-01T10:00:00+00:00",
    },
    {"id": 3, "metric_name": "disparate_impact", "value": 0.91, "recorded_at": "2026-02-01T10:00:00+00:00"},
]


def complete_inputs(**model_overrides: object) -> dict:
    """A high-risk model with every Annex IV item the registry covers documented."""
    inputs = report_inputs(versions=2, metrics_per_version=0, audit_entries=3, **model_overrides)
    latest_id = inputs["versions"][-1]["id"]
    inputs["metrics_by_version"][latest_id] = [dict(m, version_id=latest_id) for m in FAIRNESS_FIRST_VERSION]
    inputs["metrics_by_version"][inputs["versions"][0]["id"]] = [dict(FAIRNESS_FIRST_VERSION[0], id=9)]
    return with_policy_view(inputs)


def section(content: dict, section_id: str) -> dict:
    return next(s for s in content["sections"] if s["id"] == section_id)


def gap_ids(content: dict) -> list[str]:
    return [g["id"] for g in content["gaps"]]


def test_sections_follow_annex_iv_order_and_cite_their_points() -> None:
    # Given a documented model / When the content is built
    content = build_report_content(**complete_inputs())
    # Then the sections come in Annex IV order, each citing its point
    assert [(s["number"], s["id"], s["annex_iv"]) for s in content["sections"]] == [
        (1, "general_description", ["1(a)"]),
        (2, "versions", ["1(a)", "1(c)"]),
        (3, "data_governance", ["2(d)"]),
        (4, "human_oversight", ["2(e)", "3"]),
        (5, "evaluation", ["2(g)", "3", "4"]),
        (6, "risk_classification", ["5"]),
        (7, "obligations", []),
        (8, "lifecycle", ["6"]),
        (9, "post_market_monitoring", ["9"]),
        (10, "gaps", []),
        (11, "evidence", []),
    ]


def test_the_sealed_approval_and_the_team_are_in_the_report() -> None:
    inputs = complete_inputs()
    inputs["model"] = {**inputs["model"], "team": "payments-ml", "compliance_status": "approved", "approval": {
        "snapshot_sha256": "5e" * 32, "sealed_at": "2026-11-25T10:00:00+00:00", "policy_version": 2, "required_signoffs": 2,
        "signoffs": [{"by": "ada.admin", "role": "admin", "at": "2026-11-24T10:00:00+00:00", "reason": "ok"},
                     {"by": "bea.admin", "role": "admin", "at": "2026-11-25T10:00:00+00:00", "reason": "ok"}],
        "invalidated": None}}
    content = build_report_content(**inputs)
    assert content["model"]["team"] == "payments-ml"
    general = next(s["data"] for s in content["sections"] if s["id"] == "general_description")
    assert general["approval"]["snapshot_sha256"] == "5e" * 32
    assert [s["by"] for s in general["approval"]["signoffs"]] == ["ada.admin", "bea.admin"]


def test_a_fully_documented_high_risk_model_has_no_gaps() -> None:
    content = build_report_content(**complete_inputs())
    assert content["gaps"] == []
    assert content["summary"]["gaps"] == 0
    checklist = {c["point"]: c["status"] for c in content["annex_iv_checklist"]}
    assert checklist["1(a)"] == checklist["2(g)"] == checklist["6"] == "documented"
    assert checklist["8"] == "outside_registry"


def test_cover_facts_carry_the_models_values_and_the_report_identity() -> None:
    content = build_report_content(**complete_inputs())
    assert content["model"] | {"latest_version": None} == {
        "id": 7,
        "name": "fraud-detector-v2",
        "owner": "ML Team",
        "domain": "finance",
        "risk_level": "high",
        "compliance_status": "under_review",
        "revision": 5,
        "latest_version": None,
        "approved_version": None,
        "team": None,
        "approval": {"snapshot_sha256": None, "sealed_at": None, "policy_version": None, "required_signoffs": 1,
                     "signoffs": [], "invalidated": None},
    }
    assert content["model"]["latest_version"] == {"id": 101, "version_tag": "v1.1.0"}
    assert content["report"] == {
        "id": "rpt-2026-11-25-0007",
        "generated_at": "2026-11-25T14:03:11+00:00",
        "generated_by": {"username": "clara.compliance", "role": "auditor"},
    }


@pytest.mark.parametrize(
    ("field", "gap_id", "point"),
    [
        ("description", "description_missing", "1(a)"),
        ("intended_purpose", "intended_purpose_missing", "1(a)"),
        ("owner", "provider_missing", "1(a)"),
        ("data_sources", "data_sources_missing", "2(d)"),
        ("oversight_plan", "oversight_plan_missing", "2(e)"),
        ("risk_justification", "risk_justification_missing", "5"),
    ],
)
@pytest.mark.parametrize("blank", [None, "", "   \n"])
def test_a_missing_descriptive_field_is_a_gap_naming_its_annex_iv_point(
    field: str, gap_id: str, point: str, blank: str | None
) -> None:
    content = build_report_content(**complete_inputs(**{field: blank}))
    assert gap_ids(content) == [gap_id]
    assert point in content["gaps"][0]["annex_iv"]
    assert next(c for c in content["annex_iv_checklist"] if c["point"] == point)["status"] == "gap"


def test_a_model_without_versions_has_version_and_metric_gaps() -> None:
    inputs = complete_inputs()
    inputs.update(versions=[], metrics_by_version={})
    inputs["model"]["latest_version"] = None
    content = build_report_content(**inputs)
    assert gap_ids(content) == ["versions_missing", "fairness_metrics_missing"]
    assert section(content, "versions")["data"] == {"count": 0, "items": []}


def test_versions_without_an_artifact_hash_are_named_in_the_gap() -> None:
    inputs = complete_inputs()
    inputs["versions"][0]["sha256"] = None
    content = build_report_content(**inputs)
    assert gap_ids(content) == ["artifact_hash_missing"]
    assert "v1.0.0" in content["gaps"][0]["detail"]
    assert "1 of 2 versions" in content["gaps"][0]["detail"]


def test_a_high_risk_model_without_fairness_metrics_on_its_latest_version_has_a_gap() -> None:
    inputs = complete_inputs()
    latest_id = inputs["versions"][-1]["id"]
    inputs["metrics_by_version"][latest_id] = [FAIRNESS_FIRST_VERSION[0]]
    inputs["policy"] = {"thresholds": [{"metric_name": "accuracy", "op": ">=", "value": 0.9}]}
    content = build_report_content(**inputs)
    assert gap_ids(content) == ["fairness_metrics_missing"]


def test_a_minimal_risk_model_needs_neither_fairness_metrics_nor_thresholds() -> None:
    inputs = complete_inputs(risk_level="minimal")
    inputs["metrics_by_version"] = {v["id"]: [FAIRNESS_FIRST_VERSION[0]] for v in inputs["versions"]}
    inputs["policy"] = None
    content = build_report_content(**inputs)
    assert content["gaps"] == []


def test_a_high_risk_model_without_a_policy_lacks_acceptance_thresholds() -> None:
    inputs = complete_inputs()
    inputs["policy"] = None
    content = build_report_content(**inputs)
    assert gap_ids(content) == ["acceptance_thresholds_missing"]
    metric = section(content, "evaluation")["data"]["versions"][0]["metrics"][0]
    assert metric["thresholds"] == [] and metric["result"] is None


def test_metrics_without_any_value_on_any_version_are_a_gap() -> None:
    inputs = complete_inputs(risk_level="limited")
    inputs["metrics_by_version"] = {}
    inputs["policy"] = None
    assert gap_ids(build_report_content(**inputs)) == ["metrics_missing"]


def test_an_unverified_and_empty_audit_trail_are_gaps() -> None:
    inputs = complete_inputs()
    inputs.update(audit_records=[], verification=None)
    content = build_report_content(**inputs)
    assert gap_ids(content) == ["audit_trail_empty", "audit_trail_unverified"]
    assert section(content, "lifecycle")["data"]["verification"]["status"] == "unavailable"


def test_a_broken_audit_chain_is_a_critical_finding_naming_the_record() -> None:
    inputs = complete_inputs()
    inputs["verification"] = {
        "intact": False,
        "records": 3,
        "head_hash": "a" * 64,
        "first_break": {"sequence": 2, "problem": "hash_mismatch", "detail": "record 2 was altered"},
    }
    content = build_report_content(**inputs)
    assert content["summary"]["audit_chain"] == "broken"
    assert content["findings"][0]["severity"] == "critical"
    assert "record 2: hash_mismatch, record 2 was altered" in content["findings"][0]["detail"]


def test_policy_thresholds_judge_every_metric_value_pass_or_fail() -> None:
    inputs = complete_inputs()
    latest_id = inputs["versions"][-1]["id"]
    inputs["metrics_by_version"][latest_id][0]["value"] = 0.85  # accuracy below 0.9
    content = build_report_content(**inputs)
    latest = next(v for v in section(content, "evaluation")["data"]["versions"] if v["is_latest"])
    results = {m["metric_name"]: m["result"] for m in latest["metrics"]}
    assert results == {"accuracy": "fail", "demographic_parity_difference": "pass", "disparate_impact": "pass"}
    accuracy = next(m for m in latest["metrics"] if m["metric_name"] == "accuracy")
    assert accuracy["thresholds"] == [{"op": ">=", "value": 0.9, "result": "fail"}]
    assert content["summary"]["latest_version_failures"] == 1
    assert content["findings"] == [
        {
            "severity": "high",
            "section": "evaluation",
            "title": "Threshold not met: accuracy",
            "detail": "Latest version v1.1.0: accuracy = 0.85, required >= 0.9.",
        }
    ]


def test_a_threshold_metric_missing_from_the_latest_version_is_not_measured_and_a_gap() -> None:
    inputs = complete_inputs()
    inputs["policy"] = POLICY | {
        "thresholds": [*POLICY["thresholds"], {"metric_name": "recall", "op": ">", "value": 0.7}]
    }
    content = build_report_content(**inputs)
    checks = {c["metric_name"]: c["result"] for c in section(content, "evaluation")["data"]["policy_checks"]}
    assert checks["recall"] == "not_measured"
    assert gap_ids(content) == ["policy_metrics_not_measured"]
    assert "recall" in content["gaps"][0]["detail"]


@pytest.mark.parametrize(
    ("op", "threshold", "expected"),
    [
        (">=", 0.5, "pass"),
        (">", 0.5, "fail"),
        ("<=", 0.5, "pass"),
        ("<", 0.5, "fail"),
        ("==", 0.5, "pass"),
        ("!=", 0.5, "fail"),
        (">=", 0.6, "fail"),
        ("<", 0.6, "pass"),
    ],
)
def test_each_threshold_operator(op: str, threshold: float, expected: str) -> None:
    inputs = complete_inputs()
    latest_id = inputs["versions"][-1]["id"]
    inputs["metrics_by_version"][latest_id] = [{"id": 1, "metric_name": "bias", "value": 0.5}]
    inputs["policy"] = {"thresholds": [{"metric_name": "bias", "op": op, "value": threshold}]}
    content = build_report_content(**inputs)
    assert section(content, "evaluation")["data"]["policy_checks"][0]["result"] == expected


def test_a_metric_may_have_a_range_of_thresholds() -> None:
    inputs = complete_inputs()
    inputs["policy"] = {
        "thresholds": [
            {"metric_name": "disparate_impact", "op": ">=", "value": 0.8},
            {"metric_name": "Disparate_Impact", "op": "<=", "value": 0.9},
        ]
    }
    content = build_report_content(**inputs)
    latest = next(v for v in section(content, "evaluation")["data"]["versions"] if v["is_latest"])
    impact = next(m for m in latest["metrics"] if m["metric_name"] == "disparate_impact")
    assert [c["result"] for c in impact["thresholds"]] == ["pass", "fail"]
    assert impact["result"] == "fail"


@pytest.mark.parametrize(
    "policy",
    [
        {"thresholds": [{"metric_name": "accuracy", "op": "=>", "value": 0.9}]},
        {"thresholds": [{"metric_name": "accuracy", "op": ">=", "value": "high"}]},
        {"thresholds": [{"metric_name": "accuracy", "op": ">=", "value": float("nan")}]},
        {"thresholds": [{"metric_name": "", "op": ">=", "value": 0.9}]},
    ],
)
def test_a_malformed_policy_is_refused(policy: dict) -> None:
    with pytest.raises(ValueError, match="policy threshold"):
        build_report_content(**(complete_inputs() | {"policy": policy}))


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("bias", "fairness"),
        ("gender_bias_score", "fairness"),
        ("demographic_parity_difference", "fairness"),
        ("Equal Opportunity Difference", "fairness"),
        ("equalized_odds_ratio", "fairness"),
        ("disparate_impact", "fairness"),
        ("fairness_auc_gap", "fairness"),
        ("statistical-parity", "fairness"),
        ("robustness_noise_accuracy", "robustness"),
        ("adversarial_accuracy", "robustness"),
        ("accuracy", "performance"),
        ("f1", "performance"),
        ("food_ood_free_latency", "robustness"),
        ("latency_p95_ms", "performance"),
    ],
)
def test_metric_classification(name: str, category: str) -> None:
    assert classify_metric(name) == category


def test_fairness_metrics_are_counted_separately() -> None:
    content = build_report_content(**complete_inputs())
    totals = section(content, "evaluation")["data"]["totals"]
    assert totals == {
        "metrics": 4,
        "evaluated": 4,
        "passed": 4,
        "failed": 0,
        "fairness": 2,
        "robustness": 0,
        "performance": 2,
    }
    assert content["summary"]["fairness_metrics"] == 2


def test_content_hash_is_stable_across_report_ids_times_and_generators() -> None:
    inputs = complete_inputs()
    first = build_report_content(**inputs)
    second = build_report_content(
        **inputs
        | {
            "report_id": "another-report",
            "generated_at": datetime(2030, 1, 1, tzinfo=UTC),
            "generated_by": {"username": "someone-else", "role": "admin"},
        }
    )
    assert first["content_sha256"] == second["content_sha256"]
    assert first["report"] != second["report"]


def test_content_hash_is_the_sha256_of_the_canonical_content_without_the_report_block() -> None:
    content = build_report_content(**complete_inputs())
    facts = {k: v for k, v in content.items() if k not in ("report", "content_sha256")}
    assert content["content_sha256"] == hashlib.sha256(canonical_json(facts)).hexdigest()


def test_content_hash_changes_when_a_documented_fact_changes() -> None:
    inputs = complete_inputs()
    before = build_report_content(**inputs)["content_sha256"]
    inputs["metrics_by_version"][inputs["versions"][-1]["id"]][0]["value"] = 0.951
    assert build_report_content(**inputs)["content_sha256"] != before


def test_status_and_risk_history_come_from_the_audit_trail() -> None:
    inputs = complete_inputs()
    inputs["audit_records"] = [
        {
            "sequence": 2,
            "time": "2026-03-02T09:00:00+00:00",
            "actor": {"username": "lea", "role": "admin"},
            "action": "status_change",
            "entity": "model",
            "entity_id": 7,
            "reason": "All checks passed",
            "changes": {
                "compliance_status": {"before": "under_review", "after": "approved"},
                "approved_version_id": {"before": None, "after": 101},
            },
        },
        {
            "sequence": 1,
            "time": "2026-03-01T09:00:00+00:00",
            "actor": {"username": "max", "role": "model_owner"},
            "action": "risk_change",
            "entity": "model",
            "entity_id": 7,
            "reason": "Annex III use",
            "changes": {
                "risk_level": {"before": "limited", "after": "high"},
                "risk_justification": {"before": None, "after": "Credit decisions"},
            },
        },
    ]
    content = build_report_content(**inputs)
    lifecycle = section(content, "lifecycle")["data"]
    assert [r["sequence"] for r in lifecycle["records"]] == [1, 2]
    assert lifecycle["status_history"] == [
        {
            "sequence": 2,
            "time": "2026-03-02T09:00:00+00:00",
            "actor": {"username": "lea", "role": "admin"},
            "from": "under_review",
            "to": "approved",
            "reason": "All checks passed",
            "approved_version_id": 101,
        }
    ]
    risk_history = section(content, "risk_classification")["data"]["history"]
    assert [(h["from"], h["to"], h["risk_justification"]) for h in risk_history] == [
        ("limited", "high", "Credit decisions")
    ]


def test_dynamodb_decimals_and_non_finite_values_give_valid_json() -> None:
    inputs = complete_inputs()
    latest_id = inputs["versions"][-1]["id"]
    inputs["metrics_by_version"][latest_id] = [
        {"id": 1, "metric_name": "accuracy", "value": Decimal("0.93")},
        {"id": 2, "metric_name": "disparate_impact", "value": float("nan")},
        {"id": 3, "metric_name": "bias", "value": Decimal(2)},
    ]
    content = build_report_content(**inputs)
    latest = next(v for v in section(content, "evaluation")["data"]["versions"] if v["is_latest"])
    values = {m["metric_name"]: (m["value"], m["result"]) for m in latest["metrics"]}
    assert values == {"accuracy": (0.93, "pass"), "disparate_impact": ("nan", "fail"), "bias": (2, None)}
    json.dumps(content, allow_nan=False)


def test_approved_model_with_a_newer_version_is_an_info_finding() -> None:
    inputs = complete_inputs(compliance_status="approved", approved_version_id=100)
    content = build_report_content(**inputs)
    assert content["model"]["approved_version"] == {"id": 100, "version_tag": "v1.0.0"}
    assert [(f["severity"], f["title"]) for f in content["findings"]] == [
        ("info", "Latest version not the approved one")
    ]


def test_unacceptable_risk_is_a_critical_finding() -> None:
    content = build_report_content(**complete_inputs(risk_level="unacceptable"))
    assert content["findings"][0]["title"] == "Prohibited practice"
    assert section(content, "risk_classification")["data"]["legal_basis"] == "Article 5"


@settings(max_examples=60, deadline=None)
@given(
    name=st.text(min_size=1, max_size=80),
    description=st.text(max_size=300),
    reason=st.text(max_size=80),
    value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**6), 10**6)),
)
def test_any_text_and_number_gives_canonical_json_and_a_report_id_independent_hash(
    name: str, description: str, reason: str, value: float
) -> None:
    inputs = complete_inputs(name=name, description=description)
    inputs["audit_records"][0]["reason"] = reason
    inputs["metrics_by_version"][inputs["versions"][-1]["id"]][0]["value"] = value
    first = build_report_content(**inputs)
    second = build_report_content(**inputs | {"report_id": "other"})
    canonical_json(first)
    assert first["content_sha256"] == second["content_sha256"]
    shown = section(first, "evaluation")["data"]["versions"][0]["metrics"][0]["value"]
    assert shown == value if isinstance(value, int) or math.isfinite(value) else shown == str(value)


def test_metrics_keyed_by_version_id_text_are_found() -> None:
    inputs = complete_inputs()
    inputs["metrics_by_version"] = {str(k): v for k, v in inputs["metrics_by_version"].items()}
    content = build_report_content(**inputs)
    assert content["gaps"] == []
    assert content["summary"]["metrics"] == 4


# --- EU AI Act obligations and the policy check -----------------------------------------------------------------------

HIGH_RISK_ARTICLES = [
    "Art. 4", "Art. 9", "Art. 10", "Art. 11, Annex IV", "Art. 12", "Art. 13", "Art. 14", "Art. 15", "Art. 16",
    "Art. 17", "Art. 43", "Art. 47, Art. 48", "Art. 49(1)", "Art. 72", "Art. 73",
]


def test_the_obligations_section_is_the_checklist_the_policy_service_computes() -> None:
    # Given a documented high-risk model under review
    inputs = complete_inputs()
    # When the content is built
    content = build_report_content(**inputs)
    # Then the obligations section carries the policy service's checklist as it is, and the cover counts it
    view = sample_policy_view(inputs["model"], inputs["versions"], inputs["metrics_by_version"])
    obligations = section(content, "obligations")
    assert obligations["data"]["checklist"] == view.obligations
    assert [item["article"] for item in obligations["data"]["checklist"]["items"]] == HIGH_RISK_ARTICLES
    assert obligations["legal_reference"] == "Articles 4, 9–17, 43, 47–49, 72, 73; Annex IV"
    assert content["summary"]["obligations"] == view.obligations["summary"]


def test_each_obligation_names_what_covers_it() -> None:
    content = build_report_content(**complete_inputs())
    items = {item["article"]: item for item in section(content, "obligations")["data"]["checklist"]["items"]}
    assert items["Art. 14"]["status"] == "evidenced"
    assert items["Art. 14"]["covered_by"] == [
        {"source": "field", "ref": "oversight_plan", "satisfied": True, "detail": "Human oversight plan: documented."}
    ]
    # on 2026-11-25 the Annex III obligations are not in force yet; the hub never evidences a conformity assessment
    assert (items["Art. 43"]["status"], items["Art. 43"]["applies_from"], items["Art. 43"]["evidenceable"]) == ("not_in_force", "2027-12-02", False)
    assert items["Art. 43"]["covered_by"][-1]["detail"] == "Not approved yet (status under_review)."
    assert items["Art. 73"]["status"] == "not_in_force" and items["Art. 73"]["manual"].startswith("Report serious incidents")


def test_a_missing_oversight_plan_leaves_article_14_open() -> None:
    content = build_report_content(**complete_inputs(oversight_plan=""))
    items = {item["article"]: item for item in section(content, "obligations")["data"]["checklist"]["items"]}
    assert items["Art. 14"]["status"] == "not_in_force"  # nothing evidences it, and on 2026-11-25 it does not apply yet
    assert items["Art. 14"]["covered_by"][0]["detail"] == "Human oversight plan: empty."


@pytest.mark.parametrize(
    ("risk_level", "articles", "reference"),
    [
        ("high", HIGH_RISK_ARTICLES, "Articles 4, 9–17, 43, 47–49, 72, 73; Annex IV"),
        ("limited", ["Art. 4", "Art. 50"], "Articles 4, 50"),
        ("unacceptable", ["Art. 4", "Art. 5"], "Articles 4, 5"),
        ("minimal", ["Art. 4", "Art. 95"], "Articles 4, 95"),
    ],
)
def test_the_obligations_follow_the_risk_level(risk_level: str, articles: list[str], reference: str) -> None:
    content = build_report_content(**complete_inputs(risk_level=risk_level))
    obligations = section(content, "obligations")
    assert obligations["data"]["risk_level"] == risk_level
    assert [item["article"] for item in obligations["data"]["checklist"]["items"]] == articles
    assert obligations["legal_reference"] == reference


def test_the_policy_check_judges_the_next_step_without_an_approver() -> None:
    # Given a documented high-risk model under review: its next step is approval
    content = build_report_content(**complete_inputs())
    check = section(content, "obligations")["data"]["policy_check"]
    # Then every rule of the active policy is listed with its result, reason and article
    assert (check["policy_version"], check["policy_name"]) == (0, "EU AI Act baseline")
    assert (check["target"], check["occasion"]) == ("approved", "transition")
    results = {item["rule_id"]: (item["status"], item["article"]) for item in check["items"]}
    assert results["high-risk-documentation"] == ("pass", "Art. 11, Annex IV")
    assert results["no-prohibited-practices"] == ("not_applicable", "Art. 5")
    # And who approves is left to the approval: the report does not depend on who generates it
    four_eyes = next(item for item in check["items"] if item["rule_id"] == "four-eyes-approval")
    assert four_eyes["status"] == "not_applicable"
    assert four_eyes["reason"] == "Who approves is checked at approval; this check names no approver."
    assert content["summary"]["policy_check"] == {
        "target": "approved",
        "occasion": "transition",
        "outcome": check["outcome"],
        "failed": sum(1 for item in check["items"] if item["status"] == "fail"),
    }


def test_a_failing_rule_of_the_next_step_is_in_the_check_with_its_reason() -> None:
    inputs = complete_inputs()
    inputs["metrics_by_version"][inputs["versions"][-1]["id"]][0]["value"] = 0.5  # accuracy below 0.9
    content = build_report_content(**with_policy_view(inputs))
    check = section(content, "obligations")["data"]["policy_check"]
    accuracy = next(item for item in check["items"] if item["rule_id"] == "accuracy-minimum")
    assert (accuracy["status"], accuracy["reason"]) == ("fail", "accuracy is 0.5, below the minimum 0.9.")
    assert check["outcome"] == "fail"


def test_the_content_hash_covers_the_obligations() -> None:
    inputs = complete_inputs()
    before = build_report_content(**inputs)["content_sha256"]
    changed = inputs["obligations"] | {"summary": {"met": 0, "partial": 0, "open": 12, "manual": 0}}
    assert build_report_content(**inputs | {"obligations": changed})["content_sha256"] != before


def test_a_report_built_without_the_policy_engine_says_so() -> None:
    inputs = complete_inputs() | {"obligations": None, "policy_check": None}
    content = build_report_content(**inputs)
    assert section(content, "obligations")["data"] == {"risk_level": "high", "checklist": None, "policy_check": None}
    assert content["summary"]["obligations"] is None and content["summary"]["policy_check"] is None
    assert section(content, "obligations")["legal_reference"] == "Regulation (EU) 2024/1689"


def test_a_long_trail_is_summarised_its_histories_in_full_and_its_last_records_listed() -> None:
    # Given a trail of 100,000 records of which the report is handed the last 3 and the summary
    inputs = complete_inputs()
    approval = {"sequence": 12, "time": "2026-03-02T09:00:00+00:00", "actor": {"username": "lea", "role": "admin"},
                "from": "under_review", "to": "approved", "reason": "All checks passed", "approved_version_id": 101}
    inputs["audit_summary"] = {
        "records": 100_000,
        "counts": {"metric.create": 99_990, "model.status_change": 10},
        "approval_history": [approval],
        "risk_history": [{"sequence": 1, "time": "2026-03-01T09:00:00+00:00", "actor": {"username": "max", "role": "model_owner"},
                          "from": None, "to": "high", "reason": "Annex III use", "risk_justification": "Credit decisions"}],
    }
    content = build_report_content(**inputs)
    lifecycle = section(content, "lifecycle")["data"]
    # Then the report counts every record, keeps the whole approval history, and lists only the records it was given
    assert content["summary"]["audit_records"] == lifecycle["record_count"] == 100_000
    assert lifecycle["records_shown"] == len(inputs["audit_records"]) == 3
    assert lifecycle["counts"] == {"metric.create": 99_990, "model.status_change": 10}
    assert [(h["sequence"], h["to"], h["approved_version_id"]) for h in lifecycle["status_history"]] == [(12, "approved", 101)]
    assert section(content, "risk_classification")["data"]["history"][0]["risk_justification"] == "Credit decisions"

"""The policy document: the shipped default, and invalid documents refused with the JSON path of each problem."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from govhub.policy.document import (
    RULE_KINDS,
    default_policy,
    parse_policy,
    parse_policy_text,
)
from govhub.policy.errors import PolicyDocumentError


def default_raw() -> dict[str, Any]:
    return copy.deepcopy(default_policy().to_json())


def problems(raw: Any) -> list[dict[str, str]]:
    with pytest.raises(PolicyDocumentError) as refused:
        parse_policy(raw)
    return [{"path": p["path"], "message": p["message"]} for p in refused.value.problems]


def test_the_default_policy_is_valid_and_uses_every_rule_kind_but_none_twice_by_id() -> None:
    policy = default_policy()
    assert policy.name == "EU AI Act baseline"
    assert {rule.kind for rule in policy.rules} == set(RULE_KINDS)
    assert len({rule.id for rule in policy.rules}) == len(policy.rules)


def test_the_default_policy_guards_what_the_issue_names() -> None:
    rules = {rule.id: rule for rule in default_policy().rules}
    assert rules["high-risk-documentation"].fields == ("intended_purpose", "data_sources", "oversight_plan")
    assert rules["accuracy-minimum"].min == 0.9
    assert rules["fairness-demographic-parity"].max == 0.1
    assert rules["artifact-registered"].require_sha256 is False
    assert [t.value for t in rules["artifact-registered"].transitions] == ["under_review", "approved"]
    assert rules["four-eyes-approval"].approver_roles == ("admin",)


def test_a_document_survives_a_round_trip_through_its_json() -> None:
    assert parse_policy(default_raw()) == default_policy()
    assert parse_policy_text(default_policy().to_text()) == default_policy()


def test_an_unknown_field_is_refused_at_its_path() -> None:
    raw = default_raw()
    raw["rules"][5]["minimum"] = 0.9
    assert problems(raw) == [{"path": "$.rules[5].minimum", "message": "unknown field"}]


def test_a_wrong_type_is_refused_at_its_path_with_the_exact_message() -> None:
    raw = default_raw()
    raw["rules"][5]["min"] = "high"
    with pytest.raises(PolicyDocumentError) as refused:
        parse_policy(raw)
    assert refused.value.message == (
        "The policy document is invalid: $.rules[5].min: Input should be a valid number, unable to parse string as a number"
    )
    assert refused.value.status == 422 and refused.value.code == "invalid_policy"


def test_an_unknown_rule_kind_names_the_kinds_there_are() -> None:
    raw = default_raw()
    raw["rules"].append({"id": "x", "kind": "vibes", "article": "Art. 1"})
    [problem] = problems(raw)
    assert problem["path"] == "$.rules[12]"
    assert "'vibes'" in problem["message"] and "'metric_threshold'" in problem["message"]


def test_every_problem_is_listed_not_only_the_first() -> None:
    raw = default_raw()
    del raw["schema"]
    raw["rules"][3]["fields"] = ["intended_purpose", "favourite_colour"]
    raw["rules"][1]["approver_roles"] = ["auditor"]
    assert problems(raw) == [
        {"path": "$.schema", "message": "Field required"},
        {"path": "$.rules[1].approver_roles[0]", "message": "Input should be 'admin' or 'model_owner'"},
        {
            "path": "$.rules[3].fields[1]",
            "message": "Input should be 'description', 'domain', 'risk_justification', 'intended_purpose', "
            "'data_sources' or 'oversight_plan'",
        },
    ]


def test_a_threshold_needs_a_bound_and_a_sane_range() -> None:
    raw = default_raw()
    raw["rules"][5] = {"id": "acc", "kind": "metric_threshold", "article": "Art. 15", "metric": "accuracy"}
    assert problems(raw) == [{"path": "$.rules[5]", "message": "give min, max or both"}]
    raw["rules"][5].update(min=0.9, max=0.8)
    assert problems(raw) == [{"path": "$.rules[5]", "message": "min (0.9) is above max (0.8)"}]


def test_rule_ids_are_unique() -> None:
    raw = default_raw()
    raw["rules"][4]["id"] = raw["rules"][3]["id"]
    assert problems(raw) == [
        {"path": "$.rules[4].id", "message": "duplicate rule id 'high-risk-documentation' (also $.rules[3])"}
    ]


def test_a_policy_cannot_drop_the_four_eyes_rule() -> None:
    raw = default_raw()
    raw["rules"] = [r for r in raw["rules"] if r["kind"] != "four_eyes"]
    assert problems(raw) == [{
        "path": "$.rules",
        "message": "a policy set must keep a four_eyes rule (EU AI Act Art. 14, Art. 17): "
        "no one approves a model they registered, submitted or changed",
    }]


def test_four_eyes_covers_every_risk_level_and_guards_approval_only() -> None:
    raw = default_raw()
    raw["rules"][1]["risk_levels"] = ["high"]
    raw["rules"][1]["transitions"] = ["under_review"]
    assert [p["path"] for p in problems(raw)] == ["$.rules[1].transitions", "$.rules[1].risk_levels"]


def test_a_policy_cannot_allow_approving_prohibited_practices() -> None:
    raw = default_raw()
    raw["rules"][0]["risk_levels"] = ["high"]
    assert problems(raw) == [{
        "path": "$.rules",
        "message": "a policy set must keep a prohibited rule for risk level 'unacceptable' on approval (EU AI Act Art. 5)",
    }]


def test_repeated_values_and_bad_ids_are_refused() -> None:
    raw = default_raw()
    raw["rules"][3]["risk_levels"] = ["high", "high"]
    raw["rules"][4]["id"] = "Not An Id"
    assert [p["path"] for p in problems(raw)] == ["$.rules[3].risk_levels", "$.rules[4].id"]


def test_not_an_object_and_not_json_are_refused() -> None:
    assert problems([1, 2]) == [{"path": "$", "message": "a policy document is a JSON object"}]
    with pytest.raises(PolicyDocumentError) as refused:
        parse_policy_text("{not json")
    assert refused.value.problems[0]["path"] == "$"
    assert refused.value.problems[0]["message"].startswith("not valid JSON: ")


def test_a_policy_name_or_rule_text_with_a_bidi_override_is_a_problem_at_its_path() -> None:
    import pytest

    from govhub.policy.document import default_policy, parse_policy
    from govhub.policy.errors import PolicyDocumentError

    raw = default_policy().to_json()
    raw["name"] = "Default\u202e policy"
    with pytest.raises(PolicyDocumentError) as refused:
        parse_policy(raw)
    assert "$.name" in str([p for p in refused.value.problems])

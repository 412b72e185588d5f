"""No policy edit can let a model be approved by someone who is not independent of it (issue: approvals that
mean what they say): for every valid policy document, the registrant, the submitter, anyone who changed the model
since its submission and anyone who already signed off this version are refused."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhub.domain.entities import Actor, ApprovalState, Signoff
from govhub.policy.document import PolicyDocumentError, default_policy, parse_policy
from govhub.policy.evaluator import CheckStatus, evaluate
from tests.unit.policy.policy_factory import NOW, OWNER, documented_model, facts

RISK_LEVELS = ["minimal", "limited", "high", "unacceptable"]
_roles = st.lists(st.sampled_from(["admin", "model_owner"]), min_size=1, max_size=2, unique=True)
_levels = st.lists(st.sampled_from(RISK_LEVELS), min_size=1, max_size=4, unique=True)


@st.composite
def policy_documents(draw: st.DrawFn) -> dict:
    """Any edit of the default policy an admin could send: rules dropped, four-eyes roles changed, sign-offs added."""
    rules = [r for r in default_policy().to_json()["rules"] if draw(st.booleans()) or r["kind"] in ("prohibited",)]
    for rule in rules:
        if rule["kind"] == "four_eyes":
            rule["approver_roles"] = draw(_roles)
    if draw(st.booleans()):  # the four-eyes rule may be dropped: the document must then be refused
        rules = [r for r in rules if r["kind"] != "four_eyes"]
    for n in range(draw(st.integers(0, 2))):
        rules.append({"id": f"signoffs-{n}", "kind": "sign_off", "article": "Art. 14(5)",
                      "risk_levels": draw(_levels), "count": draw(st.integers(1, 5))})
    return {"schema": "govhub.policy/1", "name": "edited", "approved_changes": draw(st.sampled_from(["reopen_review", "refuse"])),
            "rules": rules}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=policy_documents(), who=st.sampled_from(["registrant", "submitter", "editor", "signed"]), role=st.sampled_from(["admin", "model_owner"]))
def test_no_valid_policy_lets_a_non_independent_person_approve(raw: dict, who: str, role: str) -> None:
    try:
        policy = parse_policy(raw)
    except PolicyDocumentError:
        return  # an edit that drops a floor is refused whole: the active policy keeps its four-eyes rule
    person = {"registrant": OWNER, "submitter": "sam.submitter", "editor": "eve.editor", "signed": "sid.signer"}[who]
    model = documented_model(
        submitted_by="sam.submitter",
        editors_since_submission=frozenset({"eve.editor"}),
        approval=ApprovalState(required_signoffs=2, signoffs=[Signoff("sid.signer", "admin", NOW, "ok", 11)]),
    )
    checklist = evaluate(policy, facts(model=model, actor=Actor(person.upper(), role)), policy_version=1)
    four_eyes = [item for item in checklist.items if item.kind == "four_eyes"]
    assert four_eyes and all(item.status is CheckStatus.FAIL for item in four_eyes)
    assert not checklist.passed


def test_an_independent_admin_passes_and_the_reason_names_who_is_excluded() -> None:
    model = replace(documented_model(), editors_since_submission=frozenset({"eve.editor"}))
    item = next(i for i in evaluate(default_policy(), facts(model=model), 0).items if i.kind == "four_eyes")
    assert item.status is CheckStatus.PASS
    assert "changed by: eve.editor" in item.reason

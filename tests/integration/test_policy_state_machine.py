"""Random sequences of API calls by random people, against the policy engine (Hypothesis state machine, moto).

The machine keeps its own small picture of every model it created (fields, versions, metrics, who registered
and submitted it) and of the active policy's parameters, and an oracle that judges the default rule kinds from
that picture. It asserts, after every step:

- a status change answers 200 exactly when the oracle finds no failed rule (else 422 with exactly those rules,
  or 403/409 for the role and the lifecycle), so no model ever *becomes* approved while violating the active set;
- no approved model was approved by the person who registered it or submitted it for review;
- an approved model that later violates the active set (new evidence, edits, a stricter policy) carries the
  policy monitor's flag with exactly the failing rules, and a compliant one carries none.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import Any, ClassVar

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from govhub.config import settings as govhub_settings
from govhub.domain.lifecycle import ComplianceStatus, allowed_transitions
from govhub.policy.document import default_policy
from local_stack.functions import FunctionHost
from local_stack.template import Template
from tests.classify import classification_body, classification_path
from tests.datasets import declared_inputs
from tests.harness import TableStream
from tests.integration.conftest import OWNER_TEAM, Api
from tests.monitoring import plan_body, plan_path

USERS = [("ada.admin", "admin"), ("alan.admin", "admin"), ("grace.admin", "admin"), ("omar.owner", "model_owner"),
         ("olga.owner", "model_owner"), ("aude.auditor", "auditor")]
RISKS = ["minimal", "limited", "high", "unacceptable"]
DOC_FIELDS = ["intended_purpose", "data_sources", "oversight_plan"]
STATUSES = [s.value for s in ComplianceStatus]
BIAS = {"demographic_parity_difference", "equalized_odds_difference", "equal_opportunity_difference", "disparate_impact_ratio"}
names = itertools.count(1)

users = st.sampled_from(USERS)
writers = st.sampled_from([user for user in USERS if user[1] != "auditor"])
# weighted towards what an approval needs, so random walks reach it often (every value stays possible)
approvers = users | st.sampled_from([user for user in USERS if user[1] == "admin"])
risks = st.sampled_from(["minimal", "limited", "high", "high", "unacceptable"])
documentation = st.just(set(DOC_FIELDS)) | st.sets(st.sampled_from(DOC_FIELDS))
accuracies = st.sampled_from([0.85, 0.9, 0.93, 0.95, 0.97])
parities = st.sampled_from([0.02, 0.05, 0.1, 0.15]) | st.none()


@dataclass
class Params:
    """What the machine varies in the default policy."""

    accuracy_min: float = 0.9
    require_sha256: bool = False
    approver_roles: tuple[str, ...] = ("admin",)

    def document(self) -> dict[str, Any]:
        document = copy.deepcopy(default_policy().to_json())
        rules = {rule["id"]: rule for rule in document["rules"]}
        rules["accuracy-minimum"]["min"] = self.accuracy_min
        rules["artifact-registered"]["require_sha256"] = self.require_sha256
        rules["four-eyes-approval"]["approver_roles"] = list(self.approver_roles)
        return document


@dataclass
class Shadow:
    created_by: str
    risk: str
    fields: dict[str, str | None]
    status: str = "draft"
    submitted_by: str | None = None
    approved_by: str | None = None
    latest_sha: bool | None = None                  # None: no version yet
    latest_version_id: int | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    suggested: str | None = None                    # the questionnaire's suggestion; None: not classified
    justification: str | None = None
    operator_role: str | None = None                # set by the first classification (classification_body: provider)
    editors: set[str] = field(default_factory=set)  # who changed fields, versions or metrics since the last submission

    def changed_by(self, username: str) -> None:
        self.editors.add(username)


def failures(model: Shadow, target: str, policy: Params, actor: tuple[str, str] | None) -> set[str]:
    """The oracle: which default rules fail for `target` (actor None: the monitor's view of an approved model)."""
    failed: set[str] = set()
    if target in ("under_review", "approved"):
        if model.latest_sha is None or (policy.require_sha256 and not model.latest_sha):
            failed.add("artifact-registered")
    if target != "approved":
        return failed
    if model.risk == "unacceptable":
        failed.add("no-prohibited-practices")
    if actor is not None:
        username, role = actor
        excluded = {model.created_by, model.submitted_by or "", *model.editors}
        if role not in policy.approver_roles or username.casefold() in {name.casefold() for name in excluded}:
            failed.add("four-eyes-approval")
    if model.risk == "high":
        if not all(model.fields.get(name) for name in DOC_FIELDS):
            failed.add("high-risk-documentation")
        if model.latest_sha is None:  # every version of this machine declares documented datasets
            failed.add("data-governance")
    # the monitor waits for a new version's evaluation before it judges the metric rules
    if model.risk == "high" and (actor is not None or model.metrics or model.latest_sha is None):
        accuracy = model.metrics.get("accuracy")
        if accuracy is None or accuracy < policy.accuracy_min:
            failed.add("accuracy-minimum")
        if not BIAS & set(model.metrics):
            failed.add("bias-metric-present")
        parity = model.metrics.get("demographic_parity_difference")
        if parity is not None and parity > 0.1:
            failed.add("fairness-demographic-parity")
        if actor is not None and not model.metrics:
            failed.add("metrics-fresh")
    if model.risk == "limited" and not model.fields.get("intended_purpose"):
        failed.add("limited-risk-transparency")
    # every override in this machine is justified (the risk-profile change requires a justification)
    if model.suggested is None or model.suggested == "unacceptable":
        failed.add("risk-classified")
    return failed


class PolicyMachine(RuleBasedStateMachine):
    api: ClassVar[Api]
    monitor: ClassVar[FunctionHost]
    stream: ClassVar[Any]
    inputs: ClassVar[dict[str, Any]] = {}  # every version declares documented training and testing datasets (Art. 10)
    active: ClassVar[Params] = Params()  # the table outlives one example: so does its active policy

    models = Bundle("models")

    def __init__(self) -> None:
        super().__init__()
        self.shadows: dict[int, Shadow] = {}
        self.policy = PolicyMachine.active

    def pump(self) -> None:
        """What the event source mapping does: the monitor gets what its filter lets through."""
        batch = self.stream.subscribed(self.stream.new_records())
        if batch:
            answer = self.monitor.invoke({"Records": batch}) or {}
            assert answer.get("batchItemFailures", []) == [], answer

    # -- rules -----------------------------------------------------------------------------
    @initialize(target=models, who=writers, risk=risks, hashed=st.booleans(), accuracy=st.sampled_from([0.93, 0.97]),
                parity=st.sampled_from([0.02, 0.05]))
    def first_model(self, who: tuple[str, str], risk: str, hashed: bool, accuracy: float, parity: float) -> Any:
        """Every example starts with a model whose pipeline did its homework; the steps may then undo it."""
        model_id = self.register_model(who, risk, set(DOC_FIELDS), hashed, accuracy, parity)
        if who[1] != "auditor":
            self.classify(model_id, who, risk)
        return model_id

    @rule(target=models, who=users, risk=risks, documented=documentation, version=st.none() | st.booleans(),
          accuracy=accuracies | st.none(), parity=parities)
    def register_model(self, who: tuple[str, str], risk: str, documented: set[str], version: bool | None,
                       accuracy: float | None, parity: float | None) -> Any:
        """A pipeline's sequence: register the model, then (maybe) a version, hashed or not, and its metrics."""
        fields = {name: (f"{name} text" if name in documented else None) for name in DOC_FIELDS}
        body = {"name": f"machine-{next(names)}", "owner": "Team", "team": OWNER_TEAM, "risk_level": risk,
                **{k: v for k, v in fields.items() if v}}
        answer = self.api.post("/api/v1/models", body, role=who[1], user=who[0])
        if who[1] == "auditor":
            assert answer.status == 403
            return multiple()
        assert answer.status == 201, answer.body
        model_id = answer.body["id"]
        self.shadows[model_id] = Shadow(created_by=who[0], risk=risk, fields=fields)
        # the pipeline writes the model's Art. 72 monitoring plan with it (its author registered the model: no new editor)
        planned = self.api.call("PUT", plan_path(model_id), plan_body(), role=who[1], user=who[0])
        assert planned.status == 200, planned.body
        if version is not None:
            self.register_version(model_id, who, version)
            self.record_metrics(model_id, who, accuracy, parity)
        return model_id

    @rule(model_id=models, who=users, hashed=st.booleans())
    def register_version(self, model_id: int, who: tuple[str, str], hashed: bool) -> None:
        shadow = self.shadows[model_id]
        body = {"model_id": model_id, "version_tag": f"v{next(names)}", "s3_path": "s3://models/x", "inputs": self.inputs}
        if hashed:
            body["sha256"] = "ab" * 32
        answer = self.api.post("/api/v1/versions", body, role=who[1], user=who[0])
        if who[1] == "auditor":
            assert answer.status == 403
        elif shadow.status == "retired":
            assert answer.status == 409
        else:
            assert answer.status == 201, answer.body
            shadow.latest_sha, shadow.latest_version_id, shadow.metrics = hashed, answer.body["id"], {}
            shadow.changed_by(who[0])
            self.pump()

    @rule(model_id=models, who=users,
          accuracy=st.sampled_from([0.5, 0.85, 0.9, 0.93, 0.95, 0.99]) | st.none(),
          parity=st.sampled_from([0.0, 0.05, 0.1, 0.15]) | st.none())
    def record_metrics(self, model_id: int, who: tuple[str, str], accuracy: float | None, parity: float | None) -> None:
        shadow = self.shadows[model_id]
        values = {"accuracy": accuracy, "demographic_parity_difference": parity, "f1": 0.8}
        values = {name: value for name, value in values.items() if value is not None}
        if shadow.latest_version_id is None:
            return
        answer = self.api.post("/api/v1/metrics", {"version_id": shadow.latest_version_id,
                                                   "metrics": [{"metric_name": k, "value": v} for k, v in values.items()]},
                               role=who[1], user=who[0])
        if who[1] == "auditor":
            assert answer.status == 403
        elif shadow.status == "retired":
            assert answer.status == 409
        else:
            assert answer.status == 201, answer.body
            shadow.metrics.update(values)
            shadow.changed_by(who[0])
            self.pump()

    @rule(model_id=models, who=users, name=st.sampled_from(DOC_FIELDS), documented=st.booleans())
    def edit_documentation(self, model_id: int, who: tuple[str, str], name: str, documented: bool) -> None:
        shadow = self.shadows[model_id]
        value = f"{name} revised" if documented else None
        answer = self.api.patch(f"/api/v1/models/{model_id}", {name: value}, role=who[1], user=who[0])
        if who[1] == "auditor":
            assert answer.status == 403
        elif shadow.status == "retired":
            assert answer.status == 409
        else:
            assert answer.status == 200, answer.body
            self.governed_change(shadow, who, shadow.fields.get(name) != value, answer.body)
            shadow.fields[name] = value
            self.pump()

    @rule(model_id=models, who=users, level=st.sampled_from(RISKS))
    def classify(self, model_id: int, who: tuple[str, str], level: str) -> None:
        """Answer the questionnaire; the model adopts the suggested level."""
        shadow = self.shadows[model_id]
        answer = self.api.post(classification_path(model_id), classification_body(level), role=who[1], user=who[0])
        if who[1] == "auditor":
            assert answer.status == 403
        elif shadow.status == "retired":
            assert answer.status == 409
        else:
            assert answer.status == 200, answer.body
            assert answer.body["suggested_risk_level"] == answer.body["risk_level"] == level
            # a new level (with the questionnaire's provisions as its justification) or a first operator role is a
            # change of what an approval seals: an approved model goes back to review
            model = self.api.get(f"/api/v1/models/{model_id}", role="auditor").body
            self.governed_change(shadow, who, level != shadow.risk or shadow.operator_role != "provider", model)
            if level != shadow.risk:
                shadow.justification = "the questionnaire's provisions"
            shadow.suggested, shadow.risk, shadow.operator_role = level, level, "provider"
            self.pump()

    @rule(model_id=models, who=users, risk=st.sampled_from(RISKS))
    def reclassify(self, model_id: int, who: tuple[str, str], risk: str) -> None:
        shadow = self.shadows[model_id]
        answer = self.api.patch(f"/api/v1/models/{model_id}/risk-profile", {"risk_level": risk, "justification": "review"},
                                role=who[1], user=who[0])
        if who[1] == "auditor":
            assert answer.status == 403
        elif shadow.status == "retired":
            assert answer.status == 409
        else:
            assert answer.status == 200, answer.body
            self.governed_change(shadow, who, (shadow.risk, shadow.justification) != (risk, "review"), answer.body)
            shadow.risk, shadow.justification = risk, "review"
            self.pump()

    @staticmethod
    def governed_change(shadow: Shadow, who: tuple[str, str], changed: bool, answer: dict[str, Any]) -> None:
        """A change to what an approval seals: the changer may not approve, and an approved model is reviewed again."""
        if not changed:
            return
        shadow.changed_by(who[0])
        if shadow.status == "approved":
            shadow.status = "under_review"
            assert answer["compliance_status"] == "under_review"
            assert answer["last_change_reason"].startswith("approval invalidated:")

    @rule(model_id=models, who=users, status=st.sampled_from(STATUSES))
    def any_status_change(self, model_id: int, who: tuple[str, str], status: str) -> None:
        self.change_status(model_id, who, status)

    def change_status(self, model_id: int, who: tuple[str, str], target: str) -> None:
        shadow = self.shadows[model_id]
        answer = self.api.patch(f"/api/v1/models/{model_id}/compliance-status", {"status": target, "reason": "machine"},
                                role=who[1], user=who[0])
        if who[1] == "auditor":
            assert answer.status == 403
            return
        if ComplianceStatus(target) not in allowed_transitions(ComplianceStatus(shadow.status)):
            assert answer.status == 409 and answer.body["error"]["code"] == "transition_not_allowed"
            return
        expected = failures(shadow, target, self.policy, who)
        if expected:
            assert answer.status == 422, (expected, answer.body)
            assert {r["rule_id"] for r in answer.body["error"]["details"]["failed_rules"]} == expected
            return
        assert answer.status == 200, (target, who, shadow, answer.body)
        shadow.status = target
        if target == "under_review":
            shadow.submitted_by = who[0]
            shadow.editors = set()
        if target == "approved":
            assert who[0] not in shadow.editors, (who, shadow)  # nobody who changed it since submission approves it
            shadow.approved_by = who[0]
        self.pump()

    @rule(model_id=models, submitter=users, approver=approvers)
    def review_then_approve(self, model_id: int, submitter: tuple[str, str], approver: tuple[str, str]) -> None:
        """The usual walk, by two random people: submit for review, then approve (each step judged as any other)."""
        if self.shadows[model_id].status in ("draft", "approved"):
            self.change_status(model_id, submitter, "under_review")
        self.change_status(model_id, approver, "approved")

    @rule(model_id=models, approver=approvers)
    def approve(self, model_id: int, approver: tuple[str, str]) -> None:
        self.change_status(model_id, approver, "approved")

    @rule(who=users, accuracy_min=st.sampled_from([0.9, 0.95]), require_sha256=st.booleans(),
          approver_roles=st.sampled_from([("admin",), ("admin", "model_owner")]))
    def edit_policy(self, who: tuple[str, str], accuracy_min: float, require_sha256: bool, approver_roles: tuple[str, ...]) -> None:
        wanted = Params(accuracy_min, require_sha256, approver_roles)
        answer = self.api.call("PUT", "/api/v1/policies/active", {"document": wanted.document(), "reason": "machine"},
                               role=who[1], user=who[0])
        if who[1] != "admin":
            assert answer.status == 403
            return
        assert answer.status == 200, answer.body
        self.policy = PolicyMachine.active = wanted
        self.pump()

    # -- invariants ------------------------------------------------------------------------
    @invariant()
    def nobody_approved_their_own_model(self) -> None:
        for shadow in self.shadows.values():
            if shadow.status == "approved":
                assert shadow.approved_by not in (shadow.created_by, shadow.submitted_by)

    @invariant()
    def approved_models_comply_or_carry_the_monitors_flag(self) -> None:
        approved = [model_id for model_id, shadow in self.shadows.items() if shadow.status == "approved"]
        if not approved:
            return
        listed = self.api.get("/api/v1/models", query="compliance_status=approved&limit=100", role="auditor").body["items"]
        served = {model["id"]: model for model in listed}
        for model_id in approved:
            model = served[model_id]
            assert model["approved_by"].casefold() not in {model["created_by"].casefold(), (model["submitted_by"] or "").casefold()}
            flagged = {violation["rule_id"] for violation in model["policy_violations"]}
            assert flagged == failures(self.shadows[model_id], "approved", self.policy, None), (model_id, model)


def test_random_calls_by_random_people_never_break_the_policy(api: Api, aws: dict[str, str], template: Template,
                                                              functions: dict[str, FunctionHost]) -> None:
    govhub_settings.cache_clear()
    functions["PolicyMonitorFunction"].module.monitor.cache_clear()
    PolicyMachine.api = api
    PolicyMachine.inputs = declared_inputs(api, "machine", role="admin")
    PolicyMachine.monitor = functions["PolicyMonitorFunction"]
    PolicyMachine.stream = TableStream(aws["Table.StreamArn"], template, "PolicyMonitorFunction")
    run_state_machine_as_test(
        PolicyMachine,
        # no explain phase: its line tracing through moto takes minutes; the falsifying steps are printed anyway
        settings=settings(max_examples=6, stateful_step_count=15, deadline=None,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]),
    )

"""The policy document: a versioned set of rules, as JSON, validated with errors that name the JSON path.

A document looks like (``docs/policies.md`` has every rule kind)::

    {"schema": "govhub.policy/1", "name": "EU AI Act baseline", "description": "...",
     "rules": [{"id": "no-prohibited-practices", "kind": "prohibited", "article": "Art. 5",
                "risk_levels": ["unacceptable"], "transitions": ["approved"]}, ...]}
"""

from __future__ import annotations

import hashlib
import json
import math
from functools import lru_cache
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from govhub.domain.documents import JsonDocument
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.policy.errors import PolicyDocumentError
from govhub.text import refuse_hidden

SCHEMA = "govhub.policy/1"
ALL_RISK_LEVELS: tuple[RiskLevel, ...] = tuple(RiskLevel)
# The descriptive fields a `required_fields` rule may ask for.
DOCUMENTED_FIELDS = ("description", "domain", "risk_justification", "intended_purpose", "data_sources", "oversight_plan")
DocumentedField = Literal["description", "domain", "risk_justification", "intended_purpose", "data_sources", "oversight_plan"]
ApproverRole = Literal["admin", "model_owner"]

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
Article = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), AfterValidator(refuse_hidden)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2_000),
                 AfterValidator(lambda value: refuse_hidden(value, line_breaks=True))]
MetricName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[\w.:/@%+-]+$")]


class _Strict(BaseModel):
    # validators built with the first document parsed, not at import (the cold start of every function that
    # can evaluate a policy)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class _Rule(_Strict):
    id: RuleId
    article: Article
    description: Text | None = None
    risk_levels: Annotated[tuple[RiskLevel, ...], Field(min_length=1)] = ALL_RISK_LEVELS
    transitions: Annotated[tuple[ComplianceStatus, ...], Field(min_length=1)] = (ComplianceStatus.APPROVED,)

    @field_validator("risk_levels", "transitions")
    @classmethod
    def _no_repeats(cls, values: tuple[Any, ...]) -> tuple[Any, ...]:
        if len(set(values)) != len(values):
            raise ValueError("lists each value once")
        return values


class RequiredFieldsRule(_Rule):
    """The model's record must fill these descriptive fields (blank text counts as missing)."""

    kind: Literal["required_fields"]
    fields: Annotated[tuple[DocumentedField, ...], Field(min_length=1)]


class RegisteredVersionRule(_Rule):
    """A version with an artifact location must be registered; optionally with the artifact's SHA-256."""

    kind: Literal["registered_version"]
    require_sha256: bool = False


class MetricThresholdRule(_Rule):
    """The latest version's value of `metric` must lie within [min, max] (either bound may be left out)."""

    kind: Literal["metric_threshold"]
    metric: MetricName
    min: float | None = None
    max: float | None = None
    when_missing: Literal["fail", "not_applicable"] = "fail"

    @model_validator(mode="after")
    def _bounds(self) -> MetricThresholdRule:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        for bound in (self.min, self.max):
            if bound is not None and not math.isfinite(bound):
                raise ValueError("bounds must be finite numbers")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        return self


class MetricPresentRule(_Rule):
    """At least one of these metrics must be recorded on the latest version (e.g. a bias metric)."""

    kind: Literal["metric_present"]
    any_of: Annotated[tuple[MetricName, ...], Field(min_length=1)]


class MetricFreshnessRule(_Rule):
    """The latest version's metrics (or the named ones) must be no older than `max_age_days` at the transition."""

    kind: Literal["metric_freshness"]
    max_age_days: Annotated[int, Field(ge=1, le=3_650)]
    metrics: Annotated[tuple[MetricName, ...], Field(min_length=1)] | None = None


class ProhibitedRule(_Rule):
    """Models of these risk levels can never make these transitions (EU AI Act Art. 5 for `unacceptable`)."""

    kind: Literal["prohibited"]


class FourEyesRule(_Rule):
    """The approver holds one of `approver_roles`, is not the model's registrant or submitter, did not change its
    governed fields, versions or metrics since it was submitted, and has not already signed off this candidate."""

    kind: Literal["four_eyes"]
    approver_roles: Annotated[tuple[ApproverRole, ...], Field(min_length=1)] = ("admin",)

    @field_validator("approver_roles")
    @classmethod
    def _roles_once(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(values)) != len(values):
            raise ValueError("lists each role once")
        return values


class SignOffRule(_Rule):
    """Approval of a model of these risk levels needs `count` distinct approvers (e.g. 2 under EU AI Act Art. 14(5)).

    Until the count is reached an approval is recorded as a sign-off and the model stays under review."""

    kind: Literal["sign_off"]
    count: Annotated[int, Field(ge=1, le=5)]


class ClassificationRule(_Rule):
    """The model is classified with the questionnaire; an override of its suggestion carries a justification
    (or, with `allow_override: false`, there is none); a suggested prohibited practice never passes."""

    kind: Literal["classification"]
    allow_override: bool = True


class MonitoringPlanRule(_Rule):
    """The model has a post-market monitoring plan (Art. 72): planned metrics with bounds and a review cadence."""

    kind: Literal["monitoring_plan"]
    min_metrics: Annotated[int, Field(ge=1, le=50)] = 1


class NoOpenFindingsRule(_Rule):
    """No monitoring finding is open: production values of every planned metric are within the plan's bounds."""

    kind: Literal["no_open_findings"]


class DataGovernanceRule(_Rule):
    """Art. 10, Annex IV 2(d): the latest version declares a dataset for each of `roles`; each declared dataset states
    its provenance (`source`) and a bias examination, and none is flagged."""

    kind: Literal["data_governance"]
    roles: Annotated[tuple[Literal["training", "validation", "testing"], ...], Field(min_length=1)] = ("training", "testing")
    require_provenance: bool = True
    require_bias_examination: bool = True

    @field_validator("roles")
    @classmethod
    def _distinct_roles(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(values)) != len(values):
            raise ValueError("lists each value once")
        return values


Rule = Annotated[
    RequiredFieldsRule
    | RegisteredVersionRule
    | MetricThresholdRule
    | MetricPresentRule
    | MetricFreshnessRule
    | ProhibitedRule
    | FourEyesRule
    | SignOffRule
    | ClassificationRule
    | MonitoringPlanRule
    | NoOpenFindingsRule
    | DataGovernanceRule,
    Field(discriminator="kind"),
]
RULE_KINDS: tuple[str, ...] = (
    "required_fields",
    "registered_version",
    "metric_threshold",
    "metric_present",
    "metric_freshness",
    "prohibited",
    "four_eyes",
    "sign_off",
    "classification",
    "monitoring_plan",
    "no_open_findings",
    "data_governance",
)
# What happens when a governed field of an approved model changes: review reopens (default), or the change is refused.
ApprovedChanges = Literal["reopen_review", "refuse"]


class PolicyDocument(JsonDocument, _Strict):
    schema_id: Literal["govhub.policy/1"] = Field(alias="schema")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128), AfterValidator(refuse_hidden)]
    description: Text | None = None
    approved_changes: ApprovedChanges = "reopen_review"
    rules: Annotated[tuple[Rule, ...], Field(min_length=1, max_length=100)]

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)

    def to_json(self) -> dict[str, Any]:
        """The document as a user writes it: aliases, no defaults left out, enums as text."""
        return self.model_dump(mode="json", by_alias=True)

    def rule(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    def required_signoffs(self, risk_level: RiskLevel) -> int:
        """Distinct approvers an approval of this risk level needs: the highest count of its sign_off rules, else 1."""
        counts = [rule.count for rule in self.rules if isinstance(rule, SignOffRule) and risk_level in rule.risk_levels]
        return max(counts, default=1)

    def sha256(self) -> str:
        return hashlib.sha256(self.to_text().encode()).hexdigest()


def parse_policy(raw: Any) -> PolicyDocument:
    """Validate a document (a parsed JSON object); PolicyDocumentError lists each problem with its JSON path."""
    if not isinstance(raw, dict):
        raise PolicyDocumentError([_problem("$", "a policy document is a JSON object", "type_error")])
    try:
        document = PolicyDocument.model_validate(raw)
    except ValidationError as error:
        raise PolicyDocumentError(_without_echoes([_from_pydantic(e) for e in error.errors()])) from None
    problems = _semantic_problems(document)
    if problems:
        raise PolicyDocumentError(problems)
    return document


def parse_policy_text(text: str) -> PolicyDocument:
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise PolicyDocumentError([_problem("$", f"not valid JSON: {error}", "json_invalid")]) from None
    return parse_policy(raw)


@lru_cache(maxsize=1)
def default_policy() -> PolicyDocument:
    """The policy set shipped with the hub (version 0 until an admin stores one)."""
    text = resources.files("govhub.policy").joinpath("default_policy.json").read_text(encoding="utf-8")
    return parse_policy_text(text)


# -- the invariants every policy set keeps --------------------------------------------------
def _semantic_problems(document: PolicyDocument) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for index, rule in enumerate(document.rules):
        if rule.id in seen:
            problems.append(_problem(f"$.rules[{index}].id", f"duplicate rule id '{rule.id}' (also $.rules[{seen[rule.id]}])", "duplicate_id"))
        seen.setdefault(rule.id, index)
        if isinstance(rule, SignOffRule) and rule.transitions != (ComplianceStatus.APPROVED,):
            problems.append(_problem(f"$.rules[{index}].transitions", 'a sign_off rule counts approvers: transitions must be ["approved"]', "sign_off_scope"))
        if isinstance(rule, FourEyesRule):
            if rule.transitions != (ComplianceStatus.APPROVED,):
                problems.append(_problem(f"$.rules[{index}].transitions", 'a four_eyes rule guards approval: transitions must be ["approved"]', "four_eyes_scope"))
            if set(rule.risk_levels) != set(ALL_RISK_LEVELS):
                problems.append(_problem(
                    f"$.rules[{index}].risk_levels",
                    "a four_eyes rule covers every risk level: no one may approve a model they registered, submitted or changed",
                    "four_eyes_scope",
                ))
    if not any(isinstance(rule, FourEyesRule) for rule in document.rules):
        problems.append(_problem(
            "$.rules",
            "a policy set must keep a four_eyes rule (EU AI Act Art. 14, Art. 17): no one approves a model they registered, submitted or changed",
            "missing_floor",
        ))
    if not any(
        isinstance(rule, ProhibitedRule)
        and RiskLevel.UNACCEPTABLE in rule.risk_levels
        and ComplianceStatus.APPROVED in rule.transitions
        for rule in document.rules
    ):
        problems.append(_problem(
            "$.rules",
            "a policy set must keep a prohibited rule for risk level 'unacceptable' on approval (EU AI Act Art. 5)",
            "missing_floor",
        ))
    return problems


def _without_echoes(problems: list[dict[str, str]]) -> list[dict[str, str]]:
    """pydantic adds "too short" for a list whose items failed; the item errors already say it."""
    paths = [p["path"] for p in problems]
    return [
        p for p in problems
        if not (p["type"] == "too_short" and any(other.startswith(p["path"] + "[") for other in paths))
    ]


def _problem(path: str, message: str, kind: str) -> dict[str, str]:
    return {"path": path, "message": message, "type": kind}


def _from_pydantic(error: Any) -> dict[str, str]:
    """pydantic's loc → a JSON path; the discriminator tag pydantic adds after a rule's index is left out."""
    path = "$"
    parts = list(error.get("loc", ()))
    previous: Any = None
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif isinstance(previous, int) and part in RULE_KINDS:
            pass
        else:
            path += f".{part}"
        previous = part
    message = error.get("msg", "invalid")
    if error.get("type") == "extra_forbidden":
        message = "unknown field"
    message = message.removeprefix("Value error, ")
    return _problem(path, message, str(error.get("type", "value_error")))

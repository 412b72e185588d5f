"""The lifecycle and the dashboard counters, as pure rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from govhub.auth.principal import principal_from_context, role_arn_of
from govhub.domain.counters import counter_delta
from govhub.domain.entities import AIModel, Stamp
from govhub.domain.lifecycle import ComplianceStatus as S
from govhub.domain.lifecycle import RiskLevel, allowed_transitions, is_allowed

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def _model(risk: RiskLevel = RiskLevel.HIGH, status: S = S.DRAFT) -> AIModel:
    return AIModel(id=1, name="m", owner="o", stamp=Stamp(NOW, "u", NOW, "u", "admin"), risk_level=risk, compliance_status=status)


@pytest.mark.parametrize(("current", "target", "allowed"), [
    (S.DRAFT, S.UNDER_REVIEW, True), (S.DRAFT, S.APPROVED, False), (S.UNDER_REVIEW, S.APPROVED, True),
    (S.UNDER_REVIEW, S.DRAFT, True), (S.APPROVED, S.UNDER_REVIEW, True), (S.APPROVED, S.DRAFT, False),
    (S.APPROVED, S.RETIRED, True), (S.RETIRED, S.DRAFT, False), (S.RETIRED, S.APPROVED, False), (S.DRAFT, S.DRAFT, False),
])
def test_transitions(current: S, target: S, allowed: bool) -> None:
    assert is_allowed(current, target) is allowed


def test_retired_is_final() -> None:
    assert allowed_transitions(S.RETIRED) == ()


def test_a_status_change_moves_one_model_between_cells() -> None:
    delta = counter_delta(_model(status=S.UNDER_REVIEW), _model(status=S.APPROVED))
    assert delta == {"status_under_review": -1, "status_approved": 1, "cell_high_under_review": -1, "cell_high_approved": 1}


def test_create_and_delete_move_the_total() -> None:
    created = counter_delta(None, _model())
    assert created == {"total": 1, "risk_high": 1, "status_draft": 1, "cell_high_draft": 1}
    assert counter_delta(_model(), None) == {k: -v for k, v in created.items()}


def test_an_unchanged_model_changes_no_counter() -> None:
    assert counter_delta(_model(), _model()) == {}


def test_machine_callers_map_by_their_role_arn() -> None:
    assumed = "arn:aws:sts::111122223333:assumed-role/github-ci/run-42"
    assert role_arn_of(assumed) == "arn:aws:iam::111122223333:role/github-ci"
    principal = principal_from_context({"authorizer": {"iam": {"userArn": assumed}}}, {"arn:aws:iam::111122223333:role/github-ci": "model_owner"})
    assert principal is not None and principal.machine and principal.role is not None and principal.role.value == "model_owner"
    unknown = principal_from_context({"authorizer": {"iam": {"userArn": "arn:aws:sts::1:assumed-role/x/y"}}}, {})
    assert unknown is not None and unknown.role is None

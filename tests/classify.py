"""Questionnaire answers that classify a model at each risk level: suites that approve models classify them first,
as the default policy's `risk-classified` rule requires (POST /api/v1/models/{id}/classification)."""

from __future__ import annotations

from typing import Any

ANSWERS: dict[str, dict[str, bool]] = {
    "minimal": {},
    "limited": {"art50_1_interacts_with_people": True},
    "high": {"annex3_5_b_credit_scoring": True},
    "unacceptable": {"art5_1_c_social_scoring": True},
}


def classification_body(risk_level: str = "minimal", operator_role: str = "provider") -> dict[str, Any]:
    """The answers whose suggestion is `risk_level`: classifying with them keeps the model's level, no override."""
    return {"answers": ANSWERS[risk_level], "operator_role": operator_role}


def classification_path(model_id: int) -> str:
    return f"/api/v1/models/{model_id}/classification"

"""A monitoring plan that satisfies the default policy's `monitoring-plan` rule: suites that approve high-risk models
write one first (PUT /api/v1/models/{id}/monitoring-plan), as they classify them (tests/classify.py)."""

from __future__ import annotations

from typing import Any

PLAN: dict[str, Any] = {
    "metrics": [
        {"metric": "accuracy", "min": 0.9},
        {"metric": "demographic_parity_difference", "max": 0.1},
        {"metric": "drift_score", "max": 0.2},
    ],
    "review_cadence_days": 90,
    "reviewers": [],
    "method_notes": "Weekly sample of 1,000 labelled production cases; drift by population stability index.",
}


def plan_body(**changes: Any) -> dict[str, Any]:
    return {**PLAN, **changes}


def plan_path(model_id: int) -> str:
    return f"/api/v1/models/{model_id}/monitoring-plan"

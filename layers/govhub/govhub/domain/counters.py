"""Dashboard counters: how a change moves the totals, computed from the model's before and after."""

from __future__ import annotations

from collections import Counter

from govhub.domain.entities import AIModel


def _cells(model: AIModel | None) -> Counter[str]:
    if model is None:
        return Counter()
    risk, status = model.risk_level.value, model.compliance_status.value
    return Counter({"total": 1, f"risk_{risk}": 1, f"status_{status}": 1, f"cell_{risk}_{status}": 1})


def counter_delta(before: AIModel | None, after: AIModel | None) -> dict[str, int]:
    delta = _cells(after)
    delta.subtract(_cells(before))
    return {name: value for name, value in delta.items() if value}

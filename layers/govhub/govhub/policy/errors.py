"""Policy errors; both are domain errors, so govhub.api.errors turns them into HTTP answers."""

from __future__ import annotations

from typing import Any

from govhub.errors import GovhubError


class PolicyDocumentError(GovhubError):
    """A policy document that cannot be used: each problem names its JSON path (`$.rules[2].min`)."""

    status, code = 422, "invalid_policy"

    def __init__(self, problems: list[dict[str, str]]) -> None:
        first = problems[0] if problems else {"path": "$", "message": "invalid"}
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"The policy document is invalid: {first['path']}: {first['message']}{more}", {"errors": problems})
        self.problems = problems


class PolicyViolationError(GovhubError):
    """A lifecycle step the active policy set refuses: 422, with every failed rule, its reason and its article."""

    status, code = 422, "policy_violation"

    def __init__(self, message: str, details: dict[str, Any]) -> None:
        super().__init__(message, details)

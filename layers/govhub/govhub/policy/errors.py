"""Policy errors; both are domain errors, so govhub.api.errors turns them into HTTP answers."""

from __future__ import annotations

from typing import Any

from govhub.domain.documents import DocumentProblemsError
from govhub.errors import GovhubError


class PolicyDocumentError(DocumentProblemsError):
    """A policy document that cannot be used: each problem names its JSON path (`$.rules[2].min`)."""

    code, what = "invalid_policy", "policy document"


class PolicyViolationError(GovhubError):
    """A lifecycle step the active policy set refuses: 422, with every failed rule, its reason and its article."""

    status, code = 422, "policy_violation"

    def __init__(self, message: str, details: dict[str, Any]) -> None:
        super().__init__(message, details)

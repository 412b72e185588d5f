"""A stored (or the built-in) version of the policy set."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from govhub.policy.document import PolicyDocument

BUILT_IN_VERSION = 0
BUILT_IN_AUTHOR = "govhub"


@dataclass(frozen=True)
class PolicyVersion:
    version: int
    document: PolicyDocument
    created_at: datetime | None
    created_by: str
    created_by_role: str
    reason: str | None

    @property
    def built_in(self) -> bool:
        return self.version == BUILT_IN_VERSION


class StoreConflictError(Exception):
    """The active pointer moved between reading and writing it."""

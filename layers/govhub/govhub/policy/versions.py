"""A stored (or the built-in) version of the policy set."""

from __future__ import annotations

from typing import TypeAlias

from govhub.domain.documents import DocumentVersion
from govhub.policy.document import PolicyDocument

PolicyVersion: TypeAlias = DocumentVersion[PolicyDocument]

"""Control library use cases: read the active version, list versions, replace (admins; validated, audited), coverage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from govhub.domain.documents import DocumentHistory, DocumentStore
from govhub.errors import NotFoundError
from govhub.evidence.model import Evidence
from govhub.frameworks.coverage import FrameworkCoverage, coverage, statement_of_applicability
from govhub.frameworks.library import (
    EU_AI_ACT,
    FRAMEWORK_IDS,
    FrameworkDocument,
    FrameworkVersion,
    built_in_frameworks,
    parse_frameworks,
)
from govhub.policy.obligations import ObligationChecklist


class FrameworkService(DocumentHistory[FrameworkDocument]):
    def __init__(self, store: DocumentStore[FrameworkDocument], clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__(store, parse_frameworks, built_in_frameworks,
                         "The control library is at version {current}; reload it and edit again.", clock)

    def coverage(self, framework_id: str, checklist: ObligationChecklist, documents: list[Evidence]) -> FrameworkCoverage:
        self.check_framework(framework_id)
        return coverage(framework_id, self.active().document, checklist, documents)

    def statement_of_applicability(self) -> tuple[FrameworkVersion, list[dict[str, Any]]]:
        active = self.active()
        return active, statement_of_applicability(active.document)

    def check_framework(self, framework_id: str) -> None:
        known = (*FRAMEWORK_IDS, EU_AI_ACT)
        if framework_id not in known:
            raise NotFoundError(f"Unknown framework '{framework_id}'; the hub knows {', '.join(known)}.", {"framework": framework_id})

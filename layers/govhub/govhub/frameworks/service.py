"""Control library use cases: read the active version, list versions, replace (admins; validated, audited), coverage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from govhub.domain.entities import Actor, Page
from govhub.errors import NotFoundError, StaleWriteError
from govhub.evidence.model import Evidence
from govhub.frameworks.coverage import FrameworkCoverage, coverage, statement_of_applicability
from govhub.frameworks.library import EU_AI_ACT, FRAMEWORK_IDS, FrameworkVersion, built_in_frameworks, parse_frameworks
from govhub.policy.obligations import ObligationChecklist
from govhub.policy.versions import StoreConflictError


class FrameworkStore(Protocol):
    def active(self) -> FrameworkVersion | None: ...
    def listing(self, limit: int, cursor: str | None) -> Page: ...
    def activate(self, new: FrameworkVersion, replaces: int) -> None: ...


def _stale(current: int, expected: int | None) -> StaleWriteError:
    return StaleWriteError(f"The control library is at version {current}; reload it and edit again.",
                           {"current_version": current, "expected_version": expected})


class FrameworkService:
    def __init__(self, store: FrameworkStore, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._store = store
        self._clock = clock

    def active(self) -> FrameworkVersion:
        return self._store.active() or built_in_frameworks()

    def versions(self, limit: int, cursor: str | None) -> Page:
        page = self._store.listing(limit, cursor)
        items = list(page.items)
        if page.next_cursor is None:
            items.append(built_in_frameworks())
        return Page(items=items, next_cursor=page.next_cursor)

    def replace(self, raw: Any, reason: str, by: Actor, expected_version: int | None = None) -> FrameworkVersion:
        document = parse_frameworks(raw)
        current = self.active()
        if expected_version is not None and expected_version != current.version:
            raise _stale(current.version, expected_version)
        new = FrameworkVersion(current.version + 1, document, self._clock(), by.username, by.role, reason)
        try:
            self._store.activate(new, replaces=current.version)
        except StoreConflictError:
            raise _stale(self.active().version, expected_version) from None
        return new

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

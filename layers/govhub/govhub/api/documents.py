"""What the routes of every versioned document do (the policy set, the timeline, the control library, the incident
deadlines): show the active version, list the versions, replace the active one. Each capability keeps its own thin
route functions, since their paths, names and schemas are the API contract; these are their bodies. A refused
document (422) and a stale `expected_version` (409) are domain errors, answered in one place (api/errors.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from govhub.domain.documents import D, DocumentHistory, DocumentVersion
from govhub.domain.entities import Actor
from govhub.schemas import Schema

Out = TypeVar("Out")
PageOut = TypeVar("PageOut")
VersionOut = TypeVar("VersionOut", bound="DocumentVersionOut")


class DocumentVersionOut(Schema):
    version: int
    built_in: bool
    active: bool
    document: dict[str, Any]
    created_at: datetime | None
    created_by: str
    created_by_role: str
    reason: str | None

    @classmethod
    def from_domain(cls: type[VersionOut], version: DocumentVersion[Any], active: int) -> VersionOut:
        return cls(version=version.version, built_in=version.built_in, active=version.version == active, document=version.document.to_json(),
                   created_at=version.created_at, created_by=version.created_by, created_by_role=version.created_by_role, reason=version.reason)


class Replacement(Protocol):
    """A replace request's body: the whole new document, why, and the version the caller edited (if they say)."""

    @property
    def document(self) -> dict[str, Any]: ...
    @property
    def reason(self) -> str: ...
    @property
    def expected_version(self) -> int | None: ...


def active_version(history: DocumentHistory[D], out: Callable[[DocumentVersion[D], int], Out]) -> Out:
    active = history.active()
    return out(active, active.version)


def version_page(history: DocumentHistory[D], limit: int, cursor: str | None, out: Callable[[DocumentVersion[D], int], Out],
                 page: Callable[..., PageOut]) -> PageOut:
    """Newest first, each marked active or not; the built-in version closes the last page."""
    active = history.active().version
    found = history.versions(limit, cursor)
    return page(items=[out(version, active) for version in found.items], next_cursor=found.next_cursor)


def replaced(history: DocumentHistory[D], body: Replacement, by: Actor, out: Callable[[DocumentVersion[D], int], Out]) -> Out:
    new = history.replace(body.document, body.reason, by, body.expected_version)
    return out(new, new.version)

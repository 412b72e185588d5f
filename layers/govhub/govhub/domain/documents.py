"""Rules as data: a document admins replace (the policy set, the EU AI Act timeline, the control library, the Art. 73
deadlines), kept as immutable versions with one active, the one shipped with the hub standing as version 0 until an
admin stores another. What is the same for all of them is here; each capability keeps what its document says."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from govhub.domain.entities import Actor, Page
from govhub.errors import GovhubError, StaleWriteError

BUILT_IN_VERSION = 0


class Document(Protocol):
    @property
    def name(self) -> str: ...
    def to_json(self) -> dict[str, Any]: ...
    def to_text(self) -> str: ...


D = TypeVar("D", bound=Document)
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class DocumentVersion(Generic[D]):
    version: int
    document: D
    created_at: datetime | None
    created_by: str
    created_by_role: str
    reason: str | None

    @property
    def built_in(self) -> bool:
        return self.version == BUILT_IN_VERSION


def shipped(document: D, reason: str, author: str = "govhub") -> DocumentVersion[D]:
    """The version the hub ships (version 0): what is active while no admin has stored one."""
    return DocumentVersion(BUILT_IN_VERSION, document, None, author, "system", reason)


class StoreConflictError(Exception):
    """What was read moved on before the write (an active pointer, an item's revision): the caller's answer is a 409."""


class DocumentStore(Protocol[D]):
    def active(self) -> DocumentVersion[D] | None: ...
    def list(self, limit: int, cursor: str | None) -> Page: ...

    def activate(self, new: DocumentVersion[D], replaces: int) -> None:
        """Store `new` and point the active pointer at it, if the pointer is still at `replaces`; else StoreConflictError."""
        ...


class DocumentHistory(Generic[D]):
    """The use cases every versioned document has: the active version, the versions, replacing the active one."""

    def __init__(self, store: DocumentStore[D], parse: Callable[[Any], D], built_in: Callable[[], DocumentVersion[D]],
                 stale_message: str, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._parse = parse
        self._built_in = built_in
        self._stale_message = stale_message  # says "{current}": the version now active
        self._clock = clock

    def active(self) -> DocumentVersion[D]:
        return self._store.active() or self._built_in()

    def versions(self, limit: int, cursor: str | None) -> Page:
        """Stored versions, newest first; the built-in one (version 0) closes the last page."""
        page = self._store.list(limit, cursor)
        items = list(page.items)
        if page.next_cursor is None:
            items.append(self._built_in())
        return Page(items=items, next_cursor=page.next_cursor)

    def replace(self, raw: Any, reason: str, by: Actor, expected_version: int | None = None) -> DocumentVersion[D]:
        """Validate and store a new version and make it active; 409 if `expected_version` (the version the caller
        edited) is no longer the active one, or another replacement won the race. An invalid document changes nothing."""
        document = self._parse(raw)
        current = self.active()
        if expected_version is not None and expected_version != current.version:
            raise self._stale(current.version, expected_version)
        new = DocumentVersion(current.version + 1, document, self._clock(), by.username, by.role, reason)
        try:
            self._store.activate(new, replaces=current.version)
        except StoreConflictError:
            raise self._stale(self.active().version, expected_version) from None
        return new

    def _stale(self, current: int, expected: int | None) -> StaleWriteError:
        return StaleWriteError(self._stale_message.format(current=current),
                               {"current_version": current, "expected_version": expected})


# -- reading a document ------------------------------------------------------------------------
class JsonDocument(ABC):
    """The stored form of a document: its JSON with sorted keys and no spaces, so equal documents are equal text."""

    @abstractmethod
    def to_json(self) -> dict[str, Any]:
        """The document as plain JSON (each kind of document says which of its fields it stores)."""

    def to_text(self) -> str:
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))


class DocumentProblemsError(GovhubError):
    """A document that cannot be used (422): each problem names its JSON path (`$.milestones[2].id`)."""

    status = 422
    what: ClassVar[str] = "document"  # how the message names it: "The <what> is invalid: ..."

    def __init__(self, problems: list[dict[str, str]]) -> None:
        first = problems[0] if problems else {"path": "$", "message": "invalid"}
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"The {self.what} is invalid: {first['path']}: {first['message']}{more}", {"errors": problems})
        self.problems = problems


def validated(model: type[M], raw: Any, error: type[DocumentProblemsError]) -> M:
    """`raw` (a parsed JSON object) as `model`, or `error` listing each problem pydantic found by its JSON path."""
    if not isinstance(raw, dict):
        raise error([{"path": "$", "message": f"a {error.what} is a JSON object", "type": "type_error"}])
    try:
        return model.model_validate(raw)
    except ValidationError as invalid:
        raise error([problem_of(e) for e in invalid.errors()]) from None


def problem_of(error: Any) -> dict[str, str]:
    """One pydantic error as a problem: its location as a JSON path, its message, its type."""
    path = "$"
    for part in error.get("loc", ()):
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    message = "unknown field" if error.get("type") == "extra_forbidden" else str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return {"path": path, "message": message, "type": str(error.get("type", "value_error"))}


def shipped_json(package: str, name: str) -> Any:
    """A document shipped as a data file of a govhub package, parsed as JSON."""
    return json.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))

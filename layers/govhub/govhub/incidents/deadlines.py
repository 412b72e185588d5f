"""The Art. 73 reporting deadlines as data: a versioned document (shipped with cited defaults) admins replace.

A serious incident's kind fixes the number of days, counted from when the organisation became aware of it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from govhub.domain.documents import DocumentVersion, JsonDocument, shipped, shipped_json
from govhub.errors import ValidationFailedError

SCHEMA = "govhub.incident-deadlines/1"
Kind = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1_000)]


class DeadlineRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    days: Annotated[int, Field(ge=1, le=365)]
    article: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    description: Text


class DeadlinesDocument(JsonDocument, BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)

    schema_id: Literal["govhub.incident-deadlines/1"] = Field(alias="schema")
    name: Text
    source: Text
    kinds: Annotated[tuple[DeadlineRule, ...], Field(min_length=1, max_length=20)]

    @field_validator("kinds")
    @classmethod
    def _once(cls, kinds: tuple[DeadlineRule, ...]) -> tuple[DeadlineRule, ...]:
        names = [k.kind for k in kinds]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"each kind appears once ({', '.join(repeated)} repeated)")
        return kinds

    def rule(self, kind: str) -> DeadlineRule | None:
        return next((k for k in self.kinds if k.kind == kind), None)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    def sha256(self) -> str:
        return hashlib.sha256(self.to_text().encode()).hexdigest()


DeadlinesVersion: TypeAlias = DocumentVersion[DeadlinesDocument]


@dataclass(frozen=True)
class Deadline:
    kind: str
    days: int
    article: str
    due_at: datetime
    deadlines_version: int


def parse_deadlines(raw: Any) -> DeadlinesDocument:
    """Validate a deadlines document; a 422 naming each bad field otherwise."""
    try:
        return DeadlinesDocument.model_validate(raw)
    except ValidationError as error:
        problems = [{"field": ".".join(str(p) for p in e["loc"]) or "document", "message": e["msg"]} for e in error.errors()]
        raise ValidationFailedError("The incident deadlines document is not valid.", problems) from None


@lru_cache(maxsize=1)
def default_deadlines() -> DeadlinesDocument:
    return parse_deadlines(shipped_json("govhub.incidents", "deadlines.json"))


def built_in() -> DeadlinesVersion:
    return shipped(default_deadlines(), "The shipped Art. 73 deadlines", author="system")


def deadline_for(version: DeadlinesVersion, kind: str, aware_at: datetime) -> Deadline:
    rule = version.document.rule(kind)
    if rule is None:
        known = ", ".join(k.kind for k in version.document.kinds)
        raise ValidationFailedError(f"'{kind}' is not a kind of serious incident the deadlines know ({known}).",
                                    [{"field": "kind", "message": f"one of {known}"}])
    return Deadline(rule.kind, rule.days, rule.article, aware_at + timedelta(days=rule.days), version.version)

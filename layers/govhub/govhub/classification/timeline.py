"""The EU AI Act application timeline as data: when each group of obligations applies. Admins replace it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from govhub.errors import GovhubError

# The milestones the obligation catalogue refers to: a replacement timeline must date each of them.
MILESTONES = ("general_provisions", "prohibited_practices", "gpai", "transparency", "high_risk_annex_iii", "high_risk_annex_i", "voluntary")
MilestoneId = Literal["general_provisions", "prohibited_practices", "gpai", "transparency", "high_risk_annex_iii", "high_risk_annex_i", "voluntary"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]


class TimelineDocumentError(GovhubError):
    """A timeline that cannot be used: each problem names its JSON path."""

    status, code = 422, "invalid_timeline"

    def __init__(self, problems: list[dict[str, str]]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"The timeline is invalid: {first['path']}: {first['message']}{more}", {"errors": problems})


class Milestone(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: MilestoneId
    title: Text
    provisions: Text
    applies_from: date
    source: Text


class TimelineDocument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_id: Literal["govhub.timeline/1"] = Field(alias="schema")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    description: Text | None = None
    milestones: Annotated[tuple[Milestone, ...], Field(min_length=1, max_length=50)]

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    def to_text(self) -> str:
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))

    def milestone(self, milestone_id: str) -> Milestone:
        return next(m for m in self.milestones if m.id == milestone_id)


@dataclass(frozen=True)
class InForce:
    milestone: str
    applies_from: date
    in_force: bool
    days_until: int  # 0 once in force

    def as_json(self) -> dict[str, Any]:
        return {"milestone": self.milestone, "applies_from": self.applies_from.isoformat(), "in_force": self.in_force, "days_until": self.days_until}


def in_force(document: TimelineDocument, milestone_id: str, today: date) -> InForce:
    applies_from = document.milestone(milestone_id).applies_from
    days = (applies_from - today).days
    return InForce(milestone_id, applies_from, days <= 0, max(days, 0))


def parse_timeline(raw: Any) -> TimelineDocument:
    if not isinstance(raw, dict):
        raise TimelineDocumentError([{"path": "$", "message": "a timeline is a JSON object", "type": "type_error"}])
    try:
        document = TimelineDocument.model_validate(raw)
    except ValidationError as error:
        raise TimelineDocumentError([_problem(e) for e in error.errors()]) from None
    ids = [m.id for m in document.milestones]
    problems = [{"path": "$.milestones", "message": f"milestone '{m}' is missing: every obligation needs its date", "type": "missing_milestone"}
                for m in MILESTONES if m not in ids]
    problems += [{"path": f"$.milestones[{i}].id", "message": f"duplicate milestone '{m}'", "type": "duplicate_id"}
                 for i, m in enumerate(ids) if m in ids[:i]]
    if problems:
        raise TimelineDocumentError(problems)
    return document


def _problem(error: Any) -> dict[str, str]:
    path = "$"
    for part in error.get("loc", ()):
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    message = "unknown field" if error.get("type") == "extra_forbidden" else str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return {"path": path, "message": message, "type": str(error.get("type", "value_error"))}


@lru_cache(maxsize=1)
def default_timeline() -> TimelineDocument:
    text = resources.files("govhub.classification").joinpath("timeline.json").read_text(encoding="utf-8")
    return parse_timeline(json.loads(text))


@dataclass(frozen=True)
class TimelineVersion:
    version: int
    document: TimelineDocument
    created_at: datetime | None
    created_by: str
    created_by_role: str
    reason: str | None

    @property
    def built_in(self) -> bool:
        return self.version == 0

"""The EU AI Act application timeline as data: when each group of obligations applies. Admins replace it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from govhub.domain.documents import DocumentProblemsError, DocumentVersion, JsonDocument, shipped_json, validated

# The milestones the obligation catalogue refers to: a replacement timeline must date each of them.
MILESTONES = ("general_provisions", "prohibited_practices", "gpai", "transparency", "high_risk_annex_iii", "high_risk_annex_i", "voluntary")
MilestoneId = Literal["general_provisions", "prohibited_practices", "gpai", "transparency", "high_risk_annex_iii", "high_risk_annex_i", "voluntary"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]


class TimelineDocumentError(DocumentProblemsError):
    """A timeline that cannot be used: each problem names its JSON path."""

    code, what = "invalid_timeline", "timeline"


class Milestone(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: MilestoneId
    title: Text
    provisions: Text
    applies_from: date
    source: Text


class TimelineDocument(JsonDocument, BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_id: Literal["govhub.timeline/1"] = Field(alias="schema")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    description: Text | None = None
    milestones: Annotated[tuple[Milestone, ...], Field(min_length=1, max_length=50)]

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

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
    document = validated(TimelineDocument, raw, TimelineDocumentError)
    ids = [m.id for m in document.milestones]
    problems = [{"path": "$.milestones", "message": f"milestone '{m}' is missing: every obligation needs its date", "type": "missing_milestone"}
                for m in MILESTONES if m not in ids]
    problems += [{"path": f"$.milestones[{i}].id", "message": f"duplicate milestone '{m}'", "type": "duplicate_id"}
                 for i, m in enumerate(ids) if m in ids[:i]]
    if problems:
        raise TimelineDocumentError(problems)
    return document


@lru_cache(maxsize=1)
def default_timeline() -> TimelineDocument:
    return parse_timeline(shipped_json("govhub.classification", "timeline.json"))


TimelineVersion: TypeAlias = DocumentVersion[TimelineDocument]

"""The control library and crosswalk as data: validated, versioned, replaced by admins like the policy set."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from govhub.domain.documents import DocumentProblemsError, DocumentVersion, JsonDocument, shipped, shipped_json, validated

FrameworkId = Literal["iso42001", "nist-ai-rmf"]
FRAMEWORK_IDS: tuple[str, ...] = ("iso42001", "nist-ai-rmf")
EU_AI_ACT = "eu-ai-act"
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]
ControlId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class FrameworkDocumentError(DocumentProblemsError):
    """A control library that cannot be used: each problem names its JSON path."""

    code, what = "invalid_frameworks", "control library"


class Control(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: ControlId
    description: Text
    applicable: bool | None = Field(default=None, description="The organisation's decision for the statement of applicability.")
    justification: Text | None = None


class Framework(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: FrameworkId
    title: Text
    source: Text
    controls: Annotated[tuple[Control, ...], Field(min_length=1, max_length=500)]


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    obligation: Annotated[str, StringConstraints(pattern=r"^art-[0-9a-z-]{1,20}$")]
    iso42001: tuple[ControlId, ...] = ()
    nist_ai_rmf: tuple[ControlId, ...] = Field(default=(), alias="nist-ai-rmf")


class FrameworkDocument(JsonDocument, BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_id: Literal["govhub.frameworks/1"] = Field(alias="schema")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    description: Text | None = None
    frameworks: Annotated[tuple[Framework, ...], Field(min_length=1, max_length=10)]
    mappings: Annotated[tuple[Mapping, ...], Field(max_length=200)]

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def framework(self, framework_id: str) -> Framework | None:
        return next((f for f in self.frameworks if f.id == framework_id), None)

    def controls_of(self, obligation_id: str, framework_id: str) -> tuple[str, ...]:
        mapping = next((m for m in self.mappings if m.obligation == obligation_id), None)
        if mapping is None:
            return ()
        return mapping.iso42001 if framework_id == "iso42001" else mapping.nist_ai_rmf

    def obligations_of(self, framework_id: str, control_id: str) -> tuple[str, ...]:
        return tuple(m.obligation for m in self.mappings if control_id in (m.iso42001 if framework_id == "iso42001" else m.nist_ai_rmf))


def known_obligations() -> frozenset[str]:
    from govhub.policy import obligations as o

    every = [o.LITERACY, o.PROHIBITED, *o.PROVIDER_HIGH, *o.DEPLOYER_HIGH, o.FRIA, o.DEPLOYER_REGISTRATION, *o.DEROGATION,
             *o.TRANSPARENCY.values(), o.GENERIC_TRANSPARENCY, o.GPAI_MODEL, o.GPAI_SYSTEMIC, o.VOLUNTARY, *o.OTHER_ROLES.values()]
    return frozenset(item.id for item in every)


def parse_frameworks(raw: Any) -> FrameworkDocument:
    document = validated(FrameworkDocument, raw, FrameworkDocumentError)
    problems: list[dict[str, str]] = []
    ids = [f.id for f in document.frameworks]
    problems += [{"path": f"$.frameworks[{i}].id", "message": f"duplicate framework '{f}'", "type": "duplicate_id"}
                 for i, f in enumerate(ids) if f in ids[:i]]
    for i, framework in enumerate(document.frameworks):
        controls = [c.id for c in framework.controls]
        problems += [{"path": f"$.frameworks[{i}].controls[{j}].id", "message": f"duplicate control '{c}'", "type": "duplicate_id"}
                     for j, c in enumerate(controls) if c in controls[:j]]
    known = known_obligations()
    seen: list[str] = []
    for i, mapping in enumerate(document.mappings):
        if mapping.obligation not in known:
            problems.append({"path": f"$.mappings[{i}].obligation", "message": f"'{mapping.obligation}' is not an obligation of the checklist",
                             "type": "unknown_obligation"})
        if mapping.obligation in seen:
            problems.append({"path": f"$.mappings[{i}].obligation", "message": f"'{mapping.obligation}' is mapped twice", "type": "duplicate_id"})
        seen.append(mapping.obligation)
        for framework_id, refs in (("iso42001", mapping.iso42001), ("nist-ai-rmf", mapping.nist_ai_rmf)):
            target = document.framework(framework_id)
            valid = {c.id for c in target.controls} if target else set()
            problems += [{"path": f"$.mappings[{i}].{framework_id}", "message": f"'{ref}' is not a control of {framework_id}", "type": "unknown_control"}
                         for ref in refs if ref not in valid]
    if problems:
        raise FrameworkDocumentError(problems)
    return document


@lru_cache(maxsize=1)
def default_frameworks() -> FrameworkDocument:
    return parse_frameworks(shipped_json("govhub.frameworks", "crosswalk.json"))


FrameworkVersion: TypeAlias = DocumentVersion[FrameworkDocument]


def built_in_frameworks() -> FrameworkVersion:
    return shipped(default_frameworks(), "The crosswalk shipped with the hub")

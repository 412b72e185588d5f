"""Per control of a framework, what covers it for one model (the hub's records, evidence documents, attestations)
and what is open, from the model's obligations checklist and the crosswalk. Pure: no store, no clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govhub.evidence.model import Evidence
from govhub.frameworks.library import EU_AI_ACT, FrameworkDocument
from govhub.policy.obligations import ObligationChecklist, ObligationItem, ObligationStatus

STATUSES = ("covered", "partial", "open", "not_in_force", "not_applicable")


@dataclass(frozen=True)
class Cover:
    source: str   # records | evidence | attestation
    ref: str      # the obligation id (records, attestation) or the evidence id
    detail: str


@dataclass(frozen=True)
class ControlCoverage:
    id: str
    description: str
    status: str
    obligations: tuple[dict[str, str], ...]
    covered_by: tuple[Cover, ...]
    open: tuple[str, ...]


@dataclass(frozen=True)
class FrameworkCoverage:
    framework: str
    title: str
    source: str
    controls: tuple[ControlCoverage, ...] = field(default_factory=tuple)

    def summary(self) -> dict[str, int]:
        return {status: sum(1 for c in self.controls if c.status == status) for status in STATUSES}

    def as_json(self) -> dict[str, Any]:
        return {
            "framework": self.framework, "title": self.title, "source": self.source, "summary": self.summary(),
            "controls": [{"id": c.id, "description": c.description, "status": c.status, "obligations": list(c.obligations),
                          "covered_by": [cover.__dict__ for cover in c.covered_by], "open": list(c.open)} for c in self.controls],
        }


def _covers_of(item: ObligationItem) -> list[Cover]:
    if item.status is ObligationStatus.ATTESTED and item.attestation is not None:
        return [Cover("attestation", item.id, f"{item.article}: attested by {item.attestation.attested_by}: {item.attestation.statement}")]
    if item.status is not ObligationStatus.EVIDENCED:
        return []
    documents = [c for c in item.covered_by if c.source == "evidence"]
    if documents:
        return [Cover("evidence", c.ref, f"{item.article}: {c.detail}") for c in documents]
    records = [c.detail for c in item.covered_by if c.source != "platform" and c.satisfied]
    return [Cover("records", item.id, f"{item.article}: " + " ".join(records))]


def _status(applicable: list[ObligationItem], covers: list[Cover], direct: list[Evidence]) -> str:
    if not applicable and not direct:
        return "not_applicable"
    open_items = [i for i in applicable if i.status is ObligationStatus.OPEN]
    if covers and not open_items:
        return "covered"
    if covers:
        return "partial"
    if open_items:
        return "open"
    return "not_in_force"


def coverage(framework_id: str, library: FrameworkDocument, checklist: ObligationChecklist, documents: list[Evidence]) -> FrameworkCoverage:
    """`documents`: the model's current evidence; a document covers a control directly with `<framework>:<control id>`."""
    if framework_id == EU_AI_ACT:
        controls = tuple(
            ControlCoverage(item.id, f"{item.article} {item.title}", _status([item], _covers_of(item), []),
                            ({"id": item.id, "article": item.article, "status": item.status.value},), tuple(_covers_of(item)),
                            (item.id,) if item.status is ObligationStatus.OPEN else ())
            for item in checklist.items
        )
        return FrameworkCoverage(EU_AI_ACT, "EU AI Act (Regulation (EU) 2024/1689): the model's obligations",
                                 "Regulation (EU) 2024/1689, as amended; the hub's obligations checklist", controls)
    framework = library.framework(framework_id)
    if framework is None:
        return FrameworkCoverage(framework_id, framework_id, "not in the active control library")
    result = []
    for control in framework.controls:
        applicable = [item for o in library.obligations_of(framework_id, control.id) if (item := checklist.item(o)) is not None]
        direct = [d for d in documents if f"{framework_id}:{control.id}" in d.covers]
        covers = [cover for item in applicable for cover in _covers_of(item)]
        covers += [Cover("evidence", d.evidence_id, f"{d.title} (SHA-256 {d.sha256})") for d in direct]
        result.append(ControlCoverage(
            control.id, control.description, _status(applicable, covers, direct),
            tuple({"id": i.id, "article": i.article, "status": i.status.value} for i in applicable), tuple(covers),
            tuple(i.id for i in applicable if i.status is ObligationStatus.OPEN),
        ))
    return FrameworkCoverage(framework.id, framework.title, framework.source, tuple(result))


def statement_of_applicability(library: FrameworkDocument) -> list[dict[str, Any]]:
    """ISO/IEC 42001 Annex A, one row per control: applicable (the organisation's decision, else yes when the crosswalk
    ties it to an EU AI Act obligation, else undecided), why, and the obligations it serves."""
    framework = library.framework("iso42001")
    if framework is None:
        return []
    rows = []
    for control in framework.controls:
        obligations = library.obligations_of("iso42001", control.id)
        if control.applicable is not None:
            applicable: str = "yes" if control.applicable else "no"
            why = control.justification or "Decided by the organisation."
        elif obligations:
            applicable = "yes"
            why = "Serves EU AI Act obligations of the hub's checklist: " + ", ".join(obligations) + "."
        else:
            applicable = "undecided"
            why = "Not tied to an EU AI Act obligation by the crosswalk: the organisation decides and justifies."
        rows.append({"control": control.id, "description": control.description, "applicable": applicable, "justification": why,
                     "eu_ai_act_obligations": list(obligations)})
    return rows

"""The evidence part of the compliance report and of the audit bundle: the model's evidence manifest (every item but
those never uploaded, each with its SHA-256) and the coverage summary per framework."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from govhub.evidence.model import Evidence, EvidenceStatus
from govhub.policy.obligations import ObligationChecklist

MANIFEST_SCHEMA = "govhub.evidence-manifest/1"


def manifest(model_id: int, items: list[Evidence], at: datetime) -> dict[str, Any]:
    """What an auditor checks each document against offline: its SHA-256, size and object version."""
    from govhub.evidence.service import as_manifest_entry

    documents = [dict(as_manifest_entry(e), current=e.is_current(at)) for e in items if e.status is not EvidenceStatus.PENDING_UPLOAD]
    return {"schema": MANIFEST_SCHEMA, "model_id": model_id, "as_of": at.isoformat(), "documents": documents}


def evidence_view(model_id: int, checklist: ObligationChecklist | None) -> dict[str, Any]:
    """The report's evidence index and framework coverage summary, read from the table."""
    from govhub.frameworks.coverage import coverage
    from govhub.frameworks.library import EU_AI_ACT, FRAMEWORK_IDS
    from govhub.frameworks.service import FrameworkService
    from govhub.store.evidence import EvidenceRepository
    from govhub.store.frameworks import FrameworkRepository

    now = datetime.now(UTC)
    items = EvidenceRepository().for_model(model_id)
    current = [e for e in items if e.is_current(now)]
    library = FrameworkService(FrameworkRepository()).active()
    frameworks = []
    if checklist is not None:
        for framework_id in (EU_AI_ACT, *FRAMEWORK_IDS):
            result = coverage(framework_id, library.document, checklist, current)
            frameworks.append({"framework": result.framework, "title": result.title, "summary": result.summary()})
    return {"manifest": manifest(model_id, items, now), "library_version": library.version, "frameworks": frameworks}

"""The daily evidence sweep: items expired or expiring within 30 days, found through the due-date index (GSI9).

For each, once per stage, it records the stage on the item (`expiry_notice`: an audited change by the sweeper);
the notifier announces that committed change as `Evidence Expiring` / `Evidence Expired`. An expired document that the
model's approval in force pinned reopens that review (`EvidenceService.sweep_expiry`). Idempotent: a second run the
same day finds the stage recorded and changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from govhub.domain.entities import Actor

SWEEPER = Actor("system:sweeper", "system")


def sweep_evidence(now: datetime) -> dict[str, int]:
    """One pass over what is due by now + 30 days; answers counts (seen, expiring, expired, reopened, conflicts)."""
    from govhub.evidence.service import EvidenceService
    from govhub.services.registry import default_registry
    from govhub.store.evidence import EvidenceBucket, EvidenceRepository

    return EvidenceService(default_registry(), EvidenceRepository(), EvidenceBucket()).sweep_expiry(now, SWEEPER)

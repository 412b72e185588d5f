"""The daily evidence sweep: items expired or expiring within 30 days, found through the due-date index (GSI9).

For each, once per stage, it records the stage on the item (`expiry_notice`: an audited change by the sweeper);
the notifier announces that committed change as `Evidence Expiring` / `Evidence Expired`. Idempotent: a second run
the same day finds the stage recorded and changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from govhub.domain.entities import Actor
from govhub.evidence.model import EXPIRING_WITHIN
from govhub.evidence.service import EvidenceConflictError

SWEEPER = Actor("system:sweeper", "system")
PAGE = 100


def sweep_evidence(now: datetime) -> dict[str, int]:
    """One pass over what is due by now + 30 days; answers counts (seen, expiring, expired, unchanged)."""
    from dataclasses import replace

    from govhub.store.evidence import EvidenceRepository

    store = EvidenceRepository()
    counts = {"evidence_due": 0, "evidence_expiring": 0, "evidence_expired": 0, "evidence_conflicts": 0}
    cursor: str | None = None
    while True:
        page = store.due_by(now + EXPIRING_WITHIN, PAGE, cursor)
        for evidence in page.items:
            counts["evidence_due"] += 1
            stage = evidence.expiry_stage(now)
            if stage is None or evidence.expiry_notice == stage:
                continue
            until = evidence.valid_until.date().isoformat() if evidence.valid_until else "?"
            stamp = replace(evidence.stamp, updated_at=now, updated_by=SWEEPER.username, updated_by_role=SWEEPER.role,
                            change_reason=f"Evidence {'expired on' if stage == 'expired' else 'expires on'} {until}", claimed_context=None)
            try:
                store.save(replace(evidence, expiry_notice=stage, stamp=stamp))
            except EvidenceConflictError:  # changed meanwhile (signed off, withdrawn): the next run sees it as it is
                counts["evidence_conflicts"] += 1
                continue
            counts[f"evidence_{stage}"] += 1
        cursor = page.next_cursor
        if cursor is None:
            return counts

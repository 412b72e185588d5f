"""Evidence items: what a document is, what it covers, where its bytes are and where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from govhub.domain.entities import Stamp

EXPIRING_WITHIN = timedelta(days=30)  # an item expiring this soon is in the needs-attention list


class EvidenceKind(str, Enum):
    RISK_MANAGEMENT_PROCEDURE = "risk_management_procedure"
    INSTRUCTIONS_FOR_USE = "instructions_for_use"
    DECLARATION_OF_CONFORMITY = "declaration_of_conformity"
    FRIA = "fria"
    TEST_REPORT = "test_report"
    DATA_SHEET = "data_sheet"
    OTHER = "other"


class EvidenceStatus(str, Enum):
    PENDING_UPLOAD = "pending_upload"      # the upload URL was handed out; the hub has not verified an object yet
    AWAITING_SIGNOFF = "awaiting_signoff"  # verified (size, type, SHA-256); a second person has to sign it off
    SIGNED_OFF = "signed_off"              # verified and signed off: it evidences what it covers while valid
    SUPERSEDED = "superseded"              # a newer revision was signed off
    WITHDRAWN = "withdrawn"                # withdrawn (audited); its object stays under the bucket's retention


# Statuses whose validity dates matter (they are in the due-date index until they expire and are resolved).
DATED = (EvidenceStatus.AWAITING_SIGNOFF, EvidenceStatus.SIGNED_OFF)


@dataclass(frozen=True)
class EvidenceSignoff:
    by: str
    role: str
    at: datetime
    reason: str


@dataclass(frozen=True)
class Evidence:
    model_id: int
    evidence_id: str
    team: str | None
    title: str
    kind: EvidenceKind
    covers: tuple[str, ...]          # obligation ids (art-9), policy rule ids, framework controls (iso42001:A.6.2.4)
    content_type: str
    size: int
    sha256: str                       # hex, as declared at upload and verified after it
    object_key: str
    status: EvidenceStatus
    uploaded_by: str
    stamp: Stamp
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    supersedes: str | None = None
    object_version: str | None = None
    verified_at: datetime | None = None
    signoff: EvidenceSignoff | None = None
    expiry_notice: str | None = None  # the last expiry event sent: expiring | expired
    revision: int | None = None

    def is_current(self, now: datetime) -> bool:
        """Signed off, valid now and neither withdrawn nor superseded: it evidences what it covers."""
        if self.status is not EvidenceStatus.SIGNED_OFF:
            return False
        if self.valid_from is not None and self.valid_from > now:
            return False
        return self.valid_until is None or self.valid_until > now

    def expiry_stage(self, now: datetime) -> str | None:
        """`expired`, `expiring` (within 30 days) or None."""
        if self.valid_until is None or self.status not in DATED:
            return None
        if self.valid_until <= now:
            return "expired"
        return "expiring" if self.valid_until - now <= EXPIRING_WITHIN else None

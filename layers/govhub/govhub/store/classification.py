"""Classification in the single table: the timeline's versions, attestations of obligations, overridden models.

- `PK=TIMELINE`: the EU AI Act timeline, a versioned document (store/documents.py) audited as entity `timeline`.
- `PK=MODEL#<id> SK=ATTESTATION#<obligation>` (entity `attestation`): the current attestation of one obligation,
  revisioned; each write is a change in the model's chain (who, why, the statement).
- GSI8 `CLASSIFICATION#OVERRIDE`: the model items whose risk level overrides the questionnaire (sparse).
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import PutError

from govhub.classification.timeline import TimelineDocument, default_timeline, parse_timeline
from govhub.domain.classification import Attestation, Withdrawal
from govhub.domain.documents import StoreConflictError
from govhub.domain.entities import Page
from govhub.evidence.model import Evidence
from govhub.store import keys
from govhub.store.cursors import decode_cursor, encode_cursor
from govhub.store.documents import VersionedDocuments
from govhub.store.items import ModelItem, _Stamped, _TableMeta
from govhub.store.repository import ModelRepository


class TimelineRepository(VersionedDocuments[TimelineDocument]):
    def __init__(self) -> None:
        super().__init__(keys.TIMELINE_PK, keys.ENTITY_TIMELINE, parse_timeline, "timeline")


class AttestationItem(_Stamped):
    class Meta(_TableMeta):
        pass

    revision = VersionAttribute()
    obligation_id = UnicodeAttribute()
    statement = UnicodeAttribute()
    # the attestation itself; the stamp is the item's last change (an attestation or its withdrawal). Items written
    # before withdrawals existed have only the stamp, which was then always the attestation.
    attested_by = UnicodeAttribute(null=True)
    attested_by_role = UnicodeAttribute(null=True)
    attested_at = UnicodeAttribute(null=True)
    attestation_reason = UnicodeAttribute(null=True)
    withdrawn_by = UnicodeAttribute(null=True)
    withdrawn_by_role = UnicodeAttribute(null=True)
    withdrawn_at = UnicodeAttribute(null=True)


class AttestationRepository:
    def for_model(self, model_id: int) -> list[Attestation]:
        """At most one item per obligation of the catalogue: one Query, never paged in practice."""
        return [self._to_domain(item) for item in AttestationItem.query(
            keys.model_pk(model_id), AttestationItem.sk.startswith(keys.ATTESTATION), consistent_read=True)]

    def save(self, attestation: Attestation, first_at: datetime, first_by: str) -> Attestation:
        """Write it if its revision is still the stored one (None: there is none yet); else StoreConflictError.
        The stamp (who, when, why: what the audit record shows) is the attestation's, or its withdrawal's."""
        withdrawal = attestation.withdrawal
        item = AttestationItem(
            keys.model_pk(attestation.model_id), keys.attestation_sk(attestation.obligation_id), entity=keys.ENTITY_ATTESTATION,
            model_id=attestation.model_id, obligation_id=attestation.obligation_id, statement=attestation.statement,
            attested_by=attestation.attested_by, attested_by_role=attestation.attested_by_role,
            attested_at=attestation.attested_at.isoformat(), attestation_reason=attestation.reason,
            withdrawn_by=withdrawal.by if withdrawal else None, withdrawn_by_role=withdrawal.by_role if withdrawal else None,
            withdrawn_at=withdrawal.at.isoformat() if withdrawal else None,
            created_at=first_at.isoformat(), created_by=first_by,
            updated_at=(withdrawal.at if withdrawal else attestation.attested_at).isoformat(),
            updated_by=withdrawal.by if withdrawal else attestation.attested_by,
            updated_by_role=withdrawal.by_role if withdrawal else attestation.attested_by_role,
            change_reason=withdrawal.reason if withdrawal else attestation.reason,
        )
        if attestation.revision is not None:
            item.revision = attestation.revision
        try:
            item.save()
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise StoreConflictError("the attestation changed since it was read") from None
            raise
        return self._to_domain(item)

    @staticmethod
    def _to_domain(item: AttestationItem) -> Attestation:
        withdrawal = None
        if item.withdrawn_at:
            withdrawal = Withdrawal(item.withdrawn_by or item.updated_by, item.withdrawn_by_role or item.updated_by_role,
                                    datetime.fromisoformat(item.withdrawn_at), item.change_reason or "")
        return Attestation(int(item.model_id), item.obligation_id, item.statement, item.attestation_reason or item.change_reason or "",
                           item.attested_by or item.updated_by, item.attested_by_role or item.updated_by_role,
                           datetime.fromisoformat(item.attested_at or item.updated_at), int(item.revision) if item.revision else None,
                           withdrawal)


class OverrideRepository:
    """Models whose risk level overrides the questionnaire's suggestion: a Query of the sparse GSI8."""

    def list(self, limit: int, cursor: str | None) -> Page:
        results = ModelItem.by_override.query(keys.CLASSIFICATION_OVERRIDES, limit=limit, page_size=limit,
                                              last_evaluated_key=decode_cursor(cursor, ModelItem.by_override, keys.CLASSIFICATION_OVERRIDES))
        items = [ModelRepository._to_domain(item) for item in results]
        return Page(items=items, next_cursor=encode_cursor(results.last_evaluated_key))


class ObligationSourcesOfTheTable:
    """The policy service's port for dating obligations and reading attestations: the active timeline (or the
    shipped one) and the model's attestations, each one read."""

    def __init__(self, timelines: TimelineRepository | None = None, attestations: AttestationRepository | None = None) -> None:
        self._timelines = timelines or TimelineRepository()
        self._attestations = attestations or AttestationRepository()

    def timeline_document(self) -> TimelineDocument:
        active = self._timelines.active()
        return active.document if active else default_timeline()

    def attestations(self, model_id: int) -> list[Attestation]:
        """The attestations that count: a withdrawn one no longer does."""
        return [a for a in self._attestations.for_model(model_id) if a.current]

    def documents(self, model_id: int, at: datetime) -> list[Evidence]:
        from govhub.store.evidence import EvidenceRepository

        return [e for e in EvidenceRepository().for_model(model_id) if e.is_current(at)]

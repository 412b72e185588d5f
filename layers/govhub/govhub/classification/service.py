"""Classification use cases: the questionnaire, classifying a model (with operator role and any override), the
timeline (read by all, replaced by admins), attestations of obligations, the override list, the EU database record.

Ports by constructor; the DynamoDB adapters are in govhub.store.classification (and the model repository).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol

from govhub.classification import eu_database
from govhub.classification.classifier import Classification, classify
from govhub.classification.questionnaire import Questionnaire, questionnaire
from govhub.classification.timeline import TimelineDocument, TimelineVersion, default_timeline, parse_timeline
from govhub.domain.classification import Attestation, ClassificationSummary, OperatorRole, Withdrawal
from govhub.domain.documents import DocumentHistory, DocumentStore, StoreConflictError, shipped
from govhub.domain.entities import Actor, AIModel, ModelVersion, Page
from govhub.domain.lifecycle import RiskLevel
from govhub.errors import AlreadyWithdrawnError, NotFoundError, StaleWriteError, ValidationFailedError


class ModelRegistry(Protocol):
    """The registry's side of a classification: it reads the model and writes it under the rules of every change."""

    def get_model(self, model_id: int) -> AIModel: ...
    def record_classification(self, model_id: int, classify: Callable[[AIModel], AIModel], by: Actor,
                              expected_revision: int | None, approved_changes: Callable[[], str] | None = None) -> AIModel: ...
    def ensure_may_change(self, model: AIModel, by: Actor) -> None: ...


class AttestationStore(Protocol):
    def for_model(self, model_id: int) -> list[Attestation]: ...
    def save(self, attestation: Attestation, first_at: datetime, first_by: str) -> Attestation: ...


class OverrideReader(Protocol):
    def list(self, limit: int, cursor: str | None) -> Page: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


def built_in_timeline() -> TimelineVersion:
    return shipped(default_timeline(), "The hub's shipped timeline")


def result_of(model: AIModel) -> Classification | None:
    """The classifier's result for the answers recorded on the model (deterministic, so re-derived, not stored)."""
    return classify(questionnaire().validate_answers(model.classification.answers)) if model.classification else None


class ClassificationService:
    def __init__(
        self,
        models: ModelRegistry,
        timelines: DocumentStore[TimelineDocument],
        attestations: AttestationStore,
        overrides: OverrideReader,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._models = models
        self._attestations = attestations
        self._overrides = overrides
        self._clock = clock
        self.timelines = DocumentHistory(timelines, parse_timeline, built_in_timeline,
                                         "The active timeline is now version {current}; reload it and apply your change again.", clock)

    # -- the questionnaire and classifying --------------------------------------------------
    @staticmethod
    def questionnaire() -> Questionnaire:
        return questionnaire()

    def classify(
        self,
        model_id: int,
        raw_answers: dict[str, Any],
        by: Actor,
        operator_role: OperatorRole | None = None,
        risk_level: RiskLevel | None = None,
        justification: str | None = None,
        expected_revision: int | None = None,
        approved_changes: Callable[[], str] | None = None,
    ) -> tuple[AIModel, Classification]:
        """Store the answers and the verdict on the model. Without `risk_level` the model takes the suggested level;
        with another level than the suggestion, `justification` is required and the model shows an override."""
        document = questionnaire()
        answers = document.validate_answers(raw_answers)
        result = classify(answers, document)
        level = risk_level or result.suggested_risk_level
        override = level is not result.suggested_risk_level
        justification = (justification or "").strip() or None
        if override and justification is None:
            causes = ", ".join(dict.fromkeys(b.provision for b in result.basis if b.effect == "level")) or "no answer"
            raise ValidationFailedError(
                f"The questionnaire suggests {result.suggested_risk_level.value} risk ({causes}); keeping or setting "
                f"{level.value} is an override: send a `justification`, or leave `risk_level` out to adopt the suggestion.",
                [{"field": "justification", "message": "required when risk_level differs from the suggestion", "type": "missing"}],
            )
        now = self._clock()
        summary = ClassificationSummary(result.suggested_risk_level, document.version, by.username, now,
                                        {qid: True for qid, yes in answers.items() if yes}, override, justification if override else None)
        reason = f"Classified with questionnaire {document.version}: suggests {result.suggested_risk_level.value}"
        reason += f"; risk level {level.value} kept as an override: {justification}" if override else f"; risk level {level.value}"

        def apply(current: AIModel) -> AIModel:
            risk_justification = current.risk_justification
            if level is not current.risk_level or justification:
                provisions = "; ".join(dict.fromkeys(b.provision for b in result.basis if b.effect == "level"))
                risk_justification = justification or f"Classification questionnaire {document.version}: {provisions}."
            return replace(
                current,
                risk_level=level,
                risk_justification=risk_justification,
                operator_role=operator_role or current.operator_role,
                classification=summary,
                stamp=replace(current.stamp, updated_at=now, updated_by=by.username, updated_by_role=by.role, change_reason=reason),
            )

        return self._models.record_classification(model_id, apply, by, expected_revision, approved_changes), result

    def overrides(self, limit: int, cursor: str | None) -> Page:
        return self._overrides.list(limit, cursor)

    # -- attestations -----------------------------------------------------------------------
    def attestations(self, model_id: int) -> list[Attestation]:
        return self._attestations.for_model(model_id)

    def attest(
        self, model: AIModel, obligation_id: str, known_ids: set[str], statement: str, reason: str, by: Actor,
        expected_revision: int | None = None,
    ) -> Attestation:
        """Record that a person attests the obligation is met (statement: what was done, e.g. the registration number)."""
        self._models.ensure_may_change(model, by)
        if obligation_id not in known_ids:
            raise ValidationFailedError(
                f"Obligation '{obligation_id}' does not apply to model {model.id}; it has: {', '.join(sorted(known_ids))}.",
                [{"field": "obligation_id", "message": "not one of the model's obligations", "type": "unknown_obligation"}],
            )
        current = next((a for a in self._attestations.for_model(model.id) if a.obligation_id == obligation_id), None)
        stored = current.revision if current else None
        if expected_revision is not None and expected_revision != stored:
            raise StaleWriteError(
                f"The attestation of {obligation_id} is at revision {stored}; reload it and attest again.",
                {"current_revision": stored, "expected_revision": expected_revision},
            )
        now = self._clock()
        attestation = Attestation(model.id, obligation_id, statement, reason, by.username, by.role, now, stored)
        first_at, first_by = (now, by.username) if current is None else (current.attested_at, current.attested_by)
        try:
            return self._attestations.save(attestation, first_at, first_by)
        except StoreConflictError:
            raise StaleWriteError(f"The attestation of {obligation_id} changed meanwhile; reload it and attest again.",
                                  {"expected_revision": expected_revision}) from None

    def withdraw_attestation(
        self, model: AIModel, obligation_id: str, reason: str, by: Actor, expected_revision: int | None = None,
    ) -> Attestation:
        """Withdraw an attestation (e.g. it named the wrong registration): the obligation is open again unless something
        else evidences it; the attestation stays, marked withdrawn with who, when and why (audited)."""
        self._models.ensure_may_change(model, by)
        current = next((a for a in self._attestations.for_model(model.id) if a.obligation_id == obligation_id), None)
        if current is None:
            raise NotFoundError(f"Model {model.id} has no attestation of {obligation_id}.", {"obligation_id": obligation_id})
        if current.withdrawal is not None:
            raise AlreadyWithdrawnError(
                f"The attestation of {obligation_id} was already withdrawn by {current.withdrawal.by} on "
                f"{current.withdrawal.at.date().isoformat()}; attest again to record a new one.",
                {"obligation_id": obligation_id})
        if expected_revision is not None and expected_revision != current.revision:
            raise StaleWriteError(
                f"The attestation of {obligation_id} is at revision {current.revision}; reload it and withdraw again.",
                {"current_revision": current.revision, "expected_revision": expected_revision},
            )
        withdrawn = replace(current, withdrawal=Withdrawal(by.username, by.role, self._clock(), reason))
        first = current.attested_at  # the item keeps its first creation stamp
        try:
            return self._attestations.save(withdrawn, first, current.attested_by)
        except StoreConflictError:
            raise StaleWriteError(f"The attestation of {obligation_id} changed meanwhile; reload it and withdraw again.",
                                  {"expected_revision": expected_revision}) from None

    # -- the EU database record -------------------------------------------------------------
    @staticmethod
    def eu_database_record(model: AIModel, latest_version: ModelVersion | None) -> dict[str, Any]:
        return eu_database.record(model, result_of(model), latest_version)

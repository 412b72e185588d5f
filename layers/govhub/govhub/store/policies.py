"""Policy sets and compliance evidence in the single table.

The policy set is a versioned document (store/documents.py) under `PK=POLICY`, audited as entity `policy`.
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from govhub.domain.entities import (
    AIModel,
    Metric,
    ModelVersion,
    Page,
    PolicyViolation,
    Stamp,
)
from govhub.domain.lifecycle import ComplianceStatus
from govhub.policy.document import PolicyDocument, parse_policy
from govhub.store import keys
from govhub.store.documents import VersionedDocuments
from govhub.store.items import (
    MetricItem,
    ModelItem,
    PolicyViolationMap,
    VersionItem,
)
from govhub.store.repository import (
    MetricRepository,
    ModelRepository,
    VersionRepository,
)


class PolicyRepository(VersionedDocuments[PolicyDocument]):
    def __init__(self) -> None:
        super().__init__(keys.POLICY_PK, keys.ENTITY_POLICY, parse_policy, "policy")


class EvidenceRepository:
    """The facts a policy is judged on, read once per request: the latest version and all its metrics."""

    def latest_evidence(self, model: AIModel) -> tuple[ModelVersion | None, list[Metric]]:
        version = self._latest_version(model)
        if version is None:
            return None, []
        metrics = MetricItem.query(
            keys.version_pk(int(version.version_id)), MetricItem.sk.startswith(keys.METRIC), consistent_read=True
        )
        return VersionRepository._to_domain(version), [MetricRepository._to_domain(metric) for metric in metrics]

    @staticmethod
    def _latest_version(model: AIModel) -> VersionItem | None:
        # the model item carries the latest-version pointer (moved in the version's own transaction)
        if model.latest_version is None:
            return None
        try:
            return VersionItem.get(keys.version_pk(model.latest_version.id), keys.META, consistent_read=True)
        except DoesNotExist:
            return None


class PolicyModelReader:
    """The models the monitor re-checks."""

    def __init__(self, models: ModelRepository | None = None) -> None:
        self._models = models or ModelRepository()

    def get(self, model_id: int) -> AIModel | None:
        return self._models.get(model_id)

    def approved(self, limit: int, cursor: str | None) -> Page:
        return self._models.list({"compliance_status": ComplianceStatus.APPROVED.value}, limit, cursor)


class ViolationFlagRepository:
    def set_violations(self, model: AIModel, violations: list[PolicyViolation], stamp: Stamp) -> bool:
        """Set (or clear) the model's `policy_violations`, only if it is still approved at the revision read."""
        item = ModelItem(keys.model_pk(model.id), keys.META)
        item.revision = model.revision
        flag = [
            PolicyViolationMap(
                rule_id=v.rule_id,
                kind=v.kind,
                reason=v.reason,
                article=v.article,
                policy_version=v.policy_version,
                detected_at=v.detected_at.isoformat(),
            )
            for v in violations
        ]
        actions: list[Action] = [
            ModelItem.policy_violations.set(flag) if flag else ModelItem.policy_violations.remove(),
            ModelItem.updated_at.set(stamp.updated_at.isoformat()),
            ModelItem.updated_by.set(stamp.updated_by),
            ModelItem.updated_by_role.set(stamp.updated_by_role),
            ModelItem.change_reason.set(stamp.change_reason or ""),
        ]
        try:
            item.update(actions=actions, condition=ModelItem.compliance_status == ComplianceStatus.APPROVED.value)
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

"""Policy sets and compliance evidence in the single table.

- `PK=POLICY SK=V#<version:06d>` (entity `policy`, model_id 0): one immutable item per version; its INSERT is
  the audit fact (who, why, the whole document) in the global chain.
- `PK=POLICY SK=ACTIVE` (no entity, not audited): the active pointer with a copy of the document, so reading
  the active policy is one GetItem. Replacing the policy writes both in one transaction, conditioned on the
  pointer still being where the caller read it.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from govhub.domain.entities import (
    AIModel,
    Metric,
    ModelVersion,
    Page,
    PolicyViolation,
    Stamp,
)
from govhub.domain.lifecycle import ComplianceStatus
from govhub.policy.document import PolicyDocument, parse_policy_text
from govhub.policy.versions import PolicyVersion, StoreConflictError
from govhub.store import keys
from govhub.store.cursors import decode_cursor, encode_cursor
from govhub.store.items import (
    MetricItem,
    ModelItem,
    PolicyViolationMap,
    VersionItem,
    _Stamped,
    _TableMeta,
)
from govhub.store.repository import (
    ConditionFailedError,
    MetricRepository,
    ModelRepository,
    VersionRepository,
    _transact,
)


class PolicyItem(_Stamped):
    class Meta(_TableMeta):
        pass

    version = NumberAttribute()
    name = UnicodeAttribute()
    document = UnicodeAttribute()


class PolicyPointerItem(Model):
    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    version = NumberAttribute()
    document = UnicodeAttribute()
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_by_role = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)


@lru_cache(maxsize=32)
def _document(text: str) -> PolicyDocument:
    """Stored documents were validated when written; each distinct text is parsed once per container."""
    return parse_policy_text(text)


class PolicyRepository:
    def active(self) -> PolicyVersion | None:
        try:
            pointer = PolicyPointerItem.get(keys.POLICY_PK, keys.POLICY_ACTIVE_SK, consistent_read=True)
        except DoesNotExist:
            return None
        return PolicyVersion(
            int(pointer.version),
            _document(pointer.document),
            datetime.fromisoformat(pointer.created_at),
            pointer.created_by,
            pointer.created_by_role,
            pointer.reason,
        )

    def get(self, version: int) -> PolicyVersion | None:
        try:
            item = PolicyItem.get(keys.POLICY_PK, keys.policy_version_sk(version), consistent_read=True)
        except DoesNotExist:
            return None
        return self._to_domain(item)

    def list(self, limit: int, cursor: str | None) -> Page:
        results = PolicyItem.query(
            keys.POLICY_PK,
            PolicyItem.sk.startswith(keys.POLICY_VERSION),
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=decode_cursor(cursor, PolicyItem, keys.POLICY_PK),
        )
        items = [self._to_domain(item) for item in results]
        return Page(items=items, next_cursor=encode_cursor(results.last_evaluated_key))

    def activate(self, new: PolicyVersion, replaces: int) -> None:
        if new.created_at is None:
            raise ValueError("a stored policy version has a creation time")
        created_at = new.created_at.isoformat()
        text = new.document.to_text()
        item = PolicyItem(
            keys.POLICY_PK,
            keys.policy_version_sk(new.version),
            entity=keys.ENTITY_POLICY,
            model_id=keys.GLOBAL_MODEL_ID,
            version=new.version,
            name=new.document.name,
            document=text,
            created_at=created_at,
            created_by=new.created_by,
            updated_at=created_at,
            updated_by=new.created_by,
            updated_by_role=new.created_by_role,
            change_reason=new.reason,
        )
        pointer = PolicyPointerItem(
            keys.POLICY_PK,
            keys.POLICY_ACTIVE_SK,
            version=new.version,
            document=text,
            created_at=created_at,
            created_by=new.created_by,
            created_by_role=new.created_by_role,
            reason=new.reason,
        )
        still_there = PolicyPointerItem.pk.does_not_exist() if replaces == 0 else PolicyPointerItem.version == replaces

        def build(transaction: TransactWrite) -> None:
            transaction.save(item, condition=PolicyItem.pk.does_not_exist())
            transaction.save(pointer, condition=still_there)

        try:
            _transact(build)
        except ConditionFailedError:
            raise StoreConflictError(f"the active policy is no longer version {replaces}") from None

    @staticmethod
    def _to_domain(item: PolicyItem) -> PolicyVersion:
        return PolicyVersion(
            int(item.version),
            _document(item.document),
            datetime.fromisoformat(item.created_at),
            item.created_by,
            item.updated_by_role,
            item.change_reason,
        )


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

"""pynamodb items of the single table. Items never leave the store package: repositories map them."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from govhub.config import settings
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.store import keys


class _TableMeta:
    table_name = settings().table_name
    region = settings().region


def _index(name: str) -> type[GlobalSecondaryIndex]:
    """An index class over the overloaded GSI<n>PK / GSI<n>SK attributes."""
    number = name.removeprefix("gsi")

    class Meta:
        index_name = name
        projection = AllProjection()

    return type(
        f"Index{number}",
        (GlobalSecondaryIndex,),
        {
            "Meta": Meta,
            "pk": UnicodeAttribute(hash_key=True, attr_name=f"GSI{number}PK"),
            "sk": UnicodeAttribute(range_key=True, attr_name=f"GSI{number}SK"),
        },
    )


ListIndex = _index(keys.GSI_LIST)
RiskIndex = _index(keys.GSI_RISK)
StatusIndex = _index(keys.GSI_STATUS)
OwnerIndex = _index(keys.GSI_OWNER)
DomainIndex = _index(keys.GSI_DOMAIN)
RiskStatusIndex = _index(keys.GSI_RISK_STATUS)
TeamIndex = _index(keys.GSI_TEAM)
OverridesIndex = _index(keys.GSI_OVERRIDES)


class _Stamped(Model):
    """Attributes every audited item carries: the stream turns them into audit records."""

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    entity = UnicodeAttribute()
    model_id = NumberAttribute()
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()
    updated_by_role = UnicodeAttribute()
    change_reason = UnicodeAttribute(null=True)
    # what a pipeline says about its run (repository, run id, commit): shown in the audit trail, never trusted
    claimed_context: MapAttribute[str, Any] = MapAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(null=True, attr_name="GSI1SK")


class PolicyViolationMap(MapAttribute):
    """One failed rule of an approved model, as the policy monitor flags it."""

    rule_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    reason = UnicodeAttribute()
    article = UnicodeAttribute()
    policy_version = NumberAttribute()
    detected_at = UnicodeAttribute()


class SignoffMap(MapAttribute):
    by = UnicodeAttribute()
    role = UnicodeAttribute()
    at = UnicodeAttribute()
    reason = UnicodeAttribute()
    version_id = NumberAttribute(null=True)


class InvalidationMap(MapAttribute):
    at = UnicodeAttribute()
    by = UnicodeAttribute()
    fields = ListAttribute(of=UnicodeAttribute)
    snapshot_sha256 = UnicodeAttribute()


class ApprovalMap(MapAttribute):
    """The model's approval: sign-offs of the current review round and the sealed snapshot in force."""

    required_signoffs = NumberAttribute(default=1)
    signoffs = ListAttribute(of=SignoffMap, null=True)
    snapshot_sha256 = UnicodeAttribute(null=True)
    sealed_at = UnicodeAttribute(null=True)
    policy_version = NumberAttribute(null=True)
    invalidated = InvalidationMap(null=True)


class ExternalRefMap(MapAttribute):
    """Where an imported model lives: its registry and its name there."""

    system = UnicodeAttribute()
    name = UnicodeAttribute()


class ClassificationMap(MapAttribute):
    """The questionnaire's verdict on the model: the yes answers, the suggestion, who, when, any override and why."""

    suggested_risk_level = UnicodeAttribute()
    questionnaire_version = UnicodeAttribute()
    classified_by = UnicodeAttribute()
    classified_at = UnicodeAttribute()
    answered_yes = ListAttribute(of=UnicodeAttribute, default=list)
    override = BooleanAttribute(default=False)
    justification = UnicodeAttribute(null=True)


class ModelItem(_Stamped):
    class Meta(_TableMeta):
        pass

    revision = VersionAttribute()
    name = UnicodeAttribute()
    name_key = UnicodeAttribute()
    owner = UnicodeAttribute()
    team = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    domain = UnicodeAttribute(null=True)
    risk_level = UnicodeAttribute(default=RiskLevel.MINIMAL.value)
    risk_justification = UnicodeAttribute(null=True)
    compliance_status = UnicodeAttribute(default=ComplianceStatus.DRAFT.value)
    intended_purpose = UnicodeAttribute(null=True)
    data_sources = UnicodeAttribute(null=True)
    oversight_plan = UnicodeAttribute(null=True)
    submitted_by = UnicodeAttribute(null=True)
    approved_by = UnicodeAttribute(null=True)
    approved_at = UnicodeAttribute(null=True)
    approved_version_id = NumberAttribute(null=True)
    policy_violations = ListAttribute(of=PolicyViolationMap, null=True)
    approval = ApprovalMap(null=True)
    editors_since_submission = UnicodeSetAttribute(null=True)
    external_ref = ExternalRefMap(null=True)
    latest_version_id = NumberAttribute(null=True)
    latest_version_tag = UnicodeAttribute(null=True)
    operator_role = UnicodeAttribute(null=True)
    classification = ClassificationMap(null=True)
    gsi8pk = UnicodeAttribute(null=True, attr_name="GSI8PK")
    gsi8sk = UnicodeAttribute(null=True, attr_name="GSI8SK")
    gsi2pk = UnicodeAttribute(null=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(null=True, attr_name="GSI2SK")
    gsi3pk = UnicodeAttribute(null=True, attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(null=True, attr_name="GSI3SK")
    gsi4pk = UnicodeAttribute(null=True, attr_name="GSI4PK")
    gsi4sk = UnicodeAttribute(null=True, attr_name="GSI4SK")
    gsi5pk = UnicodeAttribute(null=True, attr_name="GSI5PK")
    gsi5sk = UnicodeAttribute(null=True, attr_name="GSI5SK")
    gsi6pk = UnicodeAttribute(null=True, attr_name="GSI6PK")
    gsi6sk = UnicodeAttribute(null=True, attr_name="GSI6SK")
    gsi7pk = UnicodeAttribute(null=True, attr_name="GSI7PK")
    gsi7sk = UnicodeAttribute(null=True, attr_name="GSI7SK")

    by_list = ListIndex()
    by_risk = RiskIndex()
    by_status = StatusIndex()
    by_owner = OwnerIndex()
    by_domain = DomainIndex()
    by_risk_status = RiskStatusIndex()
    by_team = TeamIndex()
    by_override = OverridesIndex()


class ModelPointerItem(Model):
    """The model item seen by version registration: only the latest-version pointer, no revision bump.

    Registering a version moves this pointer in the same transaction; the model's own writes are
    updates that never touch it, so neither can lose the other's change.
    """

    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    compliance_status = UnicodeAttribute(null=True)
    latest_version_id = NumberAttribute(null=True)
    latest_version_tag = UnicodeAttribute(null=True)
    editors_since_submission = UnicodeSetAttribute(null=True)


# Bookkeeping attributes of the model item: a change of only these is not a change of the model's record
# (who touched versions or metrics is kept for the independent-review rule; the audit trail has those changes).
MODEL_POINTER_ATTRIBUTES = ("latest_version_id", "latest_version_tag")
MODEL_BOOKKEEPING_ATTRIBUTES = (*MODEL_POINTER_ATTRIBUTES, "editors_since_submission")


class VersionItem(_Stamped):
    class Meta(_TableMeta):
        pass

    revision = VersionAttribute()
    version_id = NumberAttribute()
    version_tag = UnicodeAttribute()
    s3_path = UnicodeAttribute()
    sha256 = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    # the declared datasets and base model (govhub.datasets), as canonical JSON: audited with the version
    inputs = UnicodeAttribute(null=True)

    by_list = ListIndex()


class MetricItem(_Stamped):
    class Meta(_TableMeta):
        pass

    metric_id = NumberAttribute()
    version_id = NumberAttribute()
    metric_name = UnicodeAttribute()
    value = NumberAttribute()

    by_list = ListIndex()


class ApprovalItem(_Stamped):
    """A sealed approval snapshot (canonical JSON) under its model: written in the approving transaction, never changed."""

    class Meta(_TableMeta):
        pass

    snapshot_sha256 = UnicodeAttribute()
    snapshot = UnicodeAttribute()
    version_id = NumberAttribute(null=True)


class TeamItem(_Stamped):
    """A team (slug + display name); audited in the global chain (model id 0), like policy versions."""

    class Meta(_TableMeta):
        pass

    revision = VersionAttribute()
    slug = UnicodeAttribute()
    display_name = UnicodeAttribute()

    by_list = ListIndex()


class TombstoneItem(_Stamped):
    """Written in the same transaction as a delete, so the audit trail knows who deleted what and why."""

    class Meta(_TableMeta):
        pass

    name = UnicodeAttribute()
    snapshot = UnicodeAttribute()


class GuardItem(Model):
    """Uniqueness guard (model name, version tag per model): written with attribute_not_exists."""

    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    target_id = NumberAttribute()


class SequenceItem(Model):
    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    value = NumberAttribute(default=0)


COUNTER_NAMES = keys.counter_names([r.value for r in RiskLevel], [s.value for s in ComplianceStatus])


class _CounterBase(Model):
    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")


# One top-level number per counter, so each can be ADDed in the same transaction as the change.
CounterItem: type[_CounterBase] = type(
    "CounterItem",
    (_CounterBase,),
    {"Meta": _CounterBase.Meta, **{name: NumberAttribute(null=True) for name in COUNTER_NAMES}},
)


class DatasetItem(_Stamped):
    """A dataset (Art. 10, Annex IV 2(d)); audited in the global chain (model id 0), like teams."""

    class Meta(_TableMeta):
        pass

    revision = VersionAttribute()
    dataset_id = NumberAttribute()
    name = UnicodeAttribute()
    name_key = UnicodeAttribute()
    team = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    source = UnicodeAttribute(null=True)
    licence = UnicodeAttribute(null=True)
    collection_period = UnicodeAttribute(null=True)
    geographic_scope = UnicodeAttribute(null=True)
    demographic_scope = UnicodeAttribute(null=True)
    labelling_procedure = UnicodeAttribute(null=True)
    personal_data = BooleanAttribute(default=False)
    special_categories = BooleanAttribute(default=False)
    known_limitations = UnicodeAttribute(null=True)
    bias_examined = UnicodeAttribute(null=True)
    bias_outcome = UnicodeAttribute(null=True)
    flagged = BooleanAttribute(default=False)
    flag_reason = UnicodeAttribute(null=True)
    flagged_by = UnicodeAttribute(null=True)
    flagged_at = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True, attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(null=True, attr_name="GSI3SK")
    gsi7pk = UnicodeAttribute(null=True, attr_name="GSI7PK")
    gsi7sk = UnicodeAttribute(null=True, attr_name="GSI7SK")

    by_list = ListIndex()
    by_status = StatusIndex()
    by_team = TeamIndex()


class DatasetVersionItem(_Stamped):
    """One version of a dataset: where it lives, how many records, its SHA-256 (global chain, never changed)."""

    class Meta(_TableMeta):
        pass

    dataset_id = NumberAttribute()
    dataset_version_id = NumberAttribute()
    version_tag = UnicodeAttribute()
    location = UnicodeAttribute()
    records = NumberAttribute(null=True)
    sha256 = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)

    by_list = ListIndex()


class UsedByItem(Model):
    """A downstream lineage edge: the model version `version_id` (of `user_model_id`) uses the partition's dataset
    version, dataset or base model version. No `entity`: the declaring version item is the audited fact."""

    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    user_model_id = NumberAttribute()
    version_id = NumberAttribute()
    version_tag = UnicodeAttribute()
    relation = UnicodeAttribute()  # training / validation / testing, or base_model
    dataset_version_id = NumberAttribute(null=True)
    base_version_id = NumberAttribute(null=True)  # under a base model: which of its versions the user is built on
    base_version_tag = UnicodeAttribute(null=True)


class DependentsItem(Model):
    """Under a model: the newest version of another model declared as built on one of its versions. The model's delete
    is conditioned on it, so a dependent registered between the delete's check and its commit fails the delete."""

    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    latest_version_id = NumberAttribute()

"""Key prefixes and index names of the single table. No key is built anywhere else."""

from __future__ import annotations

from typing import Generic, TypeVar

from govhub.text import fold_name

Id = TypeVar("Id", int, str)


class Prefixed(Generic[Id]):
    """The key of one thing of a kind: the kind's prefix, then the thing's id (`Prefixed[int](MODEL)(7)` is `MODEL#7`)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, value: Id) -> str:
        return f"{self.prefix}{value}"

MODEL = "MODEL#"
VERSION = "VERSION#"
METRIC = "METRIC#"
META = "META"
MODEL_NAME_GUARD = "MODELNAME#"
VERSION_TAG_GUARD = "VERSIONTAG#"
TOMBSTONE = "TOMBSTONE#"
STATS_PK = "STATS"
COUNTERS_SK = "COUNTERS"
SEQUENCE_PK = "SEQUENCE"
MODELS_LIST = "MODELS"
APPROVAL = "APPROVAL#"  # sealed approval snapshots under their model, by time
TEAM = "TEAM#"
TEAMS_LIST = "TEAMS"  # GSI1 partition of every team, by slug
DELIVERY = "DELIVERY#"  # a webhook delivery already accepted (replay guard), removed by the table's TTL

# Global secondary indexes (GSI1 is overloaded: list of models, versions of a model, metric by id).
GSI_LIST = "gsi1"
GSI_RISK = "gsi2"
GSI_STATUS = "gsi3"
GSI_OWNER = "gsi4"
GSI_DOMAIN = "gsi5"
GSI_RISK_STATUS = "gsi6"
GSI_TEAM = "gsi7"
GSI_OVERRIDES = "gsi8"  # sparse: only models whose risk level overrides the classification questionnaire
GSI_DUE = "gsi9"  # sparse: what falls due (periodic reviews, evidence expiry, incident reports), by due date

# GSI9 partitions: `DUE#<kind>`, sorted by `<due date ISO 8601>#<ref>`, so a daily sweep reads only what is due
# (a Query with `GSI9SK <= "<now>~"`), never the whole table. Items leave the index by dropping GSI9PK.
DUE = "DUE#"

# The `entity` attribute tells the stream consumers what changed; items without it
# (guards, counters, sequences, audit index) never reach the audit trail.
ENTITY_MODEL = "model"
ENTITY_VERSION = "version"
ENTITY_METRIC = "metric"
ENTITY_TOMBSTONE = "tombstone"
ENTITY_POLICY = "policy"
ENTITY_REPORT = "report"
ENTITY_APPROVAL = "approval"
ENTITY_TEAM = "team"

# Report generations (audited, under their model) and bulk report jobs (not audited: no `entity`).
REPORT = "REPORT#"
REPORT_JOB_PK = "REPORTJOB#"
REPORT_JOB_TYPE = "report_job"  # the `item_type` the report jobs function's stream filter selects

# Versioned documents (store/documents.py), each under its own partition: one item per version (audited, in the
# "global" chain of model id 0) and the active pointer. The policy set's partition:
DOCUMENT_VERSION = "V#"
DOCUMENT_ACTIVE_SK = "ACTIVE"
GLOBAL_MODEL_ID = 0
POLICY_PK = "POLICY"

# Classification: overridden models (GSI8 partition), the timeline's versions and active pointer (global chain),
# attestations of obligations under their model (one item per obligation, audited).
CLASSIFICATION_OVERRIDES = "CLASSIFICATION#OVERRIDE"
TIMELINE_PK = "TIMELINE"
ATTESTATION = "ATTESTATION#"
ENTITY_TIMELINE = "timeline"
ENTITY_ATTESTATION = "attestation"

# Evidence documents under their model (entity `evidence`, audited in the model's chain): the item, and one cover item
# per obligation / rule / control it covers (no `entity`: the covers filter's index). Kind and status filters are
# GSI2 / GSI3 partitions of the item; its expiry is in the GSI9 due-date partition `DUE#evidence_expiry`.
EVIDENCE = "EVIDENCE#"
EVIDENCE_COVER = "EVCOVER#"
ENTITY_EVIDENCE = "evidence"
EVIDENCE_EXPIRY = "evidence_expiry"

# Framework crosswalks (ISO/IEC 42001, NIST AI RMF ↔ EU AI Act): versions and the active pointer (global chain).
FRAMEWORKS_PK = "FRAMEWORKS"
ENTITY_FRAMEWORKS = "frameworks"

# The audit trail (written by audit_stream). These items have no `entity`, so they never feed back into
# the stream consumers: a head per model (last sequence and hash) and an index item per record, keyed by
# its stream event (a redelivery is recognised by it), in GSI3 under its model by sequence.
AUDIT_HEAD = "AUDITHEAD#"
AUDIT_RECORDS = "AUDIT#"  # GSI3 partition of one model's records, by sequence
AUDIT_EVENT = "AUDITEVENT#"
AUDIT_HEAD_SK = "HEAD"
AUDIT_EVENT_SK = "EVENT"
AUDIT_LIST = "AUDIT"  # GSI1 partition of every record, sorted by time
ACTOR = "ACTOR#"  # GSI2 partition of one actor's records, sorted by time
AUDIT_FILTER = "AUDITFILTER#"  # a record's second index item: the per-model filter partitions
AUDIT_FILTER_SK = "FILTER"
AUDIT_DIGEST_HEAD = "AUDITDIGEST#"  # the last signed digest of a model's chain
AUDIT_DIGEST_HEAD_SK = "HEAD"
AUDIT_DIGEST_PAGE = "DP#"  # signed copies of a chain's digests, under AUDITDIGEST#<model>, 100 to a page item
AUDIT_DIGESTS_PER_PAGE = 100
AUDIT_VERIFICATION_JOB = "AUDITVERIFYJOB#"  # a full verification asked with ?full=true (no `entity`: not audited as a change)
AUDIT_VERIFICATION_JOB_SK = "JOB"
AUDIT_VERIFICATION_JOB_TYPE = "audit_verification_job"  # the `item_type` the verification jobs function's filter selects

# The access log (written by audit_stream from report generation items; apart from every change chain): one index
# item per access under its model and under its UTC day, sorted by time. No `entity`: they never feed back.
ACCESS_LOG_MODEL = "ACCESSLOG#MODEL#"
ACCESS_LOG_DAY = "ACCESSLOG#DAY#"

# Per-caller request counters of the rate-limited routes, one item per fixed window (expired by TTL).
RATE_LIMIT = "RATELIMIT#"


access_model_pk = Prefixed[int](ACCESS_LOG_MODEL)
access_day_pk = Prefixed[str](ACCESS_LOG_DAY)


def access_sk(at: str, event_id: str) -> str:
    return f"{at}#{event_id}"


def rate_limit_pk(name: str, caller: str) -> str:
    return f"{RATE_LIMIT}{name}#{caller}"


model_pk = Prefixed[int](MODEL)
version_pk = Prefixed[int](VERSION)


def metric_sk(metric_id: int) -> str:
    return f"{METRIC}{metric_id:012d}"


metric_lookup = Prefixed[int](METRIC)


def name_key(name: str) -> str:
    """Names are unique and sorted case-insensitively, compared in NFKC form (so look-alike spellings collide)."""
    return fold_name(name)


def model_name_guard(name: str) -> str:
    return f"{MODEL_NAME_GUARD}{name_key(name)}"


version_tag_guard = Prefixed[str](VERSION_TAG_GUARD)


def versions_of(model_id: int) -> str:
    return f"{MODEL}{model_id}#VERSIONS"


tombstone_sk = Prefixed[str](TOMBSTONE)


def report_sk(at_iso: str, report_id: str) -> str:
    return f"{REPORT}{at_iso}#{report_id}"


def approval_sk(sealed_at_iso: str, sha256: str) -> str:
    return f"{APPROVAL}{sealed_at_iso}#{sha256}"


team_pk = Prefixed[str](TEAM)

# GSI9 partition of one kind of deadline (e.g. `review`, `evidence_expiry`, `incident_report`)
due_partition = Prefixed[str](DUE)


def due_sort_key(due_at: str, ref: str) -> str:
    """GSI9 sort key: the due date (ISO 8601, UTC) first, so a range condition selects what is due by a date."""
    return f"{due_at}#{ref}"


evidence_sk = Prefixed[str](EVIDENCE)


def evidence_cover_sk(ref: str, evidence_id: str) -> str:
    return f"{EVIDENCE_COVER}{ref}#{evidence_id}"


def evidence_cover_prefix(ref: str) -> str:
    return f"{EVIDENCE_COVER}{ref}#"


def evidence_kind_partition(model_id: int, kind: str) -> str:
    return f"{EVIDENCE}{model_id}#KIND#{kind}"


def evidence_status_partition(model_id: int, status: str) -> str:
    return f"{EVIDENCE}{model_id}#STATUS#{status}"


# GSI7 partition of one team's models
team_partition = Prefixed[str]("MODELS#TEAM#")

report_job_pk = Prefixed[str](REPORT_JOB_PK)


def document_version_sk(version: int) -> str:
    return f"{DOCUMENT_VERSION}{version:06d}"


attestation_sk = Prefixed[str](ATTESTATION)
audit_head_pk = Prefixed[int](AUDIT_HEAD)
audit_records_pk = Prefixed[int](AUDIT_RECORDS)


def audit_sequence_sk(sequence: int) -> str:
    return f"{sequence:010d}"


audit_filter_pk = Prefixed[str](AUDIT_FILTER)


def audit_entity_partition(entity: str, model_id: int | None = None) -> str:
    """Records about one kind of object (of one model, if given), by time."""
    return f"AUDIT#{model_id}#ENTITY#{entity}" if model_id is not None else f"AUDITENTITY#{entity}"


def audit_action_partition(action: str, model_id: int | None = None) -> str:
    return f"AUDIT#{model_id}#ACTION#{action}" if model_id is not None else f"AUDITACTION#{action}"


def audit_model_actor_partition(model_id: int, username: str) -> str:
    return f"AUDIT#{model_id}#{actor_partition(username)}"


# One model's records by time (GSI3 of the filter item; by sequence it is ``audit_records_pk`` on the event item)
audit_model_time_partition = Prefixed[int]("AUDITTIME#")

audit_digest_head_pk = Prefixed[int](AUDIT_DIGEST_HEAD)


def audit_digest_page_sk(number: int) -> str:
    """The page item that holds digest ``number``'s copy (digests 1-100 on page 0, ...)."""
    return f"{AUDIT_DIGEST_PAGE}{(number - 1) // AUDIT_DIGESTS_PER_PAGE:06d}"


audit_verification_job_pk = Prefixed[str](AUDIT_VERIFICATION_JOB)
audit_event_pk = Prefixed[str](AUDIT_EVENT)


def audit_time_sk(time_iso: str, model_id: int, sequence: int) -> str:
    """Sorts by time; model and sequence make it unique."""
    return f"{time_iso}#{model_id:012d}#{sequence:010d}"


def actor_partition(username: str) -> str:
    return f"{ACTOR}{username.strip().casefold()}"


risk_partition = Prefixed[str]("RISK#")
status_partition = Prefixed[str]("STATUS#")


def owner_partition(owner: str) -> str:
    return f"OWNER#{owner.strip().casefold()}"


def domain_partition(domain: str) -> str:
    return f"DOMAIN#{domain.strip().casefold()}"


def risk_status_partition(risk_level: str, status: str) -> str:
    return f"RISKSTATUS#{risk_level}#{status}"


def counter_names(risk_levels: list[str], statuses: list[str]) -> list[str]:
    """Top-level counter attributes of the stats item: total, per risk, per status, per cell."""
    names = ["total"]
    names += [f"risk_{r}" for r in risk_levels]
    names += [f"status_{s}" for s in statuses]
    names += [f"cell_{r}_{s}" for r in risk_levels for s in statuses]
    return names
IDEMPOTENCY_PK = "IDEMPOTENCY"


def delivery_pk(system: str, delivery_id: str) -> str:
    return f"{DELIVERY}{system}#{delivery_id}"


# Substring search on model names: one item per distinct trigram of the normalised name, under
# NGRAM#<gram>, sorted by name (no `entity`: never audited). Written in the model's own transactions.
NAME_GRAM = "NGRAM#"


name_gram_pk = Prefixed[str](NAME_GRAM)


def name_gram_sk(name: str, model_id: int) -> str:
    return f"{name_key(name)}#{model_id:012d}"


# Post-market monitoring (govhub.monitoring): the plan and the review schedule under their model; findings under their
# model, one item per metric (open ones also in GSI1 under FINDINGS#OPEN); reviews under their model by time;
# observations one item each, in a partition per model and metric sorted by time (a year of a metric is one Query).
# The review schedule carries an entity for the notifier (its state changes are announced), but is not audited.
ENTITY_MONITORING_PLAN = "monitoring_plan"
ENTITY_FINDING = "finding"
ENTITY_REVIEW = "review"
ENTITY_REVIEW_SCHEDULE = "review_schedule"
MONITORING_PLAN_SK = "MONITORINGPLAN"
REVIEW_SCHEDULE_SK = "REVIEWSCHEDULE"
FINDING = "FINDING#"
FINDINGS_OPEN = "FINDINGS#OPEN"
REVIEW = "REVIEW#"
OBSERVATION = "OBS#"
DUE_REVIEW = "review"

# Serious incidents (govhub.incidents): one item per incident (audited in its model's chain), listed through GSI1
# (all, by awareness), GSI2 (one model's), GSI3 (by status); an unreported serious incident sits in GSI9 under
# DUE#incident_report by its Art. 73 deadline. The deadline rules are versioned documents with an active pointer.
ENTITY_INCIDENT = "incident"
ENTITY_INCIDENT_DEADLINES = "incident_deadlines"
INCIDENT = "INCIDENT#"
INCIDENTS_LIST = "INCIDENTS"
INCIDENT_DEADLINES_PK = "INCIDENTDEADLINES"
DUE_INCIDENT_REPORT = "incident_report"


finding_sk = Prefixed[str](FINDING)


def review_sk(reviewed_at: str, review_id: str) -> str:
    return f"{REVIEW}{reviewed_at}#{review_id}"


def observation_pk(model_id: int, metric: str) -> str:
    return f"{OBSERVATION}{model_id}#{metric}"


def observation_sk(observed_at: str, environment: str) -> str:
    """Sorted by time; one value per metric, time and environment (a resent observation overwrites itself)."""
    return f"{observed_at}#{environment}"


def finding_open_sk(opened_at: str, model_id: int, metric: str) -> str:
    return f"{opened_at}#{model_id:012d}#{metric}"


incident_pk = Prefixed[int](INCIDENT)
incidents_of_model = Prefixed[int]("INCIDENTS#MODEL#")
incidents_in_status = Prefixed[str]("INCIDENTS#STATUS#")


def incident_sort_key(aware_at: str, incident_id: int) -> str:
    return f"{aware_at}#{incident_id:012d}"


# Datasets (govhub.datasets): one item per dataset and per dataset version (audited in the global chain, model id 0),
# a name guard, a tag guard per dataset, and the lineage adjacency items (no `entity`: the version item that declares
# them is the audited fact). Upstream is read from the declaring version item; downstream from `USEDBY#` items:
# under a dataset version, under its dataset (so a dataset's impact is one Query), under a base model's version and
# under that version's model (so the models built on a model are one Query, which its delete reads), beside the
# model's `DEPENDENTS` marker (the newest of them, the delete's condition), and beside a base version's `DEPENDED` marker
# (so an impact walk reads, 100 to a BatchGetItem, which versions have users before it queries their edges).
DATASET = "DATASET#"
DATASET_VERSION = "DSVERSION#"
DATASET_NAME_GUARD = "DATASETNAME#"
DATASET_VERSION_TAG_GUARD = "DSVERSIONTAG#"
DATASETS_LIST = "DATASETS"  # GSI1 partition of every dataset, by name
DATASETS_FLAGGED = "DATASETS#FLAGGED"  # GSI3 partition (sparse): the flagged datasets, by name
USED_BY = "USEDBY#"
DEPENDENTS = "DEPENDENTS"
DEPENDED = "DEPENDED"
ENTITY_DATASET = "dataset"
ENTITY_DATASET_VERSION = "dataset_version"


dataset_pk = Prefixed[int](DATASET)
dataset_version_pk = Prefixed[int](DATASET_VERSION)


def dataset_name_guard(name: str) -> str:
    return f"{DATASET_NAME_GUARD}{name_key(name)}"


dataset_version_tag_guard = Prefixed[str](DATASET_VERSION_TAG_GUARD)


def dataset_versions_of(dataset_id: int) -> str:
    """GSI1 partition of one dataset's versions, by id."""
    return f"{DATASET}{dataset_id}#VERSIONS"


# GSI7 partition of one team's datasets, by name
dataset_team_partition = Prefixed[str]("DATASETS#TEAM#")


def used_by_sk(version_id: int, via: str = "") -> str:
    """A downstream edge: model version `version_id` uses the partition's dataset (version) or model version."""
    return f"{USED_BY}{version_id:012d}" + (f"#{via}" if via else "")

"""Every key the table holds, spelled out: a key builder that changes its output orphans the items already stored under
the old key, so each one is pinned here by the string it must produce."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from govhub.store import keys

KEYS: list[tuple[Callable[..., str], tuple[Any, ...], str]] = [
    (keys.access_model_pk, (7,), "ACCESSLOG#MODEL#7"),
    (keys.access_day_pk, ("2026-12-01",), "ACCESSLOG#DAY#2026-12-01"),
    (keys.access_sk, ("2026-12-01T10:00:00+00:00", "ev-1"), "2026-12-01T10:00:00+00:00#ev-1"),
    (keys.rate_limit_pk, ("reports", "ada"), "RATELIMIT#reports#ada"),
    (keys.model_pk, (7,), "MODEL#7"),
    (keys.version_pk, (12,), "VERSION#12"),
    (keys.metric_sk, (3,), "METRIC#000000000003"),
    (keys.metric_lookup, (3,), "METRIC#3"),
    (keys.model_name_guard, ("Fraud Detector",), "MODELNAME#fraud detector"),
    (keys.version_tag_guard, ("v1.0",), "VERSIONTAG#v1.0"),
    (keys.versions_of, (7,), "MODEL#7#VERSIONS"),
    (keys.tombstone_sk, ("2026-12-01T10:00:00+00:00",), "TOMBSTONE#2026-12-01T10:00:00+00:00"),
    (keys.report_sk, ("2026-12-01T10:00:00+00:00", "r-1"), "REPORT#2026-12-01T10:00:00+00:00#r-1"),
    (keys.approval_sk, ("2026-12-01T10:00:00+00:00", "ab12"), "APPROVAL#2026-12-01T10:00:00+00:00#ab12"),
    (keys.team_pk, ("ml",), "TEAM#ml"),
    (keys.due_partition, ("review",), "DUE#review"),
    (keys.due_sort_key, ("2026-12-01T00:00:00+00:00", "7"), "2026-12-01T00:00:00+00:00#7"),
    (keys.evidence_sk, ("e-1",), "EVIDENCE#e-1"),
    (keys.evidence_cover_sk, ("art-9", "e-1"), "EVCOVER#art-9#e-1"),
    (keys.evidence_cover_prefix, ("art-9",), "EVCOVER#art-9#"),
    (keys.evidence_kind_partition, (7, "dpia"), "EVIDENCE#7#KIND#dpia"),
    (keys.evidence_status_partition, (7, "signed_off"), "EVIDENCE#7#STATUS#signed_off"),
    (keys.team_partition, ("ml",), "MODELS#TEAM#ml"),
    (keys.report_job_pk, ("j-1",), "REPORTJOB#j-1"),
    (keys.document_version_sk, (2,), "V#000002"),
    (keys.attestation_sk, ("art-49",), "ATTESTATION#art-49"),
    (keys.audit_head_pk, (7,), "AUDITHEAD#7"),
    (keys.audit_records_pk, (7,), "AUDIT#7"),
    (keys.audit_sequence_sk, (5,), "0000000005"),
    (keys.audit_filter_pk, ("ev-1",), "AUDITFILTER#ev-1"),
    (keys.audit_entity_partition, ("version", 7), "AUDIT#7#ENTITY#version"),
    (keys.audit_entity_partition, ("version",), "AUDITENTITY#version"),
    (keys.audit_action_partition, ("create", 7), "AUDIT#7#ACTION#create"),
    (keys.audit_action_partition, ("create",), "AUDITACTION#create"),
    (keys.audit_model_actor_partition, (7, " Ada "), "AUDIT#7#ACTOR#ada"),
    (keys.audit_model_time_partition, (7,), "AUDITTIME#7"),
    (keys.audit_digest_head_pk, (7,), "AUDITDIGEST#7"),
    (keys.audit_digest_page_sk, (101,), "DP#000001"),
    (keys.audit_verification_job_pk, ("j-1",), "AUDITVERIFYJOB#j-1"),
    (keys.audit_event_pk, ("ev-1",), "AUDITEVENT#ev-1"),
    (keys.audit_time_sk, ("2026-12-01T10:00:00+00:00", 7, 5), "2026-12-01T10:00:00+00:00#000000000007#0000000005"),
    (keys.actor_partition, (" Ada ",), "ACTOR#ada"),
    (keys.risk_partition, ("high",), "RISK#high"),
    (keys.status_partition, ("draft",), "STATUS#draft"),
    (keys.owner_partition, (" ML Team ",), "OWNER#ml team"),
    (keys.domain_partition, (" Finance ",), "DOMAIN#finance"),
    (keys.risk_status_partition, ("high", "draft"), "RISKSTATUS#high#draft"),
    (keys.delivery_pk, ("mlflow", "d-1"), "DELIVERY#mlflow#d-1"),
    (keys.name_gram_pk, ("fra",), "NGRAM#fra"),
    (keys.name_gram_sk, ("Fraud", 7), "fraud#000000000007"),
    (keys.finding_sk, ("accuracy",), "FINDING#accuracy"),
    (keys.review_sk, ("2026-12-01T10:00:00+00:00", "r-1"), "REVIEW#2026-12-01T10:00:00+00:00#r-1"),
    (keys.observation_pk, (7, "accuracy"), "OBS#7#accuracy"),
    (keys.observation_sk, ("2026-12-01T10:00:00+00:00", "prod"), "2026-12-01T10:00:00+00:00#prod"),
    (keys.finding_open_sk, ("2026-12-01T10:00:00+00:00", 7, "accuracy"), "2026-12-01T10:00:00+00:00#000000000007#accuracy"),
    (keys.incident_pk, (4,), "INCIDENT#4"),
    (keys.incidents_of_model, (7,), "INCIDENTS#MODEL#7"),
    (keys.incidents_in_status, ("open",), "INCIDENTS#STATUS#open"),
    (keys.incident_sort_key, ("2026-12-01T10:00:00+00:00", 4), "2026-12-01T10:00:00+00:00#000000000004"),
    (keys.dataset_pk, (3,), "DATASET#3"),
    (keys.dataset_version_pk, (9,), "DSVERSION#9"),
    (keys.dataset_name_guard, ("Loans 2026",), "DATASETNAME#loans 2026"),
    (keys.dataset_version_tag_guard, ("v2",), "DSVERSIONTAG#v2"),
    (keys.dataset_versions_of, (3,), "DATASET#3#VERSIONS"),
    (keys.dataset_team_partition, ("ml",), "DATASETS#TEAM#ml"),
    (keys.used_by_sk, (12,), "USEDBY#000000000012"),
    (keys.used_by_sk, (12, "base"), "USEDBY#000000000012#base"),
]


@pytest.mark.parametrize(("build", "args", "key"), KEYS, ids=[key for _, _, key in KEYS])
def test_each_key_is_spelled_as_the_stored_items_are(build: Callable[..., str], args: tuple[Any, ...], key: str) -> None:
    assert build(*args) == key


def test_every_key_builder_is_pinned() -> None:
    builders = {name for name, value in vars(keys).items() if callable(value) and name.islower() and not name.startswith("_")
                and getattr(value, "__module__", keys.__name__) == keys.__name__}
    pinned = {name for name, value in vars(keys).items() for build, _, _ in KEYS if value is build}
    assert builders - pinned - {"name_key", "counter_names"} == set()

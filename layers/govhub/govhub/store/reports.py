"""Where reports live: generation records and bulk jobs in the table, the files in the private reports bucket."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import IO, Any, cast

import boto3
from botocore.config import Config
from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.models import Model

from govhub.config import settings
from govhub.store import keys
from govhub.store.items import _Stamped, _TableMeta


@dataclass(frozen=True)
class ReportGeneration:
    """One generated report: who asked for which model's report, and what bytes they got."""

    report_id: str
    model_id: int
    format: str  # "pdf" or "json"
    sha256: str
    size_bytes: int
    content_sha256: str
    generated_at: datetime
    generated_by: str
    generated_by_role: str
    s3_key: str | None = None
    file_name: str | None = None
    bulk_job_id: str | None = None


@dataclass
class ReportJob:
    """A bulk report pack: the models it covers, how far it got, and where the ZIP is once done."""

    job_id: str
    status: str  # queued, running, done, failed
    filters: dict[str, str]
    model_ids: list[int]
    created_at: datetime
    created_by: str
    created_by_role: str
    updated_at: datetime
    done: int = 0
    s3_key: str | None = None
    file_name: str | None = None
    sha256: str | None = None
    size_bytes: int | None = None
    error: str | None = None
    skipped: list[dict[str, Any]] = field(default_factory=list)
    expires_at: int | None = None  # epoch seconds: the table's TTL removes the job with its file

    @property
    def total(self) -> int:
        return len(self.model_ids)


class ReportItem(_Stamped):
    """`PK=MODEL#<id> SK=REPORT#<iso>#<report id>`, entity=report: audit_stream writes each generation to the access
    log (govhub.access), not to the model's change chain."""

    class Meta(_TableMeta):
        pass

    report_id = UnicodeAttribute()
    format = UnicodeAttribute()
    sha256 = UnicodeAttribute()
    size_bytes = NumberAttribute()
    content_sha256 = UnicodeAttribute()
    s3_key = UnicodeAttribute(null=True)
    file_name = UnicodeAttribute(null=True)
    bulk_job_id = UnicodeAttribute(null=True)


class ReportJobItem(Model):
    """`PK=REPORTJOB#<id> SK=META`, item_type=report_job, no `entity`: bookkeeping, not an audit fact."""

    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    item_type = UnicodeAttribute(default=keys.REPORT_JOB_TYPE)
    job_id = UnicodeAttribute()
    status = UnicodeAttribute()
    filters = UnicodeAttribute()  # JSON object
    model_ids = ListAttribute(of=NumberAttribute)
    total = NumberAttribute()
    done = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_by_role = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    s3_key = UnicodeAttribute(null=True)
    file_name = UnicodeAttribute(null=True)
    sha256 = UnicodeAttribute(null=True)
    size_bytes = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)
    skipped = UnicodeAttribute(null=True)  # JSON list of {model_id, reason}
    expires_at = NumberAttribute(null=True)


class ReportRecordRepository:
    """The generation records: written once each, never changed."""

    def record(self, generations: Iterable[ReportGeneration]) -> None:
        items = [self._to_item(g) for g in generations]
        if len(items) == 1:
            items[0].save(condition=ReportItem.pk.does_not_exist())
            return
        with ReportItem.batch_write() as batch:
            for item in items:
                batch.save(item)

    def list_for_model(self, model_id: int) -> list[ReportGeneration]:
        """Every recorded generation of a model's report, newest first."""
        query = ReportItem.query(keys.model_pk(model_id), ReportItem.sk.startswith(keys.REPORT), scan_index_forward=False)
        return [self._to_domain(item) for item in query]

    @staticmethod
    def _to_item(generation: ReportGeneration) -> ReportItem:
        at = generation.generated_at.isoformat()
        reason = "Compliance report generated" + (f" (bulk pack {generation.bulk_job_id})" if generation.bulk_job_id else "")
        return ReportItem(
            keys.model_pk(generation.model_id),
            keys.report_sk(at, generation.report_id),
            entity=keys.ENTITY_REPORT,
            model_id=generation.model_id,
            created_at=at,
            created_by=generation.generated_by,
            updated_at=at,
            updated_by=generation.generated_by,
            updated_by_role=generation.generated_by_role,
            change_reason=reason,
            report_id=generation.report_id,
            format=generation.format,
            sha256=generation.sha256,
            size_bytes=generation.size_bytes,
            content_sha256=generation.content_sha256,
            s3_key=generation.s3_key,
            file_name=generation.file_name,
            bulk_job_id=generation.bulk_job_id,
        )

    @staticmethod
    def _to_domain(item: ReportItem) -> ReportGeneration:
        return ReportGeneration(
            report_id=item.report_id,
            model_id=int(item.model_id),
            format=item.format,
            sha256=item.sha256,
            size_bytes=int(item.size_bytes),
            content_sha256=item.content_sha256,
            generated_at=datetime.fromisoformat(item.created_at),
            generated_by=item.created_by,
            generated_by_role=item.updated_by_role,
            s3_key=item.s3_key,
            file_name=item.file_name,
            bulk_job_id=item.bulk_job_id,
        )


class JobClaimedError(Exception):
    """The job is finished (or gone): a redelivered stream record has nothing left to do."""


class ReportJobRepository:
    def create(self, job: ReportJob) -> ReportJob:
        self._to_item(job).save(condition=ReportJobItem.pk.does_not_exist())
        return job

    def get(self, job_id: str) -> ReportJob | None:
        try:
            item = ReportJobItem.get(keys.report_job_pk(job_id), keys.META, consistent_read=True)
        except DoesNotExist:
            return None
        return self._to_domain(item)

    def start(self, job_id: str, at: datetime) -> ReportJob:
        """Mark the job running from the start; fails with JobClaimedError when it is already done or failed."""
        item = ReportJobItem(keys.report_job_pk(job_id), keys.META)
        try:
            item.update(
                actions=[ReportJobItem.status.set("running"), ReportJobItem.done.set(0), ReportJobItem.updated_at.set(at.isoformat())],
                condition=ReportJobItem.pk.exists() & ReportJobItem.status.is_in("queued", "running"),
            )
        except UpdateError as error:
            if _condition_failed(error):
                raise JobClaimedError(job_id) from None
            raise
        return self._to_domain(item)

    def progress(self, job_id: str, done: int, at: datetime) -> None:
        ReportJobItem(keys.report_job_pk(job_id), keys.META).update(
            actions=[ReportJobItem.done.set(done), ReportJobItem.updated_at.set(at.isoformat())]
        )

    def finish(self, job: ReportJob) -> None:
        """Write the job's final state (done with its file, or failed with the reason)."""
        actions: list[Action] = [
            ReportJobItem.status.set(job.status),
            ReportJobItem.done.set(job.done),
            ReportJobItem.updated_at.set(job.updated_at.isoformat()),
            ReportJobItem.skipped.set(json.dumps(job.skipped)),
        ]
        for name in ("s3_key", "file_name", "sha256", "size_bytes", "error"):
            value = getattr(job, name)
            if value is not None:
                actions.append(getattr(ReportJobItem, name).set(value))
        ReportJobItem(keys.report_job_pk(job.job_id), keys.META).update(actions=actions)

    @staticmethod
    def _to_item(job: ReportJob) -> ReportJobItem:
        return ReportJobItem(
            keys.report_job_pk(job.job_id),
            keys.META,
            item_type=keys.REPORT_JOB_TYPE,
            job_id=job.job_id,
            status=job.status,
            filters=json.dumps(job.filters, sort_keys=True),
            model_ids=list(job.model_ids),
            total=job.total,
            done=job.done,
            created_at=job.created_at.isoformat(),
            created_by=job.created_by,
            created_by_role=job.created_by_role,
            updated_at=job.updated_at.isoformat(),
            s3_key=job.s3_key,
            file_name=job.file_name,
            sha256=job.sha256,
            size_bytes=job.size_bytes,
            error=job.error,
            skipped=json.dumps(job.skipped),
            expires_at=job.expires_at,
        )

    @staticmethod
    def _to_domain(item: ReportJobItem) -> ReportJob:
        return ReportJob(
            job_id=item.job_id,
            status=item.status,
            filters=json.loads(item.filters),
            model_ids=[int(i) for i in cast(list[Any], item.model_ids or [])],
            created_at=datetime.fromisoformat(item.created_at),
            created_by=item.created_by,
            created_by_role=item.created_by_role,
            updated_at=datetime.fromisoformat(item.updated_at),
            done=int(item.done or 0),
            s3_key=item.s3_key,
            file_name=item.file_name,
            sha256=item.sha256,
            size_bytes=int(item.size_bytes) if item.size_bytes is not None else None,
            error=item.error,
            skipped=json.loads(item.skipped) if item.skipped else [],
            expires_at=int(item.expires_at) if item.expires_at is not None else None,
        )


def _condition_failed(error: UpdateError) -> bool:
    return error.cause_response_code == "ConditionalCheckFailedException"


@lru_cache(maxsize=1)
def _s3() -> Any:
    """One S3 client per container, created on first use (SigV4: presigned URLs need it)."""
    return boto3.client("s3", region_name=settings().region, config=Config(signature_version="s3v4"))


class ReportFiles:
    """The private reports bucket: encrypted at rest, no public access, objects expire by a lifecycle rule."""

    def __init__(self, bucket: str | None = None) -> None:
        self._bucket = bucket or settings().reports_bucket

    def put(self, key: str, body: bytes | IO[bytes], content_type: str, file_name: str, metadata: dict[str, str]) -> None:
        _s3().put_object(
            Bucket=self._bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ContentDisposition=f'attachment; filename="{file_name}"',
            Metadata=metadata,
        )

    def presigned_url(self, key: str, ttl_seconds: int) -> str:
        return _s3().generate_presigned_url(
            "get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=ttl_seconds
        )

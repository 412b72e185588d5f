"""Compliance reports: gather a model's facts, render them, store the file privately, hand out a short-lived link.

Every generation is recorded (who, which model, the file's SHA-256) as a `report` item the audit stream
picks up. Bulk packs (all models matching a filter, one ZIP) are built in the request when small and by
the report jobs function, from a queued job item, when large. The PDF renderer is passed in: ReportLab
lives in the reports function only, never in this layer. What the active policy set says of the model
(metric thresholds, EU AI Act obligations, the next step's checklist) comes from the policy service, so
the report and the policy routes never disagree.
"""

from __future__ import annotations

import builtins
import hashlib
import importlib.util
import json
import re
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import IO, TYPE_CHECKING, Any, Protocol

from aws_lambda_powertools import Logger

from govhub.config import settings
from govhub.domain.entities import Actor, AIModel, Page
from govhub.errors import NotFoundError, ValidationFailedError
from govhub.reports.content import build_report_content
from govhub.schemas import MetricOut, ModelOut, VersionOut
from govhub.store.reports import JobClaimedError, ReportGeneration, ReportJob

if TYPE_CHECKING:
    from govhub.domain.entities import Metric, ModelVersion
    from govhub.policy.evaluator import Checklist
    from govhub.policy.obligations import ObligationChecklist
    from govhub.policy.service import EvidenceReader, PolicyService, PolicyStore
    from govhub.policy.versions import PolicyVersion

logger = Logger(service="govhub")

Renderer = Callable[[dict], bytes]
# (the last records, the verification, the summary: counts per kind, status and risk histories, total records)
AuditTrail = Callable[[int], tuple[list[dict], dict | None, dict | None]]
PolicyLookup = Callable[[AIModel], "PolicyView"]



# The report service's ports (the registry's use cases; govhub.store.reports over the table and the bucket).
class RegistryReader(Protocol):
    def get_model(self, model_id: int) -> AIModel: ...
    def list_models(self, filters: dict[str, str], limit: int, cursor: str | None) -> Page: ...
    def list_versions(self, model_id: int, limit: int, cursor: str | None) -> Page: ...
    def list_metrics(self, version_id: int, limit: int, cursor: str | None) -> Page: ...


class ReportRecords(Protocol):
    def record(self, generations: Iterable[ReportGeneration]) -> None: ...


class ReportJobs(Protocol):
    def create(self, job: ReportJob) -> ReportJob: ...
    def get(self, job_id: str) -> ReportJob | None: ...
    def start(self, job_id: str, at: datetime) -> ReportJob: ...
    def progress(self, job_id: str, done: int, at: datetime) -> None: ...
    def finish(self, job: ReportJob) -> None: ...


class ReportStorage(Protocol):
    def put(self, key: str, body: bytes | IO[bytes], content_type: str, file_name: str, metadata: dict[str, str]) -> None: ...
    def presigned_url(self, key: str, ttl_seconds: int) -> str: ...


BULK_SYNC_LIMIT = 5  # packs up to this many reports are built in the request; larger ones by the jobs function
BULK_MAX_MODELS = 1000  # one pack must render within the jobs function's 15 minutes
JOB_RETENTION_DAYS = 7  # the reports bucket's lifecycle rule removes the files after as many days
JOB_STALLED_AFTER = timedelta(minutes=16)  # the jobs function's timeout (15 min) and a margin
PAGE_SIZE = 100

PDF_TYPE = "application/pdf"
ZIP_TYPE = "application/zip"
_UNSAFE_FILE_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


class Clock(Protocol):
    def __call__(self) -> datetime: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ReportLink:
    """A stored report file and the presigned URL that downloads it until `expires_at`."""

    url: str
    expires_at: datetime
    sha256: str
    size_bytes: int
    file_name: str
    report_id: str | None = None
    content_sha256: str | None = None


@dataclass(frozen=True)
class PolicyView:
    """What the active policy set says of one model, as plain data for the report content."""

    thresholds: dict | None  # {id, name, thresholds: [{metric_name, op, value}]} of the model's risk level
    obligations: dict | None = None  # the EU AI Act checklist, as GET /models/{id}/obligations computes it
    compliance_check: dict | None = None  # the next step's checklist, judged without an approver
    classification: dict | None = None  # the questionnaire's verdict and basis (GET /models/{id}/classification)
    evidence: dict | None = None  # the evidence manifest and the coverage summary per framework (govhub.evidence.report)


@dataclass(frozen=True)
class JsonReport:
    body: bytes
    generation: ReportGeneration


# The datasheets of the dataset versions a model version declares (govhub.datasets), for section 3.
DatasheetLookup = Callable[["ModelVersion"], list[dict]]


class ReportService:
    def __init__(
        self,
        registry: RegistryReader,
        records: ReportRecords,
        jobs: ReportJobs,
        files: ReportStorage,
        url_ttl_seconds: int,
        audit_trail: AuditTrail,
        policy_for: PolicyLookup,
        clock: Clock = utc_now,
        sync_limit: int = BULK_SYNC_LIMIT,
        max_models: int = BULK_MAX_MODELS,
        monitoring_for: Callable[[int], dict] | None = None,
        datasheets: DatasheetLookup | None = None,
    ) -> None:
        self._monitoring_for = monitoring_for
        self._datasheets = datasheets
        self._registry = registry
        self._records = records
        self._jobs = jobs
        self._files = files
        self._ttl = url_ttl_seconds
        self._audit_trail = audit_trail
        self._policy_for = policy_for
        self._clock = clock
        self._sync_limit = sync_limit
        self._max_models = max_models

    # -- one model -------------------------------------------------------------------------
    def content(self, model_id: int, by: Actor, report_id: str, at: datetime) -> dict:
        """The report content of a model as it is now (NotFoundError for an unknown model)."""
        model = self._registry.get_model(model_id)
        versions = list(self._all(lambda cursor: self._registry.list_versions(model_id, PAGE_SIZE, cursor)))
        metrics = {version.id: self._metrics_of(version.id) for version in versions}
        records, verification, trail_summary = self._audit_trail(model_id)
        policy = self._policy_for(model)
        # section 3 documents the data of the approved version (else the latest): a datasheet per dataset version
        subject = next((v for v in versions if v.id == model.approved_version_id), versions[0] if versions else None)
        datasheets = self._datasheets(subject) if self._datasheets is not None and subject is not None else []
        return build_report_content(
            model=ModelOut.from_domain(model).model_dump(mode="json"),
            versions=[VersionOut.from_domain(v).model_dump(mode="json") for v in versions],
            metrics_by_version=metrics,
            audit_records=records,
            verification=verification,
            audit_summary=trail_summary,
            policy=policy.thresholds,
            generated_by={"username": by.username, "role": by.role},
            generated_at=at,
            report_id=report_id,
            obligations=policy.obligations,
            policy_check=policy.compliance_check,
            classification=policy.classification,
            evidence=policy.evidence,
            monitoring=self._monitoring_for(model_id) if self._monitoring_for is not None else None,
            datasheets=datasheets,
            data_version=VersionOut.from_domain(subject).model_dump(mode="json") if subject is not None else None,
        )

    def _metrics_of(self, version_id: int) -> list[dict]:
        def page(cursor: str | None) -> Page:
            return self._registry.list_metrics(version_id, PAGE_SIZE, cursor)

        return [MetricOut.from_domain(m).model_dump(mode="json") for m in self._all(page)]

    def json_report(self, model_id: int, by: Actor) -> JsonReport:
        """The report content as JSON bytes, recorded as a generation like a PDF."""
        report_id, at = _new_id(), self._clock()
        content = self.content(model_id, by, report_id, at)
        body = json.dumps(content, ensure_ascii=False, allow_nan=False).encode()
        generation = _generation(content, body, "json", by, at, file_name=_report_file_name(content, at, "json"))
        self._records.record([generation])
        return JsonReport(body, generation)

    def pdf_report(self, model_id: int, by: Actor, render: Renderer) -> ReportLink:
        """Render the PDF, store it privately, record the generation, answer a presigned link."""
        report_id, at = _new_id(), self._clock()
        content = self.content(model_id, by, report_id, at)
        pdf = render(content)
        file_name = _report_file_name(content, at, "pdf")
        key = report_object_key(model_id, report_id)
        generation = _generation(content, pdf, "pdf", by, at, s3_key=key, file_name=file_name)
        self._files.put(key, pdf, PDF_TYPE, file_name, _object_metadata(generation))
        self._records.record([generation])
        return self._link(key, generation.sha256, generation.size_bytes, file_name, generation)

    # -- bulk packs ------------------------------------------------------------------------
    def start_bulk(self, filters: dict[str, str], by: Actor, render: Renderer) -> ReportJob:
        """A pack of the reports of every model matching `filters`: built now if small, else queued."""
        model_ids = self._matching(filters)
        if not model_ids:
            shown = ", ".join(f"{k}={v}" for k, v in sorted(filters.items())) or "no filter"
            raise NotFoundError(f"No model matches {shown}: there is nothing to report.", {"filters": filters})
        now = self._clock()
        job = ReportJob(
            job_id=_new_id(),
            status="queued",
            filters=filters,
            model_ids=model_ids,
            created_at=now,
            created_by=by.username,
            created_by_role=by.role,
            updated_at=now,
            expires_at=int((now + timedelta(days=JOB_RETENTION_DAYS)).timestamp()),
        )
        if len(model_ids) > self._sync_limit:
            return self._jobs.create(job)  # the report jobs function picks up the queued item from the stream
        return self._jobs.create(self._build_pack(replace(job, status="running"), render, progress=None))

    def run_job(self, job_id: str, render: Renderer) -> ReportJob | None:
        """Build a queued pack (the jobs function's work); a finished job is left as it is."""
        try:
            job = self._jobs.start(job_id, self._clock())
        except JobClaimedError:
            return self._jobs.get(job_id)
        try:
            finished = self._build_pack(job, render, progress=lambda done: self._jobs.progress(job_id, done, self._clock()))
        except Exception as error:
            logger.exception("report pack failed", extra={"job_id": job_id})
            finished = replace(
                job,
                status="failed",
                updated_at=self._clock(),
                error=f"Building the pack failed ({type(error).__name__}). Request it again; if it fails again, "
                "quote the job id to your administrator.",
            )
        self._jobs.finish(finished)
        return finished

    def job(self, job_id: str) -> ReportJob:
        job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"Report job {job_id} does not exist (jobs are kept {JOB_RETENTION_DAYS} days).", {"job_id": job_id})
        if job.status in ("queued", "running") and self._clock() - job.updated_at > JOB_STALLED_AFTER:
            return replace(job, status="failed", error="The job stopped without finishing. Request the pack again.")
        return job

    def job_link(self, job: ReportJob) -> ReportLink | None:
        """A fresh presigned link to a finished pack (None while it is being built)."""
        if job.status != "done" or job.s3_key is None or job.sha256 is None or job.size_bytes is None:
            return None
        return self._link(job.s3_key, job.sha256, job.size_bytes, job.file_name or f"{job.job_id}.zip")

    def _matching(self, filters: dict[str, str]) -> list[int]:
        ids: list[int] = []
        for model in self._all(lambda cursor: self._registry.list_models(filters, PAGE_SIZE, cursor)):
            ids.append(model.id)
            if len(ids) > self._max_models:
                raise ValidationFailedError(
                    f"More than {self._max_models} models match; narrow the filter (one pack holds at most {self._max_models}).",
                    [{"field": "body", "message": f"matches more than {self._max_models} models"}],
                )
        return ids

    def _build_pack(self, job: ReportJob, render: Renderer, progress: Callable[[int], None] | None) -> ReportJob:
        by = Actor(job.created_by, job.created_by_role)
        at = self._clock()
        key = pack_object_key(job.job_id)
        file_name = _pack_file_name(job.filters, at)
        generations: list[ReportGeneration] = []
        entries: list[dict[str, Any]] = []
        skipped: list[dict[str, Any]] = []
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for done, model_id in enumerate(job.model_ids, start=1):
                    report_id = _new_id()
                    try:
                        content = self.content(model_id, by, report_id, self._clock())
                    except NotFoundError:
                        skipped.append({"model_id": model_id, "reason": "The model was deleted after the pack was requested."})
                    else:
                        pdf = render(content)
                        member = _member_name(content)
                        archive.writestr(_zip_entry(member, at), pdf)
                        generation = _generation(
                            content, pdf, "pdf", by, _generated_at(content), s3_key=key, file_name=member, bulk_job_id=job.job_id
                        )
                        generations.append(generation)
                        entries.append(_manifest_entry(content, generation))
                    if progress is not None:
                        progress(done)
                manifest = {
                    "schema": "govhub.report-pack/1",
                    "job_id": job.job_id,
                    "generated_at": at.isoformat(),
                    "generated_by": {"username": by.username, "role": by.role},
                    "filters": job.filters,
                    "reports": entries,
                    "skipped": skipped,
                }
                archive.writestr(_zip_entry("manifest.json", at), json.dumps(manifest, indent=2, ensure_ascii=False))
            size = spool.tell()
            spool.seek(0)
            sha256 = hashlib.file_digest(spool, "sha256").hexdigest()
            spool.seek(0)
            self._files.put(key, spool, ZIP_TYPE, file_name, {"job-id": job.job_id, "sha256": sha256})
        if generations:
            self._records.record(generations)
        return replace(
            job,
            status="done",
            done=len(job.model_ids),
            updated_at=self._clock(),
            s3_key=key,
            file_name=file_name,
            sha256=sha256,
            size_bytes=size,
            skipped=skipped,
        )

    # -- helpers ---------------------------------------------------------------------------
    def _link(
        self, key: str, sha256: str, size: int, file_name: str, generation: ReportGeneration | None = None
    ) -> ReportLink:
        return ReportLink(
            url=self._files.presigned_url(key, self._ttl),
            expires_at=self._clock() + timedelta(seconds=self._ttl),
            sha256=sha256,
            size_bytes=size,
            file_name=file_name,
            report_id=generation.report_id if generation else None,
            content_sha256=generation.content_sha256 if generation else None,
        )

    @staticmethod
    def _all(fetch: Callable[[str | None], Page]) -> Iterator[Any]:
        """Every item of a paged list."""
        cursor: str | None = None
        while True:
            page = fetch(cursor)
            yield from page.items
            cursor = page.next_cursor
            if not cursor:
                return


def report_object_key(model_id: int, report_id: str) -> str:
    return f"reports/model={model_id}/{report_id}.pdf"


def pack_object_key(job_id: str) -> str:
    return f"reports/packs/{job_id}.zip"


def _new_id() -> str:
    return uuid.uuid4().hex


def _generation(
    content: dict,
    body: bytes,
    kind: str,
    by: Actor,
    at: datetime,
    *,
    s3_key: str | None = None,
    file_name: str | None = None,
    bulk_job_id: str | None = None,
) -> ReportGeneration:
    return ReportGeneration(
        report_id=content["report"]["id"],
        model_id=int(content["model"]["id"]),
        format=kind,
        sha256=hashlib.sha256(body).hexdigest(),
        size_bytes=len(body),
        content_sha256=content["content_sha256"],
        generated_at=at,
        generated_by=by.username,
        generated_by_role=by.role,
        s3_key=s3_key,
        file_name=file_name,
        bulk_job_id=bulk_job_id,
    )


def _generated_at(content: dict) -> datetime:
    return datetime.fromisoformat(content["report"]["generated_at"])


def _object_metadata(generation: ReportGeneration) -> dict[str, str]:
    return {
        "report-id": generation.report_id,
        "model-id": str(generation.model_id),
        "sha256": generation.sha256,
        "content-sha256": generation.content_sha256,
    }


def _slug(text: str) -> str:
    return _UNSAFE_FILE_CHARACTERS.sub("-", text).strip("-._")[:80] or "model"


def _report_file_name(content: dict, at: datetime, extension: str) -> str:
    return f"compliance-report-{_slug(content['model']['name'] or '')}-{at:%Y%m%d-%H%M%S}.{extension}"


def _member_name(content: dict) -> str:
    return f"{content['model']['id']}-{_slug(content['model']['name'] or '')}.pdf"


def _pack_file_name(filters: dict[str, str], at: datetime) -> str:
    described = "-".join(f"{key}-{_slug(value)}" for key, value in sorted(filters.items())) or "all-models"
    return f"compliance-reports-{described}-{at:%Y%m%d-%H%M%S}.zip"


def _zip_entry(name: str, at: datetime) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=at.timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16
    return entry


def _manifest_entry(content: dict, generation: ReportGeneration) -> dict[str, Any]:
    model = content["model"]
    return {
        "model_id": model["id"],
        "name": model["name"],
        "risk_level": model["risk_level"],
        "compliance_status": model["compliance_status"],
        "file": generation.file_name,
        "sha256": generation.sha256,
        "size_bytes": generation.size_bytes,
        "report_id": generation.report_id,
        "content_sha256": generation.content_sha256,
        "gaps": content["summary"]["gaps"],
        "findings": content["summary"]["findings"],
        "obligations": content["summary"].get("obligations"),
    }


def audit_trail(model_id: int) -> tuple[list[dict], dict | None, dict | None]:
    """The model's last audit records, the verification of its chain and a summary of the whole trail (counts per
    kind, the status and risk histories), where an audit trail is deployed: a report's cost does not grow with
    the trail (the export bundle holds every record)."""
    if not settings().audit_bucket or importlib.util.find_spec("govhub.services.audit") is None:
        logger.warning("no audit trail configured: the report lists it as a documentation gap")
        return [], None, None
    from govhub.services import audit

    summary = audit.audit_summary(model_id)
    return summary["last_records"], summary["verification"], summary


def policy_view(service: PolicyService, model: AIModel,
                evidence_for: Callable[[int, ObligationChecklist], dict[str, Any]] | None = None) -> PolicyView:
    """The active policy set's thresholds for the model's risk level, its EU AI Act obligations checklist
    (`PolicyService.obligations`, as the obligations route) and the checklist of its next step.

    The next step is judged without an approver: who generates a report is not who approves the model,
    so the four-eyes rule is left to the approval itself and the content hash does not depend on the reader.
    """
    from govhub.classification.service import result_of
    from govhub.policy.document import MetricThresholdRule
    from govhub.policy.obligations import as_json

    active = service.active()
    checklist = service.obligations(model)
    thresholds: list[dict[str, Any]] = []
    for rule in active.document.rules:
        if isinstance(rule, MetricThresholdRule) and model.risk_level in rule.risk_levels:
            if rule.min is not None:
                thresholds.append({"metric_name": rule.metric, "op": ">=", "value": rule.min})
            if rule.max is not None:
                thresholds.append({"metric_name": rule.metric, "op": "<=", "value": rule.max})
    return PolicyView(
        thresholds={"id": active.version, "name": active.document.name, "thresholds": thresholds},
        obligations=as_json(checklist),
        compliance_check=compliance_check_json(service.compliance_check(model, None, None)),
        classification=_classification_json(model, result_of(model)),
        evidence=evidence_for(model.id, checklist) if evidence_for else None,
    )


def _classification_json(model: AIModel, result: Any) -> dict[str, Any] | None:
    """The recorded classification for the report: the suggestion, any override and why, and the basis."""
    summary = model.classification
    if summary is None or result is None:
        return None
    return {
        **result.as_json(),
        "operator_role": model.operator_role.value if model.operator_role else None,
        "classified_by": summary.classified_by,
        "classified_at": summary.classified_at.isoformat(),
        "override": summary.override,
        "justification": summary.justification,
    }


def compliance_check_json(checklist: Checklist) -> dict[str, Any]:
    """A policy checklist as plain data, in the field names of GET /models/{id}/compliance-check."""
    return {
        "policy_version": checklist.policy_version,
        "policy_name": checklist.policy_name,
        "target": checklist.target.value if checklist.target else None,
        "occasion": checklist.occasion.value if checklist.occasion else None,
        "outcome": checklist.outcome,
        "summary": checklist.summary(),
        "items": [item.as_json() for item in checklist.items],
    }


class _Snapshot:
    """The active policy set and the model's evidence, each read once per report, so its thresholds,
    obligations and next-step checklist are judged against the same policy version and the same metrics."""

    def __init__(self, store: PolicyStore, evidence: EvidenceReader) -> None:
        self._store = store
        self._evidence = evidence
        self._active: tuple[PolicyVersion | None] | None = None
        self._latest: dict[int, tuple[ModelVersion | None, list[Metric]]] = {}

    def active(self) -> PolicyVersion | None:
        if self._active is None:
            self._active = (self._store.active(),)
        return self._active[0]

    def get(self, version: int) -> PolicyVersion | None:
        return self._store.get(version)

    def list(self, limit: int, cursor: str | None) -> Page:
        return self._store.list(limit, cursor)

    def activate(self, new: PolicyVersion, replaces: int) -> None:
        self._store.activate(new, replaces)
        self._active = None  # read again: the snapshot follows the store it reads

    def latest_evidence(self, model: AIModel) -> tuple[ModelVersion | None, builtins.list[Metric]]:
        if model.id not in self._latest:
            self._latest[model.id] = self._evidence.latest_evidence(model)
        return self._latest[model.id]


def policy_of_the_table(model: AIModel) -> PolicyView:
    """`policy_view` over the table's active policy set and the model's stored evidence."""
    from govhub.policy.service import PolicyService
    from govhub.store.classification import ObligationSourcesOfTheTable
    from govhub.store.datasets import DatasetFactsOfTheTable
    from govhub.store.monitoring import MonitoringFactsReader
    from govhub.store.policies import EvidenceRepository, PolicyRepository

    snapshot = _Snapshot(PolicyRepository(), EvidenceRepository())
    from govhub.evidence.report import evidence_view

    service = PolicyService(snapshot, snapshot, obligation_sources=ObligationSourcesOfTheTable(), monitoring=MonitoringFactsReader(),
                            datasets=DatasetFactsOfTheTable())
    return policy_view(service, model, evidence_view)


MONITORING_PERIOD_DAYS = 365


def monitoring_of_the_table(model_id: int) -> dict:
    """Annex IV point 9 and the period's post-market evidence: the plan, its findings, the last year's reviews and the
    model's incidents (each a bounded Query: one model's partition or index)."""
    from govhub.store.incidents import IncidentRepository
    from govhub.store.monitoring import MonitoringRepository

    store = MonitoringRepository()
    plan = store.get_plan(model_id)
    schedule = store.get_schedule(model_id)
    since = datetime.now(UTC) - timedelta(days=MONITORING_PERIOD_DAYS)
    reviews = [r for r in store.list_reviews(model_id, 100, None).items if r.reviewed_at >= since]
    now = datetime.now(UTC)
    incidents = [i for i in IncidentRepository().list({"model_id": model_id}, 100, None).items if i.aware_at >= since]
    return {
        "plan": plan.as_json() if plan else None,
        "schedule": {"due_at": schedule.due_at.isoformat(), "state": schedule.state_at(now).value,
                     "cadence_days": schedule.cadence_days} if schedule else None,
        "period_days": MONITORING_PERIOD_DAYS,
        "findings": [{"metric": f.metric, "status": f.status.value, "reason": f.reason, "opened_at": f.opened_at.isoformat(),
                      "resolved_at": f.resolved_at.isoformat() if f.resolved_at else None, "breaches": f.breaches}
                     for f in store.findings(model_id)],
        "reviews": [{"reviewed_at": r.reviewed_at.isoformat(), "outcome": r.outcome.value, "notes": r.notes,
                     "reviewed_by": r.stamp.created_by} for r in reviews],
        "incidents": [{"id": i.id, "title": i.title, "severity": i.severity.value, "kind": i.kind, "status": i.status.value,
                       "aware_at": i.aware_at.isoformat(), "deadline_at": i.deadline_at.isoformat() if i.deadline_at else None,
                       "deadline_article": i.deadline_article, "overdue": i.overdue_at(now), "reported_late": i.reported_late,
                       "steps": [{"status": st.status.value, "at": st.at.isoformat(), "reference": st.reference} for st in i.steps]}
                      for i in incidents],
    }


def default_report_service(registry: RegistryReader) -> ReportService:
    from govhub.store.reports import ReportFiles, ReportJobRepository, ReportRecordRepository

    return ReportService(
        registry=registry,
        records=ReportRecordRepository(),
        jobs=ReportJobRepository(),
        files=ReportFiles(),
        url_ttl_seconds=settings().report_url_ttl_seconds,
        audit_trail=audit_trail,
        policy_for=policy_of_the_table,
        monitoring_for=monitoring_of_the_table,
        datasheets=datasheets_of_the_table,
    )


def datasheets_of_the_table(version: ModelVersion) -> list[dict]:
    """A datasheet per dataset version `version` declares: its role, the dataset's record and the version's facts."""
    from govhub.datasets.schemas import DatasetOut, DatasetVersionOut
    from govhub.store.datasets import DatasetRepository, DatasetVersionRepository

    if version.inputs is None:
        return []
    datasets, versions = DatasetRepository(), DatasetVersionRepository()
    sheets = []
    for used in version.inputs.datasets:
        dataset, dataset_version = datasets.get(used.dataset_id), versions.get(used.dataset_version_id)
        sheets.append({
            "role": used.role.value,
            "declared": used.as_json(),
            "dataset": DatasetOut.model_validate(dataset).model_dump(mode="json") if dataset else None,
            "version": DatasetVersionOut.model_validate(dataset_version).model_dump(mode="json") if dataset_version else None,
        })
    return sheets

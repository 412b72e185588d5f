"""The commands. Each takes the parsed arguments and a Session, prints its result, returns an exit code."""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from govhub_cli import output
from govhub_cli.auth import Authenticator, BearerTokenAuth, SigV4Auth
from govhub_cli.client import ApiClient, RetryPolicy, UrllibTransport
from govhub_cli.datasets import dataset_register, dataset_version, declared_inputs
from govhub_cli.errors import (
    CONFLICT,
    GATE_REFUSED,
    INTERRUPTED,
    OK,
    CliError,
    UsageError,
)
from govhub_cli.metrics_file import batches, read_metrics
from govhub_cli.mlflow_import import import_mlflow
from govhub_cli.registry import (
    find_model,
    find_version,
    find_version_id,
    lookup_model,
    lookup_version,
    with_ci_reference,
)

DESCRIPTIVE_FIELDS = ("owner", "description", "domain", "intended_purpose", "data_sources", "oversight_plan")
SHA256_PATTERN = re.compile(r"^[0-9a-fA-F]{64}$")
DEFAULT_REGION = "us-east-1"


class Session:
    """What a command needs: the parsed options, the API client (built on first use) and the output mode."""

    def __init__(self, args: argparse.Namespace, env: dict[str, str] | None = None, transport: Any = None) -> None:
        self.args = args
        self.env = dict(os.environ if env is None else env)
        self.json = bool(args.json)
        self.quiet = bool(args.quiet)
        self._transport = transport
        self._client: ApiClient | None = None

    @property
    def client(self) -> ApiClient:
        if self._client is None:
            self._client = self._build_client()
        return self._client

    def _build_client(self) -> ApiClient:
        args, env = self.args, self.env
        api_url = args.api_url or env.get("GOVHUB_API_URL")
        if not api_url:
            raise UsageError("no API URL: pass --api-url or set GOVHUB_API_URL (e.g. https://<api>/api/v1)")
        token = args.token or env.get("GOVHUB_TOKEN")
        auth: Authenticator
        if token:
            auth = BearerTokenAuth(token)
        else:
            region = args.region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
            auth = SigV4Auth(region, profile=args.profile)
        retries = args.retries if args.retries is not None else _env_number(env, "GOVHUB_RETRIES", 4, int)
        timeout = args.timeout if args.timeout is not None else _env_number(env, "GOVHUB_TIMEOUT", 30.0, float)
        return ApiClient(
            api_url,
            auth,
            transport=self._transport or UrllibTransport(),
            retry=RetryPolicy(retries=int(retries)),
            timeout=float(timeout),
            idempotency_base=args.idempotency_key or env.get("GOVHUB_IDEMPOTENCY_KEY") or None,
            trace=sys.stderr if args.verbose else None,
            extra_headers=_run_context_headers(env),
        )

    def emit(self, json_value: Any, text: str) -> None:
        if self.json:
            output.print_json(json_value)
        else:
            output.print_text(text)


def _env_number(env: dict[str, str], name: str, default: float, kind: Callable[[str], Any]) -> Any:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise UsageError(f"{name}={raw!r} is not a number") from None
    if value < 0:
        raise UsageError(f"{name} must be 0 or more")
    return value


def run(args: argparse.Namespace, *, env: dict[str, str] | None = None, transport: Any = None) -> int:
    """Runs the parsed command; turns every failure into a message and an exit code."""
    session = Session(args, env=env, transport=transport)
    handler = COMMANDS[args.handler]
    try:
        return handler(args, session)
    except CliError as error:
        if session.json:
            output.print_json(error.as_dict(), stream=sys.stderr)
        else:
            print(output.format_error(error), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("govhub: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `govhub list | head`); silence the flush at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return OK


def _run_context_headers(env: Mapping[str, str]) -> dict[str, str]:
    from govhub_cli.run_context import HEADER, header_value

    value = header_value(env)
    return {HEADER: value} if value else {}


# --- register --------------------------------------------------------------------------------------

def register(args: argparse.Namespace, session: Session) -> int:
    client = session.client
    given = {name: getattr(args, name) for name in DESCRIPTIVE_FIELDS if getattr(args, name) is not None}
    model = lookup_model(client, args.name)
    action = "unchanged"
    if model is None:
        if not args.owner:
            raise UsageError(f"model {args.name!r} does not exist yet: --owner is required to create it")
        body: dict[str, Any] = {"name": args.name, **given}
        if getattr(args, "team", None):
            body["team"] = args.team
        if args.risk_level:
            body["risk_level"] = args.risk_level
        if args.risk_justification:
            body["risk_justification"] = args.risk_justification
        try:
            model = client.post("/models", body)
            action = "created"
        except CliError as error:
            if error.code != "duplicate_name":
                raise
            model = lookup_model(client, args.name)  # created concurrently: fall through to update it
            if model is None:
                raise
    if action != "created":
        model, changed = _update_model(client, model, given, args)
        action = "updated" if changed else "unchanged"
    session.emit(
        {"action": action, "model": model},
        f"{action} model {model['name']} (id {model['id']}, {model.get('compliance_status')}, "
        f"{model.get('risk_level')} risk)\n" + output.render_record(_model_fields(model)),
    )
    return OK


def _update_model(client: ApiClient, model: dict, given: dict[str, Any], args: argparse.Namespace) -> tuple[dict, bool]:
    reason = args.reason or with_ci_reference("Updated by govhub register")
    changed_any = False
    for attempt in (1, 2):
        changes = {name: value for name, value in given.items() if model.get(name) != value}
        try:
            if changes:
                model = client.patch(
                    f"/models/{model['id']}",
                    {**changes, "expected_revision": model["revision"], "reason": reason},
                )
                changed_any = True
            risk = _risk_change(model, args)
            if risk is not None:
                model = client.patch(f"/models/{model['id']}/risk-profile", {**risk, "expected_revision": model["revision"]})
                changed_any = True
            return model, changed_any
        except CliError as error:
            if error.code != "stale_revision" or attempt == 2:
                raise
            model = client.get(f"/models/{model['id']}")  # someone wrote in between: diff again on fresh data
    raise AssertionError("unreachable")


def _risk_change(model: dict, args: argparse.Namespace) -> dict[str, Any] | None:
    level = args.risk_level or model.get("risk_level")
    justification = args.risk_justification
    if level == model.get("risk_level") and (justification is None or justification == model.get("risk_justification")):
        return None
    if not justification:
        raise UsageError(
            f"changing the risk level of {model['name']!r} from {model.get('risk_level')} to {level} "
            "needs --risk-justification"
        )
    return {"risk_level": level, "justification": justification}


def _model_fields(model: dict) -> list[tuple[str, Any]]:
    latest = model.get("latest_version") or {}
    return [
        ("id", model.get("id")),
        ("name", model.get("name")),
        ("owner", model.get("owner")),
        ("domain", model.get("domain")),
        ("risk level", model.get("risk_level")),
        ("risk justification", model.get("risk_justification")),
        ("compliance status", model.get("compliance_status")),
        ("allowed transitions", ", ".join(model.get("allowed_transitions") or []) or None),
        ("latest version", latest.get("version_tag")),
        ("approved version id", model.get("approved_version_id")),
        ("description", model.get("description")),
        ("intended purpose", model.get("intended_purpose")),
        ("data sources", model.get("data_sources")),
        ("oversight plan", model.get("oversight_plan")),
        ("revision", model.get("revision")),
        ("updated", f"{model.get('updated_at')} by {model.get('updated_by')}" if model.get("updated_at") else None),
    ]


# --- version ---------------------------------------------------------------------------------------

def version(args: argparse.Namespace, session: Session) -> int:
    sha256 = _artifact_digest(args)
    inputs = declared_inputs(args.dataset, args.base_model, args.external_base_model, args.gpai, args.base_model_docs)
    client = session.client
    model = find_model(client, args.model)
    body: dict[str, Any] = {"model_id": model["id"], "version_tag": args.tag, "s3_path": args.artifact}
    if sha256:
        body["sha256"] = sha256
    if args.description is not None:
        body["description"] = args.description
    if inputs is not None:
        body["inputs"] = inputs
    action = "created"
    try:
        created = client.post("/versions", body)
    except CliError as error:
        if error.exit_code != CONFLICT or error.code == "model_retired":
            raise
        existing = lookup_version(client, model, args.tag)
        if existing is None:
            raise
        same = existing.get("s3_path") == args.artifact and (not sha256 or (existing.get("sha256") or "").lower() == sha256)
        if not args.exist_ok or not same:
            hint = "" if same else f" with a different artifact ({existing.get('s3_path')}, sha256 {existing.get('sha256')})"
            raise CliError(
                f"model {model['name']!r} already has version {args.tag!r}{hint}"
                + ("" if args.exist_ok else "; pass --exist-ok to accept an identical existing version"),
                CONFLICT,
                code=error.code,
                details=error.details,
                status=error.status,
            ) from error
        created, action = existing, "existing"
    session.emit(
        {"action": action, "version": created},
        f"{'registered' if action == 'created' else 'already registered:'} {model['name']} {created['version_tag']} "
        f"(version id {created['id']})\n" + output.render_record(_version_fields(created)),
    )
    return OK


def _artifact_digest(args: argparse.Namespace) -> str | None:
    if args.sha256:
        if not SHA256_PATTERN.match(args.sha256):
            raise UsageError("--sha256 must be 64 hexadecimal characters")
        return str(args.sha256).lower()
    if args.file:
        digest = hashlib.sha256()
        try:
            with open(args.file, "rb") as artifact:
                for chunk in iter(lambda: artifact.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError as exc:
            raise UsageError(f"cannot read artifact file {args.file}: {exc.strerror or exc}") from exc
        return digest.hexdigest()
    return None


def _version_fields(version: dict) -> list[tuple[str, Any]]:
    return [
        ("id", version.get("id")),
        ("model id", version.get("model_id")),
        ("tag", version.get("version_tag")),
        ("artifact", version.get("s3_path")),
        ("sha256", version.get("sha256")),
        ("description", version.get("description")),
        ("datasets", ", ".join(f"{d['dataset_name']}@{d['version_tag']} ({d['role']})" for d in (version.get("inputs") or {}).get("datasets", []))
         or None),
        ("base model", _base_model_text((version.get("inputs") or {}).get("base_model"))),
        ("created", f"{version.get('created_at')} by {version.get('created_by')}" if version.get("created_at") else None),
    ]


def _base_model_text(base: dict | None) -> str | None:
    if not base:
        return None
    if base.get("external"):
        ext = base["external"]
        return f"{ext['provider']} {ext['name']}" + (f" {ext['version']}" if ext.get("version") else "") + (" (GPAI)" if ext.get("gpai") else "")
    return f"{base.get('model_name')}@{base.get('version_tag')}"


# --- metrics push ----------------------------------------------------------------------------------

def metrics_push(args: argparse.Namespace, session: Session) -> int:
    metrics = read_metrics(args.file, args.format)  # validate everything before the first request
    chunks = list(batches(metrics, args.batch_size))
    client = session.client
    model = find_model(client, args.model)
    version_id = find_version_id(client, model, args.version)
    progress = output.ProgressBar(
        len(metrics), f"pushing {len(metrics)} metrics", enabled=None if not (session.quiet or session.json) else False
    )
    pushed = 0
    try:
        for chunk in chunks:
            client.post("/metrics", {"version_id": version_id, "metrics": [m.as_json() for m in chunk]})
            pushed += len(chunk)
            progress.advance(len(chunk))
    except CliError as error:
        progress.close()
        error.message = f"{error.message} — {pushed} of {len(metrics)} metrics were pushed before the failure"
        error.details = error.details if error.details is not None else {"pushed": pushed, "total": len(metrics)}
        raise
    progress.close()
    session.emit(
        {"model": model["name"], "model_id": model["id"], "version": args.version, "version_id": version_id,
         "pushed": pushed, "requests": len(chunks)},
        f"pushed {pushed} metrics to {model['name']} {args.version} (version id {version_id}) in {len(chunks)} "
        f"request{'s' if len(chunks) != 1 else ''}",
    )
    return OK


# --- status ----------------------------------------------------------------------------------------

def status(args: argparse.Namespace, session: Session) -> int:
    client = session.client
    model = find_model(client, args.model)
    previous = model.get("compliance_status")
    if previous == args.to:
        action = "unchanged"
    else:
        reason = args.reason or with_ci_reference(
            "Ready for compliance review" if args.to == "under_review" else f"Set to {args.to} by govhub"
        )
        model = client.patch(f"/models/{model['id']}/compliance-status", {"status": args.to, "reason": reason})
        action = "changed"
    text = (
        f"{model['name']} is already {previous}"
        if action == "unchanged"
        else f"{model['name']}: {previous} → {model.get('compliance_status')}"
    )
    session.emit({"action": action, "previous_status": previous, "model": model}, text)
    return OK


# --- classify --------------------------------------------------------------------------------------

def classify(args: argparse.Namespace, session: Session) -> int:
    """Answer the EU AI Act questionnaire for a model from a file: {"answers": {...}, ...} or the answers alone."""
    body = _classification_body(args.file)
    for option, key in (("operator_role", "operator_role"), ("risk_level", "risk_level"), ("justification", "justification")):
        if getattr(args, option, None):
            body[key] = getattr(args, option)
    client = session.client
    model = find_model(client, args.model)
    result = client.post(f"/models/{model['id']}/classification", body)
    summary = result.get("summary") or {}
    lines = [f"{result['model_name']}: the questionnaire suggests {result['suggested_risk_level']} risk; "
             f"the model is {result['risk_level']}" + (" (override, justified)" if summary.get("override") else "")]
    lines += [f"  {b['provision']}: {b['reason']}" for b in result.get("basis", [])]
    flags = result.get("flags", {})
    raised = [name for name in ("registration_required", "art6_3_derogation", "gpai", "gpai_systemic_risk") if flags.get(name)]
    if raised:
        lines.append("  flags: " + ", ".join(raised))
    session.emit(result, "\n".join(lines))
    return OK


def _classification_body(path: str) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read answers file {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"answers file {path} is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise UsageError(f"answers file {path}: expected an object of question id → true/false, or {{\"answers\": {{...}}}}")
    return dict(data) if "answers" in data else {"answers": data}


# --- observe ---------------------------------------------------------------------------------------

OBSERVATIONS_PER_CALL = 500


def observe(args: argparse.Namespace, session: Session) -> int:
    """Send production values of a model's planned metrics (idempotent: a value resent is stored once); prints the
    findings they opened, updated or resolved."""
    observations = _observations(args.file, args.environment)
    client = session.client
    model = find_model(client, args.model)
    stored, lines = 0, []
    results: list[dict[str, Any]] = []
    for start in range(0, len(observations), OBSERVATIONS_PER_CALL):
        result = client.post(f"/models/{model['id']}/observations", {"observations": observations[start:start + OBSERVATIONS_PER_CALL]})
        results.append(result)
        stored += int(result.get("stored", 0))
        lines += [f"  finding opened: {f['reason']}" for f in result.get("opened", [])]
        lines += [f"  finding updated: {f['reason']}" for f in result.get("updated", [])]
        lines += [f"  finding resolved: {f['reason']}" for f in result.get("resolved", [])]
        unplanned = result.get("unplanned_metrics") or []
        if unplanned:
            lines.append(f"  not in the monitoring plan (stored, not judged): {', '.join(unplanned)}")
    session.emit({"stored": stored, "batches": results}, "\n".join([f"{model['name']}: {stored} observation(s) stored", *lines]))
    return OK


def _observations(path: str, environment: str) -> list[dict[str, Any]]:
    """[{"metric", "value", "observed_at", "environment"?}] or {"observations": [...]} from a JSON file (- for stdin)."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read observations file {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"observations file {path} is not JSON: {exc}") from exc
    items = data.get("observations") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise UsageError(f'observations file {path}: expected [{{"metric", "value", "observed_at"}}, ...] or {{"observations": [...]}}')
    return [{"environment": environment, **item} for item in items]


# --- gate ------------------------------------------------------------------------------------------

@dataclasses.dataclass
class GateVerdict:
    approved: bool
    model: str
    model_id: int
    compliance_status: str
    approved_version_id: int | None
    approved_version_tag: str | None
    required_version: str | None
    required_version_id: int | None
    reason: str
    snapshot_sha256: str | None = None
    sealed: dict[str, Any] | None = None  # the sealed approval snapshot in force: what exactly was approved


def gate(args: argparse.Namespace, session: Session) -> int:
    client = session.client
    deadline = time.monotonic() + args.wait
    while True:
        verdict = _gate_verdict(client, args.model, args.version, getattr(args, "sha256", None))
        remaining = deadline - time.monotonic()
        if verdict.approved or remaining <= 0:
            break
        if not session.json:
            output.print_text(f"waiting: {verdict.reason}", sys.stderr)
        time.sleep(min(args.poll_interval, remaining))
    text = f"{'PASS' if verdict.approved else 'REFUSED'}: {verdict.reason}"
    if verdict.sealed is not None:
        text += "\n" + output.render_record(_sealed_fields(verdict))
    session.emit(dataclasses.asdict(verdict), text)
    return OK if verdict.approved else GATE_REFUSED


def _sealed_fields(verdict: GateVerdict) -> list[tuple[str, Any]]:
    sealed = verdict.sealed or {}
    version = sealed.get("version") or {}
    policy = sealed.get("policy") or {}
    signoffs = ", ".join(f"{s.get('by')} ({s.get('role')})" for s in sealed.get("signoffs") or [])
    return [
        ("approval snapshot", verdict.snapshot_sha256),
        ("sealed at", sealed.get("sealed_at")),
        ("approved version", version.get("version_tag")),
        ("artifact", version.get("artifact_uri")),
        ("artifact sha256", version.get("sha256") or "(none recorded)"),
        ("risk level", (sealed.get("model") or {}).get("risk_level")),
        ("policy", f"v{policy.get('version')} {policy.get('name')}" if policy else None),
        ("signed off by", signoffs or None),
    ]


def _gate_verdict(client: ApiClient, name: str, tag: str | None, artifact_sha256: str | None = None) -> GateVerdict:
    model = find_model(client, name)
    required = find_version(client, model, tag) if tag else None
    status_now = str(model.get("compliance_status"))
    approved_id = model.get("approved_version_id")
    sealed: dict[str, Any] | None = None
    snapshot_sha = None
    if status_now == "approved":
        approval = client.get(f"/models/{model['id']}/approval") or {}
        if approval.get("in_force") and approval.get("sealed"):
            sealed = approval["sealed"]["snapshot"]
            snapshot_sha = approval["sealed"]["snapshot_sha256"]
    sealed_version = (sealed or {}).get("version") or {}
    approved_tag = sealed_version.get("version_tag")
    if approved_tag is None and approved_id is not None:
        try:
            approved_tag = (client.get(f"/versions/{approved_id}") or {}).get("version_tag")
        except CliError:
            approved_tag = None  # the tag only decorates the message
    label = f"{model['name']} {tag}" if tag else str(model["name"])
    approved_text = approved_tag or (f"id {approved_id}" if approved_id is not None else "none")
    if status_now != "approved":
        ok, reason = False, f"{model['name']} is {status_now}, not approved"
    elif required is not None and required["id"] != approved_id:
        ok, reason = False, f"{label} is not the approved version (approved version: {approved_text})"
    elif artifact_sha256 and (sealed_version.get("sha256") or "").lower() != artifact_sha256.lower():
        sealed_hash = sealed_version.get("sha256") or "none"
        ok, reason = False, f"the artifact's SHA-256 {artifact_sha256.lower()} is not the approved one ({sealed_hash})"
    else:
        ok, reason = True, f"{label} is approved" + ("" if tag else f" (approved version: {approved_text})")
    return GateVerdict(
        approved=ok,
        model=str(model["name"]),
        model_id=int(model["id"]),
        compliance_status=status_now,
        approved_version_id=approved_id,
        approved_version_tag=approved_tag,
        required_version=tag,
        required_version_id=required["id"] if required else None,
        reason=reason,
        snapshot_sha256=snapshot_sha,
        sealed=sealed,
    )


# --- show / list -----------------------------------------------------------------------------------

def show(args: argparse.Namespace, session: Session) -> int:
    client = session.client
    model = find_model(client, args.name)
    if args.version:
        found = find_version(client, model, args.version)
        metrics = list(client.paginate(f"/versions/{found['id']}/metrics"))
        rows = [(m.get("metric_name"), m.get("value"), m.get("recorded_at")) for m in metrics]
        session.emit(
            {"model": model, "version": found, "metrics": metrics},
            output.render_record(_version_fields(found))
            + f"\n\nmetrics ({len(metrics)})\n"
            + (output.render_table(("NAME", "VALUE", "RECORDED"), rows) if rows else "(none)"),
        )
        return OK
    page = client.get("/versions", {"model_id": model["id"], "limit": 10}) or {}
    versions = page.get("items", [])
    version_rows = [(v.get("id"), v.get("version_tag"), v.get("s3_path"), v.get("created_at")) for v in versions]
    session.emit(
        {"model": model, "versions": versions},
        output.render_record(_model_fields(model))
        + "\n\nversions (newest first)\n"
        + (output.render_table(("ID", "TAG", "ARTIFACT", "CREATED"), version_rows) if version_rows else "(none)"),
    )
    return OK


def list_models(args: argparse.Namespace, session: Session) -> int:
    query = {
        "risk_level": args.risk_level,
        "compliance_status": args.status,
        "owner": args.owner,
        "domain": args.domain,
        "q": args.q,
    }
    limit = None if args.all else args.limit
    items: list[dict] = []
    for model in session.client.paginate("/models", query, page_size=100 if limit is None else min(limit, 100)):
        items.append(model)
        if limit is not None and len(items) >= limit:
            break
    rows = [
        (
            m.get("id"),
            m.get("name"),
            m.get("risk_level"),
            m.get("compliance_status"),
            m.get("owner"),
            m.get("domain"),
            (m.get("latest_version") or {}).get("version_tag"),
            m.get("updated_at"),
        )
        for m in items
    ]
    session.emit(
        items,
        output.render_table(("ID", "NAME", "RISK", "STATUS", "OWNER", "DOMAIN", "LATEST", "UPDATED"), rows)
        if rows
        else "no models match",
    )
    return OK


# --- audit -----------------------------------------------------------------------------------------

def audit_export(args: argparse.Namespace, session: Session) -> int:
    from govhub_cli.audit import check_output_directory, export_bundle

    check_output_directory(Path(args.out))  # before any request
    client = session.client
    model = find_model(client, args.model)
    summary = export_bundle(client, model, Path(args.out))
    session.emit(
        summary,
        f"wrote the audit bundle of {model['name']} to {summary['path']}: {summary['records']} records, "
        f"head hash {summary['head_hash']}\nverify it offline with: govhub audit verify {summary['path']}",
    )
    return OK


def evidence_upload(args: argparse.Namespace, session: Session) -> int:
    """Attach a document to a model as evidence: presigned PUT to S3, then the hub verifies it."""
    from govhub_cli.evidence import upload

    client = session.client
    model = find_model(client, args.model)
    item = upload(client, model, Path(args.file), args.kind, args.covers or [], args.title, args.valid_until, args.supersedes,
                  client.timeout)
    session.emit(item, f"{item['title']} attached to {model['name']} as {item['kind']} (evidence {item['evidence_id']}), "
                       f"SHA-256 {item['sha256']} verified; covers {', '.join(item['covers']) or 'nothing'}; "
                       f"status {item['status']}: a second person signs it off in the dashboard")
    return OK


def audit_verify(args: argparse.Namespace, session: Session) -> int:
    from govhub_cli.audit import verify

    code, result, report = verify(args.bundle, args.expect_head, args.expect_key, args.evidence)
    session.emit(result, report)
    return code


COMMANDS: dict[str, Callable[[argparse.Namespace, Session], int]] = {
    "register": register,
    "version": version,
    "metrics_push": metrics_push,
    "status": status,
    "gate": gate,
    "classify": classify,
    "observe": observe,
    "show": show,
    "list_models": list_models,
    "audit_export": audit_export,
    "audit_verify": audit_verify,
    "evidence_upload": evidence_upload,
    "import_mlflow": import_mlflow,
    "dataset_register": dataset_register,
    "dataset_version": dataset_version,
}

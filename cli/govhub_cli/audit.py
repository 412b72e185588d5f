"""`govhub audit export` / `govhub audit verify`: a model's audit trail as an offline-verifiable bundle."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from govhub_cli import output
from govhub_cli.client import ApiClient
from govhub_cli.errors import UNAVAILABLE, USAGE, CliError, UsageError

MANIFEST = "manifest.json"
RECORDS_DIR = "records"


def export_bundle(client: ApiClient, model: dict, out: Path) -> dict[str, Any]:
    """Downloads the export of MODEL's audit trail and lays it out as a bundle directory under OUT."""
    if out.exists() and any(out.iterdir()):
        raise UsageError(f"{out} is not empty: choose a new directory for the bundle")
    response = client.get_raw(f"/models/{model['id']}/audit-logs/export")
    content_type = (response.header("Content-Type") or "").split(";")[0].strip().lower()
    out.mkdir(parents=True, exist_ok=True)
    if content_type in ("application/zip", "application/x-zip-compressed") or response.body[:2] == b"PK":
        count = _extract_zip(response.body, out)
    else:
        try:
            payload = json.loads(response.body)
        except ValueError as exc:
            raise CliError(f"the audit export is neither JSON nor a zip archive ({content_type or 'no type'})",
                           UNAVAILABLE, code="bad_response") from exc
        count = _write_json_bundle(payload, out)
    return {"model": model["name"], "model_id": model["id"], "path": str(out), "records": count}


def _extract_zip(data: bytes, out: Path) -> int:
    records = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            name = PurePosixPath(member.filename)
            if name.is_absolute() or ".." in name.parts:
                raise CliError(f"the audit export holds an unsafe path {member.filename!r}", UNAVAILABLE,
                               code="bad_response")
            if member.is_dir():
                continue
            target = out.joinpath(*name.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(member))
            records += name.parts[0] == RECORDS_DIR
    return records


def _write_json_bundle(payload: Any, out: Path) -> int:
    if not isinstance(payload, dict) or "manifest" not in payload or not isinstance(payload.get("records"), list):
        raise CliError("the audit export has no manifest and records", UNAVAILABLE, code="bad_response")
    records_dir = out / RECORDS_DIR
    records_dir.mkdir(exist_ok=True)
    width = max(6, len(str(len(payload["records"]))))
    for index, record in enumerate(payload["records"], start=1):
        sequence = record.get("sequence", index) if isinstance(record, dict) else index
        (records_dir / f"{int(sequence):0{width}d}.json").write_text(
            json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    (out / MANIFEST).write_text(json.dumps(payload["manifest"], ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return len(payload["records"])


def describe_verification(bundle: str) -> tuple[bool, dict[str, Any], str]:
    """Runs the offline verifier on BUNDLE: (verified?, JSON payload, human-readable text)."""
    if not Path(bundle).exists():
        raise UsageError(f"no bundle at {bundle}")
    try:
        from govhub_cli.bundle import verify_bundle
    except ImportError as exc:
        raise CliError("this installation has no bundle verifier (govhub_cli.bundle)", USAGE,
                       code="verifier_missing") from exc
    payload = _as_payload(verify_bundle(bundle))
    ok = bool(payload.get("ok", payload.get("valid", payload.get("verified", False))))
    lines = [f"{'VERIFIED' if ok else 'NOT VERIFIED'}: {bundle}"]
    scalars = [(key, value) for key, value in payload.items() if not isinstance(value, (list, dict))]
    lines.append(output.render_record(scalars))
    for key, value in payload.items():
        if isinstance(value, list) and value:
            lines.append(f"{key}:")
            lines += [f"  - {output.cell(item, limit=200)}" for item in value]
        elif isinstance(value, dict) and value:
            lines.append(f"{key}:")
            lines += [f"  {k}: {output.cell(v, limit=200)}" for k, v in value.items()]
    return ok, payload, "\n".join(lines)


def _as_payload(result: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return dataclasses.asdict(result)
    if isinstance(result, dict):
        return result
    if hasattr(result, "_asdict"):
        return dict(result._asdict())
    if isinstance(result, bool):
        return {"ok": result}
    return {"ok": bool(getattr(result, "ok", False)), "result": str(result)}

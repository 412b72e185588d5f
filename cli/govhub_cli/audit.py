"""`govhub audit export` / `govhub audit verify`: a model's audit trail as an offline-verifiable bundle.

The bundle layout and the verifier live in `govhub_cli.bundle` (standard library only):
    manifest.json            model, record count, sequences, head hash, SHA-256 of every file
    records/00000001.json    one audit record each, the exact stored bytes (canonical JSON)
Export writes the files byte for byte as the server produced them, so the verifier checks what
the registry holds, not a re-serialisation of it.
"""

from __future__ import annotations

import hashlib
import io
import json
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from govhub_cli.client import ApiClient, Response
from govhub_cli.errors import GATE_REFUSED, OK, UNAVAILABLE, USAGE, CliError, UsageError

MANIFEST = "manifest.json"
MAX_FILE_BYTES = 16 * 1024 * 1024


def check_output_directory(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out} exists and is not an empty directory: choose a new directory for the bundle")


def export_bundle(client: ApiClient, model: dict, out: Path) -> dict[str, Any]:
    """Downloads MODEL's audit export and writes it as a bundle directory OUT."""
    check_output_directory(out)
    # The zip itself when it fits in one answer, else a JSON link to it (docs/audit-trail.md).
    response = client.get_raw(f"/models/{model['id']}/audit-logs/export", accept="application/zip, application/json")
    files = _bundle_files(response, client.timeout)
    if MANIFEST not in files:
        raise CliError("the audit export has no manifest.json", UNAVAILABLE, code="bad_response")
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        target = out.joinpath(*PurePosixPath(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    try:
        manifest = json.loads(files[MANIFEST])
    except ValueError:
        manifest = {}
    return {
        "model": model["name"],
        "model_id": model["id"],
        "path": str(out),
        "records": manifest.get("records"),
        "head_hash": manifest.get("head_hash"),
        "files": len(files),
    }


def _bundle_files(response: Response, timeout: float) -> dict[str, bytes]:
    """name -> bytes from a zip answer, or from a JSON answer that links to the zip (a presigned URL)."""
    body = response.body
    if not zipfile.is_zipfile(io.BytesIO(body)):
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        url = payload.get("download_url") or payload.get("url") if isinstance(payload, dict) else None
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise CliError("the audit export is neither a zip archive nor a link to one", UNAVAILABLE,
                           code="bad_response")
        try:
            # A presigned URL carries its own authorisation: no signature or token is added.
            with urllib.request.urlopen(url, timeout=timeout) as download:
                body = download.read()
        except OSError as exc:
            raise CliError(f"cannot download the audit export: {exc}", UNAVAILABLE, code="network_error") from exc
        if not zipfile.is_zipfile(io.BytesIO(body)):
            raise CliError("the downloaded audit export is not a zip archive", UNAVAILABLE, code="bad_response")
        expected = payload.get("sha256") if isinstance(payload, dict) else None
        if isinstance(expected, str) and hashlib.sha256(body).hexdigest() != expected.lower():
            raise CliError("the downloaded audit export does not match the SHA-256 the API announced", UNAVAILABLE,
                           code="bad_download")
    return _unzip(body)


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        names = [info.filename for info in members]
        tops = {name.split("/", 1)[0] for name in names}
        folder = "" if MANIFEST in names or len(tops) != 1 else tops.pop() + "/"  # one wrapping folder is dropped
        files: dict[str, bytes] = {}
        for info in members:
            name = info.filename.removeprefix(folder)
            pure = PurePosixPath(name)
            if not name or "\\" in name or pure.is_absolute() or ".." in pure.parts:
                raise CliError(f"the audit export holds an unsafe path {info.filename!r}", UNAVAILABLE,
                               code="bad_response")
            if info.file_size > MAX_FILE_BYTES:
                raise CliError(f"the audit export holds an oversized file {info.filename!r}", UNAVAILABLE,
                               code="bad_response")
            files[name] = archive.read(info)
    return files


def verify(bundle: str, expected_head: str | None, expected_key: str | None = None,
           evidence: str | None = None) -> tuple[int, dict[str, Any], str]:
    """Runs the offline verifier: (exit code, JSON result, human-readable report).

    0 intact; 1 problems found (like a refused gate: do not trust this trail); 2 not a readable bundle.
    """
    from govhub_cli.bundle import BundleError, format_report, verify_bundle

    try:
        result = verify_bundle(bundle, expected_head=expected_head, expected_key=expected_key, evidence_dir=evidence)
    except (BundleError, OSError, zipfile.BadZipFile) as error:
        raise CliError(f"cannot read the bundle: {error}", USAGE, code="unreadable_bundle") from error
    return (OK if result["intact"] else GATE_REFUSED), result, format_report(result)

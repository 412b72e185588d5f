"""`govhub audit export/verify`, and the start-up cost of `govhub --help`."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from govhub_cli import errors
from govhub_cli.bundle import GENESIS_HASH, canonical_json, record_hash


def _bundle_zip(model_id: int, events: list[str], folder: str = "audit-model-1") -> bytes:
    files: dict[str, bytes] = {}
    prev = GENESIS_HASH
    for sequence, event in enumerate(events, start=1):
        record: dict[str, Any] = {"sequence": sequence, "model_id": model_id, "prev_hash": prev, "event": event,
                                  "actor": "ci-role", "at": "2026-01-01T00:00:00+00:00"}
        record["hash"] = record_hash(record)
        prev = record["hash"]
        files[f"records/{sequence:08d}.json"] = canonical_json(record)
    manifest = {"format": "govhub.audit-bundle/1", "model": {"id": model_id, "name": "fraud"},
                "records": len(events), "first_sequence": 1, "last_sequence": len(events), "head_hash": prev,
                "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}}
    files["manifest.json"] = json.dumps(manifest, indent=2).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(f"{folder}/{name}", data)
    return buffer.getvalue()


def test_export_writes_the_bundle_and_verify_finds_it_intact(govhub: Any, api: Any, tmp_path: Path) -> None:
    api.add_model(name="fraud")
    api.static[("GET", "/models/1/audit-logs/export")] = (
        200, {"Content-Type": "application/zip"}, _bundle_zip(1, ["created", "version v1", "under_review"]))
    out = tmp_path / "bundle"
    exported = govhub("audit", "export", "--model", "fraud", "--out", str(out))
    assert exported.code == 0, exported.err
    assert "3 records" in exported.out
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "manifest.json", "records/00000001.json", "records/00000002.json", "records/00000003.json"]
    assert "application/zip" in api.calls("GET", "/models/1/audit-logs/export")[0].headers["accept"]
    verified = govhub("audit", "verify", str(out))
    assert verified.code == 0, verified.err
    assert verified.out.startswith("INTACT: model 1 (fraud), 3 records, chain unbroken")


def test_verify_reports_a_tampered_record_with_exit_1(govhub: Any, api: Any, tmp_path: Path) -> None:
    api.add_model(name="fraud")
    api.static[("GET", "/models/1/audit-logs/export")] = (200, {"Content-Type": "application/zip"},
                                                          _bundle_zip(1, ["created", "approved"]))
    out = tmp_path / "bundle"
    assert govhub("audit", "export", "--model", "fraud", "--out", str(out)).code == 0
    record = out / "records" / "00000002.json"
    record.write_bytes(record.read_bytes().replace(b"approved", b"rejected"))
    result = govhub("--json", "audit", "verify", str(out))
    assert result.code == errors.GATE_REFUSED
    report = result.json()
    assert report["intact"] is False
    assert {p["problem"] for p in report["problems"]} == {"modified"}


def test_export_follows_a_presigned_link_to_the_zip(govhub: Any, api: Any, tmp_path: Path) -> None:
    api.add_model(name="fraud")
    link = api.url.replace("/api/v1", "/exports/fraud.zip?X-Amz-Signature=abc")
    archive = _bundle_zip(1, ["x"])
    api.static[("GET", "/models/1/audit-logs/export")] = (200, {}, json.dumps(
        {"download_url": link, "sha256": hashlib.sha256(archive).hexdigest(), "records": 1}).encode())
    api.static[("GET", "/exports/fraud.zip")] = (200, {"Content-Type": "application/zip"}, archive)
    result = govhub("--json", "audit", "export", "--model", "fraud", "--out", str(tmp_path / "b"))
    assert result.code == 0, result.err
    assert result.json()["records"] == 1
    download = api.calls("GET", "/exports/fraud.zip")[0]
    assert "authorization" not in download.headers  # the presigned URL is its own credential


def test_export_refuses_a_download_that_does_not_match_its_announced_sha256(govhub: Any, api: Any,
                                                                          tmp_path: Path) -> None:
    api.add_model(name="fraud")
    link = api.url.replace("/api/v1", "/exports/fraud.zip")
    api.static[("GET", "/models/1/audit-logs/export")] = (200, {}, json.dumps(
        {"download_url": link, "sha256": "0" * 64}).encode())
    api.static[("GET", "/exports/fraud.zip")] = (200, {"Content-Type": "application/zip"}, _bundle_zip(1, ["x"]))
    result = govhub("audit", "export", "--model", "fraud", "--out", str(tmp_path / "b"))
    assert result.code == errors.UNAVAILABLE
    assert "does not match the SHA-256" in result.err
    assert not (tmp_path / "b").exists()


def test_export_refuses_a_non_empty_directory_and_verify_an_unreadable_bundle(govhub: Any, api: Any,
                                                                              tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    assert govhub("audit", "export", "--model", "fraud", "--out", str(tmp_path)).code == errors.USAGE
    assert api.requests == []
    (tmp_path / "not-a-bundle.txt").write_text("x")
    result = govhub("audit", "verify", str(tmp_path / "not-a-bundle.txt"))
    assert result.code == errors.USAGE
    assert "cannot read the bundle" in result.err


CLI_SOURCE = str(Path(__file__).resolve().parents[3] / "cli")


def _subprocess_env() -> dict[str, str]:
    """The CLI importable from the source tree, installed or not."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [CLI_SOURCE, os.environ.get("PYTHONPATH")]))}


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=_subprocess_env()).stdout


def test_help_lists_the_exit_codes_and_loads_neither_botocore_nor_the_http_client() -> None:
    out = _run(
        "import sys, contextlib, io\n"
        "from govhub_cli.main import main\n"
        "buffer = io.StringIO()\n"
        "with contextlib.redirect_stdout(buffer), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        "heavy = sorted(m for m in sys.modules if m.startswith(('botocore', 'urllib.request', 'http.client', "
        "'govhub_cli.client', 'govhub_cli.commands')))\n"
        "print(repr(heavy)); print(buffer.getvalue())\n"
    )
    loaded, help_text = out.split("\n", 1)
    assert loaded == "[]"
    for line in ("0  success", "1  gate refused", "2  usage error", "3  authentication", "4  validation failed",
                 "5  conflict", "6  not found", "7  network or server failure"):
        assert line in help_text


def test_the_console_script_reports_its_version() -> None:
    result = subprocess.run([sys.executable, "-m", "govhub_cli", "--version"], check=False,
                            capture_output=True, text=True, env=_subprocess_env())
    assert (result.returncode, result.stdout.strip()) == (0, "govhub 0.1.0")

"""Export bundles and the standalone offline verifier."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from audit_factory import chains, json_values, realistic_history, thorough
from hypothesis import given

from govhub.audit import (
    build_bundle,
    bundle_to_zip,
    canonical_json,
    encode_record,
    record_hash,
    seal,
    verify_chain,
)
from govhub_cli import bundle as offline

GENERATED = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
MODEL = {"id": 7, "name": "fraud-detector-v2"}
ROOT = Path(__file__).resolve().parents[3]


def write(files: dict[str, bytes], folder: Path) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def problems(result: dict[str, Any]) -> set[tuple[Any, str]]:
    return {(p.get("sequence", p.get("file")), p["problem"]) for p in result["problems"]}


@pytest.fixture
def records() -> list[dict[str, Any]]:
    return realistic_history().records


@pytest.fixture
def bundle_dir(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    return write(build_bundle(records, MODEL, GENERATED), tmp_path / "bundle")


# -- building -------------------------------------------------------------------------------------


def test_a_bundle_holds_each_record_as_its_stored_bytes_and_a_manifest(records: list[dict[str, Any]]) -> None:
    files = build_bundle(records, MODEL, GENERATED)

    assert sorted(files) == ["manifest.json"] + [f"records/{n:08d}.json" for n in range(1, 11)]
    assert files["records/00000003.json"] == encode_record(records[2]) == canonical_json(records[2])
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "govhub.audit-bundle/1"
    assert manifest["model"] == {"id": 7, "name": "fraud-detector-v2"}
    assert (manifest["records"], manifest["first_sequence"], manifest["last_sequence"]) == (10, 1, 10)
    assert manifest["head_hash"] == records[-1]["hash"] == verify_chain(records).head_hash
    assert manifest["files"]["records/00000010.json"] == hashlib.sha256(files["records/00000010.json"]).hexdigest()
    assert "sha256" in manifest["hash_rule"]
    assert manifest["generated_at"] == "2026-11-30T12:00:00+00:00"


def test_stored_bytes_are_exported_exactly_as_stored(records: list[dict[str, Any]]) -> None:
    stored = [encode_record(r) for r in records]
    stored[4] = stored[4].replace(b"Ready for compliance review", b"Ready for compliance REVIEW")

    files = build_bundle(stored, MODEL, GENERATED)

    assert files["records/00000005.json"] == stored[4]


def test_records_of_another_model_are_not_exported(records: list[dict[str, Any]]) -> None:
    with pytest.raises(ValueError, match="model 8"):
        build_bundle(records, {"id": 8, "name": "other"}, GENERATED)


def test_an_empty_trail_exports_an_empty_bundle(tmp_path: Path) -> None:
    files = build_bundle([], MODEL, GENERATED)
    result = offline.verify_bundle(write(files, tmp_path))
    assert result["intact"]
    assert result["records"] == 0


def test_the_zip_is_the_same_bytes_for_the_same_bundle(records: list[dict[str, Any]]) -> None:
    files = build_bundle(records, MODEL, GENERATED)
    assert bundle_to_zip(files) == bundle_to_zip(dict(reversed(files.items())))


# -- verifying an untouched bundle ----------------------------------------------------------------


def test_an_exported_bundle_verifies_offline(bundle_dir: Path, records: list[dict[str, Any]]) -> None:
    result = offline.verify_bundle(bundle_dir)

    assert result == {
        "intact": True,
        "records": 10,
        "head_hash": records[-1]["hash"],
        "model": MODEL,
        "digests": 0,
        "signing_keys": {},
        "evidence": None,
        "problems": [],
    }


@pytest.mark.parametrize("folder", ["", "audit-model-7"])
def test_a_zipped_bundle_verifies_offline(tmp_path: Path, records: list[dict[str, Any]], folder: str) -> None:
    archive = tmp_path / "audit-model-7.zip"
    archive.write_bytes(bundle_to_zip(build_bundle(records, MODEL, GENERATED), folder=folder))

    result = offline.verify_bundle(archive, expected_head=records[-1]["hash"])

    assert result["intact"], result["problems"]
    assert result["records"] == 10


@thorough
@given(chains)
def test_any_chain_round_trips_through_a_bundle(chain: list[dict[str, Any]]) -> None:
    files = build_bundle(chain, MODEL | {"id": chain[0]["model_id"]}, GENERATED)
    archive = bundle_to_zip(files)
    with _temporary_file(archive) as path:
        result = offline.verify_bundle(path)
    assert result["intact"], result["problems"]
    assert result["head_hash"] == verify_chain(chain).head_hash


# -- the two implementations of the hash rule agree -----------------------------------------------


@pytest.mark.parametrize("value", [0.1, 1e-7, 1.0, 1e21, 5e-324, -0.0, 123456789.125, "Grüße, 東京 ✓ \u2028 \x7f", {"é": 1, "e": 2}])
def test_both_implementations_write_the_same_bytes(value: Any) -> None:
    assert offline.canonical_json(value) == canonical_json(value)


@thorough
@given(json_values)
def test_both_implementations_agree_on_any_json_value(value: Any) -> None:
    assert offline.canonical_json(value) == canonical_json(value)


@thorough
@given(chains)
def test_both_implementations_compute_the_same_record_hashes(chain: list[dict[str, Any]]) -> None:
    for record in chain:
        parsed = json.loads(encode_record(record))
        assert offline.record_hash(parsed) == record_hash(record) == record["hash"]


def test_the_offline_verifier_uses_nothing_but_the_standard_library() -> None:
    code = (
        "import sys; sys.path.insert(0, 'cli'); before = set(sys.modules); import govhub_cli.bundle; "
        "extra = {m.split('.')[0] for m in set(sys.modules) - before} - set(sys.stdlib_module_names); "
        "print(sorted(extra))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['govhub_cli']"


def test_the_verifier_runs_as_a_module(bundle_dir: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "govhub_cli.bundle", str(bundle_dir)],
        cwd=ROOT / "cli",
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("INTACT: model 7 (fraud-detector-v2), 10 records, chain unbroken, head ")


# -- tampering ------------------------------------------------------------------------------------


def test_an_edited_record_is_caught_by_its_file_hash_and_its_own_hash(bundle_dir: Path) -> None:
    # Given someone changes the reason of record 5 in the exported file
    path = bundle_dir / "records/00000005.json"
    path.write_bytes(path.read_bytes().replace(b"Ready for compliance review", b"Approved by the board"))

    result = offline.verify_bundle(bundle_dir)

    assert not result["intact"]
    assert problems(result) == {("records/00000005.json", "modified"), (5, "modified")}


def test_an_edited_record_with_a_patched_manifest_is_still_caught(bundle_dir: Path) -> None:
    path = bundle_dir / "records/00000005.json"
    path.write_bytes(path.read_bytes().replace(b"Ready for compliance review", b"Approved by the board"))
    manifest = json.loads((bundle_dir / "manifest.json").read_bytes())
    manifest["files"]["records/00000005.json"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (bundle_dir / "manifest.json").write_text(json.dumps(manifest))

    assert problems(offline.verify_bundle(bundle_dir)) == {(5, "modified")}


def test_a_record_rewritten_and_resealed_in_a_rebuilt_bundle_breaks_the_chain(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    # Given a forger who re-seals record 7 with another approver and rebuilds the whole bundle
    forged = list(records)
    forged[6] = seal({**records[6], "actor": {"username": "mallory", "role": "admin"}}, records[6]["prev_hash"])
    folder = write(build_bundle(forged, MODEL, GENERATED), tmp_path)

    result = offline.verify_bundle(folder)

    assert problems(result) == {(7, "modified")}
    assert result["head_hash"] == records[5]["hash"]


def test_a_deleted_record_file_is_missing(bundle_dir: Path) -> None:
    (bundle_dir / "records/00000004.json").unlink()

    result = offline.verify_bundle(bundle_dir)

    assert problems(result) == {
        ("records/00000004.json", "missing"),
        (4, "missing"),
        ("manifest.json", "modified"),  # the count no longer matches
    }


def test_a_deleted_record_with_a_patched_manifest_is_still_missing(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    folder = write(build_bundle(records[:3] + records[4:], MODEL, GENERATED), tmp_path)
    assert problems(offline.verify_bundle(folder)) == {(4, "missing")}


def test_cutting_the_last_records_needs_the_live_head_to_be_seen(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    folder = write(build_bundle(records[:8], MODEL, GENERATED), tmp_path)
    assert offline.verify_bundle(folder)["intact"]
    assert problems(offline.verify_bundle(folder, expected_head=records[-1]["hash"])) == {(8, "modified")}


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda m: m.update(head_hash="f" * 64), "head_hash"),
        (lambda m: m.update(records=11), "records"),
        (lambda m: m.update(last_sequence=9), "last_sequence"),
    ],
)
def test_an_edited_manifest_is_caught(bundle_dir: Path, edit: Any, field: str) -> None:
    manifest = json.loads((bundle_dir / "manifest.json").read_bytes())
    edit(manifest)
    (bundle_dir / "manifest.json").write_text(json.dumps(manifest))

    result = offline.verify_bundle(bundle_dir)

    assert problems(result) == {("manifest.json", "modified")}
    assert field in result["problems"][0]["detail"]


def test_an_edited_file_hash_in_the_manifest_is_caught(bundle_dir: Path) -> None:
    manifest = json.loads((bundle_dir / "manifest.json").read_bytes())
    manifest["files"]["records/00000002.json"] = "0" * 64
    (bundle_dir / "manifest.json").write_text(json.dumps(manifest))

    assert problems(offline.verify_bundle(bundle_dir)) == {("records/00000002.json", "modified")}


def test_swapped_record_files_are_reordered(bundle_dir: Path) -> None:
    five, six = bundle_dir / "records/00000005.json", bundle_dir / "records/00000006.json"
    five_bytes, six_bytes = five.read_bytes(), six.read_bytes()
    five.write_bytes(six_bytes)
    six.write_bytes(five_bytes)

    assert (5, "reordered") in problems(offline.verify_bundle(bundle_dir))


def test_an_extra_file_is_unlisted(bundle_dir: Path, records: list[dict[str, Any]]) -> None:
    (bundle_dir / "records/00000004b.json").write_bytes(encode_record(records[3]))

    result = offline.verify_bundle(bundle_dir)

    assert ("records/00000004b.json", "unlisted") in problems(result)
    assert (4, "duplicate") in problems(result)


def test_a_reformatted_record_is_not_canonical(bundle_dir: Path) -> None:
    path = bundle_dir / "records/00000002.json"
    path.write_text(json.dumps(json.loads(path.read_bytes()), indent=2))

    assert ("records/00000002.json", "not_canonical") in problems(offline.verify_bundle(bundle_dir))


def test_a_record_that_is_not_json_is_malformed(bundle_dir: Path) -> None:
    (bundle_dir / "records/00000003.json").write_bytes(b'{"sequence": 3, "sequence": 4}')

    assert ("records/00000003.json", "malformed") in problems(offline.verify_bundle(bundle_dir))


def test_a_bundle_without_a_manifest_is_not_intact(bundle_dir: Path) -> None:
    (bundle_dir / "manifest.json").unlink()
    assert ("manifest.json", "missing") in problems(offline.verify_bundle(bundle_dir))


@pytest.mark.parametrize("content", [b"[1, 2]", b"not json", b'{"model": {"id": 7}}'])
def test_a_manifest_that_is_not_a_manifest_is_malformed(bundle_dir: Path, content: bytes) -> None:
    (bundle_dir / "manifest.json").write_bytes(content)

    result = offline.verify_bundle(bundle_dir)

    assert problems(result) == {("manifest.json", "malformed")}
    assert result["records"] == 10  # the records are still checked on their own


def test_a_manifest_naming_files_outside_the_bundle_is_malformed(bundle_dir: Path) -> None:
    manifest = json.loads((bundle_dir / "manifest.json").read_bytes())
    manifest["files"]["../../etc/passwd"] = "0" * 64
    (bundle_dir / "manifest.json").write_text(json.dumps(manifest))

    assert ("../../etc/passwd", "malformed") in problems(offline.verify_bundle(bundle_dir))


# -- the command ----------------------------------------------------------------------------------


def test_main_reports_tampering_and_exits_1(bundle_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (bundle_dir / "records/00000003.json").unlink()

    code = offline.main([str(bundle_dir)])

    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("TAMPERED: model 7 (fraud-detector-v2), 9 records, 3 problem(s):")
    assert "  sequence 3: missing - record 3 is missing" in out


def test_main_prints_json_on_request(bundle_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert offline.main([str(bundle_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["intact"] is True


def test_main_compares_with_the_expected_head(bundle_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert offline.main([str(bundle_dir), "--expect-head", "a" * 64]) == 1
    assert "not the expected head" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["absent", "plain.txt"])
def test_main_exits_2_for_something_that_is_not_a_bundle(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    if name == "plain.txt":
        (tmp_path / name).write_text("hello")

    assert offline.main([str(tmp_path / name)]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_a_zip_with_an_oversized_member_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.writestr("manifest.json", b"{}")
        out.writestr("records/00000001.json", b" " * (offline.MAX_FILE_BYTES + 1))
    with pytest.raises(offline.BundleError, match="larger than"):
        offline.verify_bundle(archive)


@contextmanager
def _temporary_file(data: bytes) -> Iterator[Path]:
    """A file outside tmp_path, which Hypothesis tests cannot share between examples."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bundle.zip"
        path.write_bytes(data)
        yield path


# -- the evidence manifest ------------------------------------------------------------------------

PROCEDURE = b"%PDF-1.7\n risk management procedure \n%%EOF"
DECLARATION = b"%PDF-1.7\n EU declaration of conformity \n%%EOF"


def evidence_manifest(*documents: bytes) -> dict[str, Any]:
    return {"schema": "govhub.evidence-manifest/1", "model_id": MODEL["id"], "as_of": GENERATED.isoformat(),
            "documents": [{"evidence_id": f"e{i}", "title": f"Document {i}", "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
                          for i, d in enumerate(documents)]}


def test_an_auditor_checks_each_downloaded_document_against_the_bundles_evidence_manifest(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    # Given a bundle with two documents in its evidence manifest and one of them downloaded
    bundle = write(build_bundle(records, MODEL, GENERATED, evidence=evidence_manifest(PROCEDURE, DECLARATION)), tmp_path / "bundle")
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "procedure.pdf").write_bytes(PROCEDURE)
    # When it is verified offline with the documents
    result = offline.verify_bundle(bundle, evidence_dir=documents)
    # Then the document is matched by its hash and the other is listed as not provided
    assert result["intact"] is True
    assert [c["evidence_id"] for c in result["evidence"]["checked"]] == ["e0"]
    assert [d["evidence_id"] for d in result["evidence"]["not_provided"]] == ["e1"]
    assert "1 checked against their SHA-256" in offline.format_report(result)


def test_a_changed_document_or_a_changed_evidence_manifest_is_caught(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    bundle = write(build_bundle(records, MODEL, GENERATED, evidence=evidence_manifest(PROCEDURE)), tmp_path / "bundle")
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "procedure.pdf").write_bytes(PROCEDURE.replace(b"risk", b"RISK"))

    tampered_document = offline.verify_bundle(bundle, evidence_dir=documents)
    assert ("evidence:procedure.pdf", "unmatched") in problems(tampered_document)

    listed = json.loads((bundle / "evidence/manifest.json").read_text())
    listed["documents"][0]["sha256"] = hashlib.sha256(PROCEDURE.replace(b"risk", b"RISK")).hexdigest()
    (bundle / "evidence/manifest.json").write_text(json.dumps(listed))
    tampered_manifest = offline.verify_bundle(bundle, evidence_dir=documents)
    assert ("evidence/manifest.json", "modified") in problems(tampered_manifest)  # its SHA-256 is in the bundle manifest

"""Benchmark of the audit trail (issue targets in brackets), on the local stack's emulator:

* auditing 1,000 committed changes (audit_stream on the table's stream, in batches of the template's
  BatchSize, as Lambda's event source mapping delivers them) vs writing the same 1,000 objects to S3
  directly with one client [<= 1.5x];
* verifying a chain of 10x the records vs one of N records (GET /models/{id}/audit-logs/verify's work:
  list the model's objects, read them, recompute the chain, compare with the head) [<= 11x].

It starts its own emulator (moto server, as `make dev` does, in a process of its own as AWS is a service
of its own) on a free port with the resources of template.yaml, and loads the audit_stream function as
the local stack does, so it never disturbs a running hub. Changes are written to the table as the
registry's items (models, versions, metrics, model updates), so the stream carries realistic images.
Each measure is the best of interleaved runs: on a busy machine, load only ever slows a run down.

    python tests/bench/bench_audit.py [--changes 1000] [--verify-n 200] [--runs 5]

Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "govhub")]

from tests.harness import free_port  # noqa: E402 (needs the path above: run as a script)

REGION = "us-east-1"
STACK = "bench-audit"
CHANGES_PER_MODEL = 20  # a model, 5 versions, 10 metrics, 4 updates
AUDIT_TARGET = 1.5
VERIFY_TARGET = 11.0
ROUNDS = 2  # audit + direct puts, interleaved; the best of each is compared (a busy machine only ever slows a run)



def start_emulator() -> tuple[subprocess.Popen, dict[str, str], str]:
    """The local stack's emulator (moto server) with the template's resources, in its own process as AWS is a
    service of its own (in-process, its whole state would sit in this process's garbage collector and be
    measured with the audit code); the environment set as the local stack sets it for the functions."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION=REGION, AWS_REGION=REGION,  # noqa: S106
        AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled", POWERTOOLS_LOG_LEVEL="ERROR",
    )
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the emulator (moto server) did not start")
        time.sleep(0.2)
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    from local_stack.provision import provision
    from local_stack.template import Template

    template = Template()
    refs = provision(template, STACK, REGION, endpoint)
    os.environ.update(template.environment("AuditStreamFunction", refs))
    os.environ["POWERTOOLS_LOG_LEVEL"] = "ERROR"
    return server, refs, endpoint


# -- committed changes ---------------------------------------------------------------------------


class ChangeWriter:
    """Writes the registry's items to the table (each write is one committed change on the stream)."""

    def __init__(self, table: str) -> None:
        import boto3
        from boto3.dynamodb.types import TypeSerializer

        self._client = boto3.client("dynamodb", region_name=REGION)
        self._table = table
        self._serializer = TypeSerializer()
        self.count = 0

    def put(self, item: dict[str, Any]) -> None:
        wire = {k: self._serializer.serialize(Decimal(str(v)) if isinstance(v, float) else v) for k, v in item.items() if v is not None}
        self._client.put_item(TableName=self._table, Item=wire)
        self.count += 1

    def model_life(self, model_id: int) -> None:
        # Stamped now, as live changes are: records hours old would make every batch sign an hourly digest per model
        # (DigestCadence.minutes), which is not the writer's steady work.
        day = datetime.now(UTC).strftime("%Y-%m-%d")
        hour = datetime.now(UTC).strftime("%H")

        def stamp(by: str, role: str, at: str, reason: str) -> dict[str, Any]:
            return {"created_at": f"{day}T{hour}:00:00+00:00", "created_by": "omar.owner", "updated_at": at,
                    "updated_by": by, "updated_by_role": role, "change_reason": reason}

        name = f"bench-model-{model_id:04d}"
        model = {"PK": f"MODEL#{model_id}", "SK": "META", "entity": "model", "model_id": model_id, "revision": 1,
                 "name": name, "name_key": name, "owner": "Benchmark Team", "domain": "finance", "risk_level": "high",
                 "compliance_status": "draft", "description": "A model that exists to be audited " * 3,
                 "intended_purpose": "Benchmark the audit trail", "GSI1PK": "MODELS", "GSI1SK": name,
                 **stamp("omar.owner", "model_owner", f"{day}T{hour}:00:00+00:00", "Registered")}
        self.put(model)
        for v in range(5):
            version_id = model_id * 10 + v
            self.put({"PK": f"VERSION#{version_id}", "SK": "META", "entity": "version", "model_id": model_id,
                      "version_id": version_id, "version_tag": f"v1.{v}.0", "s3_path": f"s3://models/{name}/v1.{v}.0",
                      "sha256": f"{version_id:064x}", "revision": 1, "GSI1PK": f"MODEL#{model_id}#VERSIONS",
                      "GSI1SK": f"{version_id:012d}",
                      **stamp("ci-bot", "model_owner", f"{day}T{hour}:{v + 1:02d}:00+00:00", f"Version v1.{v}.0 registered")})
            for m, metric in enumerate(("accuracy", "f1")):
                metric_id = version_id * 10 + m
                self.put({"PK": f"VERSION#{version_id}", "SK": f"METRIC#{metric_id:012d}", "entity": "metric",
                          "model_id": model_id, "metric_id": metric_id, "version_id": version_id, "metric_name": metric,
                          "value": 0.9 + (metric_id % 97) / 1000, "GSI1PK": f"METRIC#{metric_id}", "GSI1SK": "METRIC#",
                          **stamp("ci-bot", "model_owner", f"{day}T{hour}:{v + 1:02d}:30+00:00", "Evaluation recorded")})
        for step, (field, value, reason) in enumerate((("compliance_status", "under_review", "Ready for review"),
                                                       ("risk_level", "limited", "Advisory only"),
                                                       ("description", "Re-described for the auditors", "Profile updated"),
                                                       ("compliance_status", "approved", "Reviewed"))):
            model = {**model, field: value, "revision": model["revision"] + 1,
                     **stamp("ada.admin", "admin", f"{day}T{hour}:{step + 10:02d}:00+00:00", reason)}
            self.put(model)


def stream_batches(template: Any, stream: Any, batch_size: int) -> list[list[dict[str, Any]]]:
    """The new stream records audit_stream's filter lets through, in batches of its BatchSize."""
    from tests.harness import subscribed

    records = subscribed(template, "AuditStreamFunction", stream.new_records())
    return [records[i : i + batch_size] for i in range(0, len(records), batch_size)]


def audit(host: Any, batches: list[list[dict[str, Any]]]) -> float:
    from tests.integration.audit_stream_helpers import deliver, failed_positions

    gc.collect()
    start = time.perf_counter()
    for batch in batches:
        failed = failed_positions(batch, deliver(host, batch))
        if failed:
            raise SystemExit(f"audit_stream reported failures in a batch: positions {failed}")
    return time.perf_counter() - start


def twin_bucket(s3: Any, name: str) -> str:
    """A bucket configured like AuditBucket (Object Lock COMPLIANCE, versioning, encryption)."""
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]})
    return name


def direct_puts(objects: list[tuple[str, bytes]], bucket: str) -> float:
    """The same objects written with one client, one PutObject each."""
    import boto3

    s3 = boto3.client("s3", region_name=REGION)
    twin_bucket(s3, bucket)
    s3.put_object(Bucket=bucket, Key="warm-up", Body=b"{}")
    gc.collect()
    start = time.perf_counter()
    for key, data in objects:
        s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType="application/json")
    return time.perf_counter() - start


def stored_objects(model_ids: range) -> list[tuple[str, bytes]]:
    """Each model's stored records (checked: one per change, the chain intact), as (key, bytes)."""
    from govhub.services.audit import default_audit_service

    service = default_audit_service()
    objects: list[tuple[str, bytes]] = []
    for model_id in model_ids:
        stored = service.stored(model_id)
        assert [s.sequence for s in stored] == list(range(1, CHANGES_PER_MODEL + 1)), f"model {model_id}: {len(stored)} records"
        assert service.verify(model_id)["intact"], f"model {model_id}'s chain does not verify"
        objects += [(s.key, s.data) for s in stored]
    return objects


# -- verification --------------------------------------------------------------------------------


def build_chain(model_id: int, length: int) -> None:
    """A stored, anchored chain of `length` realistic records (status changes, versions, metrics)."""
    from govhub.audit import GENESIS_HASH, audit_record_key, encode_record, new_record, seal
    from govhub.store.audit import AuditArchive, AuditHead, AuditIndexRepository

    archive, index = AuditArchive(), AuditIndexRepository()
    prev, statuses = GENESIS_HASH, ["draft", "under_review", "approved", "under_review"]
    sealed: dict[str, Any] = {}
    for sequence in range(1, length + 1):
        kind = sequence % 3
        changes: dict[str, dict[str, Any]]
        if sequence == 1:
            changes = {"name": {"before": None, "after": f"bench-verify-{model_id}"}, "risk_level": {"before": None, "after": "high"}}
            entity, action, entity_id = "model", "create", model_id
        elif kind == 0:
            changes = {"compliance_status": {"before": statuses[sequence % 4], "after": statuses[(sequence + 1) % 4]}}
            entity, action, entity_id = "model", "status_change", model_id
        elif kind == 1:
            changes = {"version_tag": {"before": None, "after": f"v{sequence}"}, "s3_path": {"before": None, "after": f"s3://m/v{sequence}"}}
            entity, action, entity_id = "version", "create", sequence
        else:
            changes = {"metric_name": {"before": None, "after": "accuracy"}, "value": {"before": None, "after": 0.9 + sequence / 1e6},
                       "version_id": {"before": None, "after": sequence - 1}}
            entity, action, entity_id = "metric", "create", sequence
        record = new_record(model_id=model_id, sequence=sequence, entity=entity, entity_id=entity_id, action=action,
                            actor={"username": "ada.admin", "role": "admin"}, reason="benchmark change",
                            time=f"2026-11-25T12:00:00.{sequence:06d}+00:00", changes=changes, event_id=f"bench-{model_id}-{sequence}")
        sealed = seal(record, prev)
        archive.put_new(audit_record_key(model_id, sequence), encode_record(sealed))
        prev = sealed["hash"]
    assert index.advance(AuditHead(model_id), AuditHead(model_id, length, sealed["hash"]))


def time_verify(model_ids: tuple[int, int], runs: int) -> tuple[list[float], list[float], list[dict[str, Any]]]:
    """Verification times of both chains, the runs interleaved so that a load spike hits both alike."""
    from govhub.services.audit import default_audit_service

    service = default_audit_service()
    times: tuple[list[float], list[float]] = ([], [])
    verdicts: list[dict[str, Any]] = [{}, {}]
    for _ in range(runs):
        for which, model_id in enumerate(model_ids):
            gc.collect()
            start = time.perf_counter()
            verdicts[which] = service.verify(model_id)
            times[which].append(time.perf_counter() - start)
    return times[0], times[1], verdicts


def _line(label: str, value: str, target: str, ok: bool) -> str:
    return f"  {label:<62} {value:>12}   target {target:<8} {'PASS' if ok else 'MISS'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--verify-n", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} / {os.cpu_count()} CPUs", flush=True)

    server, refs, endpoint = start_emulator()
    try:
        from local_stack.functions import load_functions
        from local_stack.template import Template

        template = Template()
        host = load_functions(template)["AuditStreamFunction"]
        batch_size = next(s.batch_size for s in template.stream_subscriptions() if s.function == "AuditStreamFunction")
        writer = ChangeWriter(refs["Table"])
        from tests.harness import TableStream

        stream = TableStream(refs["Table.StreamArn"])

        # Warm the function (imports, clients) on a model of its own, as a warm Lambda container would be.
        writer.model_life(9999)
        audit(host, stream_batches(template, stream, batch_size))

        # Best of ROUNDS, interleaved: audit 1,000 changes, then put the same objects directly; again with new models.
        models = max(1, args.changes // CHANGES_PER_MODEL)
        audits: list[float] = []
        baselines: list[float] = []
        for round_ in range(ROUNDS):
            first = round_ * 10_000 + 1
            writer.count = 0
            for model_id in range(first, first + models):
                writer.model_life(model_id)
            batches = stream_batches(template, stream, batch_size)
            changes = sum(len(b) for b in batches)
            print(f"round {round_ + 1}: {writer.count} committed changes written to the table; {changes} reach "
                  f"audit_stream in {len(batches)} batches of up to {batch_size}", flush=True)
            audits.append(audit(host, batches))
            objects = stored_objects(range(first, first + models))
            print(f"round {round_ + 1}: {len(objects)} records stored, one per change, every chain intact", flush=True)
            baselines.append(direct_puts(objects, f"{STACK}-direct-{round_}"))

        build_chain(900001, args.verify_n)
        build_chain(900002, args.verify_n * 10)
        smalls, larges, verdicts = time_verify((900001, 900002), args.runs)
        assert verdicts[0]["intact"] and verdicts[1]["intact"] and verdicts[1]["records"] == args.verify_n * 10
        audited, baseline, small, large = min(audits), min(baselines), min(smalls), min(larges)

        audit_ratio, verify_ratio = audited / baseline, large / small
        print()
        print(f"  {args.changes} changes audited by audit_stream: {', '.join(f'{a:.2f} s' for a in audits)} "
              f"(best {audited:.2f} s, {audited / args.changes * 1000:.1f} ms each)")
        print(f"  the same objects put directly with one client: {', '.join(f'{b:.2f} s' for b in baselines)} (best {baseline:.2f} s)")
        print(f"  verify {args.verify_n} records: best {small * 1000:.0f} ms of {args.runs}; "
              f"{args.verify_n * 10} records: best {large * 1000:.0f} ms of {args.runs}")
        print()
        results: list[tuple[str, float, float]] = [
            ("audit 1,000 changes / put the same 1,000 objects directly", audit_ratio, AUDIT_TARGET),
            (f"verify {args.verify_n * 10} records / verify {args.verify_n} records", verify_ratio, VERIFY_TARGET),
        ]
        for label, ratio, target in results:
            print(_line(label, f"{ratio:.2f}x", f"<= {target}x", ratio <= target))
        return 0 if all(ratio <= target for _, ratio, target in results) else 1
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark of the govhub CLI (issue targets in brackets):

* `metrics push` of 1,000 metrics vs pushing them one by one: requests [<= 1/20] and time [<= 1/5];
* `govhub --help` start-up vs a fresh `python -c "import boto3"` [<= 0.5x], medians of several runs.

The push figures need a running stack: `make dev` writes `.local/stack.json` (or pass --stack FILE).
By default the CLI signs with SigV4 as the stack's CI identity against the machine API;
`--api people` uses the people API with the demo model owner's Cognito token instead.

    python tests/bench/bench_cli.py [--stack .local/stack.json] [--api machine|people] [--runs 9]

Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "cli"), str(ROOT)]

from govhub_cli.auth import BearerTokenAuth, SigV4Auth  # noqa: E402 - needs the path set above
from govhub_cli.client import ApiClient, UrllibTransport  # noqa: E402 - needs the path set above
from govhub_cli.commands import run  # noqa: E402 - needs the path set above
from govhub_cli.main import build_parser  # noqa: E402 - needs the path set above

METRICS = 1000


class CountingTransport(UrllibTransport):
    def __init__(self) -> None:
        super().__init__()
        self.requests = 0

    def send(self, *args: Any, **kwargs: Any) -> Any:
        self.requests += 1
        return super().send(*args, **kwargs)


def _connection(stack: dict[str, Any], api: str) -> tuple[str, dict[str, str], Any]:
    """(API URL, environment for the CLI, authenticator)."""
    if api == "people":
        from local_stack.demo import sign_in

        owner = stack["users"]["model_owner"]
        token = sign_in(stack["client_id"], owner["username"], owner["password"], stack["aws_endpoint"],
                        stack["region"])["IdToken"]
        return stack["api_url"], {"GOVHUB_TOKEN": token}, BearerTokenAuth(token)
    env = {"AWS_ACCESS_KEY_ID": stack["ci"]["access_key_id"], "AWS_SECRET_ACCESS_KEY": stack["ci"]["secret_access_key"],
           "AWS_REGION": stack["region"]}
    os.environ.update(env)  # botocore's credential chain reads the environment
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    return stack["machine_api_url"], env, SigV4Auth(stack["region"])


def bench_push(stack: dict[str, Any], api: str, workdir: Path) -> dict[str, float]:
    url, env, auth = _connection(stack, api)
    setup = ApiClient(url, auth)
    name = f"bench-cli-{uuid.uuid4().hex[:8]}"
    model = setup.post("/models", {"name": name, "owner": "Benchmark"})
    batched_version = setup.post("/versions", {"model_id": model["id"], "version_tag": "batched", "s3_path": "s3://bench/b"})
    single_version = setup.post("/versions", {"model_id": model["id"], "version_tag": "single", "s3_path": "s3://bench/s"})
    rows = [(f"metric_{i:04d}", round(i / METRICS, 6)) for i in range(METRICS)]
    report = workdir / "metrics.csv"
    report.write_text("metric_name,value\n" + "".join(f"{n},{v}\n" for n, v in rows))

    transport = CountingTransport()
    args = build_parser().parse_args(["--api-url", url, "--quiet", "--json", "metrics", "push", "--model", name,
                                      "--version", "batched", str(report)])
    started = time.perf_counter()
    with open(os.devnull, "w") as sink:
        stdout, sys.stdout = sys.stdout, sink
        try:
            code = run(args, env={**os.environ, **env}, transport=transport)
        finally:
            sys.stdout = stdout
    batched_seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"metrics push failed with exit code {code}")

    one_by_one = CountingTransport()
    client = ApiClient(url, auth, transport=one_by_one)
    started = time.perf_counter()
    client.get("/models", {"name": name})  # the same look-up the CLI makes
    for metric_name, value in rows:
        client.post("/metrics", {"version_id": single_version["id"], "metric_name": metric_name, "value": value})
    single_seconds = time.perf_counter() - started
    stored = sum(1 for _ in setup.paginate("/metrics", {"version_id": batched_version["id"]}))
    return {"batched_requests": transport.requests, "batched_seconds": batched_seconds,
            "single_requests": one_by_one.requests, "single_seconds": single_seconds, "stored": stored}


def _median_seconds(command: list[str], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def bench_startup(runs: int) -> dict[str, float]:
    script = Path(sys.executable).with_name("govhub")
    help_command = [str(script), "--help"] if script.exists() else (
        [shutil.which("govhub") or "", "--help"] if shutil.which("govhub") else [sys.executable, "-m", "govhub_cli", "--help"])
    boto3_command = [sys.executable, "-c", "import boto3"]
    _median_seconds(help_command, 1)  # warm the file cache for both
    _median_seconds(boto3_command, 1)
    help_seconds = _median_seconds(help_command, runs)
    boto3_seconds = _median_seconds(boto3_command, runs)
    return {"help_seconds": help_seconds, "boto3_seconds": boto3_seconds}


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", type=Path, default=ROOT / ".local" / "stack.json")
    parser.add_argument("--api", choices=("machine", "people"), default="machine")
    parser.add_argument("--runs", type=int, default=9, help="start-up runs per command (median)")
    parser.add_argument("--skip-push", action="store_true", help="only the start-up figures (no stack needed)")
    args = parser.parse_args(argv)
    missed = False

    startup = bench_startup(args.runs)
    ratio = startup["help_seconds"] / startup["boto3_seconds"]
    missed |= ratio > 0.5
    print(f"startup  govhub --help {startup['help_seconds'] * 1000:.0f} ms (median of {args.runs}), "
          f"python -c 'import boto3' {startup['boto3_seconds'] * 1000:.0f} ms: ratio {ratio:.2f} "
          f"[target <= 0.50] {_verdict(ratio <= 0.5)}")

    if not args.skip_push:
        if not args.stack.exists():
            print(f"push     skipped: no stack file at {args.stack} (start one with `make dev`)")
            return 1
        stack = json.loads(args.stack.read_text())
        workdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-cli-{os.getpid()}"
        workdir.mkdir(parents=True, exist_ok=True)
        push = bench_push(stack, args.api, workdir)
        request_ratio = push["batched_requests"] / push["single_requests"]
        time_ratio = push["batched_seconds"] / push["single_seconds"]
        missed |= request_ratio > 1 / 20 or time_ratio > 1 / 5 or push["stored"] != METRICS
        print(f"push     {METRICS} metrics via `govhub metrics push` ({args.api} API): "
              f"{push['batched_requests']:.0f} requests in {push['batched_seconds']:.2f} s; one by one: "
              f"{push['single_requests']:.0f} requests in {push['single_seconds']:.2f} s")
        print(f"push     requests ratio {request_ratio:.4f} [target <= 0.05] {_verdict(request_ratio <= 1 / 20)}; "
              f"time ratio {time_ratio:.3f} [target <= 0.20] {_verdict(time_ratio <= 1 / 5)}; "
              f"stored {push['stored']:.0f}/{METRICS} {_verdict(push['stored'] == METRICS)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

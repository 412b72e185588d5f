"""The test harness, once: free ports, the local stack in its own process, and the table's stream as Lambda reads it.

Every suite takes these from here: the end-to-end suites (a stack with demo data), the proof suites (one empty
stack per session, the `proof_stack` fixture of tests/conftest.py), the moto integration tests (the stream
reader) and the benchmarks.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local_stack.template import Template

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_SECONDS = 120
# Debian's chromium drives the browser tests and the dashboard benchmark (playwright's own builds are not fetched)
CHROMIUM = os.environ.get("GOVHUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port() -> int:
    """A TCP port nothing listens on now, on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class StackDidNotStartError(RuntimeError):
    """The local stack exited or did not write its state file in time."""


@dataclass
class StackProcess:
    info: dict[str, Any]  # what the stack wrote to its state file (api_url, users, ci credentials, ...)
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_stack(workdir: Path, demo_data: bool = False, extra_args: tuple[str, ...] = ()) -> StackProcess:
    """Start `python -m local_stack` (as `make dev` does) on free ports and wait until it has written its state file."""
    workdir.mkdir(parents=True, exist_ok=True)
    state = workdir / "stack.json"
    log = workdir / "stack.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "TABLE_NAME"}
    command = [sys.executable, "-m", "local_stack", "--port", str(free_port()), "--machine-port", str(free_port()),
               "--aws-port", str(free_port()), "--state-file", str(state), *extra_args]
    if not demo_data:
        command.append("--no-demo-data")
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not state.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise StackDidNotStartError(f"the local stack did not start:\n{log.read_text()[-4000:]}")
        time.sleep(0.2)
    info = json.loads(state.read_text())
    info["log_file"] = str(log)
    return StackProcess(info=info, process=process, log=log)


class TableStream:
    """A table's stream from its start; `new_records()` answers what was added since the last call, each record in
    the shape Lambda's event source mapping delivers. Given a template and a function, `subscribed()` keeps the
    records that function's event source mapping lets through."""

    def __init__(self, stream_arn: str, template: Template | None = None, function: str | None = None, client: Any = None) -> None:
        import boto3

        self._client = client or boto3.client("dynamodbstreams", region_name="us-east-1")
        self._arn = stream_arn
        self._subscriber = (template, function) if template is not None and function is not None else None
        shard = self._client.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
        self._iterator = self._client.get_shard_iterator(StreamArn=stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

    def new_records(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        while True:
            answer = self._client.get_records(ShardIterator=self._iterator, Limit=1000)
            self._iterator = answer["NextShardIterator"]
            if not answer["Records"]:
                return records
            records += [lambda_record(r, self._arn) for r in answer["Records"]]

    def subscribed(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self._subscriber is None:
            raise TypeError("TableStream(arn, template, function) knows whose subscription to apply")
        return subscribed(*self._subscriber, records)


def subscribed(template: Template, function: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records the function's event source mapping lets through (its FilterCriteria in template.yaml)."""
    from local_stack.pump import matches

    subscription = next(s for s in template.stream_subscriptions() if s.function == function)
    return [r for r in records if not subscription.filters or any(matches(f, r) for f in subscription.filters)]


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A stream record as Lambda delivers it: plain JSON, times in epoch seconds, and the stream's ARN."""
    plain: dict[str, Any] = json.loads(json.dumps(record, default=_json_default))
    plain["eventSourceARN"] = stream_arn
    return plain


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return int(value.astimezone(UTC).timestamp())
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value))

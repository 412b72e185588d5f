"""The local stack the proof suites attack, load and fuzz: one process per test session, empty registry, free ports.

The security, concurrency, fuzzing and load suites all share it (pytest gives each directory's conftest its own
session fixture instance, so the process is kept here, once per interpreter). `make proof-long` starts one
the same way from the command line.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 120


class StackDidNotStartError(RuntimeError):
    """The local stack exited or did not write its state file in time."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class StackProcess:
    info: dict[str, Any]
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


def start_stack(workdir: Path, demo_data: bool = False) -> StackProcess:
    """Start `python -m local_stack` on free ports and wait until it has written its state file."""
    workdir.mkdir(parents=True, exist_ok=True)
    state = workdir / "stack.json"
    log = workdir / "stack.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "TABLE_NAME"}
    command = [sys.executable, "-m", "local_stack", "--port", str(free_port()), "--machine-port", str(free_port()),
               "--aws-port", str(free_port()), "--state-file", str(state)]
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


_shared: StackProcess | None = None


def shared_stack() -> Iterator[dict[str, Any]]:
    """Body of each proof suite's session fixture: the first call starts the stack; every teardown stops it
    (session fixtures are all torn down at the end of the session, so none stops it under another suite)."""
    global _shared
    if _shared is None or _shared.process.poll() is not None:
        _shared = start_stack(Path(tempfile.mkdtemp(prefix="govhub-proof-")))
    try:
        yield _shared.info
    finally:
        if _shared is not None:
            _shared.stop()

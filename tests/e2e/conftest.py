"""The local stack, started once per test session in its own process on free ports, exactly as `make dev` runs it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_stack(folder: Path, *extra_args: str) -> Iterator[dict[str, Any]]:
    """Start `python -m local_stack` on free ports with its state in `folder`; yield its state file's content."""
    state = folder / "stack.json"
    log = state.with_name("stack.log")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "TABLE_NAME"}
    command = [sys.executable, "-m", "local_stack", "--port", str(_free_port()), "--machine-port", str(_free_port()),
               "--aws-port", str(_free_port()), "--state-file", str(state), *extra_args]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while not state.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the local stack did not start:\n{log.read_text()[-4000:]}")
        time.sleep(0.2)
    info = json.loads(state.read_text())
    info["log_file"] = str(log)
    yield info
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The running hub: the dict `.local/stack.json` holds (api_url, users, ci credentials, ...)."""
    yield from run_stack(tmp_path_factory.mktemp("stack"))

"""A real MLflow tracking server on loopback (SQLite backend: MLflow's webhooks need a SQL store), for the local
stack (`--mlflow`) and the integration tests.

Webhooks to loopback need two development switches of MLflow's: `http` URLs, and private addresses (MLflow refuses
both by default, against SSRF). Background jobs (MLflow's GenAI features) are off: they need packages the hub
does not install.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SERVER_ENV = {
    "MLFLOW_WEBHOOK_ALLOWED_SCHEMES": "http,https",
    "MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS": "true",
    "MLFLOW_WEBHOOK_CACHE_TTL": "1",  # a webhook created after the first delivery is seen within a second
    "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class MlflowServer:
    def __init__(self, workdir: Path, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.workdir = workdir
        self.host = host
        self.port = port or free_port(host)
        self.url = f"http://{host}:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90) -> str:
        """Start the server and wait until it answers; answers its URL."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = (self.workdir / "server.log").open("ab")
        command = [
            sys.executable, "-m", "mlflow", "server",
            "--backend-store-uri", f"sqlite:///{self.workdir / 'mlflow.db'}",
            "--default-artifact-root", str(self.workdir / "artifacts"),
            "--host", self.host, "--port", str(self.port),
            # gunicorn serves MLflow's Flask app; its default (uvicorn) app also loads MLflow's AI gateway, which needs numpy
            "--workers", "1", "--gunicorn-opts", "--workers 1 --timeout 60",
        ]
        self._process = subprocess.Popen(command, env={**os.environ, **SERVER_ENV}, stdout=log, stderr=subprocess.STDOUT,
                                         cwd=self.workdir, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"mlflow server exited ({self._process.returncode}); see {self.workdir / 'server.log'}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2):  # noqa: S310 - our own loopback server
                    return self.url
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(f"mlflow server did not answer within {timeout} s; see {self.workdir / 'server.log'}") from None
                time.sleep(0.3)

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        os.killpg(self._process.pid, signal.SIGINT)  # its own session: the server and gunicorn (INT: quick shutdown)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()

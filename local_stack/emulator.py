"""The AWS emulator (moto in server mode, with the local stack's fixes) in a process of its own.

The emulator does most of the work under load (every DynamoDB, S3, EventBridge and SQS call); in the stack's
process it competed for one interpreter lock with the gateway, the functions and the stream pump. In its own
process it runs on another core. It lives as long as its standard input is open: when the stack stops, or dies,
the pipe closes and the emulator exits with it.

    python -m local_stack.emulator --host 127.0.0.1 --port 4566
"""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import subprocess
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_stack.emulator", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4566)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the stack decides when to stop
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from moto.server import ThreadedMotoServer

    from local_stack import moto_patches

    moto_patches.apply()
    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()
    sys.stdin.buffer.read()  # until the stack closes the pipe
    server.stop()
    return 0


class Emulator:
    """The emulator's process, seen from the stack."""

    def __init__(self, host: str, port: int, start_timeout: float = 60) -> None:
        self.host, self.port, self._timeout = host, port, start_timeout
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen([sys.executable, "-m", "local_stack.emulator", "--host", self.host, "--port", str(self.port)],
                                         stdin=subprocess.PIPE)
        deadline = time.monotonic() + self._timeout
        while not _accepts(self.host, self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the AWS emulator did not start on {self.host}:{self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _accepts(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


if __name__ == "__main__":
    raise SystemExit(main())

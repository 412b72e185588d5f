"""The local gateway serves the dashboard's bundle compressed, as CloudFront does in AWS."""

from __future__ import annotations

import gzip
import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_stack.gateway import ApiConfig, Gateway
from tests.harness import free_port

SCRIPT = ("export const rows = [" + ",".join(f'"row {i}"' for i in range(2000)) + "];\n").encode()


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[int]:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>hub</title>")
    (tmp_path / "assets" / "index-abc.js").write_bytes(SCRIPT)
    (tmp_path / "assets" / "logo.png").write_bytes(b"\x89PNG" + b"\0" * 4000)
    port = free_port()
    running = Gateway(ApiConfig(api="HttpApi", routes=[], functions={}, static_dir=tmp_path), "127.0.0.1", port)
    running.start()
    yield port
    running.stop()


def _get(port: int, path: str, encoding: str | None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Accept-Encoding": encoding} if encoding else {})
    return connection.getresponse()


def test_a_script_is_gzipped_for_a_browser_that_accepts_it(gateway: int) -> None:
    answer = _get(gateway, "/assets/index-abc.js", "gzip, deflate, br")
    body = answer.read()
    assert answer.getheader("Content-Encoding") == "gzip"
    assert answer.getheader("Vary") == "Accept-Encoding"
    assert int(answer.getheader("Content-Length") or 0) == len(body) < len(SCRIPT) / 3
    assert gzip.decompress(body) == SCRIPT


def test_a_client_without_gzip_and_a_binary_file_get_the_bytes_as_they_are(gateway: int) -> None:
    plain = _get(gateway, "/assets/index-abc.js", None)
    assert plain.getheader("Content-Encoding") is None and plain.read() == SCRIPT
    image = _get(gateway, "/assets/logo.png", "gzip")
    assert image.getheader("Content-Encoding") is None and len(image.read()) == 4004

"""The local gateway as a browser on the same machine meets it: hostile paths, foreign Host headers, security
headers like CloudFront's, a SigV4 body that is not the one signed, and a state file only its owner can read."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from local_stack import sigv4
from local_stack.gateway import ApiConfig, Gateway
from local_stack.stack import write_private
from local_stack.template import Route, Template
from tests.harness import free_port

HEADERS = {"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'", "X-Content-Type-Options": "nosniff"}


class Health:
    name = "HealthFunction"

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps({"status": "ok"})}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>hub</title>")
    (dist / "assets" / "app.js").write_text("console.log('hub')")
    (tmp_path / "dist-private").mkdir()
    (tmp_path / "dist-private" / "secret.txt").write_text("the secret")
    return dist


@pytest.fixture
def gateway(site: Path) -> Iterator[int]:
    port = free_port()
    config = ApiConfig(api="HttpApi", routes=[Route("HttpApi", "GET", "/api/v1/health", "HealthFunction", public=True)],
                       functions={"HealthFunction": Health()}, static_dir=site, security_headers=HEADERS)
    running = Gateway(config, "127.0.0.1", port)
    running.start()
    yield port
    running.stop()


def _get(port: int, path: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    connection.endheaders()
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return answer.status, dict(answer.getheaders()), body


def test_a_path_out_of_the_site_into_a_sibling_folder_is_not_served(gateway: int) -> None:
    status, _, body = _get(gateway, "/../dist-private/secret.txt")
    assert b"the secret" not in body
    assert status in (403, 404)


def test_the_site_itself_is_served(gateway: int) -> None:
    status, _, body = _get(gateway, "/assets/app.js")
    assert status == 200 and b"hub" in body


@pytest.mark.parametrize("host", ["evil.example", "evil.example:3000", "127.0.0.1.nip.io"])
def test_a_foreign_host_header_is_refused(gateway: int, host: str) -> None:
    # DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 must not read the hub
    for path in ("/", "/api/v1/health"):
        status, _, body = _get(gateway, path, host=host)
        assert status == 403, (path, status)
        assert b"hub" not in body and b"ok" not in body


def test_localhost_by_name_is_the_same_host(gateway: int) -> None:
    status, _, _ = _get(gateway, "/api/v1/health", host=f"localhost:{gateway}")
    assert status == 200


def test_pages_carry_the_security_headers(gateway: int) -> None:
    for path in ("/", "/models/7", "/assets/app.js"):
        status, headers, _ = _get(gateway, path)
        assert status == 200
        for name, value in HEADERS.items():
            assert headers.get(name) == value, (path, name)


def test_the_local_headers_are_the_templates_response_headers_policy() -> None:
    headers = Template().response_headers({"Api": "", "Cognito": "http://127.0.0.1:4566"})
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert "connect-src 'self' http://127.0.0.1:4566" in csp
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert headers["Referrer-Policy"]


IDENTITY = sigv4.CiIdentity("AKIALOCALTEST", "local-secret", "arn:aws:iam::123456789012:role/ci")


def _signed(body: bytes, signed_hash_of: bytes) -> dict[str, str]:
    url = "http://127.0.0.1:3001/api/v1/models"
    request = AWSRequest(method="POST", url=url, data=body, headers={
        "Content-Type": "application/json", "X-Amz-Content-Sha256": hashlib.sha256(signed_hash_of).hexdigest()})
    request.context["timestamp"] = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    SigV4Auth(Credentials(IDENTITY.access_key_id, IDENTITY.secret_access_key), "execute-api", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def test_a_body_matching_its_signed_hash_is_accepted() -> None:
    body = b'{"name": "fraud"}'
    sigv4.verify("POST", "http://127.0.0.1:3001/api/v1/models", _signed(body, body), body, IDENTITY, "us-east-1")


def test_a_body_other_than_the_one_whose_hash_was_signed_is_refused() -> None:
    signed, sent = b'{"name": "fraud"}', b'{"name": "fraud", "owner": "someone else"}'
    with pytest.raises(sigv4.SignatureRefused):
        sigv4.verify("POST", "http://127.0.0.1:3001/api/v1/models", _signed(sent, signed), sent, IDENTITY, "us-east-1")


def test_the_state_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    state = tmp_path / ".local" / "stack.json"
    state.parent.mkdir()
    state.write_text("{}")
    os.chmod(state, 0o644)  # left by an older run
    old_umask = os.umask(0o022)
    try:
        write_private(state, json.dumps({"ci": {"secret_access_key": "s"}}))
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert json.loads(state.read_text())["ci"]["secret_access_key"] == "s"

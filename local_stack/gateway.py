"""The local API Gateway: routes HTTP requests to the template's functions with real HTTP API events.

People's API: Lambda authorizer (cached per token, as API Gateway does). Machine API: SigV4 (AWS_IAM).
It also serves the built dashboard, its runtime config, the OpenAPI document and Swagger UI.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import mimetypes
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from local_stack import sigv4
from local_stack.events import authorizer_event, http_event
from local_stack.functions import Function
from local_stack.template import Route

MAX_BODY = 10 * 1024 * 1024  # API Gateway's payload limit; the functions enforce their own, smaller one


@dataclass
class ApiConfig:
    api: str                                   # logical id in the template
    routes: list[Route]
    functions: Mapping[str, Function]
    authorizer: Function | None = None     # people's API
    authorizer_ttl: int = 300
    ci: sigv4.CiIdentity | None = None         # machine API
    region: str = "us-east-1"
    static_dir: Path | None = None
    static_files: dict[str, bytes] = field(default_factory=dict)  # exact path → body (config.json, openapi.json, docs)
    # what CloudFront's response headers policy adds (template.yaml), sent with every answer so browser tests run
    # under the same Content-Security-Policy as the deployed dashboard
    security_headers: dict[str, str] = field(default_factory=dict)
    _auth_cache: dict[str, tuple[float, dict[str, Any]]] = field(default_factory=dict)
    _cache_lock: threading.Lock = field(default_factory=threading.Lock)

    def find_route(self, method: str, path: str) -> Route | None:
        for route in self.routes:
            if route.api == self.api and route.matches(method, path):
                return route
        return None

    def cached_context(self, token: str) -> dict[str, Any] | None:
        with self._cache_lock:
            hit = self._auth_cache.get(token)
            if hit and hit[0] > time.monotonic():
                return hit[1]
        return None

    def remember(self, token: str, context: dict[str, Any]) -> None:
        with self._cache_lock:
            if len(self._auth_cache) > 10_000:
                self._auth_cache.clear()
            self._auth_cache[token] = (time.monotonic() + self.authorizer_ttl, context)


class GatewayError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def make_handler(config: ApiConfig) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "govhub-local-gateway"
        # One write per answer, sent at once: headers and body written apart, with Nagle's algorithm on, made every
        # answer wait for the client's delayed ACK (40 ms) before its body left.
        wbufsize = 64 * 1024
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            return

        def _dispatch(self) -> None:
            method = self.command.upper()
            split = urlsplit(self.path)
            path, query = split.path, split.query
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(413, {"message": "Request Entity Too Large"})
                return
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items()}
            try:
                if not self._host_allowed():
                    raise GatewayError(403, "Forbidden")
                if path.startswith("/api/"):
                    self._api(method, path, query, headers, body)
                else:
                    self._static(method, path)
            except GatewayError as error:
                self._send(error.status, {"message": error.message})

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _dispatch

        def __getattr__(self, name: str) -> Any:
            # Any other method (TRACE, PROPFIND, ...) is routed like API Gateway does, never a 501 from http.server
            if name.startswith("do_"):
                return self._dispatch
            raise AttributeError(name)

        def do_OPTIONS(self) -> None:  # CORS preflight, as the template's CorsConfiguration answers it
            self.rfile.read(int(self.headers.get("Content-Length") or 0))  # a body left unread would garble the next request
            self.send_response(204)
            self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
            self.send_header("Access-Control-Allow-Methods", "GET,POST,PUT,PATCH,DELETE,OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Authorization,Content-Type,Idempotency-Key,X-Amz-Date,X-Amz-Security-Token,X-Amz-Content-Sha256")
            self.send_header("Access-Control-Max-Age", "600")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _host_allowed(self) -> bool:
            """DNS rebinding: a page whose domain now resolves to this machine sends its own name as Host; only the
            bound address (or localhost for a loopback one) is this gateway."""
            address = cast(tuple[str, int], self.server.server_address)
            host, port = address[0], address[1]
            if host in ("0.0.0.0", "::"):  # noqa: S104 - bound to every address on purpose: no single name to expect
                return True
            names = {f"{host}:{port}", f"[{host}]:{port}"}
            if host in ("127.0.0.1", "::1"):
                names.add(f"localhost:{port}")
            return (self.headers.get("Host") or "").strip().lower() in names

        # -- API -----------------------------------------------------------------------
        def _api(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> None:
            route = config.find_route(method, path)
            if route is None:
                raise GatewayError(404, "Not Found")
            authorizer = None if route.public else self._authorize(method, path, query, headers, body)
            route_key = f"{route.method} {route.path}"
            event = http_event(method, path, query=query, headers=headers, body=body, route_key=route_key, authorizer=authorizer,
                               source_ip=self.client_address[0])
            try:
                response = config.functions[route.function].invoke(event)
            except Exception:  # noqa: BLE001 - a crashed function is a 500 from the gateway, as in AWS
                raise GatewayError(500, "Internal Server Error") from None
            self._send_lambda_response(response)

        def _authorize(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
            if config.ci is not None:
                host = headers.get("Host") or headers.get("host") or "127.0.0.1"
                url = f"http://{host}{path}" + (f"?{query}" if query else "")
                try:
                    sigv4.verify(method, url, headers, body, config.ci, config.region)
                except sigv4.SignatureRefused as refused:
                    raise GatewayError(403, str(refused)) from None
                return {"iam": {
                    "accessKey": config.ci.access_key_id,
                    "accountId": config.ci.role_arn.split(":")[4],
                    "callerId": f"AROA:{config.ci.session_name}",
                    "userArn": config.ci.caller_arn,
                    "userId": f"AROA:{config.ci.session_name}",
                }}
            assert config.authorizer is not None
            token = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
            if not token.strip():
                raise GatewayError(401, "Unauthorized")
            cached = config.cached_context(token)
            if cached is not None:
                return {"lambda": cached}
            event = authorizer_event(method, path, headers, f"arn:aws:execute-api:{config.region}:123456789012:local/$default/{method}{path}")
            try:
                answer = config.authorizer.invoke(event)
            except Exception as error:  # noqa: BLE001
                if str(error) == "Unauthorized":
                    raise GatewayError(401, "Unauthorized") from None
                raise GatewayError(500, "Internal Server Error") from None
            if not isinstance(answer, dict) or not answer.get("isAuthorized"):
                raise GatewayError(403, "Forbidden")
            context = answer.get("context") or {}
            config.remember(token, context)
            return {"lambda": context}

        def _send_lambda_response(self, response: dict[str, Any]) -> None:
            status = int(response.get("statusCode", 200))
            body = response.get("body") or ""
            payload = base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
            self.send_response(status)
            headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
            headers.setdefault("content-type", "application/json")
            for name, value in headers.items():
                if name not in ("content-length", "connection"):
                    self.send_header(name, str(value))
            for values in (response.get("multiValueHeaders") or {}).items():
                for value in values[1]:
                    self.send_header(values[0], str(value))
            for cookie in response.get("cookies") or []:
                self.send_header("Set-Cookie", cookie)
            for name, value in config.security_headers.items():
                if name.lower() not in headers:
                    self.send_header(name, value)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        # -- static --------------------------------------------------------------------
        def _static(self, method: str, path: str) -> None:
            if method not in ("GET", "HEAD"):
                raise GatewayError(404, "Not Found")
            if path in config.static_files:
                body = config.static_files[path]
                kind = mimetypes.guess_type(path)[0] or ("text/html" if path.endswith("docs") else "application/json")
                self._send_bytes(200, body, kind)
                return
            if config.static_dir is None or not (config.static_dir / "index.html").exists():
                self._send_bytes(200, _NO_FRONTEND, "text/html; charset=utf-8")
                return
            # resolved first (.., symlinks), then contained: a sibling folder sharing the name's prefix is outside
            candidate = (config.static_dir / path.lstrip("/")).resolve()
            inside = candidate.is_relative_to(config.static_dir.resolve())
            if inside and candidate.is_file():
                kind = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
                cache = "public, max-age=31536000, immutable" if "/assets/" in path else "no-cache"
                self._send_bytes(200, candidate.read_bytes(), kind, cache)
                return
            if "." in path.rsplit("/", 1)[-1]:
                raise GatewayError(404, "Not Found")
            self._send_bytes(200, (config.static_dir / "index.html").read_bytes(), "text/html; charset=utf-8", "no-cache")

        def _send_bytes(self, status: int, body: bytes, kind: str, cache: str = "no-cache") -> None:
            compressible = _compressible(kind, body)
            gzipped = compressible and "gzip" in (self.headers.get("Accept-Encoding") or "")
            body = _gzip(body) if gzipped else body
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Cache-Control", cache)
            if compressible:
                self.send_header("Vary", "Accept-Encoding")
            if gzipped:
                self.send_header("Content-Encoding", "gzip")
            for name, value in config.security_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            self._send_bytes(status, json.dumps(payload).encode(), "application/json")

    return Handler


_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "text/css")


def _compressible(kind: str, body: bytes) -> bool:
    """Text worth compressing, as CloudFront compresses it (between 1 KB and 10 MB)."""
    return kind.startswith(_COMPRESSIBLE) and 1024 <= len(body) <= 10_000_000


@functools.lru_cache(maxsize=64)
def _gzip(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)


_NO_FRONTEND = (
    b"<!doctype html><title>AI Governance Hub</title><h1>AI Governance Hub</h1>"
    b"<p>The API is at <a href='/api/v1/health'>/api/v1</a>, its documentation at <a href='/docs'>/docs</a>."
    b" The dashboard has not been built: run <code>make dev</code>.</p>"
)


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # socketserver's default of 5 resets connections when many clients connect at once


class Gateway:
    def __init__(self, config: ApiConfig, host: str, port: int) -> None:
        self.server = _Server((host, port), make_handler(config))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name=f"gateway-{config.api}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

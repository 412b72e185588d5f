"""HTTP client of the GovHub API: signing, retries with backoff, idempotency keys, error mapping."""

from __future__ import annotations

import http.client
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from govhub_cli import __version__
from govhub_cli.auth import Authenticator
from govhub_cli.errors import (
    AUTH,
    UNAVAILABLE,
    CliError,
    UsageError,
    exit_code_for_status,
)

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
# A 409 with this code means an earlier attempt with the same Idempotency-Key is still running.
IN_PROGRESS_CODE = "request_in_progress"
# Derived idempotency keys are UUIDv5 in this namespace (uuid5(NAMESPACE_URL, "govhub-cli")).
IDEMPOTENCY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "govhub-cli")
MAX_RETRY_AFTER_SECONDS = 60.0
QueryValue = object  # None values are left out of the query string


class TransportError(Exception):
    """The request did not produce an HTTP answer (refused, reset, timed out, DNS)."""


@dataclass
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


class UrllibTransport:
    """Sends one request with urllib (honours HTTP(S)_PROXY / NO_PROXY like other CI tools)."""

    def __init__(self) -> None:
        self._opener = urllib.request.build_opener()

    def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None, timeout: float) -> Response:
        request = urllib.request.Request(url, data=body, headers=dict(headers), method=method)
        try:
            with self._opener.open(request, timeout=timeout) as answer:
                return Response(answer.status, dict(answer.headers.items()), answer.read())
        except urllib.error.HTTPError as exc:
            with exc:
                return Response(exc.code, dict(exc.headers.items()) if exc.headers else {}, exc.read())
        except urllib.error.URLError as exc:
            raise TransportError(str(exc.reason)) from exc
        except (TimeoutError, http.client.HTTPException, OSError) as exc:
            raise TransportError(str(exc) or type(exc).__name__) from exc


Transport = Callable[..., Response]


@dataclass
class RetryPolicy:
    retries: int = 4
    base_delay: float = 0.5
    max_delay: float = 10.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Full-jitter exponential backoff; a server's Retry-After is a floor."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        wait = random.uniform(0, ceiling)
        if retry_after is not None:
            wait = max(wait, min(retry_after, MAX_RETRY_AFTER_SECONDS))
        return wait


def normalise_base_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"invalid API URL {url!r}: expected http(s)://host[:port]/api/v1")
    path = parts.path.rstrip("/")
    if not path:
        path = "/api/v1"  # a bare host means the API's standard base path
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def encode_query(query: Mapping[str, QueryValue] | None) -> str:
    """RFC 3986 encoding, sorted: the exact form SigV4 canonicalises, so signing is stable."""
    if not query:
        return ""
    pairs = sorted((str(k), _query_text(v)) for k, v in query.items() if v is not None)
    return "&".join(
        f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}" for k, v in pairs
    )


def _query_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def derive_idempotency_key(base: str, method: str, path: str, body: bytes | None, occurrence: int = 1) -> str:
    """Same base + same request → same key, so a re-run CI job replays instead of duplicating.

    `occurrence` counts identical requests within one run (two equal metric batches are two writes).
    """
    material = "\n".join((base, method.upper(), path, (body or b"").decode("utf-8"), str(occurrence)))
    return str(uuid.uuid5(IDEMPOTENCY_NAMESPACE, material))


@dataclass
class ApiClient:
    base_url: str
    auth: Authenticator
    transport: Any = field(default_factory=UrllibTransport)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float = 30.0
    idempotency_base: str | None = None
    sleep: Callable[[float], None] = time.sleep
    trace: TextIO | None = None
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    requests_sent: int = 0
    _occurrences: dict[tuple[str, str, bytes], int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.base_url = normalise_base_url(self.base_url)

    def get(self, path: str, query: Mapping[str, QueryValue] | None = None) -> Any:
        return self.request("GET", path, query=query)

    def post(self, path: str, body: Any, *, idempotency_key: str | None = None) -> Any:
        return self.request("POST", path, body=body, idempotency_key=idempotency_key)

    def patch(self, path: str, body: Any, *, idempotency_key: str | None = None) -> Any:
        return self.request("PATCH", path, body=body, idempotency_key=idempotency_key)

    def get_raw(self, path: str, query: Mapping[str, QueryValue] | None = None, *, accept: str | None = None) -> Response:
        """GET without decoding: for non-JSON answers (a zip)."""
        return self._exchange("GET", path, query=query, body=None, idempotency_key=None, accept=accept)

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, QueryValue] | None = None,
        body: Any = None,
        idempotency_key: str | None = None,
    ) -> Any:
        data = None if body is None else json.dumps(body, separators=(",", ":")).encode("utf-8")
        response = self._exchange(method, path, query=query, body=data, idempotency_key=idempotency_key)
        if not response.body.strip():
            return None
        try:
            return json.loads(response.body)
        except ValueError as exc:
            raise CliError(
                f"{method} {path}: the server answered HTTP {response.status} with a body that is not JSON",
                UNAVAILABLE,
                code="bad_response",
                status=response.status,
            ) from exc

    def paginate(self, path: str, query: Mapping[str, QueryValue] | None = None, *, page_size: int = 100) -> Iterator[Any]:
        """Yields every item of a cursor-paginated list."""
        params: dict[str, QueryValue] = {**(query or {}), "limit": page_size}
        while True:
            page = self.get(path, params) or {}
            yield from page.get("items", [])
            cursor = page.get("next_cursor")
            if not cursor:
                return
            params["cursor"] = cursor

    def _exchange(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, QueryValue] | None,
        body: bytes | None,
        idempotency_key: str | None,
        accept: str | None = None,
    ) -> Response:
        method = method.upper()
        url = self.base_url + "/" + path.lstrip("/")
        query_text = encode_query(query)
        if query_text:
            url += "?" + query_text
        headers = {"Accept": accept or "application/json", "User-Agent": f"govhub-cli/{__version__}", **self.extra_headers}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if method != "GET":
            # One key per logical operation, generated before the first attempt and kept for retries.
            if idempotency_key is None and self.idempotency_base:
                request = (method, path, body or b"")
                self._occurrences[request] = self._occurrences.get(request, 0) + 1
                idempotency_key = derive_idempotency_key(
                    self.idempotency_base, method, path, body, self._occurrences[request]
                )
            elif idempotency_key is None:
                idempotency_key = str(uuid.uuid4())
            headers["Idempotency-Key"] = idempotency_key

        attempt = 0
        while True:
            attempt += 1
            signed = self.auth.headers_for(method, url, headers, body)
            started = time.monotonic()
            self.requests_sent += 1
            self._log(f"> {method} {url} (attempt {attempt})")
            try:
                response = self.transport.send(method, url, signed, body, self.timeout)
            except TransportError as exc:
                self._log(f"< connection failed: {exc}")
                if attempt > self.retry.retries:
                    raise CliError(
                        f"cannot reach {self.base_url}: {exc} (gave up after {attempt} attempts)",
                        UNAVAILABLE,
                        code="network_error",
                    ) from exc
                self.sleep(self.retry.delay(attempt, None))
                continue
            self._log(f"< HTTP {response.status} in {(time.monotonic() - started) * 1000:.0f} ms")
            if 200 <= response.status < 300:
                return response
            if attempt <= self.retry.retries and (
                response.status in RETRYABLE_STATUSES or (response.status == 409 and _error_code(response) == IN_PROGRESS_CODE)
            ):
                self.sleep(self.retry.delay(attempt, _retry_after(response)))
                continue
            raise _error_from_response(method, path, response, attempt)

    def _log(self, line: str) -> None:
        if self.trace is not None:
            print(line, file=self.trace, flush=True)


def _retry_after(response: Response) -> float | None:
    value = response.header("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _error_code(response: Response) -> str | None:
    try:
        payload = json.loads(response.body)
    except ValueError:
        return None
    error = payload.get("error") if isinstance(payload, dict) else None
    return error.get("code") if isinstance(error, dict) else None


def _error_from_response(method: str, path: str, response: Response, attempts: int) -> CliError:
    status = response.status
    code: str | None = None
    details: Any = None
    message = ""
    try:
        payload = json.loads(response.body) if response.body.strip() else None
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        error = payload.get("error")
        if isinstance(error, dict):
            code = error.get("code")
            message = str(error.get("message") or "")
            details = error.get("details")
        elif isinstance(payload.get("message"), str):  # API Gateway's own answers (401, 403)
            message = payload["message"]
    if not message:
        text = response.body.decode("utf-8", "replace").strip()
        message = text[:200] if text else http.client.responses.get(status, "error")
    exit_code = exit_code_for_status(status)
    summary = f"{message} (HTTP {status} on {method} /{path.lstrip('/')})"
    if exit_code == AUTH:
        summary += (
            "; check GOVHUB_TOKEN / --token, or that your AWS credentials are valid and mapped to a role"
            if status == 401
            else "; your role is not allowed to do this"
        )
    elif exit_code == UNAVAILABLE and attempts > 1:
        summary += f"; gave up after {attempts} attempts"
    return CliError(summary, exit_code, code=code or f"http_{status}", details=details, status=status)

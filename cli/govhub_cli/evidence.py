"""`govhub evidence upload`: attach a document (a test report, a procedure) to a model as evidence.

The file goes straight to S3 through the presigned PUT the hub answers (its SHA-256 is signed in, so S3 refuses other
bytes); then the hub verifies the object and records the item, awaiting sign-off by a second person.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from govhub_cli.client import ApiClient
from govhub_cli.errors import UNAVAILABLE, CliError, UsageError

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".md": "text/markdown",
    ".json": "application/json",
}
KINDS = ("risk_management_procedure", "instructions_for_use", "declaration_of_conformity", "fria", "test_report", "data_sheet", "other")
API_PREFIX = "/api/v1"


def upload(client: ApiClient, model: dict[str, Any], file: Path, kind: str, covers: list[str], title: str | None,
           valid_until: str | None, supersedes: str | None, timeout: float) -> dict[str, Any]:
    """Announce, PUT and complete; answers the verified evidence item."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror or exc}") from exc
    content_type = CONTENT_TYPES.get(file.suffix.lower())
    if content_type is None:
        raise UsageError(f"{file.name}: the hub accepts {', '.join(sorted(CONTENT_TYPES))} files")
    body: dict[str, Any] = {"title": title or file.stem, "kind": kind, "covers": covers, "content_type": content_type,
                            "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if valid_until:
        body["valid_until"] = valid_until
    if supersedes:
        body["supersedes"] = supersedes
    ticket = client.post(f"/models/{model['id']}/evidence", body)
    upload_to = ticket["upload"]
    request = urllib.request.Request(upload_to["url"], data=data, method="PUT", headers=dict(upload_to["headers"]))
    try:
        # A presigned URL carries its own authorisation: no signature or token is added.
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - the URL the hub presigned
            answer.read()
    except urllib.error.HTTPError as exc:
        raise CliError(f"S3 refused the upload of {file.name} ({exc.code}): {exc.read()[:300]!r}", UNAVAILABLE, code="upload_refused") from exc
    except OSError as exc:
        raise CliError(f"cannot upload {file.name}: {exc}", UNAVAILABLE, code="network_error") from exc
    complete = str(ticket["complete_url"]).removeprefix(API_PREFIX)
    result: dict[str, Any] = client.post(complete, None)
    return result

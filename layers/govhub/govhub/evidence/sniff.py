"""The type of an uploaded document, from its first bytes (never from what the uploader says).

The allowed types are few on purpose (PDF, PNG, JPEG, Office Open XML, plain text, CSV, Markdown, JSON), so their
signatures are checked here instead of through a library.
"""

from __future__ import annotations

from typing import Literal, get_args

ContentType = Literal[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/plain",
    "text/csv",
    "text/markdown",
    "application/json",
]
ALLOWED_CONTENT_TYPES: tuple[str, ...] = get_args(ContentType)
_TEXT = {"text/plain", "text/csv", "text/markdown", "application/json"}
_ZIP = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def sniff(head: bytes) -> str:
    """A family for the first bytes of a file: pdf, png, jpeg, zip, text or unknown."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "text"
        except UnicodeDecodeError as error:
            if error.start >= len(head) - 3:  # a multi-byte character cut by the end of the sample
                return "text"
    return "unknown"


def family_of(content_type: str) -> str:
    if content_type in _TEXT:
        return "text"
    if content_type in _ZIP:
        return "zip"
    return {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpeg"}.get(content_type, "unknown")


def matches(content_type: str, head: bytes) -> bool:
    """Whether the first bytes are of the declared type."""
    return family_of(content_type) != "unknown" and sniff(head) == family_of(content_type)

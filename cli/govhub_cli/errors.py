"""Exit codes and the one exception type every failure is turned into."""

from __future__ import annotations

from typing import Any

OK = 0
GATE_REFUSED = 1
USAGE = 2
AUTH = 3
VALIDATION = 4
CONFLICT = 5
NOT_FOUND = 6
UNAVAILABLE = 7
INTERRUPTED = 130

EXIT_CODE_HELP = """\
exit codes:
  0  success
  1  gate refused: the model (or the given version) is not approved
  2  usage error: bad arguments, missing configuration, unreadable file
  3  authentication or permission refused (HTTP 401/403), or no credentials found
  4  validation failed (HTTP 400/413/422, or a malformed metrics file)
  5  conflict (HTTP 409: duplicate, stale revision, transition not allowed)
  6  not found (HTTP 404: unknown model, version or route)
  7  network or server failure after retries (connection errors, HTTP 429/5xx)"""


class CliError(Exception):
    """A failure the user must see: a message, optional server details and an exit code."""

    def __init__(
        self,
        message: str,
        exit_code: int,
        *,
        code: str | None = None,
        details: Any = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.code = code
        self.details = details
        self.status = status

    def as_dict(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "details": self.details,
                "status": self.status,
                "exit_code": self.exit_code,
            }
        }


class UsageError(CliError):
    def __init__(self, message: str) -> None:
        super().__init__(message, USAGE, code="usage")


def exit_code_for_status(status: int) -> int:
    """Maps a final (non-retried or retries exhausted) HTTP status to an exit code."""
    if status in (401, 403):
        return AUTH
    if status == 404:
        return NOT_FOUND
    if status == 409:
        return CONFLICT
    if status == 429 or status >= 500:
        return UNAVAILABLE
    if 400 <= status < 500:
        return VALIDATION
    return UNAVAILABLE

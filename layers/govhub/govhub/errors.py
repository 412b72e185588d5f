"""Domain errors. Each maps to one HTTP status and error code in govhub.api.errors."""

from __future__ import annotations

from typing import Any


class GovhubError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequestError(GovhubError):
    status, code = 400, "bad_request"


class ForbiddenError(GovhubError):
    status, code = 403, "forbidden"


class NotFoundError(GovhubError):
    status, code = 404, "not_found"


class DuplicateNameError(GovhubError):
    status, code = 409, "duplicate_name"


class DuplicateVersionError(GovhubError):
    status, code = 409, "duplicate_version"


class StaleWriteError(GovhubError):
    status, code = 409, "stale_revision"


class TransitionNotAllowedError(GovhubError):
    status, code = 409, "transition_not_allowed"


class ApprovalLockedError(GovhubError):
    status, code = 409, "approval_locked"


class AlreadyWithdrawnError(GovhubError):
    status, code = 409, "already_withdrawn"


class ModelRetiredError(GovhubError):
    status, code = 409, "model_retired"


class ModelInUseError(GovhubError):
    status, code = 409, "model_in_use"


class ValidationFailedError(GovhubError):
    status, code = 422, "validation_error"


class TooManyRequestsError(GovhubError):
    status, code = 429, "too_many_requests"

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message, {"retry_after_seconds": retry_after_seconds})
        self.retry_after_seconds = retry_after_seconds

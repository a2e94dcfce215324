"""Domain errors. The HTTP layer maps each class to one status in one place (api/errors.py)."""

from __future__ import annotations


class CatalogError(Exception):
    """Base of every error a client can cause; never a 5xx."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(CatalogError):
    """The request is malformed or breaks a schema (422, as DataHub's GMS answers)."""

    status = 422


class NotFound(CatalogError):
    status = 404


class AlreadyExists(CatalogError):
    """CREATE / CREATE_ENTITY of something that exists (DataHub answers 422)."""

    status = 422


class PreconditionFailed(CatalogError):
    """A conditional write (If-Version-Match, If-Unmodified-Since, ...) whose condition no longer holds."""

    status = 412


class LimitExceeded(InvalidInput):
    """A request goes past a configured bound (``mlcatalog.limits``); the message names it."""

    status = 400


class PayloadTooLarge(LimitExceeded):
    status = 413


class Unauthenticated(CatalogError):
    """No token, or one that is unknown, expired or revoked."""

    status = 401


class Forbidden(CatalogError):
    """The token is valid but its role does not allow the call; nothing was changed."""

    status = 403


class QueryTimeout(CatalogError):
    """A statement ran past ``statement_timeout_ms`` and was cancelled (the only 5xx we send on purpose)."""

    status = 503

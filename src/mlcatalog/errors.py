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

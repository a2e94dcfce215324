"""Map domain errors to HTTP statuses in one place, in rest.li's error-body shape."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError

from mlcatalog.errors import CatalogError

log = logging.getLogger(__name__)
REST_LI_EXCEPTION = "com.linkedin.restli.server.RestLiServiceException"


def error_response(status: int, message: str) -> JSONResponse:
    body = {
        "exceptionClass": REST_LI_EXCEPTION,
        "stackTrace": f"{REST_LI_EXCEPTION} [HTTP Status:{status}]: {message}",
        "message": message,
        "status": status,
    }
    return JSONResponse(body, status_code=status, headers={"X-RestLi-Error-Response": "true"})


async def _catalog_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CatalogError)
    return error_response(exc.status, exc.message)


async def _request_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(f"{'.'.join(str(p) for p in error.get('loc', ()))}: {error.get('msg')}" for error in exc.errors())
    return error_response(400, problems or "invalid request")


async def _out_of_range(_request: Request, exc: Exception) -> JSONResponse:
    """A number or text the database cannot hold (a path id past 64 bits, ...) is the client's error."""
    log.info("refused a value the database cannot hold: %s", type(exc).__name__)
    return error_response(400, "a value in the request is out of range for the database (integers must fit 64 bits)")


def install(app: FastAPI) -> None:
    app.add_exception_handler(CatalogError, _catalog_error)
    app.add_exception_handler(OverflowError, _out_of_range)  # SQLite's driver
    app.add_exception_handler(DataError, _out_of_range)  # PostgreSQL: numeric_value_out_of_range and kin
    app.add_exception_handler(RequestValidationError, _request_validation_error)

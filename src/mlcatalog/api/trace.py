"""Write tracing for ``EmitMode.ASYNC_WAIT``: a ``traceparent`` on write responses, and the poll endpoint.

Writes here are synchronous, so by the time a client polls, every aspect it wrote is either
stored (ACTIVE_STATE in both primary and search storage) or was refused with an error status
it already saw. An aspect that is not there now is reported as a failure, never as pending,
so a client never waits forever.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from mlcatalog.api.deps import services
from mlcatalog.api.wire import json_body
from mlcatalog.errors import InvalidInput

router = APIRouter(prefix="/openapi/v1/trace", tags=["trace"])
ACTIVE = {"writeStatus": "ACTIVE_STATE"}


def traceparent() -> dict[str, str]:
    """A W3C traceparent whose trace id starts with the time in microseconds, as DataHub's does."""
    trace_id = f"{int(time.time() * 1_000_000):016x}{secrets.token_hex(8)}"
    return {"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"}


class StorageStatus(BaseModel):
    writeStatus: str = Field(description="ACTIVE_STATE when stored, ERROR otherwise")
    writeMessage: str | None = None


class AspectTrace(BaseModel):
    success: bool
    primaryStorage: StorageStatus
    searchStorage: StorageStatus
    error: str | None = None


@router.post("/write/{trace_id}", response_model=dict[str, dict[str, AspectTrace]], response_model_exclude_none=True)
async def trace_write(trace_id: str, request: Request) -> dict[str, dict[str, Any]]:
    """Body ``{urn: [aspect, ...]}`` → the storage status of each aspect written under ``trace_id``."""
    svc = services(request)
    body = await json_body(request)
    if not isinstance(body, dict) or not all(isinstance(v, list) and all(isinstance(a, str) for a in v) for v in body.values()):
        raise InvalidInput("body: expected an object of urn -> list of aspect names", field="body")

    def statuses() -> dict[str, dict[str, Any]]:
        result: dict[str, dict[str, Any]] = {}
        for urn, aspects in body.items():
            found = svc.entities.get_entity(urn, None).aspects if aspects else {}
            result[urn] = {aspect: _status(aspect in found) for aspect in aspects}
        return result

    return await run_in_threadpool(statuses)


def _status(stored: bool) -> dict[str, Any]:
    if stored:
        return {"success": True, "primaryStorage": ACTIVE, "searchStorage": ACTIVE}
    failed = {"writeStatus": "ERROR", "writeMessage": "the aspect is not stored"}
    return {"success": False, "primaryStorage": failed, "searchStorage": failed, "error": "the aspect is not stored"}

"""DataHub's ``/runs`` rest.li actions: list, describe and rollback ingestion runs (``datahub ingest ...``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from mlcatalog.api.deps import actor, services
from mlcatalog.api.wire import json_body
from mlcatalog.errors import InvalidInput

router = APIRouter(tags=["runs"])


class RunsAction(BaseModel):
    """Parameters of every action; each uses its own subset."""

    runId: str | None = None
    pageOffset: int = 0
    pageSize: int = 100
    start: int = 0
    count: int = 100
    includeSoft: bool = False
    includeAspect: bool = False
    dryRun: bool = False
    safe: bool = True


def _int(body: dict[str, Any], name: str, default: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{name}: expected an integer", field=name)
    return value


def _bool(body: dict[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    if not isinstance(value, bool):
        raise InvalidInput(f"{name}: expected a boolean", field=name)
    return value


@router.post(
    "/runs", openapi_extra={"requestBody": {"content": {"application/json": {"schema": RunsAction.model_json_schema()}}}}
)
async def runs_action(request: Request, action: str = Query(..., pattern="^(list|describe|rollback)$")) -> JSONResponse:
    """``list`` → ``{"value": [{runId, rows, timestamp}]}``; ``describe`` → ``{"value": [aspect rows]}``;
    ``rollback`` → ``{"value": {entitiesAffected, aspectsReverted, aspectRowSummaries, ...}}``."""
    svc = services(request)
    body = await json_body(request)
    if not isinstance(body, dict):
        raise InvalidInput("body: expected a JSON object of action parameters", field="body")
    soft = _bool(body, "includeSoft", False)
    if action == "list":
        start, count = _int(body, "pageOffset", 0), _int(body, "pageSize", 100)
        value: Any = await run_in_threadpool(svc.runs.list_runs, start, count, soft)
    elif action == "describe":
        start, count, aspect = _int(body, "start", 0), _int(body, "count", 100), _bool(body, "includeAspect", False)
        value = await run_in_threadpool(svc.runs.describe, body.get("runId"), start, count, soft, aspect)
    else:
        dry_run = _bool(body, "dryRun", False)
        value = await run_in_threadpool(svc.runs.rollback, body.get("runId"), dry_run, actor(request))
    return JSONResponse({"value": value})

"""Promotion rules over REST (an mlcatalog extension; admins manage them once roles exist)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mlcatalog.api.deps import actor, services
from mlcatalog.api.wire import json_body

MAX_ROW_ID = 2**31 - 1  # ids are 32-bit INTEGER columns; larger ones are bad input, not a database error
router = APIRouter(prefix="/openapi/v1/promotion-rules")


@router.post("")
async def add_rule(request: Request) -> JSONResponse:
    rule = await run_in_threadpool(services(request).rules.add, await json_body(request), actor(request))
    return JSONResponse(rule, status_code=201)


@router.get("")
async def list_rules(request: Request) -> list[dict[str, Any]]:
    return await run_in_threadpool(services(request).rules.list)


@router.delete("/{rule_id}")
async def remove_rule(rule_id: Annotated[int, Path(ge=0, le=MAX_ROW_ID)], request: Request) -> Response:
    await run_in_threadpool(services(request).rules.remove, rule_id)
    return Response(status_code=204)

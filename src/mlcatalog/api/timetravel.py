"""As-of reads and alias history over REST (mlcatalog extensions under /openapi/v1)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from mlcatalog.api.deps import services
from mlcatalog.api.wire import envelope
from mlcatalog.services.timetravel import parse_instant

router = APIRouter(prefix="/openapi/v1")


@router.get("/asof/{urn:path}")
async def entity_as_of(urn: str, request: Request) -> dict[str, Any]:
    """The entity as it stood at ``at`` (epoch ms or ISO 8601), in /entitiesV2's shape."""
    svc = services(request)
    at_ms = parse_instant(request.query_params.get("at"))
    view = await run_in_threadpool(svc.timetravel.entity_as_of, urn, at_ms)
    aspects = {name: envelope(rec, svc.registry.aspects[name]) for name, rec in view.aspects.items()}
    return {"entityName": view.entity.name, "urn": view.urn, "asOf": at_ms, "exists": view.exists, "aspects": aspects}


@router.get("/aliases/{urn:path}")
async def aliases_at(urn: str, request: Request) -> dict[str, Any]:
    """Which model held each alias of a model group's versions at ``at`` (default: now)."""
    raw = request.query_params.get("at")
    at_ms = parse_instant(raw) if raw else int(time.time() * 1000)
    held = await run_in_threadpool(services(request).timetravel.aliases_at, urn, at_ms)
    return {"group": urn, "at": at_ms, "aliases": held}


@router.get("/alias-history/{urn:path}")
async def alias_history(urn: str, request: Request) -> dict[str, Any]:
    moves = await run_in_threadpool(services(request).timetravel.alias_history, urn)
    return {"group": urn, "moves": [move.as_json() for move in moves]}

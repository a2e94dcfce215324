"""``GET /openapi/relationships/v1/``: what ``DataHubGraph.get_related_entities`` reads (spec §3.5).

The client pages with ``start += count`` and stops only on ``count: 0``, so a page past the end
must say ``count: 0`` with no entities.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from mlcatalog.api.deps import services
from mlcatalog.api.wire import query_int, query_list
from mlcatalog.errors import InvalidInput

router = APIRouter()
DEFAULT_COUNT = 200


@router.get("/openapi/relationships/v1/")
@router.get("/openapi/relationships/v1")
async def related_entities(request: Request) -> dict[str, Any]:
    svc = services(request)
    urn = request.query_params.get("urn")
    if not urn:
        raise InvalidInput("urn: query parameter required", field="urn")
    types = query_list(request, "relationshipTypes")
    direction = request.query_params.get("direction", "")
    start = query_int(request, "start", 0)
    count = query_int(request, "count", DEFAULT_COUNT)
    include_removed = request.query_params.get("includeSoftDelete", "false").lower() == "true"
    total, related = await run_in_threadpool(svc.entities.related, urn, types, direction, start, count, include_removed)
    entities = [{"relationshipType": r.relationship, "urn": r.urn, "via": r.via} for r in related]
    return {"start": start, "count": len(entities), "total": total, "entities": entities}

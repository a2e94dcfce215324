"""DataHub's OpenAPI v3 entity writes, which ``DataHubClient.from_env()`` uses (spec §5.3-5.4)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mlcatalog.api.deps import actor, services
from mlcatalog.api.trace import traceparent
from mlcatalog.api.wire import json_body, parse_system_metadata, with_request_conditions
from mlcatalog.errors import InvalidInput
from mlcatalog.services.proposals import Proposal

router = APIRouter(prefix="/openapi/v3/entity")


def _proposals(body: Any, entity_type: str, change_type: str) -> list[Proposal]:
    """Each item is ``{"urn": U, "<aspect>": {"value": ..., "systemMetadata": ...}, ...}``."""
    if not isinstance(body, list):
        raise InvalidInput("body: expected an array of {urn, <aspectName>: {value}} items", field="body")
    proposals = []
    for index, item in enumerate(body):
        label = f"[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("urn"), str):
            raise InvalidInput(f"{label}.urn: required", field="urn")
        aspects = {name: part for name, part in item.items() if name != "urn"}
        if not aspects:
            raise InvalidInput(f"{label}: at least one aspect is required", field="aspect")
        for name, part in aspects.items():
            if not isinstance(part, dict) or "value" not in part:
                raise InvalidInput(f"{label}.{name}.value: required", field=f"{name}.value")
            headers = part.get("headers") if isinstance(part.get("headers"), dict) else {}
            proposals.append(
                Proposal(
                    urn=item["urn"],
                    aspect_name=name,
                    change_type=change_type,
                    value=part["value"],
                    entity_type=entity_type,
                    system_metadata=parse_system_metadata(part.get("systemMetadata"), f"{label}.{name}"),
                    headers=headers or {},
                    label=f"{label}.{name}",
                )
            )
    return proposals


async def _write(entity_type: str, request: Request, change_type: str) -> JSONResponse:
    svc = services(request)
    svc.registry.entity(entity_type)
    proposals = with_request_conditions(request, _proposals(await json_body(request), entity_type, change_type))
    results = await run_in_threadpool(svc.ingest.ingest, proposals, actor(request))
    body = [
        {"urn": result.urn, result.aspect: {"value": result.value, "systemMetadata": result.system_metadata}}
        for result in results
    ]
    is_async = request.query_params.get("async", "true").lower() == "true"
    return JSONResponse(body, status_code=202 if is_async else 200, headers=traceparent())


@router.post("/{entity_type}")
async def upsert_entities(entity_type: str, request: Request) -> JSONResponse:
    """CREATE, CREATE_ENTITY and UPSERT all arrive here without a change type: upsert them."""
    return await _write(entity_type, request, "UPSERT")


@router.patch("/{entity_type}")
async def patch_entities(entity_type: str, request: Request) -> JSONResponse:
    return await _write(entity_type, request, "PATCH")

"""DataHub's OpenAPI v3 entity reads and deletes: scroll, batchGet, one entity, one aspect.

URNs contain ``/`` once decoded and the client sends them raw in DELETE paths, so the entity and
aspect routes share one ``{rest:path}`` and the tail is split here: a last segment naming an
aspect of the entity type addresses that aspect, otherwise the whole tail is the URN.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from mlcatalog.api.deps import actor, point_read, services
from mlcatalog.api.wire import json_body, query_int, query_list, with_request_conditions
from mlcatalog.errors import InvalidInput, NotFound
from mlcatalog.services.proposals import Proposal
from mlcatalog.store.base import AspectRecord

router = APIRouter(prefix="/openapi/v3/entity", tags=["entities (OpenAPI v3)"])
MAX_COUNT = 1000


class AspectBody(BaseModel):
    value: dict[str, Any] = Field(description="The aspect, in Pegasus JSON")
    systemMetadata: dict[str, Any] | None = None


class ScrollPage(BaseModel):
    scrollId: str | None = Field(None, description="Pass back as scrollId for the next page; absent at the end")
    totalCount: int
    entities: list[dict[str, Any]] = Field(description='Each {"urn": U, "<aspectName>": {"value": ..., "systemMetadata": ...}}')


def _item(urn: str, records: dict[str, AspectRecord], with_system_metadata: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"urn": urn}
    for name, record in sorted(records.items()):
        item[name] = _aspect(record, with_system_metadata)
    return item


def _aspect(record: AspectRecord, with_system_metadata: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"value": record.value}
    if with_system_metadata and record.system_metadata is not None:
        body["systemMetadata"] = record.system_metadata
    return body


def _flag(request: Request, name: str, default: bool = False) -> bool:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() not in {"true", "false"}:
        raise InvalidInput(f"{name}: expected true or false, got {raw!r}", field=name)
    return raw.lower() == "true"


@router.get("/{entity_type}", response_model=ScrollPage, response_model_exclude_none=True)
async def scroll_entities(
    entity_type: str,
    request: Request,
    count: Annotated[int, Query(ge=0, le=MAX_COUNT)] = 10,
    scrollId: str | None = None,
    aspects: Annotated[list[str] | None, Query(description="Aspects to return (all when omitted)")] = None,
    systemMetadata: bool = False,
    includeSoftDelete: bool = False,
) -> dict[str, Any]:
    """Every entity of one type in URN order, ``count`` at a time."""
    svc = services(request)
    wanted = query_list(request, "aspects") or None

    def page() -> dict[str, Any]:
        total, urns, next_id = svc.entities.scroll(entity_type, scrollId, count, includeSoftDelete)
        entities = [_item(urn, svc.entities.get_entity(urn, wanted).aspects, systemMetadata) for urn in urns]
        return {"scrollId": next_id, "totalCount": total, "entities": entities}

    return await run_in_threadpool(page)


@router.post("/{entity_type}/batchGet", response_model=list[dict[str, Any]])
async def batch_get(entity_type: str, request: Request, systemMetadata: bool = False) -> list[dict[str, Any]]:
    """Body ``[{"urn": U, "<aspect>": {}}, ...]``; without aspect keys every aspect is returned. Unknown URNs are left out."""
    svc = services(request)
    entity = svc.registry.entity(entity_type)
    body = await json_body(request)
    if not isinstance(body, list) or not all(isinstance(i, dict) and isinstance(i.get("urn"), str) for i in body):
        raise InvalidInput('body: expected an array of {"urn": ..., "<aspectName>": {}} objects', field="body")

    def fetch() -> list[dict[str, Any]]:
        found = []
        for item in body:
            wanted = [name for name in item if name != "urn"] or None
            view = svc.entities.get_entity(item["urn"], wanted)
            if view.entity.name != entity.name:
                raise InvalidInput(f"urn: {item['urn']!r} is not a {entity.name}", field="urn")
            if view.exists:
                found.append(_item(view.urn, view.aspects, systemMetadata))
        return found

    return await run_in_threadpool(fetch)


@router.get("/{entity_type}/{rest:path}")
async def get_entity_or_aspect(entity_type: str, rest: str, request: Request) -> dict[str, Any]:
    """``/{urn}`` → ``{"urn", "<aspect>": {"value", "systemMetadata"}}``; ``/{urn}/{aspect}`` → ``{"value", "systemMetadata"}``.

    Query: ``aspects`` (repeatable) to project an entity, ``version`` for an older aspect version,
    ``systemMetadata=true`` to include system metadata.
    """
    svc = services(request)
    urn, aspect = _split(svc, entity_type, rest)
    with_system_metadata = _flag(request, "systemMetadata")
    if aspect is not None:
        record = await point_read(request, svc.entities.get_aspect, urn, aspect, query_int(request, "version", 0))
        return _aspect(record, with_system_metadata)
    view = await point_read(request, svc.entities.get_entity, urn, query_list(request, "aspects") or None)
    if not view.exists:
        raise NotFound(f"entity {urn!r} not found")
    return _item(view.urn, view.aspects, with_system_metadata)


@router.delete("/{entity_type}/{rest:path}", status_code=200)
async def delete_entity_or_aspect(entity_type: str, rest: str, request: Request) -> Response:
    """``/{urn}`` hard-deletes the entity (or only the ``aspects`` listed); ``/{urn}/{aspect}`` deletes one aspect."""
    svc = services(request)
    urn, aspect = _split(svc, entity_type, rest)
    names = [aspect] if aspect is not None else query_list(request, "aspects")
    if names:
        proposals = [Proposal(urn, name, "DELETE", entity_type=entity_type, label=name) for name in names]
        await run_in_threadpool(svc.ingest.ingest, with_request_conditions(request, proposals), actor(request))
    else:
        await run_in_threadpool(svc.ingest.delete_entity, urn, actor(request))
    return JSONResponse(None, status_code=200)


def _split(svc: Any, entity_type: str, rest: str) -> tuple[str, str | None]:
    entity = svc.registry.entity(entity_type)
    head, _, last = rest.rstrip("/").rpartition("/")
    if head and last in entity.aspects:
        return _own(svc, entity, head), last
    return _own(svc, entity, rest.rstrip("/")), None


def _own(svc: Any, entity: Any, urn: str) -> str:
    target = svc.registry.parse_urn(urn)
    if target.entity.name != entity.name:
        raise InvalidInput(f"urn: {urn!r} is not a {entity.name}", field="urn")
    return target.urn

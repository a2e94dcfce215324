"""DataHub's rest.li resources as the SDK, CLI and curl reach them (spec §2-§4)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mlcatalog import __version__
from mlcatalog.api import restli_search, timeseries
from mlcatalog.api.auth import authorize_proposals
from mlcatalog.api.deps import actor, point_read, services
from mlcatalog.api.trace import traceparent
from mlcatalog.api.wire import (
    body_int,
    envelope,
    json_body,
    query_int,
    query_list,
    restli_proposal,
    with_request_conditions,
)
from mlcatalog.errors import InvalidInput
from mlcatalog.services.entities import DEFAULT_RELATIONSHIP_PAGE

router = APIRouter()
ADVERTISED_VERSION = "v1.7.0"
SUCCESS = {"value": "success"}


@router.get("/config")
async def config(request: Request) -> dict[str, Any]:
    return {
        "noCode": "true",
        "retention": "true",
        "statefulIngestionCapable": True,
        "patchCapable": True,
        "timeZone": "GMT",
        "supportsImpactAnalysis": False,
        "versions": {"acryldata/datahub": {"version": ADVERTISED_VERSION, "commit": f"mlcatalog-{__version__}"}},
        "baseUrl": str(request.base_url).rstrip("/"),
        "telemetry": {"enabledCli": False, "enabledIngestion": False},
        "managedIngestion": {"enabled": False, "defaultCliVersion": "1.7.0.17"},
        "datahub": {"serverType": "prod", "serverEnv": "core"},
        "datasetUrnNameCasing": False,
        "models": {},
        "mlcatalog": {"version": __version__},
    }


@router.get("/aspects/{urn:path}")
async def get_aspect(urn: str, request: Request) -> dict[str, Any]:
    svc = services(request)
    aspect = request.query_params.get("aspect")
    if not aspect:
        raise InvalidInput("aspect: query parameter required", field="aspect")
    version = query_int(request, "version", 0)
    record = await point_read(request, svc.entities.get_aspect, urn, aspect, version)
    return {"aspect": {svc.registry.aspects[aspect].fqn: record.value}, "version": record.version}


@router.post("/aspects")
@router.post("/aspects/")
async def aspects_action(request: Request) -> Response:
    svc = services(request)
    action = request.query_params.get("action")
    body = await json_body(request)
    if not isinstance(body, dict):
        raise InvalidInput("body: expected a JSON object of action parameters", field="body")
    if action == "ingestProposal":
        proposals = [restli_proposal(body.get("proposal"), "proposal")]
    elif action == "ingestProposalBatch":
        raw = body.get("proposals")
        if not isinstance(raw, list):
            raise InvalidInput("proposals: expected an array of MetadataChangeProposal", field="proposals")
        proposals = [restli_proposal(item, f"proposals[{i}]") for i, item in enumerate(raw)]
    elif action == "getCount":
        count = await run_in_threadpool(svc.entities.count_aspects, body.get("aspect"), body.get("urnLike"))
        return JSONResponse({"value": count})
    elif action == "getTimeseriesAspectValues":
        return JSONResponse(await timeseries.get_values(svc.timeseries, body))
    else:
        raise InvalidInput(f"action: unsupported action {action!r} on /aspects", field="action")
    authorize_proposals(request, proposals)
    await run_in_threadpool(svc.ingest.ingest, with_request_conditions(request, proposals), actor(request))
    return JSONResponse(SUCCESS, headers=traceparent())


@router.get("/entitiesV2/{urn:path}")
async def get_entity_v2(urn: str, request: Request) -> dict[str, Any]:
    svc = services(request)
    wanted = query_list(request, "aspects") or None
    view = await point_read(request, svc.entities.get_entity, urn, wanted)
    return {
        "entityName": view.entity.name,
        "urn": view.urn,
        "aspects": {name: envelope(rec, svc.registry.aspects[name]) for name, rec in view.aspects.items()},
    }


@router.get("/entities/{urn:path}")
async def get_entity_snapshot(urn: str, request: Request) -> dict[str, Any]:
    """The classic snapshot: every stored aspect wrapped by its Pegasus name."""
    svc = services(request)
    wanted = query_list(request, "aspects") or None
    view = await point_read(request, svc.entities.get_entity, urn, wanted)
    order = {name: i for i, name in enumerate(view.entity.aspect_order)}
    aspects = [
        {svc.registry.aspects[name].fqn: record.value}
        for name, record in sorted(view.aspects.items(), key=lambda item: order.get(item[0], len(order)))
    ]
    return {"value": {view.entity.snapshot_fqn: {"urn": view.urn, "aspects": aspects}}}


@router.post("/entities")
async def entities_action(request: Request) -> Response:
    svc = services(request)
    action = request.query_params.get("action")
    body = await json_body(request)
    if not isinstance(body, dict):
        raise InvalidInput("body: expected a JSON object of action parameters", field="body")
    if action == "delete":
        urn = body.get("urn")
        if not isinstance(urn, str):
            raise InvalidInput("urn: required", field="urn")
        aspect = body.get("aspectName")
        start, end = body.get("startTimeMillis"), body.get("endTimeMillis")
        points = await run_in_threadpool(svc.ingest.delete_timeseries, urn, aspect, start, end)
        rows = 0 if aspect else await run_in_threadpool(svc.ingest.delete_entity, urn, actor(request))
        return JSONResponse({"value": {"urn": urn, "rows": rows, "timeseriesRows": points}})
    if action in restli_search.ACTIONS:
        return JSONResponse(await restli_search.ACTIONS[action](svc.search, body))
    if action == "listUrns":
        start, count = body_int(body, "start", 0), body_int(body, "count", 10)
        total, urns = await run_in_threadpool(svc.entities.list_urns, body.get("entity"), start, count)
        return JSONResponse({"value": {"entities": urns, "start": start, "count": len(urns), "total": total}})
    if action == "deleteReferences":
        dry_run = body.get("dryRun", False)
        if not isinstance(dry_run, bool):
            raise InvalidInput("dryRun: expected a boolean", field="dryRun")
        result = await run_in_threadpool(svc.references.delete_references, body.get("urn"), dry_run, actor(request))
        return JSONResponse({"value": result})
    raise InvalidInput(f"action: unsupported action {action!r} on /entities", field="action")


@router.get("/relationships")
async def relationships(request: Request) -> dict[str, Any]:
    svc = services(request)
    urn = request.query_params.get("urn")
    if not urn:
        raise InvalidInput("urn: query parameter required", field="urn")
    types = query_list(request, "types")
    direction = request.query_params.get("direction", "")
    start = query_int(request, "start", 0)
    count = query_int(request, "count", DEFAULT_RELATIONSHIP_PAGE)
    include_removed = request.query_params.get("includeSoftDelete", "false").lower() == "true"
    total, related = await run_in_threadpool(svc.entities.related, urn, types, direction, start, count, include_removed)
    items = []
    for entity in related:
        item: dict[str, Any] = {"type": entity.relationship, "entity": entity.urn}
        if entity.created_on is not None:
            item["created"] = {"time": entity.created_on, "actor": entity.created_actor or "urn:li:corpuser:unknown"}
        items.append(item)
    return {"start": start, "count": len(items), "total": total, "relationships": items}

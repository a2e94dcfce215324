"""The change feed over HTTP: pages of events, a server-sent-events stream, webhook management."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from mlcatalog.api.deps import actor, services
from mlcatalog.api.wire import json_body, query_int
from mlcatalog.errors import InvalidInput

router = APIRouter(prefix="/openapi/v1")
STREAM_POLL_SECONDS = 0.5
WebhookId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # the id column's range: larger ids are a 400, not a 500


@router.get("/events")
async def events(request: Request) -> dict[str, Any]:
    """Committed changes after sequence ``after``, oldest first (an mlcatalog extension)."""
    feed = services(request).feed
    return await run_in_threadpool(feed.events, query_int(request, "after", 0), query_int(request, "limit", 100))


@router.get("/events/stream")
async def event_stream(request: Request) -> StreamingResponse:
    """Server-sent events; resumes after ``Last-Event-ID`` (or ``after``) on reconnect."""
    feed = services(request).feed
    last_event = request.headers.get("last-event-id", "")
    if last_event and not last_event.isdigit():
        raise InvalidInput(f"Last-Event-ID: expected an event sequence number, got {last_event[:40]!r}", field="Last-Event-ID")
    after = int(last_event) if last_event else query_int(request, "after", 0)

    async def stream(cursor: int) -> AsyncIterator[str]:
        yield ": connected\n\n"
        while not await request.is_disconnected():
            page = await run_in_threadpool(feed.events, cursor, 100)
            for item in page["events"]:
                yield f"id: {item['sequence']}\nevent: MetadataChangeLog\ndata: {json.dumps(item['event'])}\n\n"
            cursor = page["nextAfter"]
            if not page["events"]:
                await asyncio.sleep(STREAM_POLL_SECONDS)

    return StreamingResponse(stream(after), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.post("/webhooks")
async def add_webhook(request: Request) -> JSONResponse:
    feed = services(request).feed
    hook = await run_in_threadpool(feed.add_webhook, await json_body(request), actor(request))
    return JSONResponse(hook.public(), status_code=201)


@router.get("/webhooks")
async def list_webhooks(request: Request) -> list[dict[str, Any]]:
    hooks = await run_in_threadpool(services(request).feed.webhooks)
    return [hook.public() for hook in hooks]


@router.delete("/webhooks/{webhook_id}")
async def remove_webhook(webhook_id: WebhookId, request: Request) -> Response:
    await run_in_threadpool(services(request).feed.remove_webhook, webhook_id)
    return Response(status_code=204)


@router.get("/webhooks/{webhook_id}/deliveries")
async def deliveries(webhook_id: WebhookId, request: Request) -> list[dict[str, Any]]:
    return await run_in_threadpool(services(request).feed.deliveries, webhook_id)

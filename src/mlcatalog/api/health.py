"""``GET /health``: 200 when the database answers, 503 when it does not (why goes to the log,
not to the unauthenticated caller)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mlcatalog import __version__
from mlcatalog.api.deps import services

router = APIRouter()


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    report = await run_in_threadpool(services(request).health.check)
    database: dict[str, Any] = {"backend": report.backend, "latencyMs": report.latency_ms}
    if report.ok:
        database["schema"] = report.schema
    else:
        database["error"] = report.error
    body = {"status": "ok" if report.ok else "unavailable", "version": __version__, "database": database}
    return JSONResponse(body, status_code=200 if report.ok else 503, headers={"Cache-Control": "no-store"})

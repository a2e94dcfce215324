"""DataHub's timeline API (``datahub timeline``): ``GET /openapi/v2/timeline/v1/{urn}``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from mlcatalog.api.deps import services
from mlcatalog.api.wire import query_int, query_list

router = APIRouter(prefix="/openapi/v2/timeline/v1", tags=["timeline"])


class AuditStamp(BaseModel):
    time: int
    actor: str


class ChangeEvent(BaseModel):
    entityUrn: str
    category: str = Field(description="TAG, OWNERSHIP, GLOSSARY_TERM, DOCUMENTATION, DOMAIN, ...")
    operation: str = Field(description="ADD, REMOVE or MODIFY")
    modifier: str | None = Field(None, description="The element changed: a tag, owner, term URN, a field path ...")
    semVerChange: str
    description: str
    auditStamp: AuditStamp
    parameters: dict[str, Any] | None = None


class ChangeTransaction(BaseModel):
    timestamp: int = Field(description="When the change was written (epoch ms)")
    actor: str
    semVer: str
    semVerChange: str = Field(description="MAJOR, MINOR or PATCH")
    versionStamp: str = Field(description="aspect:version pairs written in this transaction")
    changeEvents: list[ChangeEvent]


@router.get("/{urn:path}", response_model=list[ChangeTransaction])
async def timeline(urn: str, request: Request, categories: str | None = None) -> list[dict[str, Any]]:
    """Changes of an entity's aspects, oldest first. ``categories`` is comma separated (all when omitted)."""
    svc = services(request)
    wanted = query_list(request, "categories")
    wanted = [part for item in wanted for part in item.split(",")]
    start = query_int(request, "startTime", 0) or None
    end = query_int(request, "endTime", 0) or None
    return await run_in_threadpool(svc.timeline.timeline, urn, wanted, start, end)

"""Token management over HTTP for admins (the CLI does the same on the database directly)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mlcatalog.api.auth import TOKEN_API
from mlcatalog.api.deps import actor, services
from mlcatalog.api.wire import json_body
from mlcatalog.errors import InvalidInput
from mlcatalog.services.tokens import format_ms, parse_duration, status_of
from mlcatalog.store.tokens import TokenRecord

router = APIRouter(prefix=TOKEN_API)


def _public(record: TokenRecord, status: str) -> dict[str, Any]:
    """Everything about a token except its secret and hash."""
    return {
        "id": record.id,
        "user": record.user,
        "actor": f"urn:li:corpuser:{record.user}",
        "role": record.role,
        "createdAt": format_ms(record.created_on),
        "createdBy": record.created_by,
        "expiresAt": format_ms(record.expires_on),
        "revokedAt": None if record.revoked_on is None else format_ms(record.revoked_on),
        "status": status,
    }


@router.post("")
async def create_token(request: Request) -> JSONResponse:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise InvalidInput('body: expected {"user": ..., "role": ..., "expires": "30d"}', field="body")
    expires = body.get("expires")
    if expires is not None and not isinstance(expires, str):
        raise InvalidInput("expires: expected a duration string such as 30d", field="expires")
    lifetime = parse_duration(expires) if expires else None
    tokens = services(request).tokens
    issued = await run_in_threadpool(tokens.create, body.get("user"), body.get("role"), lifetime, actor(request))
    return JSONResponse({**_public(issued.record, "active"), "token": issued.token}, status_code=201)


@router.get("")
async def list_tokens(request: Request) -> dict[str, Any]:
    found = await run_in_threadpool(services(request).tokens.list)
    return {"tokens": [_public(record, status) for record, status in found]}


@router.delete("/{token_id}")
async def revoke_token(token_id: str, request: Request) -> dict[str, Any]:
    tokens = services(request).tokens
    record = await run_in_threadpool(tokens.revoke, token_id)
    return _public(record, status_of(record, record.revoked_on or 0))

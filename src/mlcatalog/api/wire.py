"""Wire formats shared by the rest.li and OpenAPI adapters: bodies, query syntax, envelopes."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import Request

from mlcatalog.errors import InvalidInput, LimitExceeded
from mlcatalog.limits import Limits
from mlcatalog.registry.entities import AspectSpec
from mlcatalog.services.conditions import CONDITIONAL_HEADERS
from mlcatalog.services.proposals import Proposal
from mlcatalog.store.base import AspectRecord

_LIST_SYNTAX = re.compile(r"^List\((.*)\)$", re.DOTALL)
_INDEXED_PARAM = re.compile(r"^(\w+)\[\d+\]$")


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        raise InvalidInput("body: a JSON body is required", field="body")
    limits: Limits = request.app.state.services.ingest.limits
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"body: malformed JSON: {exc}", field="body") from exc
    except RecursionError as exc:
        raise LimitExceeded(f"body: JSON nested deeper than max_json_depth={limits.max_json_depth}", field="body") from exc
    limits.check_value(body, "body", strings=False)  # rest.li carries whole aspects as strings; ingest checks those
    return body


def query_list(request: Request, name: str) -> list[str]:
    """Accept ``a=x``, ``a=x&a=y``, ``a=List(x,y)`` and ``a[0]=x`` (rest.li 1.0 and 2.0)."""
    values: list[str] = []
    for key, raw in request.query_params.multi_items():
        match = _INDEXED_PARAM.match(key)
        if key != name and not (match and match.group(1) == name):
            continue
        listed = _LIST_SYNTAX.match(raw)
        parts = listed.group(1).split(",") if listed else [raw]
        values.extend(part.strip() for part in parts if part.strip())
    return values


def query_int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return _in_range(int(raw), name)
    except ValueError as exc:
        raise InvalidInput(f"{name}: expected an integer, got {raw!r}", field=name) from exc


def body_int(body: dict[str, Any], name: str, default: int) -> int:
    """An integer action parameter; absent means ``default``."""
    raw = body.get(name, default)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise InvalidInput(f"{name}: expected an integer, got {json.dumps(raw)[:40]}", field=name)
    return _in_range(raw, name)


def _in_range(value: int, name: str) -> int:
    """Integers the databases can hold (64-bit), so an absurd one is a 400, not a driver error."""
    if not -(2**63) <= value < 2**63:
        raise InvalidInput(f"{name}: {value} is outside the 64-bit integer range", field=name)
    return value


def parse_system_metadata(raw: Any, label: str) -> dict[str, Any] | None:
    """systemMetadata arrives as an object, or (``datahub put --run-id``) as a JSON string."""
    if raw is None:
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{label}.systemMetadata: malformed JSON string", field="systemMetadata") from exc
    if not isinstance(raw, dict):
        raise InvalidInput(f"{label}.systemMetadata: expected an object", field="systemMetadata")
    return raw


def restli_proposal(raw: Any, label: str) -> Proposal:
    """A rest.li MetadataChangeProposal: ``aspect.value`` is a JSON *string*."""
    if not isinstance(raw, dict):
        raise InvalidInput(f"{label}: expected a MetadataChangeProposal object", field=label)
    urn = raw.get("entityUrn")
    if urn is None:
        raise InvalidInput(f"{label}.entityUrn: required", field="entityUrn")
    aspect = raw.get("aspect")
    value: Any = None
    if aspect is not None:
        if not isinstance(aspect, dict) or not isinstance(aspect.get("value"), str):
            raise InvalidInput(f"{label}.aspect.value: expected a string holding JSON", field="aspect.value")
        try:
            value = json.loads(aspect["value"])
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{label}.aspect.value: malformed JSON: {exc}", field="aspect.value") from exc
    change_type = raw.get("changeType", "UPSERT")
    for name in ("aspectName", "changeType", "entityType"):
        if raw.get(name) is not None and not isinstance(raw[name], str):
            raise InvalidInput(f"{label}.{name}: expected a string", field=name)
    if value is None and change_type not in {"DELETE"}:
        raise InvalidInput(f"{label}.aspect: required for change type {change_type}", field="aspect")
    headers = raw.get("headers") if isinstance(raw.get("headers"), dict) else {}
    return Proposal(
        urn=urn,
        aspect_name=raw.get("aspectName") or "",
        change_type=change_type,
        value=value,
        entity_type=raw.get("entityType"),
        system_metadata=parse_system_metadata(raw.get("systemMetadata"), label),
        headers=headers or {},
        label=label,
    )


def envelope(record: AspectRecord, spec: AspectSpec) -> dict[str, Any]:
    """rest.li EnvelopedAspect: the value unwrapped, keyed by aspect name in the parent."""
    body: dict[str, Any] = {
        "name": record.aspect,
        "type": "TIMESERIES" if spec.is_timeseries else "VERSIONED",
        "version": record.version,
        "value": record.value,
        "created": {"time": record.created_on, "actor": record.created_by},
    }
    if record.system_metadata is not None:
        body["systemMetadata"] = record.system_metadata
    return body


def with_request_conditions(request: Request, proposals: list[Proposal]) -> list[Proposal]:
    """Conditional-write headers sent on the HTTP request apply to every proposal that lacks its own."""
    found = {name: request.headers[name] for name in CONDITIONAL_HEADERS if request.headers.get(name)}
    if found:
        for proposal in proposals:
            proposal.headers = {**found, **proposal.headers}
    return proposals

"""``POST /aspects?action=getTimeseriesAspectValues``: the rest.li action that reads timeseries points.

The SDK sends ``{"urn","entity","aspect","limit","filter"}`` (``get_timeseries_values``), the CLI
``{"latestValue": true}``; each value comes back as a JSON *string* in ``values[].aspect.value``.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool

from mlcatalog.errors import InvalidInput
from mlcatalog.services.timeseries import DEFAULT_LIMIT, TimeseriesService


def _optional_int(body: dict[str, Any], name: str) -> int | None:
    raw = body.get(name)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise InvalidInput(f"{name}: expected an integer", field=name)
    try:
        return int(raw)
    except ValueError as exc:
        raise InvalidInput(f"{name}: expected an integer, got {raw!r}", field=name) from exc


async def get_values(service: TimeseriesService, body: dict[str, Any]) -> dict[str, Any]:
    urn, aspect = body.get("urn"), body.get("aspect")
    if not isinstance(urn, str) or not urn:
        raise InvalidInput("urn: required", field="urn")
    if not isinstance(aspect, str) or not aspect:
        raise InvalidInput("aspect: required", field="aspect")
    start, end = _optional_int(body, "startTimeMillis"), _optional_int(body, "endTimeMillis")
    limit = _optional_int(body, "limit")
    limit = 1 if body.get("latestValue") in (True, "true") else (DEFAULT_LIMIT if limit is None else limit)
    records = await run_in_threadpool(service.values, urn, aspect, start, end, limit, body.get("filter"))
    result: dict[str, Any] = {
        "entityName": body.get("entity") or urn.split(":")[2],
        "aspectName": aspect,
        "limit": limit,
        "values": [_enveloped(r.value, r.system_metadata) for r in records],
    }
    for name, value in (("startTimeMillis", start), ("endTimeMillis", end), ("filter", body.get("filter"))):
        if value is not None:
            result[name] = value
    return {"value": result}


def _enveloped(value: dict[str, Any], system_metadata: dict[str, Any] | None) -> dict[str, Any]:
    item: dict[str, Any] = {"aspect": {"value": json.dumps(value), "contentType": "application/json"}}
    if system_metadata is not None:
        item["systemMetadata"] = system_metadata
    return item

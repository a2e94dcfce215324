"""rest.li ``POST /entities?action=search`` and ``action=autocomplete`` (spec §3.6), over SearchService."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

from mlcatalog.errors import InvalidInput
from mlcatalog.services.search import DEFAULT_FACETS, SearchRequest, SearchService

DEFAULT_COUNT = 10


def or_filters(body: dict[str, Any]) -> list[dict[str, Any]]:
    """A rest.li ``Filter`` (``or`` of ``and`` groups, or the older flat ``criteria``) as AND groups."""
    raw = body.get("filter")
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise InvalidInput("filter: expected an object with 'or' or 'criteria'", field="filter")
    if raw.get("or"):
        return list(raw["or"])
    if raw.get("criteria"):
        return [{"and": raw["criteria"]}]
    return []


def _request(body: dict[str, Any], query_key: str) -> SearchRequest:
    entity = body.get("entity")
    query = body.get(query_key)
    if not isinstance(query, str):
        raise InvalidInput(f"{query_key}: a query string is required", field=query_key)
    return SearchRequest(
        query=query,
        types=[entity] if entity else None,
        or_filters=or_filters(body),
        start=int(body.get("start") or 0),
        count=int(body.get("count") if body.get("count") is not None else DEFAULT_COUNT),
        sort=_sort(body.get("sort")),
    )


def _sort(raw: Any) -> dict[str, Any] | None:
    if isinstance(raw, dict) and raw.get("field"):
        return {"sortCriterion": {"field": raw["field"], "sortOrder": raw.get("order", "ASCENDING")}}
    return None


async def search(service: SearchService, body: dict[str, Any]) -> dict[str, Any]:
    request = _request(body, "input")
    request.facets = list(DEFAULT_FACETS)
    page = await run_in_threadpool(service.search, request)
    aggregations = [
        {"name": field, "displayName": field, "aggregations": dict(counts), "filterValues": []}
        for field, counts in page.facets.items()
    ]
    return {
        "value": {
            "from": request.start,
            "pageSize": request.count,
            "numEntities": page.total or 0,
            "entities": [{"entity": hit.urn, "matchedFields": []} for hit in page.hits],
            "metadata": {"aggregations": aggregations},
        }
    }


async def autocomplete(service: SearchService, body: dict[str, Any]) -> dict[str, Any]:
    request = _request(body, "query")
    hits = await run_in_threadpool(service.autocomplete, request, int(body.get("limit") or DEFAULT_COUNT))
    return {
        "value": {
            "query": request.query,
            "suggestions": [hit.name or hit.urn for hit in hits],
            "entities": [{"urn": hit.urn} for hit in hits],
        }
    }


ACTIONS: dict[str, Callable[[SearchService, dict[str, Any]], Awaitable[dict[str, Any]]]] = {
    "search": search,
    "autocomplete": autocomplete,
}

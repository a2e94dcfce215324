"""GraphQL search resolvers: DataHub's inputs → SearchRequest → SearchService → DataHub's result shapes."""

from __future__ import annotations

from functools import cache
from typing import Any

from ariadne import QueryType
from graphql import FieldNode, GraphQLResolveInfo

from mlcatalog.api.graphql.loader import EntityRef, Loader, loader_of, services_of
from mlcatalog.registry import get_registry
from mlcatalog.registry.graphql_names import graphql_entity_type
from mlcatalog.services.search import DEFAULT_FACETS, SearchRequest, SearchService
from mlcatalog.store.base import SearchHit, SearchPage

DEFAULT_COUNT = 10
DEFAULT_FACET_VALUES = 20
FACET_NAMES = {"_entityType": "Type", "origin": "Environment", "typeNames": "Sub Type"}

query = QueryType()


def _search(info: GraphQLResolveInfo) -> SearchService:
    return services_of(info).search  # type: ignore[no-any-return]


def _selected(info: GraphQLResolveInfo, name: str) -> bool:
    """Whether the client asked for field ``name`` of this resolver's result (fragments count as yes)."""
    for node in info.field_nodes:
        for selection in node.selection_set.selections if node.selection_set else []:
            if not isinstance(selection, FieldNode) or selection.name.value == name:
                return True
    return False


def request_from(input: dict[str, Any], info: GraphQLResolveInfo, types: list[str] | None = None) -> SearchRequest:
    flags = input.get("searchFlags") or {}
    or_filters = list(input.get("orFilters") or [])
    if input.get("filters"):
        or_filters = [{"and": [*(g.get("and") or []), *input["filters"]]} for g in or_filters] or [{"and": input["filters"]}]
    facets = None
    if not flags.get("skipAggregates") and _selected(info, "facets"):
        facets = list(DEFAULT_FACETS)
    return SearchRequest(
        query=input.get("query") or "*",
        types=types if types is not None else input.get("types"),
        or_filters=or_filters,
        start=input.get("start") or 0,
        count=DEFAULT_COUNT if input.get("count") is None else input["count"],
        sort=input.get("sortInput"),
        include_removed=bool(flags.get("includeSoftDeleted")),
        facets=facets,
        max_facet_values=flags.get("maxAggValues") or DEFAULT_FACET_VALUES,
        want_total=_selected(info, "total"),
        view_urn=input.get("viewUrn") or None,
        latest_versions_only=flags.get("filterNonLatestVersions") is True,
    )


def _ref(loader: Loader, hit: SearchHit) -> EntityRef:
    return EntityRef(hit.urn, hit.entity_type, loader)


def _results(page: SearchPage, loader: Loader) -> list[dict[str, Any]]:
    return [{"entity": _ref(loader, hit), "matchedFields": [], "extraProperties": [], "insights": []} for hit in page.hits]


@cache
def facet_display_names() -> dict[str, str]:
    names = dict(FACET_NAMES)
    for spec in get_registry().aspects.values():
        for searchable in spec.searchables:
            annotation = searchable.annotation
            if annotation.get("filterNameOverride") and annotation.get("fieldName"):
                names.setdefault(annotation["fieldName"], annotation["filterNameOverride"])
            elif annotation.get("filterNameOverride"):
                names.setdefault(searchable.path[-1], annotation["filterNameOverride"])
    return names


def facets(page: SearchPage, loader: Loader) -> list[dict[str, Any]]:
    result = []
    for field, counts in page.facets.items():
        aggregations = []
        for value, count in counts:
            shown = graphql_entity_type(value) if field == "_entityType" else value
            entity = loader.ref(value) if value.startswith("urn:li:") else None
            aggregations.append({"value": shown, "count": count, "entity": entity, "displayName": None})
        name = facet_display_names().get(field, field)
        result.append({"field": field, "displayName": name, "entity": None, "aggregations": aggregations})
    return result


def _search_results(request: SearchRequest, info: GraphQLResolveInfo) -> dict[str, Any]:
    page = _search(info).search(request)
    loader = loader_of(info)
    return {
        "start": request.start,
        "count": len(page.hits),
        "total": page.total or 0,
        "searchResults": _results(page, loader),
        "facets": facets(page, loader),
        "suggestions": [],
    }


@query.field("search")
def resolve_search(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    return _search_results(request_from(input, info, [input["type"]]), info)


@query.field("searchAcrossEntities")
def resolve_search_across(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    return _search_results(request_from(input, info), info)


@query.field("scrollAcrossEntities")
def resolve_scroll(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    request = request_from(input, info)
    scrolled = _search(info).scroll(request, input.get("scrollId"))
    loader = loader_of(info)
    return {
        "nextScrollId": scrolled.next_scroll_id,
        "count": len(scrolled.page.hits),
        "total": scrolled.page.total or 0,
        "searchResults": _results(scrolled.page, loader),
        "facets": facets(scrolled.page, loader),
    }


@query.field("aggregateAcrossEntities")
def resolve_aggregate(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    request = request_from(input, info)
    request.count, request.want_total = 0, False
    request.facets = [f for f in input.get("facets") or DEFAULT_FACETS if f]
    page = _search(info).search(request)
    return {"facets": facets(page, loader_of(info))}


def _autocomplete(input: dict[str, Any], info: GraphQLResolveInfo, types: list[str] | None) -> list[SearchHit]:
    request = request_from(input, info, types)
    return _search(info).autocomplete(request, input.get("limit") or DEFAULT_COUNT)


@query.field("autoComplete")
def resolve_autocomplete(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    hits = _autocomplete(input, info, [input["type"]] if input.get("type") else None)
    loader = loader_of(info)
    return {
        "query": input["query"],
        "suggestions": [hit.name or hit.urn for hit in hits],
        "entities": [_ref(loader, hit) for hit in hits],
    }


@query.field("autoCompleteForMultiple")
def resolve_autocomplete_multiple(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    hits = _autocomplete(input, info, input.get("types"))
    loader = loader_of(info)
    by_type: dict[str, dict[str, Any]] = {}
    for hit in hits:
        group = by_type.setdefault(
            hit.entity_type, {"type": graphql_entity_type(hit.entity_type), "suggestions": [], "entities": []}
        )
        group["suggestions"].append(hit.name or hit.urn)
        group["entities"].append(_ref(loader, hit))
    return {"query": input["query"], "suggestions": list(by_type.values())}


@query.field("browseV2")
def resolve_browse(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    types = input.get("types") or ([input["type"]] if input.get("type") else None)
    request = request_from(input, info, types)
    path = list(input.get("path") or [])
    result = _search(info).browse(request, path)
    loader = loader_of(info)
    groups = [
        {"name": g.name, "entity": loader.ref(g.name), "count": g.count, "hasSubGroups": g.has_sub_entities}
        for g in result.groups
    ]
    return {
        "groups": groups,
        "start": request.start,
        "count": len(groups),
        "total": result.total,
        "metadata": {"path": path, "totalNumEntities": result.entity_count},
    }


bindables = [query]

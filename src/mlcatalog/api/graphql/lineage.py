"""Resolvers for lineage.graphql: scroll/searchAcrossLineage, the per-entity ``lineage`` field, mlImpact."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType, QueryType
from graphql import GraphQLResolveInfo

from mlcatalog.api.deps import Services
from mlcatalog.api.graphql.loader import EntityRef, Loader, loader_of, services_of
from mlcatalog.errors import InvalidInput
from mlcatalog.registry.graphql_names import graphql_entity_type
from mlcatalog.services.lineage import LineageHit, LineageQuery
from mlcatalog.services.lineage_filters import FieldReader, compile_filter, degree_values

DEFAULT_COUNT = 10
MAX_COUNT = 10_000

query = QueryType()


def _entity_names(svc: Services, types: list[str] | None) -> frozenset[str] | None:
    if not types:
        return None
    by_enum = {graphql_entity_type(name): name for name in svc.registry.entities}
    return frozenset(by_enum[t] for t in types if t in by_enum)


def _readers(svc: Services, removed: set[str]) -> dict[str, FieldReader]:
    def platform(hit: LineageHit) -> list[str]:
        urn = svc.lineage.platform_of(hit.urn)
        return [urn, urn.rsplit(":", 1)[-1]] if urn else []

    def origin(hit: LineageHit) -> list[str]:
        key = svc.registry.parse_urn(hit.urn).key_value
        return [str(key[name]) for name in ("origin", "env", "fabric") if key.get(name)]

    return {
        "degree": degree_values,
        "_entityType": lambda hit: [graphql_entity_type(hit.entity_type), hit.entity_type],
        "platform": platform,
        "platform.keyword": platform,
        "removed": lambda hit: ["true" if hit.urn in removed else "false"],
        "origin": origin,
        "env": origin,
        "urn": lambda hit: [hit.urn],
    }


def _walk(info: GraphQLResolveInfo, params: dict[str, Any]) -> tuple[list[LineageHit], bool]:
    svc = services_of(info)
    if not params.get("urn"):
        raise InvalidInput("input.urn: the URN to walk from is required", field="urn")
    or_filters = list(params.get("orFilters") or [])
    if params.get("filters"):
        or_filters = [{"and": [*branch.get("and", []), *params["filters"]]} for branch in or_filters or [{"and": []}]]
    flags = params.get("searchFlags") or {}
    removed: set[str] = set()
    compiled = compile_filter(or_filters, _readers(svc, removed), bool(flags.get("includeSoftDeleted")))
    lineage_query = LineageQuery(
        urn=params["urn"],
        direction=params["direction"],
        max_hops=compiled.max_hops,
        entity_types=_entity_names(svc, params.get("types")),
        include_removed=compiled.include_removed,
    )
    result = svc.lineage.walk(lineage_query)
    removed.update(svc.lineage.removed(hit.urn for hit in result.hits))
    text = (params.get("query") or "").strip()
    hits = [hit for hit in result.hits if compiled.keep(hit) and svc.lineage.matches_text(hit.urn, text)]
    return hits, result.partial


def _result(loader: Loader, hit: LineageHit) -> dict[str, Any]:
    return {
        "entity": loader.ref(hit.urn),
        "degree": hit.degree,
        "degrees": hit.degrees,
        "paths": [_path(loader, hit.path)],
        "matchedFields": [],
        "insights": [],
        "explored": True,
        "truncatedChildren": False,
        "ignoredAsHop": False,
    }


def _path(loader: Loader, urns: list[str]) -> dict[str, Any]:
    """Path entries the SDK reads ``type`` of; a URN no registered entity type parses is left out."""
    return {"path": [ref for urn in urns if (ref := loader.ref(urn)) is not None]}


def _page(value: Any, name: str, default: int, upper: int) -> int:
    if value is None:
        return default
    if not isinstance(value, int) or not 0 <= value <= upper:
        raise InvalidInput(f"input.{name}: must be an integer between 0 and {upper}", field=name)
    return value


@query.field("scrollAcrossLineage")
def resolve_scroll(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    scroll_id = input.get("scrollId")
    try:
        offset = int(scroll_id) if scroll_id else 0
    except ValueError as exc:
        raise InvalidInput(f"input.scrollId: not a scroll id this server issued: {scroll_id!r}", field="scrollId") from exc
    count = _page(input.get("count"), "count", DEFAULT_COUNT, MAX_COUNT)
    hits, partial = _walk(info, input)
    page = hits[offset : offset + count]
    more = offset + count < len(hits)
    loader = loader_of(info)
    return {
        "nextScrollId": str(offset + count) if more and count else None,
        "count": len(page),
        "total": len(hits),
        "searchResults": [_result(loader, hit) for hit in page],
        "facets": [],
        "isPartial": partial,
    }


@query.field("searchAcrossLineage")
def resolve_search(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    start = _page(input.get("start"), "start", 0, 1_000_000)
    count = _page(input.get("count"), "count", DEFAULT_COUNT, MAX_COUNT)
    hits, partial = _walk(info, input)
    page = hits[start : start + count]
    loader = loader_of(info)
    return {
        "start": start,
        "count": len(page),
        "total": len(hits),
        "searchResults": [_result(loader, hit) for hit in page],
        "facets": [],
        "isPartial": partial,
    }


def resolve_lineage(ref: EntityRef, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    """One hop each way, as DataHub's entity ``lineage`` field returns."""
    start = _page(input.get("start"), "start", 0, 1_000_000)
    count = _page(input.get("count"), "count", 100, MAX_COUNT)
    lineage_query = LineageQuery(ref.urn, input["direction"], max_hops=1, include_ghosts=bool(input.get("includeGhostEntities")))
    hits = services_of(info).lineage.walk(lineage_query).hits
    page = hits[start : start + count]
    loader = loader_of(info)
    relationships = [
        {"type": hit.relationship, "entity": loader.ref(hit.urn), "degree": hit.degree, "paths": [_path(loader, hit.path)]}
        for hit in page
    ]
    return {"start": start, "count": len(page), "total": len(hits), "filtered": 0, "relationships": relationships}


@query.field("mlImpact")
def resolve_impact(_: Any, info: GraphQLResolveInfo, urn: str, maxHops: int | None = None) -> dict[str, Any]:
    loader = loader_of(info)
    found = services_of(info).lineage.impact(urn, maxHops)
    entities = []
    for item in found:
        ref = loader.ref(item.hit.urn)
        owners = [
            {"owner": owner, "type": kind, "associatedUrn": item.hit.urn}
            for urn_, kind in item.owners
            if (owner := loader.ref(urn_)) is not None and owner.entity_type in {"corpuser", "corpGroup"}
        ]
        entities.append({"entity": ref, "degree": item.hit.degree, "path": _path(loader, item.hit.path), "owners": owners})
    return {"urn": urn, "total": len(entities), "entities": entities}


_with_lineage = [ObjectType(name) for name in ("MLModelGroup", "MLModel", "Dataset", "DataJob", "DataProcessInstance")]
for _type in _with_lineage:
    _type.set_field("lineage", resolve_lineage)

bindables = [query, *_with_lineage]

"""Resolvers for versions.graphql: version sets and each model's versionProperties."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType, QueryType
from graphql import GraphQLResolveInfo

from mlcatalog.api.graphql.entities import SharedFieldsType, _common, _existing
from mlcatalog.api.graphql.loader import EntityRef, loader_of, services_of
from mlcatalog.api.graphql.search import facets, request_from

query = QueryType()
version_set = _common("VersionSet")
ml_model = SharedFieldsType("MLModel")
MAX_VERSIONS = 10_000
SEARCHED_VERSIONS = 1_000  # versions one versionsSearch ranks (a set rarely has more)


@query.field("versionSet")
def resolve_version_set(_: Any, info: GraphQLResolveInfo, urn: str) -> EntityRef | None:
    return _existing(info, urn, "versionSet")


@version_set.field("latestVersion")
def resolve_latest(ref: EntityRef, *_: Any) -> EntityRef | None:
    return ref.loader.ref((ref.aspect("versionSetProperties") or {}).get("latest"))


@version_set.field("versions")
def resolve_versions(ref: EntityRef, info: GraphQLResolveInfo) -> list[EntityRef]:
    _, related = services_of(info).entities.related(ref.urn, ["VersionOf"], "INCOMING", 0, MAX_VERSIONS)
    members = [m for r in related if (m := ref.loader.ref(r.urn)) is not None]
    return sorted(members, key=lambda m: (m.aspect("versionProperties") or {}).get("sortId") or "", reverse=True)


@version_set.field("versionsSearch")
def resolve_versions_search(ref: EntityRef, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    """DataHub's search within one version set: the query and filters of searchAcrossEntities, restricted
    to the set's members, ordered by sortId (newest first) unless a sort is given, then paged."""
    member = {"field": "versionSet", "condition": "EQUAL", "values": [ref.urn]}
    or_filters = [{"and": [*(group.get("and") or []), member]} for group in input.get("orFilters") or []]
    wanted = {**input, "orFilters": or_filters or [{"and": [member]}], "start": 0, "count": SEARCHED_VERSIONS}
    page = services_of(info).search.search(request_from(wanted, info))
    loader = loader_of(info)
    hits = [EntityRef(hit.urn, hit.entity_type, loader) for hit in page.hits]
    if not input.get("sortInput"):
        hits.sort(key=lambda m: (m.aspect("versionProperties") or {}).get("sortId") or "", reverse=True)
    start, count = input.get("start") or 0, 10 if input.get("count") is None else input["count"]
    window = hits[start : start + count]
    return {
        "start": start,
        "count": len(window),
        "total": len(hits),
        "searchResults": [{"entity": h, "matchedFields": [], "extraProperties": [], "insights": []} for h in window],
        "facets": facets(page, loader),
        "suggestions": [],
    }


@ml_model.field("versionProperties")
def resolve_version_properties(ref: EntityRef, *_: Any) -> dict[str, Any] | None:
    value = ref.aspect("versionProperties")
    if value is None:
        return None
    return {
        **value,
        "versionSet": ref.loader.ref(value.get("versionSet")),
        "aliases": value.get("aliases") or [],
        "isLatest": bool(value.get("isLatest")),
    }


bindables: list[ObjectType] = [query, version_set, ml_model]

"""Resolvers for versions.graphql: version sets and each model's versionProperties."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType, QueryType
from graphql import GraphQLResolveInfo

from mlcatalog.api.graphql.entities import SharedFieldsType, _common, _existing
from mlcatalog.api.graphql.loader import EntityRef, services_of

query = QueryType()
version_set = _common("VersionSet")
ml_model = SharedFieldsType("MLModel")
MAX_VERSIONS = 10_000


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

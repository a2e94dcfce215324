"""Resolvers for timetravel.graphql."""

from __future__ import annotations

from typing import Any

from ariadne import QueryType
from graphql import GraphQLResolveInfo

from mlcatalog.api.graphql.loader import EntityRef, Loader, loader_of, services_of
from mlcatalog.errors import CatalogError
from mlcatalog.services.entities import EntityView

query = QueryType()


class AsOfLoader(Loader):
    """Loads every entity as it stood at one instant, so nested fields agree with the root."""

    def __init__(self, base: Loader, at_ms: int) -> None:
        super().__init__(base.services)
        self.at_ms = at_ms

    def view(self, urn: str) -> EntityView | None:
        if urn not in self._views:
            try:
                self._views[urn] = self.services.timetravel.entity_as_of(urn, self.at_ms)
            except CatalogError:
                self._views[urn] = None
        return self._views[urn]


@query.field("entityAsOf")
def resolve_entity_as_of(_: Any, info: GraphQLResolveInfo, urn: str, time: int) -> EntityRef | None:
    ref = AsOfLoader(loader_of(info), time).ref(urn)
    return ref if ref is not None and ref.exists else None


@query.field("aliasHistory")
def resolve_alias_history(_: Any, info: GraphQLResolveInfo, urn: str) -> list[dict[str, Any]]:
    loader = loader_of(info)
    return [
        {**move.as_json(), "model": loader.ref(move.model), "previousModel": loader.ref(move.previous_model)}
        for move in services_of(info).timetravel.alias_history(urn)
    ]


@query.field("aliasesAt")
def resolve_aliases_at(_: Any, info: GraphQLResolveInfo, urn: str, time: int) -> list[dict[str, Any]]:
    loader = loader_of(info)
    held = services_of(info).timetravel.aliases_at(urn, time)
    return [{"alias": alias, **holder, "model": loader.ref(holder["model"])} for alias, holder in sorted(held.items())]


bindables = [query]

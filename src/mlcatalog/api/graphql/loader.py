"""Per-request entity loading for GraphQL: references resolve their aspects once, lazily."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLResolveInfo

from mlcatalog.api.deps import Services
from mlcatalog.errors import CatalogError
from mlcatalog.services.entities import EntityView


@dataclass
class EntityRef:
    """An entity in a GraphQL result; its aspects load on first field access."""

    urn: str
    entity_type: str
    loader: Loader = field(repr=False)

    def aspect(self, name: str) -> dict[str, Any] | None:
        view = self.loader.view(self.urn)
        if view is None or name not in view.aspects:
            return None
        return view.aspects[name].value

    @property
    def key(self) -> dict[str, Any]:
        view = self.loader.view(self.urn)
        return {} if view is None else view.aspects[view.entity.key_aspect].value

    @property
    def exists(self) -> bool:
        view = self.loader.view(self.urn)
        return view is not None and view.exists


class Loader:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._views: dict[str, EntityView | None] = {}

    def view(self, urn: str) -> EntityView | None:
        if urn not in self._views:
            try:
                self._views[urn] = self.services.entities.get_entity(urn)
            except CatalogError:
                self._views[urn] = None
        return self._views[urn]

    def ref(self, urn: str | None) -> EntityRef | None:
        """A reference for any URN string (None for what is not a registered entity's URN)."""
        if not urn:
            return None
        try:
            parsed = self.services.registry.parse_urn(urn)
        except CatalogError:
            return None
        return EntityRef(parsed.urn, parsed.entity.name, self)


def loader_of(info: GraphQLResolveInfo) -> Loader:
    return info.context["loader"]  # type: ignore[no-any-return]


def services_of(info: GraphQLResolveInfo) -> Services:
    return info.context["services"]  # type: ignore[no-any-return]

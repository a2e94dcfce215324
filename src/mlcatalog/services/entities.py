"""Reads of entities and aspects, as the rest.li resources need them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mlcatalog.errors import InvalidInput, NotFound
from mlcatalog.limits import Limits
from mlcatalog.registry.entities import EntityRegistry, EntitySpec
from mlcatalog.store.base import AspectRecord, RelatedEntity, Store

DEFAULT_RELATIONSHIP_PAGE = 100


@dataclass(frozen=True)
class EntityView:
    urn: str
    entity: EntitySpec
    aspects: dict[str, AspectRecord]
    exists: bool


class EntityService:
    def __init__(self, store: Store, registry: EntityRegistry, limits: Limits | None = None) -> None:
        self.store = store
        self.registry = registry
        self.limits = limits or Limits()

    def get_aspect(self, urn: str, aspect: str, version: int = 0) -> AspectRecord:
        target = self.registry.parse_urn(urn)
        self.registry.aspect_of(target.entity, aspect)
        if version < 0:
            raise InvalidInput("version: must be 0 (latest) or a positive version number", field="version")
        record = self.store.get_aspect(target.urn, aspect, version)
        if record is None:
            raise NotFound(f"aspect {aspect!r} version {version} of {target.urn!r} not found")
        return record

    def get_entity(self, urn: str, aspects: Sequence[str] | None = None) -> EntityView:
        """Latest non-timeseries aspects; the key aspect is always present, as on DataHub."""
        target = self.registry.parse_urn(urn)
        wanted = None
        if aspects is not None:
            for name in aspects:
                self.registry.aspect_of(target.entity, name)
            wanted = [*aspects, target.entity.key_aspect]
        found = self.store.latest_aspects(target.urn, wanted)
        exists = target.entity.key_aspect in found
        if not exists:
            found[target.entity.key_aspect] = AspectRecord(
                target.urn, target.entity.key_aspect, 0, target.key_value, None, 0, "urn:li:corpuser:__datahub_system"
            )
        visible = {name: record for name, record in found.items() if not self.registry.aspects[name].is_timeseries}
        return EntityView(target.urn, target.entity, visible, exists)

    def related(
        self,
        urn: str,
        relationships: Sequence[str],
        direction: str,
        start: int = 0,
        count: int = DEFAULT_RELATIONSHIP_PAGE,
        include_removed: bool = False,
    ) -> tuple[int, list[RelatedEntity]]:
        """Related entities; soft-deleted ones (status.removed) only when ``include_removed``."""
        if direction not in {"INCOMING", "OUTGOING"}:
            raise InvalidInput(f"direction: must be INCOMING or OUTGOING, got {direction!r}", field="direction")
        self.limits.check_page(start, count)
        target = self.registry.parse_urn(urn)
        return self.store.related(target.urn, relationships, direction == "INCOMING", start, count, include_removed)

    def list_urns(self, entity_type: str, start: int, count: int) -> tuple[int, list[str]]:
        entity = self.registry.entity(entity_type)
        self.limits.check_page(start, count)
        return self.store.list_urns(entity.key_aspect, f"urn:li:{entity.name}:", start, count)

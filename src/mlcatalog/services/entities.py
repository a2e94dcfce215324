"""Reads of entities and aspects, as the rest.li resources need them."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, replace

from mlcatalog.errors import InvalidInput, NotFound
from mlcatalog.limits import Limits
from mlcatalog.registry.entities import EntityRegistry, EntitySpec
from mlcatalog.services.structured import ASPECT as STRUCTURED
from mlcatalog.services.structured import hide_soft_deleted
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
        return self._visible(record)

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
        visible = {name: self._visible(record) for name, record in found.items() if not self.registry.aspects[name].is_timeseries}
        return EntityView(target.urn, target.entity, visible, exists)

    def _visible(self, record: AspectRecord) -> AspectRecord:
        """Structured property values whose definition is soft-deleted are hidden from reads."""
        if record.aspect != STRUCTURED or not record.value.get("properties"):
            return record
        removed = self.store.removed_among([str(p.get("propertyUrn")) for p in record.value["properties"]])
        return replace(record, value=hide_soft_deleted(record.value, removed)) if removed else record

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

    def scroll(
        self, entity_type: str, scroll_id: str | None, count: int, include_removed: bool
    ) -> tuple[int, list[str], str | None]:
        """A page of URNs of one type after the cursor ``scroll_id``; soft-deleted ones only when asked."""
        entity = self.registry.entity(entity_type)
        self.limits.check_page(0, count)
        prefix = f"urn:li:{entity.name}:"
        removed = set() if include_removed else self.store.history.removed_urns(prefix)
        total, _ = self.store.list_urns(entity.key_aspect, prefix, 0, 0)
        after, page = decode_cursor(scroll_id), []
        while len(page) <= count:
            batch = self.store.history.scroll_urns(entity.key_aspect, prefix, after, count + 1)
            page.extend(urn for urn in batch if urn not in removed)
            if len(batch) < count + 1:
                break
            after = batch[-1]
        more = len(page) > count
        page = page[:count]
        return total - len(removed), page, encode_cursor(page[-1]) if more and page else None

    def count_aspects(self, aspect: str, urn_like: str | None) -> int:
        self.registry.aspect(aspect)
        if urn_like is not None and not isinstance(urn_like, str):
            raise InvalidInput("urnLike: expected a string (SQL LIKE pattern)", field="urnLike")
        return self.store.history.count_aspects(aspect, urn_like)


def encode_cursor(urn: str) -> str:
    return base64.urlsafe_b64encode(urn.encode()).decode()


def decode_cursor(scroll_id: str | None) -> str | None:
    if not scroll_id:
        return None
    try:
        return base64.urlsafe_b64decode(scroll_id.encode()).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("scrollId: not a cursor this server issued", field="scrollId") from exc

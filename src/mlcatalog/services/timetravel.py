"""As-of reads and alias history: what an entity looked like, and who held which alias, at any time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mlcatalog.errors import InvalidInput
from mlcatalog.registry.entities import EntityRegistry
from mlcatalog.services.entities import EntityService, EntityView
from mlcatalog.store.sql.store import SqlStore
from mlcatalog.store.sql.timetravel import TimeTravelStore

MEMBER_PAGE = 10_000


def parse_instant(raw: str | int | None, field: str = "at") -> int:
    """Epoch milliseconds from an integer or an ISO 8601 string (``2026-03-12T00:00Z``)."""
    if raw is None or raw == "":
        raise InvalidInput(f"{field}: a time is required (epoch milliseconds or ISO 8601)", field=field)
    if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()):
        return int(raw)
    try:
        parsed = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput(f"{field}: {raw!r} is neither epoch milliseconds nor an ISO 8601 time", field=field) from exc
    if parsed.tzinfo is None:
        raise InvalidInput(f"{field}: {raw!r} needs a time zone (e.g. Z)", field=field)
    return int(parsed.timestamp() * 1000)


@dataclass(frozen=True)
class AliasMove:
    alias: str
    model: str | None  # None: the alias was removed
    version: str | None
    previous_model: str | None
    time: int
    actor: str

    def as_json(self) -> dict[str, Any]:
        return {
            "alias": self.alias,
            "model": self.model,
            "version": self.version,
            "previousModel": self.previous_model,
            "time": self.time,
            "actor": self.actor,
        }


class TimeTravelService:
    def __init__(self, store: SqlStore, registry: EntityRegistry, entities: EntityService) -> None:
        self.registry = registry
        self.entities = entities
        self.history = TimeTravelStore(store.db)

    def entity_as_of(self, urn: str, at_ms: int) -> EntityView:
        target = self.registry.parse_urn(urn)
        found = self.history.aspects_as_of(target.urn, at_ms)
        exists = target.entity.key_aspect in found
        visible = {name: rec for name, rec in found.items() if not self.registry.aspects[name].is_timeseries}
        if not exists:
            visible = {target.entity.key_aspect: self.entities.get_entity(target.urn).aspects[target.entity.key_aspect]}
        return EntityView(target.urn, target.entity, visible, exists)

    def alias_history(self, group_urn: str) -> list[AliasMove]:
        """Every move of every alias among the group's models, oldest first."""
        group = self.registry.parse_urn(group_urn)
        if group.entity.name != "mlModelGroup":
            raise InvalidInput(f"urn: {group_urn!r} is not an mlModelGroup", field="urn")
        _, members = self.entities.related(group.urn, ["MemberOf"], "INCOMING", 0, MEMBER_PAGE)
        holders: dict[str, str] = {}
        moves: list[AliasMove] = []
        for change in self.history.changes_of([m.urn for m in members], "versionProperties"):
            before, after = _aliases(change.previous_value), _aliases(change.value)
            version = ((change.value or {}).get("version") or {}).get("versionTag")
            for alias in sorted(after - before):
                moves.append(AliasMove(alias, change.urn, version, holders.get(alias), change.created_on, change.actor))
                holders[alias] = change.urn
            for alias in sorted(before - after):
                if holders.get(alias) == change.urn:
                    moves.append(AliasMove(alias, None, None, change.urn, change.created_on, change.actor))
                    del holders[alias]
        return moves

    def aliases_at(self, group_urn: str, at_ms: int) -> dict[str, dict[str, Any]]:
        """Which model (and version label) held each alias at ``at_ms``."""
        held: dict[str, dict[str, Any]] = {}
        for move in self.alias_history(group_urn):
            if move.time > at_ms:
                break
            if move.model is None:
                held.pop(move.alias, None)
            else:
                held[move.alias] = {"model": move.model, "version": move.version, "since": move.time, "actor": move.actor}
        return held


def _aliases(value: dict[str, Any] | None) -> set[str]:
    return {a.get("versionTag") for a in (value or {}).get("aliases") or [] if a.get("versionTag")}

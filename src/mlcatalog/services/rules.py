"""Promotion rules: declarative conditions that an alias move or a deprecation change must meet.

A rule names what it guards (``{"aliases": ["champion"], "deprecation": true}``) and its conditions.
The guard runs inside the write transaction after the change is applied, so it sees the rest of the
batch (an owner added in the same request counts) and a refusal rolls back everything.
"""

from __future__ import annotations

import time
from typing import Any

from mlcatalog.errors import CatalogError, InvalidInput, NotFound
from mlcatalog.registry.entities import ParsedUrn
from mlcatalog.services.derived import AspectChange
from mlcatalog.services.proposals import SYSTEM_ACTOR
from mlcatalog.store.base import WriteTransaction
from mlcatalog.store.sql.rules import RuleStore
from mlcatalog.store.sql.store import SqlStore

LINEAGE_HOPS = 6
CONDITIONS = {
    "hasOwnerOfType": "an owner type such as TECHNICAL_OWNER",
    "structuredPropertySet": "a structured property URN",
    "trainedOnDataset": "true",
    "groupNotDeprecated": "true",
    "actorNotOnlyOwner": "true",
}


class RuleViolation(CatalogError):
    """A change refused by promotion rules; the message lists every unmet condition."""

    status = 409


class RuleService:
    def __init__(self, store: SqlStore) -> None:
        self.rules = RuleStore(store.db)

    def add(self, body: Any, actor: str = SYSTEM_ACTOR) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise InvalidInput("body: expected an object with name, appliesTo and conditions", field="body")
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput("name: a rule name is required", field="name")
        applies_to = body.get("appliesTo")
        aliases = applies_to.get("aliases", []) if isinstance(applies_to, dict) else None
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
            raise InvalidInput("appliesTo.aliases: expected a list of alias names", field="appliesTo")
        if not aliases and not applies_to.get("deprecation"):  # type: ignore[union-attr]
            raise InvalidInput("appliesTo: name at least one alias or set deprecation: true", field="appliesTo")
        conditions = body.get("conditions")
        if not isinstance(conditions, list) or not conditions:
            raise InvalidInput("conditions: expected a non-empty list", field="conditions")
        for index, condition in enumerate(conditions):
            if not isinstance(condition, dict) or len(condition) != 1 or next(iter(condition)) not in CONDITIONS:
                known = ", ".join(f"{k} ({v})" for k, v in CONDITIONS.items())
                raise InvalidInput(f"conditions[{index}]: expected one of {known}", field="conditions")
        scope = {"aliases": aliases, "deprecation": bool(applies_to.get("deprecation"))}  # type: ignore[union-attr]
        return self.rules.add(name.strip(), scope, conditions, int(time.time() * 1000), actor)

    def list(self) -> list[dict[str, Any]]:
        return self.rules.list()

    def remove(self, rule_id: int) -> None:
        if not self.rules.remove(rule_id):
            raise NotFound(f"promotion rule {rule_id} not found")


class PromotionGuard:
    """Checks promotion rules once a batch is applied (a hook on the derived-index seam)."""

    def aspect_changed(self, tx: WriteTransaction, change: AspectChange) -> None:
        return None

    def batch_finished(self, tx: WriteTransaction, changes: list[AspectChange]) -> None:
        guarded = [c for c in changes if c.spec.name in {"versionProperties", "deprecation"} and _triggers(c)]
        if not guarded:
            return None
        rules = tx.promotion_rules()
        for change in guarded:
            self._check(tx, change, rules)
        return None

    def _check(self, tx: WriteTransaction, change: AspectChange, rules: list[dict[str, Any]]) -> None:
        triggers = _triggers(change)
        for rule in rules:
            for trigger in triggers:
                if (trigger == "deprecation" and rule["appliesTo"].get("deprecation")) or trigger in rule["appliesTo"]["aliases"]:
                    unmet = [reason for c in rule["conditions"] if (reason := _unmet(tx, change, c)) is not None]
                    if unmet:
                        what = "deprecation change" if trigger == "deprecation" else f"alias {trigger!r}"
                        raise RuleViolation(
                            f"{change.spec.name}: promotion rule {rule['name']!r} refuses the {what} on "
                            f"{change.target.urn}: " + "; ".join(unmet),
                            field=change.spec.name,
                        )

    def entity_deleted(self, tx: WriteTransaction, target: ParsedUrn) -> None:
        return None


def _triggers(change: AspectChange) -> list[str]:
    if change.spec.name == "deprecation":
        before = bool((change.previous or {}).get("deprecated"))
        after = bool((change.value or {}).get("deprecated"))
        return ["deprecation"] if before != after else []

    def aliases(value: dict[str, Any] | None) -> set[str]:
        return {a.get("versionTag") for a in (value or {}).get("aliases") or []}

    return sorted(a for a in aliases(change.value) - aliases(change.previous) if a)


def _owners(tx: WriteTransaction, urn: str) -> list[dict[str, Any]]:
    record = tx.latest(urn, "ownership")
    return [] if record is None else record.value.get("owners", [])


def _groups(tx: WriteTransaction, urn: str) -> list[str]:
    record = tx.latest(urn, "mlModelProperties")
    return [] if record is None else list(record.value.get("groups") or [])


def _unmet(tx: WriteTransaction, change: AspectChange, condition: dict[str, Any]) -> str | None:
    """None when the condition holds for the changed entity, otherwise what is missing."""
    ((kind, argument),) = condition.items()
    urn = change.target.urn
    if kind == "hasOwnerOfType":
        if not any(o.get("type") == argument for o in _owners(tx, urn)):
            return f"it has no owner of type {argument}"
    elif kind == "structuredPropertySet":
        record = tx.latest(urn, "structuredProperties")
        properties = [] if record is None else record.value.get("properties", [])
        if not any(p.get("propertyUrn") == argument and p.get("values") for p in properties):
            return f"structured property {argument} is not set"
    elif kind == "trainedOnDataset":
        reachable = tx.upstream({urn, *_groups(tx, urn)}, LINEAGE_HOPS)
        if not any(found.startswith("urn:li:dataset:") for found in reachable):
            return "its training lineage reaches no dataset"
    elif kind == "groupNotDeprecated":
        for group in _groups(tx, urn):
            record = tx.latest(group, "deprecation")
            if record is not None and record.value.get("deprecated"):
                return f"its model group {group} is deprecated"
    elif kind == "actorNotOnlyOwner":
        owners = {o.get("owner") for o in _owners(tx, urn)}
        if owners == {change.actor}:
            return f"the actor {change.actor} is its only owner"
    return None

"""Structured properties: values checked against their stored definitions on every write.

A hook on the derived-index seam, so it judges whichever API or patch the write came through, after the
batch is applied and before commit; a refusal rolls the whole request back. Definitions are read in the
same transaction, so a definition created earlier in the same batch counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mlcatalog.errors import InvalidInput
from mlcatalog.registry.entities import ParsedUrn
from mlcatalog.services.derived import AspectChange
from mlcatalog.services.proposals import Proposal
from mlcatalog.store.base import WriteTransaction

ASPECT = "structuredProperties"
DEFINITION = "propertyDefinition"
PROPERTY_PREFIX = "urn:li:structuredProperty:"
ENTITY_TYPE_PREFIX = "urn:li:entityType:datahub."
VALUE_TYPES = {
    "urn:li:dataType:datahub.string": "string",
    "urn:li:dataType:datahub.rich_text": "rich text",
    "urn:li:dataType:datahub.number": "number",
    "urn:li:dataType:datahub.date": "date",
    "urn:li:dataType:datahub.urn": "urn",
}


class StructuredPropertyViolation(InvalidInput):
    """A structured property value (or definition change) that breaks a rule; names property, value and rule."""


def assignments(value: dict[str, Any] | None) -> dict[str, list[Any]]:
    """``{propertyUrn: [plain values]}`` from a ``structuredProperties`` aspect (union wrappers removed)."""
    out: dict[str, list[Any]] = {}
    for item in (value or {}).get("properties") or []:
        out[str(item.get("propertyUrn"))] = [unwrap(v) for v in item.get("values") or []]
    return out


def unwrap(value: Any) -> Any:
    """Pegasus JSON writes the string|double union as ``{"string": ...}`` / ``{"double": ...}``."""
    if isinstance(value, dict) and len(value) == 1:
        return next(iter(value.values()))
    return value


def definition_of(tx: WriteTransaction, property_urn: str) -> dict[str, Any] | None:
    record = tx.latest(property_urn, DEFINITION)
    return None if record is None else record.value


def is_soft_deleted(tx: WriteTransaction, urn: str) -> bool:
    record = tx.latest(urn, "status")
    return bool(record and record.value.get("removed"))


def soft_deleted_among(tx: WriteTransaction, value: dict[str, Any] | None) -> frozenset[str]:
    """Property URNs of a ``structuredProperties`` value whose definition is soft-deleted (their values are hidden)."""
    return frozenset(urn for urn in assignments(value) if is_soft_deleted(tx, urn))


def holders_of(tx: WriteTransaction, property_urn: str) -> list[str]:
    """Entities holding a value of the property: their search documents change when it is (un)deleted."""
    return [
        r.urn
        for r in tx.latest_of_aspect(ASPECT)
        if any(p.get("propertyUrn") == property_urn for p in r.value.get("properties") or [])
    ]


def soft_delete_toggled(change: AspectChange) -> bool:
    """A ``status`` write that soft-deletes or restores a structured property definition."""
    if change.spec.name != "status" or change.target.entity.name != "structuredProperty":
        return False
    return bool((change.value or {}).get("removed")) != bool((change.previous or {}).get("removed"))


class StructuredPropertyValidator:
    """Refuses ``structuredProperties`` writes that break their definitions, and unsafe definition changes."""

    def aspect_changed(self, tx: WriteTransaction, change: AspectChange) -> None:
        return None

    def entity_deleted(self, tx: WriteTransaction, target: ParsedUrn) -> None:
        return None

    def deletion_follow_ups(self, tx: WriteTransaction, target: ParsedUrn) -> list[Proposal]:
        """A hard-deleted definition takes its values off every entity, as DataHub does."""
        if target.entity.name != "structuredProperty":
            return []
        proposals = []
        for record in tx.latest_of_aspect(ASPECT):
            kept = [p for p in record.value.get("properties") or [] if p.get("propertyUrn") != target.urn]
            if len(kept) != len(record.value.get("properties") or []):
                value = {**record.value, "properties": kept}
                proposals.append(Proposal(record.urn, ASPECT, value=value, label="structured property deleted"))
        return proposals

    def batch_finished(self, tx: WriteTransaction, changes: list[AspectChange]) -> list[Proposal] | None:
        for change in changes:
            if change.spec.name == ASPECT and change.value is not None:
                self._check_values(tx, change)
            elif change.spec.name == ASPECT and change.value is None:
                self._check_removal(tx, change, assignments(change.previous), {})
            elif change.spec.name == DEFINITION and change.value is not None:
                if is_soft_deleted(tx, change.target.urn):
                    raise StructuredPropertyViolation(
                        f"propertyDefinition of {change.target.urn}: the definition is soft-deleted and cannot be "
                        "changed; restore it first (status.removed = false)",
                        field="propertyDefinition",
                    )
                check_definition_change(change.target.urn, change.previous, change.value)
        return None

    def _check_values(self, tx: WriteTransaction, change: AspectChange) -> None:
        before, after = assignments(change.previous), assignments(change.value)
        entity_type = change.target.entity.name
        for property_urn, values in after.items():
            if before.get(property_urn) == values:
                continue  # unchanged values were checked when they were written
            check_assignment(tx, entity_type, property_urn, values, before.get(property_urn))
        self._check_removal(tx, change, before, after)

    def _check_removal(self, tx: WriteTransaction, change: AspectChange, before: dict, after: dict) -> None:
        for property_urn, values in before.items():
            if property_urn not in after and values:
                definition = definition_of(tx, property_urn)
                if definition and definition.get("immutable"):
                    raise _violation(property_urn, values, "the property is immutable; its value cannot be removed")


def check_assignment(
    tx: WriteTransaction, entity_type: str, property_urn: str, values: list[Any], previous: list[Any] | None
) -> None:
    definition = definition_of(tx, property_urn)
    if definition is None:
        raise _violation(property_urn, values, "no structured property with this URN is defined")
    if is_soft_deleted(tx, property_urn):
        raise _violation(property_urn, values, "the structured property definition is soft-deleted")
    allowed_entities = [str(t).removeprefix(ENTITY_TYPE_PREFIX) for t in definition.get("entityTypes") or []]
    if allowed_entities and entity_type not in allowed_entities:
        raise _violation(
            property_urn, values, f"it does not apply to entity type {entity_type} (allowed: {', '.join(allowed_entities)})"
        )
    if definition.get("immutable") and previous:
        raise _violation(property_urn, values, f"the property is immutable and already has the value {previous!r}")
    if (definition.get("cardinality") or "SINGLE") == "SINGLE" and len(values) > 1:
        raise _violation(property_urn, values, "cardinality SINGLE allows at most one value")
    for value in values:
        _check_type(property_urn, definition, value)
    allowed = [unwrap(a.get("value")) for a in definition.get("allowedValues") or []]
    for value in values:
        if allowed and not any(_same(value, a) for a in allowed):
            raise _violation(property_urn, value, f"it is not one of the allowed values {allowed!r}")


def _check_type(property_urn: str, definition: dict[str, Any], value: Any) -> None:
    value_type = str(definition.get("valueType"))
    kind = VALUE_TYPES.get(value_type, "string")
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _violation(property_urn, value, "valueType number needs a number (double) value")
        return
    if not isinstance(value, str):
        raise _violation(property_urn, value, f"valueType {kind} needs a string value")
    if kind == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise _violation(property_urn, value, "valueType date needs a date as YYYY-MM-DD") from None
    elif kind == "urn":
        if not value.startswith("urn:li:") or value.count(":") < 3:
            raise _violation(property_urn, value, "valueType urn needs a URN such as urn:li:corpuser:jdoe")
        qualifier = definition.get("typeQualifier") or {}
        allowed = [str(t).removeprefix(ENTITY_TYPE_PREFIX) for t in qualifier.get("allowedTypes") or []]
        entity_type = value.split(":")[2]
        if allowed and entity_type not in allowed:
            raise _violation(property_urn, value, f"URN entity type {entity_type} is not one of the allowed types {allowed}")


def _same(value: Any, allowed: Any) -> bool:
    if isinstance(value, (int, float)) and isinstance(allowed, (int, float)):
        return float(value) == float(allowed)
    return value == allowed


def check_definition_change(urn: str, previous: dict[str, Any] | None, value: dict[str, Any]) -> None:
    """The changes DataHub refuses on a definition in use, unless its ``version`` changes."""
    value_type = value.get("valueType")
    if value_type not in VALUE_TYPES:
        raise InvalidInput(
            f"propertyDefinition.valueType: {value_type!r} of {urn} is not one of {sorted(VALUE_TYPES)}",
            field="propertyDefinition.valueType",
        )
    if value.get("cardinality", "SINGLE") not in {"SINGLE", "MULTIPLE"}:
        raise InvalidInput(f"propertyDefinition.cardinality: {value.get('cardinality')!r} of {urn}", field="cardinality")
    if previous is None or previous.get("version") != value.get("version"):
        return
    problems = []
    if previous.get("qualifiedName") != value.get("qualifiedName"):
        problems.append("qualifiedName cannot change")
    if previous.get("valueType") != value_type:
        problems.append("valueType cannot change")
    if previous.get("cardinality") == "MULTIPLE" and value.get("cardinality", "SINGLE") == "SINGLE":
        problems.append("cardinality cannot go from MULTIPLE to SINGLE")
    kept = {repr(unwrap(a.get("value"))) for a in value.get("allowedValues") or []}
    if previous.get("allowedValues") and any(repr(unwrap(a.get("value"))) not in kept for a in previous["allowedValues"]):
        problems.append("allowed values cannot be removed")
    if not set(previous.get("entityTypes") or []) <= set(value.get("entityTypes") or []):
        problems.append("entity types cannot be removed")
    if problems:
        raise StructuredPropertyViolation(
            f"propertyDefinition of {urn}: " + "; ".join(problems) + " (change the definition's version to allow it)",
            field="propertyDefinition",
        )


def _violation(property_urn: str, value: Any, rule: str) -> StructuredPropertyViolation:
    return StructuredPropertyViolation(
        f"structuredProperties: property {property_urn} value {value!r} refused: {rule}", field=ASPECT
    )


def hide_soft_deleted(value: dict[str, Any], removed: set[str]) -> dict[str, Any]:
    """Values of soft-deleted definitions stay stored but are not shown (DataHub hides them on read)."""
    properties = value.get("properties") or []
    return {**value, "properties": [p for p in properties if p.get("propertyUrn") not in removed]}

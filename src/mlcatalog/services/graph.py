"""Relationship edges derived from an aspect's ``@Relationship`` annotations."""

from __future__ import annotations

from typing import Any

from mlcatalog.errors import InvalidInput
from mlcatalog.limits import URN_COLUMN_LENGTH
from mlcatalog.registry.annotations import values_at
from mlcatalog.registry.entities import AspectSpec
from mlcatalog.store.base import Edge


def edges_for(urn: str, spec: AspectSpec, value: dict[str, Any] | None, now_ms: int, actor: str) -> list[Edge]:
    """Every edge that ``value`` of aspect ``spec`` on entity ``urn`` implies, deduplicated."""
    if value is None:
        return []
    found: dict[tuple[str, str], Edge] = {}
    for relationship in spec.relationships:
        for destination in values_at(value, relationship.path):
            if not isinstance(destination, str) or not destination.startswith("urn:"):
                continue
            if len(destination) > URN_COLUMN_LENGTH:
                where = ".".join((spec.name, *relationship.path))
                raise InvalidInput(f"{where}: URN longer than {URN_COLUMN_LENGTH} characters", field=where)
            key = (relationship.name, destination)
            found.setdefault(
                key,
                Edge(
                    source_urn=urn,
                    relationship=relationship.name,
                    destination_urn=destination,
                    aspect=spec.name,
                    is_lineage=relationship.is_lineage,
                    is_upstream=relationship.is_upstream,
                    created_on=now_ms,
                    created_actor=actor,
                ),
            )
    return list(found.values())

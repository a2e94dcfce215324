"""Relationship edges derived from an aspect's ``@Relationship`` annotations.

Edge-typed fields (``inputDatasetEdges/*/destinationUrn``) name where each edge keeps its own
created stamp, properties and ``via``; those paths share the array element with the destination,
so they are read from the same element. Other edges take the aspect write's time and actor.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlcatalog.errors import InvalidInput
from mlcatalog.limits import URN_COLUMN_LENGTH
from mlcatalog.registry.annotations import values_at
from mlcatalog.registry.entities import AspectSpec, RelationshipPath
from mlcatalog.store.base import Edge


def edges_for(urn: str, spec: AspectSpec, value: dict[str, Any] | None, now_ms: int, actor: str) -> list[Edge]:
    """Every edge that ``value`` of aspect ``spec`` on entity ``urn`` implies, deduplicated."""
    if value is None:
        return []
    found: dict[tuple[str, str], Edge] = {}
    for relationship in spec.relationships:
        for element, destination in _destinations(value, relationship.path):
            if not isinstance(destination, str) or not destination.startswith("urn:"):
                continue
            if len(destination) > URN_COLUMN_LENGTH:
                where = ".".join((spec.name, *relationship.path))
                raise InvalidInput(f"{where}: URN longer than {URN_COLUMN_LENGTH} characters", field=where)
            key = (relationship.name, destination)
            if key in found:
                continue
            created_on = _meta(value, element, relationship, relationship.created_on)
            created_actor = _meta(value, element, relationship, relationship.created_actor)
            via = _meta(value, element, relationship, relationship.via)
            properties = _meta(value, element, relationship, relationship.properties)
            found[key] = Edge(
                source_urn=urn,
                relationship=relationship.name,
                destination_urn=destination,
                aspect=spec.name,
                is_lineage=relationship.is_lineage,
                is_upstream=relationship.is_upstream,
                created_on=created_on if isinstance(created_on, int) else now_ms,
                created_actor=created_actor if isinstance(created_actor, str) else actor,
                via=via if isinstance(via, str) else None,
                properties=properties if isinstance(properties, dict) and properties else None,
            )
    return list(found.values())


def _element_depth(path: tuple[str, ...]) -> int:
    """Length of the prefix up to the last ``*``: the element an edge belongs to."""
    return max((i + 1 for i, part in enumerate(path) if part == "*"), default=0)


def _destinations(value: dict[str, Any], path: tuple[str, ...]) -> Iterator[tuple[Any, Any]]:
    depth = _element_depth(path)
    for element in values_at(value, path[:depth]) if depth else [value]:
        for destination in values_at(element, path[depth:]):
            yield element, destination


def _meta(value: dict[str, Any], element: Any, relationship: RelationshipPath, path: tuple[str, ...] | None) -> Any:
    if path is None:
        return None
    depth = _element_depth(relationship.path)
    if depth and path[:depth] == relationship.path[:depth]:
        return next(values_at(element, path[depth:]), None)
    return next(values_at(value, path), None)

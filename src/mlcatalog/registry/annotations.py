"""Locate DataHub schema annotations (Relationship, Searchable, ...) as paths into aspect JSON.

DataHub attaches annotations either directly to a field, or to a field with JSON-pointer-like
sub-paths (``{"/*/destinationUrn": {...}}``) that reach into arrays, maps and nested records.
We flatten both forms into ``AnnotatedPath(path, annotation)`` where ``path`` is a tuple of
field names with ``"*"`` standing for "every element of an array / every value of a map".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import avro.schema


@dataclass(frozen=True)
class AnnotatedPath:
    path: tuple[str, ...]
    annotation: dict[str, Any]


def _non_null_branch(schema: avro.schema.Schema) -> avro.schema.Schema:
    if isinstance(schema, avro.schema.UnionSchema):
        branches = [s for s in schema.schemas if s.type != "null"]
        if len(branches) == 1:
            return branches[0]
    return schema


def _is_path_map(prop: dict[str, Any]) -> bool:
    return bool(prop) and all(key.startswith("/") for key in prop)


def annotated_paths(record: avro.schema.RecordSchema, name: str) -> list[AnnotatedPath]:
    """Every place in ``record`` annotated with ``name`` (e.g. "Relationship")."""
    return list(_walk(record, name, (), frozenset()))


def _walk(schema: avro.schema.Schema, name: str, prefix: tuple[str, ...], seen: frozenset[str]) -> Iterator[AnnotatedPath]:
    schema = _non_null_branch(schema)
    if isinstance(schema, avro.schema.ArraySchema):
        yield from _walk(schema.items, name, (*prefix, "*"), seen)
    elif isinstance(schema, avro.schema.MapSchema):
        yield from _walk(schema.values, name, (*prefix, "*"), seen)
    elif isinstance(schema, avro.schema.RecordSchema):
        if schema.fullname in seen:
            return
        seen = seen | {schema.fullname}
        for field in schema.fields:
            path = (*prefix, field.name)
            prop = field.get_prop(name)
            overridden = False
            if isinstance(prop, dict) and _is_path_map(prop):
                overridden = True
                for sub, annotation in prop.items():
                    extra = tuple(part for part in sub.split("/") if part)
                    yield AnnotatedPath((*path, *extra), annotation)
            elif isinstance(prop, dict):
                yield AnnotatedPath(path, prop)
            if not overridden:
                yield from _walk(field.type, name, path, seen)


def values_at(document: Any, path: tuple[str, ...]) -> Iterator[Any]:
    """Every value found at ``path`` inside a JSON document (``*`` fans out)."""
    if not path:
        if document is not None:
            yield document
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(document, list):
            items: list[Any] = document
        elif isinstance(document, dict):
            items = list(document.values())
        else:
            return
        for item in items:
            yield from values_at(item, rest)
    elif isinstance(document, dict) and head in document:
        yield from values_at(document[head], rest)

"""Each aspect's ``@Searchable`` paths, compiled once into extractors.

Indexing runs for every entity a write touches, and reading the annotation dicts and walking the
paths generically on each write was a large share of its cost. An ``Extractor`` holds everything
the annotation decides (filter names, text band, flags) and a getter built for its path, so a
document is built by calling a few closures per aspect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mlcatalog.registry.annotations import AnnotatedPath

NAME_BOOST = 5.0
TEXT_TYPES = frozenset({"TEXT", "TEXT_PARTIAL", "WORD_GRAM"})
URN_TYPES = frozenset({"URN", "URN_PARTIAL"})
NAMING_TYPES = TEXT_TYPES | URN_TYPES
NUMERIC_TYPES = frozenset({"COUNT", "DATETIME"})
LOW_BAND_FIELDS = frozenset({"customProperties"})

Getter = Callable[[Any], list[Any]]


@dataclass(frozen=True, slots=True)
class Extractor:
    get: Getter  # the values at the path; a trailing ``*`` over a map gives (key, value) pairs
    field: str
    names: tuple[str, ...]  # the field name and its aliases: the filter fields each value goes to
    field_type: str
    has_values: str | None  # ``hasValuesFieldName``
    band: str | None  # full-text band ("name", "desc", "other"), None when not queried by default
    naming: bool  # values are display-name candidates (text and URN types)
    is_urn: bool
    numeric: bool


def compile_searchables(searchables: tuple[AnnotatedPath, ...]) -> tuple[Extractor, ...]:
    return tuple(_extractor(s) for s in searchables if "$key" not in s.path)


def _extractor(searchable: AnnotatedPath) -> Extractor:
    path, annotation = searchable.path, searchable.annotation
    field_type = annotation.get("fieldType", "KEYWORD")
    field = annotation.get("fieldName") or next(p for p in reversed(path) if p != "*")
    return Extractor(
        get=_getter(path, trailing_map=bool(path) and path[-1] == "*"),
        field=field,
        names=(field, *annotation.get("fieldNameAliases", [])),
        field_type=field_type,
        has_values=annotation.get("hasValuesFieldName") or None,
        band=_band(annotation, field, field_type),
        naming=field_type in NAMING_TYPES,
        is_urn=field_type in URN_TYPES,
        numeric=field_type in NUMERIC_TYPES,
    )


def _band(annotation: dict[str, Any], field: str, field_type: str) -> str | None:
    flag = annotation.get("queryByDefault")
    queried = field_type in NAMING_TYPES if flag is None else (flag is True or str(flag).lower() == "true")
    if not queried:
        return None
    boost = float(annotation.get("boostScore", 1.0))
    if field in LOW_BAND_FIELDS or field_type in URN_TYPES or boost < 1.0:
        return "other"
    return "name" if boost >= NAME_BOOST else "desc"


def _getter(path: tuple[str, ...], trailing_map: bool) -> Getter:
    """A function giving the values at ``path`` (``*`` fans out over lists and map values; None is no value)."""
    if not path:
        return lambda value: [] if value is None else [value]
    head, rest = path[0], path[1:]
    if head == "*" and not rest and trailing_map:  # the last step keeps a map's keys: (key, value) pairs
        return lambda value: list(value.items()) if isinstance(value, dict) else list(value) if isinstance(value, list) else []
    inner = _getter(rest, trailing_map)
    if head == "*":

        def fan_out(value: Any) -> list[Any]:
            items = value if isinstance(value, list) else value.values() if isinstance(value, dict) else ()
            found: list[Any] = []
            for item in items:
                found.extend(inner(item))
            return found

        return fan_out
    if not rest:
        return lambda value: [] if not isinstance(value, dict) or (found := value.get(head)) is None else [found]
    return lambda value: inner(value[head]) if isinstance(value, dict) and head in value else []

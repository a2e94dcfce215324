"""Timeseries aspects: points in time (run events, ingestion checkpoints, profiles), newest first.

DataHub keeps these in Elasticsearch and answers ``getTimeseriesAspectValues`` with a filter over the
aspect's top-level fields; here the store returns points by time and the filter runs on their JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from mlcatalog.errors import InvalidInput
from mlcatalog.registry.entities import EntityRegistry, ParsedUrn
from mlcatalog.store.base import Store, TimeseriesRecord

DEFAULT_LIMIT = 10_000
MAX_LIMIT = 10_000
_PAGE = 500
# The fields besides the timestamp that make two points distinct, as DataHub builds its document ids.
_IDENTITY_FIELDS = ("partitionSpec", "eventGranularity", "messageId")


def partition_key(value: dict[str, Any]) -> str:
    """A stable text key from the point's partition, granularity and message id ('' when none is set)."""
    identity = {name: value[name] for name in _IDENTITY_FIELDS if value.get(name) is not None}
    return json.dumps(identity, sort_keys=True, separators=(",", ":")) if identity else ""


def timeseries_record(
    target: ParsedUrn, aspect: str, value: dict[str, Any], system_metadata: dict[str, Any] | None, now_ms: int
) -> TimeseriesRecord:
    stamp = value.get("timestampMillis")
    if not isinstance(stamp, int):
        raise InvalidInput(f"{aspect}.timestampMillis: a timeseries aspect needs an integer timestamp", field="timestampMillis")
    return TimeseriesRecord(target.urn, target.entity.name, aspect, stamp, partition_key(value), value, system_metadata, now_ms)


class TimeseriesService:
    def __init__(self, store: Store, registry: EntityRegistry) -> None:
        self.store = store
        self.registry = registry

    def values(
        self,
        urn: str,
        aspect: str,
        start_ms: int | None = None,
        end_ms: int | None = None,
        limit: int = DEFAULT_LIMIT,
        filter_: dict[str, Any] | None = None,
    ) -> list[TimeseriesRecord]:
        """Points of ``aspect`` on ``urn`` matching ``filter_``, newest first, at most ``limit``."""
        target = self.registry.parse_urn(urn)
        if not self.registry.aspect_of(target.entity, aspect).is_timeseries:
            raise InvalidInput(f"aspect: {aspect!r} is not a timeseries aspect", field="aspect")
        if not 0 <= limit <= MAX_LIMIT:
            raise InvalidInput(f"limit: must be between 0 and {MAX_LIMIT}", field="limit")
        matches = compile_filter(filter_)
        found: list[TimeseriesRecord] = []
        for record in self._scan(target.urn, aspect, start_ms, end_ms):
            if len(found) >= limit:
                break
            if matches(record.value):
                found.append(record)
        return found

    def _scan(self, urn: str, aspect: str, start_ms: int | None, end_ms: int | None) -> Iterator[TimeseriesRecord]:
        offset = 0
        while True:
            page = self.store.timeseries(urn, aspect, start_ms, end_ms, offset, _PAGE)
            yield from page
            if len(page) < _PAGE:
                return
            offset += _PAGE


def compile_filter(filter_: dict[str, Any] | None) -> Any:
    """DataHub's search Filter (``or`` of ``and`` criteria, or legacy ``criteria``) as a predicate."""
    if not filter_:
        return lambda _value: True
    if not isinstance(filter_, dict):
        raise InvalidInput("filter: expected an object with 'or' or 'criteria'", field="filter")
    groups = filter_.get("or")
    if groups is None:
        groups = [{"and": filter_.get("criteria") or []}]
    if not isinstance(groups, list) or not all(isinstance(g, dict) and isinstance(g.get("and", []), list) for g in groups):
        raise InvalidInput("filter.or: expected a list of {'and': [criterion, ...]}", field="filter")
    conjunctions = [[_criterion(c) for c in group.get("and", [])] for group in groups]
    return lambda value: any(all(test(value) for test in tests) for tests in conjunctions)


def _criterion(raw: Any) -> Any:
    if not isinstance(raw, dict) or not isinstance(raw.get("field"), str):
        raise InvalidInput("filter: each criterion needs a 'field'", field="filter")
    field = raw["field"].removesuffix(".keyword")
    values = raw.get("values") or ([raw["value"]] if raw.get("value") is not None else [])
    condition = raw.get("condition", "EQUAL")
    compare = _CONDITIONS.get(condition)
    if compare is None:
        raise InvalidInput(f"filter: unsupported condition {condition!r} on {field!r}", field="filter")
    negated = bool(raw.get("negated"))
    return lambda value: compare(_lookup(value, field), [str(v) for v in values]) != negated


def _lookup(value: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _text(actual: Any) -> str:
    return json.dumps(actual) if isinstance(actual, bool) else str(actual)


def _ordered(op: Any) -> Any:
    def compare(actual: Any, values: list[str]) -> bool:
        if actual is None or not values:
            return False
        try:
            return bool(op(float(actual), float(values[0])))
        except (TypeError, ValueError):
            return bool(op(_text(actual), values[0]))

    return compare


_CONDITIONS = {
    "EQUAL": lambda actual, values: actual is not None and _text(actual) in values,
    "IN": lambda actual, values: actual is not None and _text(actual) in values,
    "CONTAIN": lambda actual, values: actual is not None and any(v in _text(actual) for v in values),
    "START_WITH": lambda actual, values: actual is not None and any(_text(actual).startswith(v) for v in values),
    "END_WITH": lambda actual, values: actual is not None and any(_text(actual).endswith(v) for v in values),
    "EXISTS": lambda actual, _values: actual is not None,
    "IS_NULL": lambda actual, _values: actual is None,
    "GREATER_THAN": _ordered(lambda a, b: a > b),
    "GREATER_THAN_OR_EQUAL_TO": _ordered(lambda a, b: a >= b),
    "LESS_THAN": _ordered(lambda a, b: a < b),
    "LESS_THAN_OR_EQUAL_TO": _ordered(lambda a, b: a <= b),
}

"""DataHub's lineage filters (``orFilters`` of ``and`` criteria) evaluated over walked results.

The SDK sends ``degree`` (hops: "1", "2", "3+") and ``removed`` (negated) on every lineage call,
plus whatever ``FilterDsl`` built (entity type, platform, env). The hop limit and whether to walk
through soft-deleted entities are read from the filter; everything else is checked per result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mlcatalog.errors import InvalidInput
from mlcatalog.services.lineage import LineageHit

Criterion = dict[str, Any]
FieldReader = Callable[[LineageHit], list[str]]
UNLIMITED_DEGREE = "3+"


@dataclass(frozen=True)
class CompiledFilter:
    max_hops: int | None  # None: unlimited
    include_removed: bool
    keep: Callable[[LineageHit], bool]


def compile_filter(
    or_filters: Sequence[dict[str, Any]] | None, readers: dict[str, FieldReader], include_soft_deleted: bool
) -> CompiledFilter:
    branches = [list(branch.get("and") or []) for branch in or_filters or []]
    for branch in branches:
        for criterion in branch:
            if criterion.get("field") not in readers:
                known = ", ".join(sorted(readers))
                raise InvalidInput(
                    f"orFilters: lineage cannot filter on field {criterion.get('field')!r}; supported: {known}",
                    field="orFilters",
                )
    include_removed = include_soft_deleted or any(_wants_removed(c) for branch in branches for c in branch)

    def keep(hit: LineageHit) -> bool:
        return not branches or any(all(_matches(c, readers[c["field"]](hit)) for c in branch) for branch in branches)

    return CompiledFilter(_max_hops(branches), include_removed, keep)


def _max_hops(branches: list[list[Criterion]]) -> int | None:
    if not branches:
        return None
    limits = []
    for branch in branches:
        degrees = [c for c in branch if c.get("field") == "degree" and not c.get("negated")]
        values = [v for c in degrees for v in c.get("values") or []]
        if not values or UNLIMITED_DEGREE in values:
            return None
        try:
            limits.append(max(int(v) for v in values))
        except ValueError as exc:
            raise InvalidInput(f"orFilters: degree values must be numbers or '3+', got {values}", field="degree") from exc
    return max(limits)


def _wants_removed(criterion: Criterion) -> bool:
    if criterion.get("field") != "removed":
        return False
    values = {str(v).lower() for v in criterion.get("values") or []}
    return ("true" in values) != bool(criterion.get("negated"))


def _matches(criterion: Criterion, actual: list[str]) -> bool:
    wanted = [str(v) for v in criterion.get("values") or []]
    condition = criterion.get("condition") or "EQUAL"
    if condition == "EXISTS":
        found = bool(actual)
    elif condition == "CONTAIN":
        found = any(w.lower() in a.lower() for w in wanted for a in actual)
    elif condition == "START_WITH":
        found = any(a.startswith(w) for w in wanted for a in actual)
    elif condition == "END_WITH":
        found = any(a.endswith(w) for w in wanted for a in actual)
    elif condition in {"EQUAL", "IN", "IEQUAL"}:
        lowered = {w.lower() for w in wanted}
        found = any(a.lower() in lowered for a in actual)
    else:
        raise InvalidInput(f"orFilters: condition {condition} is not supported for lineage filters", field="condition")
    return found != bool(criterion.get("negated"))


def degree_values(hit: LineageHit) -> list[str]:
    """A hit matches "3+" from three hops on."""
    return [str(hit.degree)] + ([UNLIMITED_DEGREE] if hit.degree >= 3 else [])

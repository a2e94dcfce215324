"""Lineage walks (upstream / downstream, multi-hop, cycle-safe) and the ML impact question.

The store walks the lineage edges; this service turns the walk into results: the smallest degree
per entity, every degree it was seen at, one shortest path from the source, and filters on entity
type, platform and existence. Soft-deleted entities are neither returned nor walked through unless
asked for, as DataHub does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mlcatalog.errors import CatalogError, InvalidInput
from mlcatalog.registry.entities import EntityRegistry
from mlcatalog.store.base import Store, WalkStep

DIRECTIONS = ("UPSTREAM", "DOWNSTREAM")
MAX_HOPS = 20  # "3+" (unlimited) still stops here; ML graphs are far shallower
MAX_ROWS = 200_000  # walk rows before a result is reported partial
ML_IMPACT_TYPES = ("mlModel", "mlModelGroup")
_TEXT_FIELDS = ("name", "description", "displayName", "id")


@dataclass(frozen=True)
class LineageQuery:
    urn: str
    direction: str
    max_hops: int | None = 1  # None: unlimited (up to MAX_HOPS)
    entity_types: frozenset[str] | None = None  # registry entity names
    platforms: frozenset[str] | None = None  # platform URNs
    include_removed: bool = False
    include_ghosts: bool = False  # entities referenced by edges but never written


@dataclass
class LineageHit:
    urn: str
    entity_type: str
    degree: int
    degrees: list[int]
    path: list[str]
    relationship: str  # of the last hop on ``path``


@dataclass(frozen=True)
class ImpactHit:
    hit: LineageHit
    owners: list[tuple[str, str | None]]  # (owner URN, ownership type)


@dataclass(frozen=True)
class LineageResult:
    source: str
    hits: list[LineageHit]
    partial: bool


class LineageService:
    def __init__(self, store: Store, registry: EntityRegistry) -> None:
        self.store = store
        self.registry = registry

    def walk(self, query: LineageQuery, keep: Callable[[LineageHit], bool] | None = None) -> LineageResult:
        """Every entity ``query.direction`` of ``query.urn`` within the hop limit, nearest first."""
        source = self.registry.parse_urn(query.urn).urn
        if query.direction not in DIRECTIONS:
            raise InvalidInput(f"direction: must be UPSTREAM or DOWNSTREAM, got {query.direction!r}", field="direction")
        hops = MAX_HOPS if query.max_hops is None else query.max_hops
        if not 1 <= hops <= MAX_HOPS:
            raise InvalidInput(f"maxHops: must be between 1 and {MAX_HOPS}", field="maxHops")
        steps = self.store.walk_lineage(source, query.direction == "UPSTREAM", hops, query.include_removed, MAX_ROWS)
        hits = _hits(source, steps, self._entity_type)
        if not query.include_ghosts:
            existing = self.store.existing_among([hit.urn for hit in hits])
            hits = [hit for hit in hits if hit.urn in existing]
        if query.entity_types is not None:
            hits = [hit for hit in hits if hit.entity_type in query.entity_types]
        if query.platforms is not None:
            hits = [hit for hit in hits if self.platform_of(hit.urn) in query.platforms]
        if keep is not None:
            hits = [hit for hit in hits if keep(hit)]
        return LineageResult(source, hits, partial=len(steps) >= MAX_ROWS)

    def impact(self, urn: str, max_hops: int | None = None) -> list[ImpactHit]:
        """Live (not deprecated, not removed) models and groups downstream of ``urn``, with owners."""
        query = LineageQuery(urn, "DOWNSTREAM", max_hops, entity_types=frozenset(ML_IMPACT_TYPES))
        found = []
        for hit in self.walk(query).hits:
            aspects = self.store.latest_aspects(hit.urn, ["deprecation", "ownership", "status"])
            deprecation = aspects.get("deprecation")
            if deprecation is not None and deprecation.value.get("deprecated"):
                continue
            status = aspects.get("status")
            if status is not None and status.value.get("removed"):
                continue
            ownership = aspects.get("ownership")
            owners = [
                (owner["owner"], owner.get("type"))
                for owner in (ownership.value.get("owners", []) if ownership else [])
                if isinstance(owner.get("owner"), str)
            ]
            found.append(ImpactHit(hit, owners))
        return found

    def platform_of(self, urn: str) -> str | None:
        """The platform URN: from the key (datasets, models, groups), a job's flow, or dataPlatformInstance."""
        try:
            parsed = self.registry.parse_urn(urn)
        except CatalogError:
            return None
        key = parsed.key_value
        if isinstance(key.get("platform"), str):
            return str(key["platform"])
        if isinstance(key.get("orchestrator"), str):
            return f"urn:li:dataPlatform:{key['orchestrator']}"
        if isinstance(key.get("flow"), str):
            return self.platform_of(key["flow"])
        record = self.store.get_aspect(parsed.urn, "dataPlatformInstance")
        platform = record.value.get("platform") if record else None
        return platform if isinstance(platform, str) else None

    def matches_text(self, urn: str, text: str) -> bool:
        """A plain filter for lineage ``query`` text (ranked search is the search feature's job):
        every word must appear in the URN or in a name, description or display name."""
        words = [word for word in text.lower().split() if word != "*"]
        if not words:
            return True
        haystack = [urn.lower()]
        for record in self.store.latest_aspects(urn).values():
            haystack.extend(str(record.value.get(k, "")).lower() for k in _TEXT_FIELDS if record.value.get(k))
        return all(any(word in text_ for text_ in haystack) for word in words)

    def removed(self, urns: Iterable[str]) -> set[str]:
        return self.store.removed_among(list(urns))

    def _entity_type(self, urn: str) -> str:
        return urn.split(":", 3)[2] if urn.count(":") >= 3 else "unknown"


def _hits(source: str, steps: list[WalkStep], entity_type: Callable[[str], str]) -> list[LineageHit]:
    """Smallest degree per entity, all its degrees, and one shortest path rebuilt from parents."""
    parents: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)
    degrees: dict[str, set[int]] = defaultdict(set)
    for step in steps:
        if step.urn == source:
            continue
        parents[(step.urn, step.depth)].append((step.parent, step.relationship))
        degrees[step.urn].add(step.depth)
    hits = []
    for urn, seen in degrees.items():
        degree = min(seen)
        relationship = min(parents[(urn, degree)])[1]
        path = _path(source, urn, degree, parents)
        hits.append(LineageHit(urn, entity_type(urn), degree, sorted(seen), path, relationship))
    hits.sort(key=lambda hit: (hit.degree, hit.urn))
    return hits


def _path(source: str, urn: str, degree: int, parents: dict[tuple[str, int], list[tuple[str, str]]]) -> list[str]:
    path = [urn]
    current, depth = urn, degree
    while depth > 1:
        candidates = parents.get((current, depth))
        if not candidates:  # the walk was cut at MAX_ROWS
            break
        current = min(candidates)[0]
        depth -= 1
        path.append(current)
    path.append(source)
    return path[::-1]

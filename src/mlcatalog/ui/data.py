"""What the UI reads, behind one small interface: search, facets, autocomplete, lineage, history.

This is the seam between the pages and the services: search and facets come from SearchService,
lineage from LineageService, entities and relationships from EntityService. History still scans the
change log (INTERIM, until the timeline service of the history work is on this branch).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mlcatalog.api.deps import Services
from mlcatalog.errors import CatalogError
from mlcatalog.services.entities import EntityView
from mlcatalog.services.lineage import LineageQuery
from mlcatalog.services.search import SearchRequest
from mlcatalog.store.base import ChangeRecord
from mlcatalog.ui.summaries import TYPE_LABELS, Summary, summarize, urn_id

FACETS = ("type", "platform", "env", "tag", "term", "domain", "owner", "deprecated")
# The UI's facet names → the search index's fields (DataHub's field names).
INDEX_FIELDS = {
    "type": "_entityType",
    "platform": "platform",
    "env": "origin",
    "tag": "tags",
    "term": "glossaryTerms",
    "domain": "domains",
    "owner": "owners",
    "deprecated": "deprecated",
}
LABEL_RELATIONSHIPS = {
    "corpuser": ("OwnedBy",),
    "corpGroup": ("OwnedBy",),
    "tag": ("TaggedWith",),
    "glossaryTerm": ("TermedWith",),
    "domain": ("AssociatedWith",),
}
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchHit:
    summary: Summary


@dataclass
class SearchResult:
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    words: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LineageNode:
    urn: str
    entity_type: str
    name: str
    hop: int  # negative upstream, 0 the entity itself, positive downstream


@dataclass(frozen=True)
class LineageEdge:
    upstream: str
    downstream: str
    relationship: str


@dataclass
class LineageGraph:
    nodes: list[LineageNode]
    edges: list[LineageEdge]
    truncated: bool = False


def words_of(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "")]


class CatalogData:
    """Read side of the UI; one instance per request (it caches entity summaries)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._views: dict[str, EntityView | None] = {}
        self._summaries: dict[str, Summary | None] = {}

    # ---- entities -------------------------------------------------------------------------------
    def view(self, urn: str) -> EntityView | None:
        """The entity's latest aspects, or None when it does not exist or the URN is not one."""
        if urn not in self._views:
            try:
                found = self.services.entities.get_entity(urn)
            except CatalogError:
                found = None
            self._views[urn] = found if found is not None and found.exists else None
        return self._views[urn]

    def summary(self, urn: str) -> Summary | None:
        if urn not in self._summaries:
            found = self.view(urn)
            self._summaries[urn] = summarize(found) if found is not None else None
        return self._summaries[urn]

    def name_of(self, urn: str) -> str:
        found = self.summary(urn)
        return found.name if found else urn_id(urn)

    def labelled_by(self, urn: str, entity_type: str, start: int = 0, count: int = 100) -> tuple[int, list[Summary]]:
        """What a user or group owns, or what a tag, term or domain labels."""
        relationships = LABEL_RELATIONSHIPS.get(entity_type, ())
        if not relationships:
            return 0, []
        total, related = self.services.entities.related(urn, list(relationships), "INCOMING", start, count)
        return total, [s for r in related if (s := self.summary(r.urn)) is not None]

    def members_of_group(self, group_urn: str) -> list[Summary]:
        """The models of a model group (``MemberOf`` edges point from model to group)."""
        _, related = self.services.entities.related(group_urn, ["MemberOf"], "INCOMING", 0, 1000)
        return [s for r in related if (s := self.summary(r.urn)) is not None]

    def counts_by_platform_env(self, entity_type: str) -> Counter[tuple[str, str]]:
        """How many entities of a type per (platform, environment), from the search index's facets."""
        counts: Counter[tuple[str, str]] = Counter()
        platforms = self._search(SearchRequest(types=[entity_type], count=0, facets=["platform"])).facets.get("platform", [])
        for platform, _ in platforms:
            criteria = [{"field": "platform", "values": [platform]}]
            request = SearchRequest(types=[entity_type], or_filters=[{"and": criteria}], count=0, facets=["origin"])
            for env, n in self._search(request).facets.get("origin", []):
                counts[(urn_id(platform), env)] += n
        return counts

    # ---- search ---------------------------------------------------------------------------------
    def search(self, query: str, filters: dict[str, list[str]], start: int = 0, count: int = 10) -> SearchResult:
        """Ranked results and facet counts. Each facet is counted with every other facet's filter
        applied but not its own, so choosing a value never hides its siblings (values OR within a
        facet, facets AND together)."""
        text = query.strip() or "*"
        page = self._search(SearchRequest(text, or_filters=_or_filters(filters), start=start, count=count, facets=_fields()))
        facets = {}
        for name in FACETS:
            found = page
            if filters.get(name):
                others = {k: v for k, v in filters.items() if k != name}
                found = self._search(SearchRequest(text, or_filters=_or_filters(others), count=0, facets=[INDEX_FIELDS[name]]))
            facets[name] = _facet_values(name, found.facets.get(INDEX_FIELDS[name], []), found.total or 0, filters.get(name, []))
        hits = [SearchHit(s) for hit in page.hits if (s := self.summary(hit.urn)) is not None]
        return SearchResult(page.total or 0, hits, facets, [] if text == "*" else words_of(text))

    def autocomplete(self, prefix: str, limit: int = 8) -> list[Summary]:
        if not prefix.strip():
            return []
        hits = self.services.search.autocomplete(SearchRequest(prefix.strip()), limit)
        return [s for hit in hits if (s := self.summary(hit.urn)) is not None]

    def recently_changed(self, entity_type: str, limit: int = 10) -> list[Summary]:
        sort = {"sortCriterion": {"field": "lastModified", "sortOrder": "DESCENDING"}}
        page = self._search(SearchRequest(types=[entity_type], sort=sort, count=limit))
        return [s for hit in page.hits if (s := self.summary(hit.urn)) is not None]

    def _search(self, request: SearchRequest) -> Any:
        return self.services.search.search(request)

    # ---- lineage --------------------------------------------------------------------------------
    def lineage(self, urn: str, hops: int = 2, max_nodes: int = 60) -> LineageGraph:
        """Both directions around ``urn``, drawn from each hit's shortest path back to ``urn``."""
        root = self.summary(urn)
        nodes = {urn: LineageNode(urn, root.entity_type if root else "", root.name if root else urn_id(urn), 0)}
        edges: set[LineageEdge] = set()
        truncated = False
        for direction, sign in (("UPSTREAM", -1), ("DOWNSTREAM", 1)):
            result = self.services.lineage.walk(LineageQuery(urn, direction, hops))
            truncated = truncated or result.partial
            for hit in result.hits:
                if len(nodes) >= max_nodes and hit.urn not in nodes:
                    truncated = True
                    continue
                nodes.setdefault(hit.urn, LineageNode(hit.urn, hit.entity_type, self.name_of(hit.urn), sign * hit.degree))
                nearer = hit.path[-2] if len(hit.path) >= 2 else urn
                pair = (hit.urn, nearer) if sign < 0 else (nearer, hit.urn)
                edges.add(LineageEdge(*pair, hit.relationship))
        kept = [e for e in edges if e.upstream in nodes and e.downstream in nodes]
        kept.sort(key=lambda e: (e.upstream, e.downstream))
        return LineageGraph(list(nodes.values()), kept, truncated)

    # ---- history --------------------------------------------------------------------------------
    def history(self, urn: str, limit: int = 50) -> list[ChangeRecord]:
        """INTERIM: newest first, from a scan of the change log (the timeline service will answer this)."""
        found = [change for change in self._change_log() if change.urn == urn]
        return found[::-1][:limit]

    def _change_log(self) -> Iterable[ChangeRecord]:
        after = 0
        while True:
            page = list(self.services.entities.store.changes(after, 1000))
            if not page:
                return
            for seq, change in page:
                after = seq
                yield change


def _fields() -> list[str]:
    return [INDEX_FIELDS[name] for name in FACETS]


def _or_filters(filters: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The UI's chosen facet values as DataHub's ``orFilters`` (one AND group)."""
    criteria: list[dict[str, Any]] = []
    for name, values in filters.items():
        if not values or name not in INDEX_FIELDS:
            continue
        if name == "deprecated":
            wanted = set(values) & {"true", "false"}
            if len(wanted) == 1:  # only deprecated entities carry the field, so "false" is NOT true
                criteria.append({"field": "deprecated", "values": ["true"], "negated": wanted == {"false"}})
            continue
        if name == "platform":
            values = [v if v.startswith("urn:li:") else f"urn:li:dataPlatform:{v}" for v in values]
        criteria.append({"field": INDEX_FIELDS[name], "values": values, "condition": "EQUAL"})
    return [{"and": criteria}] if criteria else []


def _facet_values(name: str, counted: list[tuple[str, int]], total: int, chosen: list[str]) -> list[FacetValue]:
    if name == "deprecated":
        deprecated = dict(counted).get("true", 0)
        counted = [(v, n) for v, n in (("false", total - deprecated), ("true", deprecated)) if n]
    values = [FacetValue(value, _facet_label(name, value), n, value in chosen) for value, n in counted]
    values += [FacetValue(v, _facet_label(name, v), 0, True) for v in chosen if v not in dict(counted)]
    return sorted(values, key=lambda f: (-f.count, f.label.lower()))


def _facet_label(name: str, value: str) -> str:
    if name == "type":
        return TYPE_LABELS.get(value, value)
    if name == "deprecated":
        return "Deprecated" if value == "true" else "Not deprecated"
    return urn_id(value)

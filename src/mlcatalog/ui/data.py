"""What the UI reads, behind one small interface: search, facets, autocomplete, lineage, history.

This is the seam between the pages and the services. Search (issue 5) and lineage (issue 4) are being
built elsewhere; until they land, the functions marked INTERIM answer from what exists today — a scan
of the stored entities for search and facets, breadth-first walks over ``EntityService.related`` for
lineage, and a scan of the change log for history. Swapping in the real services changes this file only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from mlcatalog.api.deps import Services
from mlcatalog.errors import CatalogError
from mlcatalog.registry.entities import EntityRegistry
from mlcatalog.services.entities import EntityView
from mlcatalog.store.base import ChangeRecord
from mlcatalog.ui.summaries import Summary, summarize, urn_id

SEARCHED_TYPES = (
    "mlModelGroup",
    "mlModel",
    "dataset",
    "dataJob",
    "dataFlow",
    "corpuser",
    "corpGroup",
    "tag",
    "glossaryTerm",
    "domain",
)
FACETS = ("type", "platform", "env", "tag", "term", "domain", "owner", "deprecated")
INTERIM_SCAN_LIMIT = 5_000  # entities per type an interim scan reads
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
    score: float


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

    def forget(self, urn: str) -> None:
        """Drop cached reads of an entity after a write to it."""
        self._views.pop(urn, None)
        self._summaries.pop(urn, None)

    def name_of(self, urn: str) -> str:
        found = self.summary(urn)
        return found.name if found else urn_id(urn)

    def all_of_type(self, entity_type: str) -> list[Summary]:
        """INTERIM: every entity of a type, read one by one (the search index will answer this)."""
        _, urns = self.services.entities.list_urns(entity_type, 0, INTERIM_SCAN_LIMIT)
        return [s for urn in urns if (s := self.summary(urn)) is not None]

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
        """INTERIM: counted from every entity's key; the search index's facets will answer this."""
        return Counter((s.platform or "—", s.env or "—") for s in self.all_of_type(entity_type))

    # ---- search ---------------------------------------------------------------------------------
    def search(self, query: str, filters: dict[str, list[str]], start: int = 0, count: int = 10) -> SearchResult:
        """INTERIM ranked search: every word scored by where it matches (name first, then labels,
        then description); all-words matches rank before some-words matches; facets are counted with
        every other facet's filter applied, so choosing a value in one facet never hides its siblings."""
        words = [] if query.strip() in {"", "*"} else words_of(query)
        scored = [(s, score) for s in self._candidates() if (score := _score(s, words, query)) > 0]
        facets = {name: _facet(name, scored, filters) for name in FACETS}
        matching = [(s, score) for s, score in scored if _passes(s, filters)]
        matching.sort(key=lambda item: (-item[1], item[0].name.lower()))
        page = [SearchHit(s, score) for s, score in matching[start : start + count]]
        return SearchResult(len(matching), page, facets, words)

    def autocomplete(self, prefix: str, limit: int = 8) -> list[Summary]:
        """INTERIM: names starting with the text first, then names containing it."""
        text = prefix.strip().lower()
        if not text:
            return []
        found = [s for s in self._candidates() if text in s.name.lower() or text in s.urn.lower()]
        found.sort(key=lambda s: (not s.name.lower().startswith(text), s.entity_type != "mlModelGroup", s.name.lower()))
        return found[:limit]

    def _candidates(self) -> list[Summary]:
        return [s for entity_type in SEARCHED_TYPES for s in self.all_of_type(entity_type)]

    # ---- lineage --------------------------------------------------------------------------------
    def lineage(self, urn: str, direction: str = "BOTH", hops: int = 2, max_nodes: int = 60) -> LineageGraph:
        """INTERIM breadth-first walk over lineage relationships (``isLineage`` annotations), hop-limited
        and cycle-safe; the lineage service will replace it."""
        upstream, downstream = _lineage_relationships(self.services.registry)
        root = self.summary(urn)
        nodes = {urn: LineageNode(urn, root.entity_type if root else "", root.name if root else urn_id(urn), 0)}
        edges: set[LineageEdge] = set()
        truncated = False
        for sign in (-1, 1):
            if direction not in {"BOTH", "UPSTREAM" if sign < 0 else "DOWNSTREAM"}:
                continue
            frontier = [urn]
            for hop in range(1, hops + 1):
                following: list[str] = []
                for current in frontier:
                    for other, edge in self._neighbours(current, sign, upstream, downstream):
                        edges.add(edge)
                        if other in nodes:
                            continue
                        if len(nodes) >= max_nodes:
                            truncated = True
                            continue
                        nodes[other] = LineageNode(other, _type_of(other), self.name_of(other), sign * hop)
                        following.append(other)
                frontier = following
        kept = [e for e in edges if e.upstream in nodes and e.downstream in nodes]
        return LineageGraph(list(nodes.values()), sorted(kept, key=lambda e: (e.upstream, e.downstream)), truncated)

    def _neighbours(self, urn: str, sign: int, upstream: list[str], downstream: list[str]) -> Iterable[tuple[str, LineageEdge]]:
        related = self.services.entities.related
        # Upstream of X: X --upstream-rel--> Y, or Y --downstream-rel--> X. Downstream mirrors it.
        outgoing, incoming = (upstream, downstream) if sign < 0 else (downstream, upstream)
        for rel in related(urn, outgoing, "OUTGOING", 0, 200)[1] if outgoing else []:
            yield (
                rel.urn,
                (LineageEdge(rel.urn, urn, rel.relationship) if sign < 0 else LineageEdge(urn, rel.urn, rel.relationship)),
            )
        for rel in related(urn, incoming, "INCOMING", 0, 200)[1] if incoming else []:
            yield (
                rel.urn,
                (LineageEdge(rel.urn, urn, rel.relationship) if sign < 0 else LineageEdge(urn, rel.urn, rel.relationship)),
            )

    # ---- history --------------------------------------------------------------------------------
    def history(self, urn: str, limit: int = 50) -> list[ChangeRecord]:
        """INTERIM: newest first, from a scan of the change log (the history service will index it)."""
        found = [change for change in self._change_log() if change.urn == urn]
        return found[::-1][:limit]

    def recently_changed(self, entity_type: str, limit: int = 10) -> list[tuple[str, ChangeRecord]]:
        """INTERIM: the entities of a type changed last, each with its latest change."""
        latest: dict[str, ChangeRecord] = {}
        for change in self._change_log():
            if change.entity_type == entity_type:
                latest.pop(change.urn, None)
                latest[change.urn] = change
        newest = list(latest.items())[::-1]
        return [(urn, change) for urn, change in newest if self.summary(urn) is not None][:limit]

    def _change_log(self) -> Iterable[ChangeRecord]:
        after = 0
        while True:
            page = list(self.services.entities.store.changes(after, 1000))
            if not page:
                return
            for seq, change in page:
                after = seq
                yield change


def _type_of(urn: str) -> str:
    parts = urn.split(":", 3)
    return parts[2] if len(parts) > 2 else ""


def _lineage_relationships(registry: EntityRegistry) -> tuple[list[str], list[str]]:
    upstream, downstream = set(), set()
    for aspect in registry.aspects.values():
        for rel in aspect.relationships:
            if rel.is_lineage:
                (upstream if rel.is_upstream else downstream).add(rel.name)
    return sorted(upstream), sorted(downstream - upstream)


# ---- interim scoring and faceting -------------------------------------------------------------------
def _score(s: Summary, words: list[str], query: str) -> float:
    if not words:
        return 1.0
    fields = (
        (10.0, words_of(s.name)),
        (5.0, words_of(urn_id(s.urn))),
        (3.0, [w for label in (*s.tags, *s.terms, *s.owners) for w in words_of(label.name)]),
        (3.0, words_of(s.domain.name if s.domain else "")),
        (2.0, words_of(s.description)),
        (1.0, words_of(" ".join(f"{k} {v}" for k, v in s.custom_properties.items()))),
        (1.0, words_of(f"{s.platform or ''} {s.env or ''}")),
    )
    score, matched = 0.0, 0
    for word in words:
        best = max((boost for boost, tokens in fields if any(t.startswith(word) for t in tokens)), default=0.0)
        score += best
        matched += best > 0
    if matched == 0:
        return 0.0
    name_words = words_of(s.name)
    covered = sum(any(t.startswith(w) for w in words) for t in name_words)
    score += 10.0 * covered / max(len(name_words), 1)  # a name mostly made of the query ranks higher
    if s.name.lower() == query.strip().lower():
        score += 50
    if s.deprecated:
        score *= 0.8
    return score + (1000 if matched == len(words) else 0)


def facet_values(s: Summary, facet: str) -> list[tuple[str, str]]:
    """(value, label) pairs of one facet for one entity."""
    if facet == "type":
        return [(s.entity_type, s.type_label)]
    if facet == "platform":
        return [(s.platform, s.platform)] if s.platform else []
    if facet == "env":
        return [(s.env, s.env)] if s.env else []
    if facet == "tag":
        return [(t.urn, t.name) for t in s.tags]
    if facet == "term":
        return [(t.urn, t.name) for t in s.terms]
    if facet == "owner":
        return list({o.urn: (o.urn, o.name) for o in s.owners}.values())
    if facet == "domain":
        return [(s.domain.urn, s.domain.name)] if s.domain else []
    if facet == "deprecated":
        return [("true", "Deprecated")] if s.deprecated else [("false", "Not deprecated")]
    return []


def _passes(s: Summary, filters: dict[str, list[str]], skip: str | None = None) -> bool:
    for facet, wanted in filters.items():
        if facet == skip or not wanted:
            continue
        if not {value for value, _ in facet_values(s, facet)} & set(wanted):
            return False
    return True


def _facet(name: str, scored: list[tuple[Summary, float]], filters: dict[str, list[str]]) -> list[FacetValue]:
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for s, _ in scored:
        if _passes(s, filters, skip=name):
            for value, label in facet_values(s, name):
                counts[value] += 1
                labels[value] = label
    chosen = set(filters.get(name, []))
    values = [FacetValue(v, labels[v], c, v in chosen) for v, c in counts.items()]
    values += [FacetValue(v, urn_id(v), 0, True) for v in chosen - counts.keys()]
    return sorted(values, key=lambda f: (-f.count, f.label.lower()))

"""Search use cases: parse a query string, normalize DataHub filters, page, scroll, facet, browse.

Ranking policy (applied by the store): an exact name match first; then entities matching every
word before those matching only some (a missing word never empties the result); within each tier
the text score weighs names over descriptions over tags, terms and custom properties. Every word
also matches as a prefix; quoted phrases match as phrases; ``field:value`` filters; ``*`` is all.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Any

from mlcatalog.errors import InvalidInput
from mlcatalog.registry.entities import EntityRegistry
from mlcatalog.registry.graphql_names import graphql_entity_type
from mlcatalog.services.search_index import date_millis
from mlcatalog.store.base import Criterion, SearchHit, SearchPage, SearchQuery, Store, TextUnit

MAX_COUNT = 10_000
CONDITIONS = {
    "EQUAL",
    "IEQUAL",
    "CONTAIN",
    "START_WITH",
    "END_WITH",
    "IN",
    "EXISTS",
    "GREATER_THAN",
    "GREATER_THAN_OR_EQUAL_TO",
    "LESS_THAN",
    "LESS_THAN_OR_EQUAL_TO",
    "DESCENDANTS_INCL",
    "ANCESTORS_INCL",
    "RELATED_INCL",
}
DEFAULT_FACETS = ("_entityType", "platform", "origin", "domains", "owners", "tags", "glossaryTerms", "typeNames", "container")
FIELD_ALIASES = {"env": "origin", "_entityName": "name|_entityName|id", "name": "name|_entityName|id"}
SORT_FIELDS = {
    "name": "name",
    "_entityName": "name",
    "lastModified": "modified",
    "lastModifiedAt": "modified",
    "_lastModified": "modified",
    "lastOperationTime": "modified",
}
BROWSE_SEPARATOR = "\u241f"
VIEW_ASPECT = "dataHubViewInfo"
STRUCTURED_PREFIX = "structuredProperties."
_QUERY_TOKEN = re.compile(r'(?P<field>[A-Za-z_][\w.]*):(?P<value>"[^"]*"|\S+)|"(?P<phrase>[^"]*)"?|(?P<word>\S+)')
_WORD = re.compile(r"[^\W_]+")
_OPERATORS = {"AND", "OR", "NOT", "&&", "||"}


@dataclass
class SearchRequest:
    """One search as the APIs describe it (GraphQL inputs and rest.li action bodies map onto this)."""

    query: str = "*"
    types: list[str] | None = None
    or_filters: list[dict[str, Any]] | None = None
    start: int = 0
    count: int = 10
    sort: dict[str, Any] | None = None
    include_removed: bool = False
    facets: list[str] | None = None  # None: no aggregations
    max_facet_values: int = 20
    want_total: bool = True
    view_urn: str | None = None  # a dataHubView whose entity types and filter also apply
    latest_versions_only: bool = False  # searchFlags.filterNonLatestVersions


@dataclass
class ScrollPage:
    page: SearchPage
    next_scroll_id: str | None


@dataclass
class BrowseGroup:
    name: str
    count: int
    has_sub_entities: bool


@dataclass
class BrowseResult:
    groups: list[BrowseGroup] = field(default_factory=list)
    total: int = 0
    entity_count: int = 0


class SearchService:
    def __init__(self, store: Store, registry: EntityRegistry) -> None:
        self.store = store
        self.registry = registry
        self.by_graphql = {graphql_entity_type(name): name for name in registry.entities}

    def search(self, request: SearchRequest) -> SearchPage:
        return self.store.search(self.compile(request))

    def scroll(self, request: SearchRequest, scroll_id: str | None) -> ScrollPage:
        offset = decode_scroll_id(scroll_id)
        wanted = request.count
        probe = SearchRequest(**{**request.__dict__, "start": offset, "count": wanted + 1})
        page = self.search(probe)
        more = len(page.hits) > wanted
        page = SearchPage(page.total, page.hits[:wanted], page.facets)
        return ScrollPage(page, encode_scroll_id(offset + wanted) if more else None)

    def autocomplete(self, request: SearchRequest, limit: int = 10) -> list[SearchHit]:
        compiled = self.compile(request)
        prefix = request.query.strip().lower().rstrip("*")
        if not prefix or not compiled.units:
            return []
        return self.store.autocomplete(compiled, prefix, max(1, min(limit, 100)))

    def browse(self, request: SearchRequest, path: list[str]) -> BrowseResult:
        prefix = "".join(BROWSE_SEPARATOR + part for part in path)
        counts = self.store.browse_paths(self.compile(request), prefix + BROWSE_SEPARATOR)
        groups: dict[str, BrowseGroup] = {}
        for value, count in counts:
            rest = value[len(prefix) + 1 :]
            name, _, deeper = rest.partition(BROWSE_SEPARATOR)
            group = groups.setdefault(name, BrowseGroup(name, 0, False))
            group.count += count
            group.has_sub_entities = group.has_sub_entities or bool(deeper)
        ordered = sorted(groups.values(), key=lambda g: g.name.lower())
        page = ordered[request.start : request.start + request.count]
        return BrowseResult(page, len(ordered), sum(g.count for g in ordered))

    def compile(self, request: SearchRequest) -> SearchQuery:
        if request.start < 0 or not 0 <= request.count <= MAX_COUNT:
            raise InvalidInput(f"start/count: start must be >= 0 and count between 0 and {MAX_COUNT}", field="count")
        units, field_criteria = parse_query(request.query or "*")
        filters = self.filters(self._scoped_filters(request))
        if field_criteria:
            filters = tuple((*group, *field_criteria) for group in filters) or (tuple(field_criteria),)
        mentions_removed = any(c.field == "removed" for group in filters for c in group)
        sort, descending = self._sort(request.sort)
        words = " ".join(" ".join(u.tokens) for u in units)
        return SearchQuery(
            units=units,
            exact=words.lower() if units else None,
            entity_types=tuple(self.entity_type(t, "types") for t in request.types or []),
            filters=filters,
            include_removed=request.include_removed or mentions_removed,
            sort=sort,
            descending=descending,
            start=request.start,
            count=request.count,
            want_total=request.want_total,
            facets=tuple(request.facets or ()),
            max_facet_values=max(1, min(request.max_facet_values, 1000)),
        )

    def _scoped_filters(self, request: SearchRequest) -> list[dict[str, Any]]:
        """The request's filter AND the view's (entity types and filter), AND the latest-version flag.

        Both are ORs of AND groups, so their conjunction is every pairing of a view group with a
        request group."""
        groups: list[dict[str, Any]] = list(request.or_filters or []) or [{"and": []}]
        extra: list[list[dict[str, Any]]] = [[]]
        if request.view_urn:
            extra = self._view_groups(request.view_urn)
        if request.latest_versions_only:  # entities outside a version set have no isLatest and stay
            extra = [[*g, {"field": "isLatest", "values": ["false"], "negated": True}] for g in extra]
        combined = [{"and": [*(g.get("and") or []), *e]} for g in groups for e in extra]
        return [] if combined == [{"and": []}] else combined

    def _view_groups(self, view_urn: str) -> list[list[dict[str, Any]]]:
        record = self.store.get_aspect(view_urn, VIEW_ASPECT)
        if record is None:
            raise InvalidInput(f"viewUrn: no view {view_urn!r}", field="viewUrn")
        definition = record.value.get("definition") or {}
        types = [{"field": "_entityType", "values": list(definition.get("entityTypes") or [])}]
        raw = definition.get("filter") or {}
        or_groups = raw.get("or") or [{"and": raw.get("criteria") or []}]
        groups = [list(g.get("and") or []) for g in or_groups]
        return [[*(types if types[0]["values"] else []), *g] for g in groups]

    def entity_type(self, value: str, field_name: str) -> str:
        if value in self.registry.entities:
            return value
        if value in self.by_graphql:
            return self.by_graphql[value]
        raise InvalidInput(f"{field_name}: unknown entity type {value!r}", field=field_name)

    def filters(self, or_filters: list[dict[str, Any]] | None) -> tuple[tuple[Criterion, ...], ...]:
        groups = []
        for i, group in enumerate(or_filters or []):
            criteria = (group or {}).get("and") or []
            groups.append(tuple(self.criterion(c, f"orFilters[{i}].and[{j}]") for j, c in enumerate(criteria)))
        return tuple(groups)

    def criterion(self, raw: dict[str, Any], where: str) -> Criterion:
        if not isinstance(raw, dict) or not raw.get("field"):
            raise InvalidInput(f"{where}.field: a filter needs a field", field=f"{where}.field")
        condition = (raw.get("condition") or "EQUAL").upper()
        if condition not in CONDITIONS:
            raise InvalidInput(f"{where}.condition: unknown condition {condition!r}", field=f"{where}.condition")
        values = raw.get("values")
        if values is None:
            values = [raw["value"]] if raw.get("value") is not None else []
        values = [str(v) for v in values]
        name = str(raw["field"]).removesuffix(".keyword")
        name = FIELD_ALIASES.get(name, name)
        if name in {"_entityType", "entityType", "_index"}:
            values = [self.entity_type(v, f"{where}.values") for v in values]
        self._refuse_soft_deleted_property(name, where)
        if condition in {"GREATER_THAN", "GREATER_THAN_OR_EQUAL_TO", "LESS_THAN", "LESS_THAN_OR_EQUAL_TO"}:
            values = [str(m) if (m := date_millis(v)) is not None else v for v in values]  # dates compare as millis
            for value in values[:1]:
                try:
                    float(value)
                except ValueError as exc:
                    message = f"{where}.values: {condition} needs a number, got {value!r}"
                    raise InvalidInput(message, field=f"{where}.values") from exc
        return Criterion(name, condition, tuple(values), bool(raw.get("negated")))

    def _refuse_soft_deleted_property(self, name: str, where: str) -> None:
        """As DataHub: a filter on a soft-deleted structured property is refused, not silently empty."""
        if not name.startswith(STRUCTURED_PREFIX):
            return
        urn = "urn:li:structuredProperty:" + name.removeprefix(STRUCTURED_PREFIX).removesuffix(".delimited")
        if self.store.removed_among([urn]):
            message = f"{where}.field: cannot filter on soft-deleted structured property {urn}"
            raise InvalidInput(message, field=f"{where}.field")

    def _sort(self, sort: dict[str, Any] | None) -> tuple[str, bool]:
        if not sort:
            return "relevance", False
        criterion = sort.get("sortCriterion") or next(iter(sort.get("sortCriteria") or []), None)
        if not criterion:
            return "relevance", False
        by = SORT_FIELDS.get(criterion.get("field", ""), "relevance")
        return by, criterion.get("sortOrder") == "DESCENDING"


def parse_query(query: str) -> tuple[tuple[TextUnit, ...], list[Criterion]]:
    """Free text → text units (words, phrases) and ``field:value`` criteria."""
    units: list[TextUnit] = []
    criteria: list[Criterion] = []
    if query.strip().startswith("urn:li:"):  # pasting a URN into the search box finds that entity
        return (), [Criterion("urn", "EQUAL", (query.strip(),))]
    for match in _QUERY_TOKEN.finditer(query):
        if match.group("field"):
            value = match.group("value").strip('"').replace("*", "").lower()
            name = FIELD_ALIASES.get(match.group("field"), match.group("field")).removesuffix(".keyword")
            condition = "EXISTS" if not value else "CONTAIN"
            criteria.append(Criterion(name, condition, (value,) if value else ()))
        elif match.group("phrase") is not None:
            tokens = tuple(w.lower() for w in _WORD.findall(match.group("phrase")))
            if tokens:
                units.append(TextUnit(tokens, phrase=True))
        else:
            word = match.group("word")
            if word in _OPERATORS:
                continue
            tokens = tuple(w.lower() for w in _WORD.findall(word))
            if tokens:
                units.append(TextUnit(tokens, phrase=len(tokens) > 1))
    return tuple(units), criteria


def encode_scroll_id(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_scroll_id(scroll_id: str | None) -> int:
    if not scroll_id:
        return 0
    try:
        offset = int(json.loads(base64.urlsafe_b64decode(scroll_id.encode()))["offset"])
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput("scrollId: not a scroll id this server issued", field="scrollId") from exc
    if offset < 0:
        raise InvalidInput("scrollId: not a scroll id this server issued", field="scrollId")
    return offset

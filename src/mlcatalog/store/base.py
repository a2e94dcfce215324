"""The store contract. Services talk to these protocols; store/sql implements them for
SQLite and PostgreSQL. Values cross this boundary as parsed JSON, never as SQL rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class AspectRecord:
    urn: str
    aspect: str
    version: int
    value: dict[str, Any]
    system_metadata: dict[str, Any] | None
    created_on: int  # epoch milliseconds
    created_by: str


@dataclass(frozen=True)
class Edge:
    source_urn: str
    relationship: str
    destination_urn: str
    aspect: str
    is_lineage: bool = False
    is_upstream: bool = True
    created_on: int | None = None
    created_actor: str | None = None
    via: str | None = None
    properties: dict[str, Any] | None = None


@dataclass(frozen=True)
class RelatedEntity:
    relationship: str
    urn: str
    via: str | None = None
    created_on: int | None = None
    created_actor: str | None = None


@dataclass(frozen=True)
class WalkStep:
    """One step of a lineage walk: ``urn`` reached at ``depth`` hops from ``parent`` over ``relationship``."""

    urn: str
    depth: int
    parent: str
    relationship: str


@dataclass(frozen=True)
class ChangeRecord:
    urn: str
    entity_type: str
    aspect: str
    change_type: str
    version: int
    created_on: int
    actor: str
    value: dict[str, Any] | None
    previous_value: dict[str, Any] | None
    system_metadata: dict[str, Any] | None


@dataclass(frozen=True)
class TimeseriesRecord:
    """One point of a timeseries aspect; (urn, aspect, timestamp_ms, partition_key) identifies it."""

    urn: str
    entity_type: str
    aspect: str
    timestamp_ms: int
    partition_key: str
    value: dict[str, Any]
    system_metadata: dict[str, Any] | None
    created_on: int


class WriteTransaction(Protocol):
    """Everything one proposal batch does, committed together or not at all."""

    def prefetch(self, urns: Iterable[str]) -> None:
        """Read the latest aspects of ``urns`` in one go; ``latest``/``max_version``/``latest_aspects`` of
        them then cost no round trip. Only a speed hint: reads of other URNs still work."""
        ...

    def latest(self, urn: str, aspect: str) -> AspectRecord | None: ...

    def max_version(self, urn: str, aspect: str) -> int: ...

    def insert_version(self, record: AspectRecord) -> None: ...

    def insert_versions(self, records: Sequence[AspectRecord]) -> None: ...

    def update_latest(self, record: AspectRecord) -> None: ...

    def update_system_metadata(self, urn: str, aspect: str, system_metadata: dict[str, Any] | None) -> None: ...

    def delete_aspect(self, urn: str, aspect: str) -> int: ...

    def delete_entity(self, urn: str) -> int: ...

    def replace_edges(self, urn: str, aspect: str, edges: Sequence[Edge], new_aspect: bool = False) -> None:
        """The edges ``aspect`` of ``urn`` implies now; ``new_aspect`` says it had no value (hence no edges) before."""
        ...

    def delete_edges_from(self, urn: str) -> None: ...

    def mark_removed(self, urn: str, removed: bool) -> None: ...

    def clear_graph(self) -> None: ...

    def latest_aspects_after(self, after: tuple[str, str] | None, limit: int) -> list[AspectRecord]: ...

    def latest_of_aspect(self, aspect: str) -> list[AspectRecord]:
        """Every entity's latest value of one aspect (rare catalog-wide clean-ups, e.g. a deleted definition)."""
        ...

    def append_change(self, change: ChangeRecord) -> None: ...

    def upsert_timeseries(self, record: TimeseriesRecord) -> bool: ...

    def delete_timeseries(
        self, urn: str, aspect: str | None = None, start_ms: int | None = None, end_ms: int | None = None
    ) -> int: ...

    def sources_among(self, destinations: Sequence[str], relationship: str) -> dict[str, list[str]]:
        """For each destination with incoming ``relationship`` edges, their sources in URN order."""
        ...

    def promotion_rules(self) -> list[dict[str, Any]]: ...

    def upstream(self, urns: set[str], max_hops: int) -> set[str]: ...

    def defer(self, key: Any, action: Callable[[], None]) -> None: ...

    def latest_aspects(self, urn: str) -> dict[str, AspectRecord]: ...

    def put_search_document(self, document: SearchDocument) -> None: ...

    def delete_search_document(self, urn: str) -> None: ...

    def prune_versions(self, urn: str, aspect: str, up_to: int) -> int: ...

    def track_run(self, run: RunAspect) -> None: ...

    def mark_rolled_back(self, run_id: str, now_ms: int) -> None: ...


class Store(Protocol):
    history: HistoryReads

    def transact(self, work: Callable[[WriteTransaction], T], urns: Iterable[str] = ()) -> T:
        """Run ``work`` in one transaction; ``urns`` names the entities it writes, which the store
        locks first so concurrent writers of one entity (on any server) take turns."""
        ...

    def get_aspect(self, urn: str, aspect: str, version: int = 0) -> AspectRecord | None: ...

    def latest_aspects(self, urn: str, aspects: Sequence[str] | None = None) -> dict[str, AspectRecord]: ...

    def related(
        self, urn: str, relationships: Sequence[str], incoming: bool, start: int, count: int, include_removed: bool = True
    ) -> tuple[int, list[RelatedEntity]]: ...

    def walk_lineage(self, urn: str, upstream: bool, max_hops: int, include_removed: bool, limit: int) -> list[WalkStep]: ...

    def removed_among(self, urns: Sequence[str]) -> set[str]: ...

    def existing_among(self, urns: Sequence[str]) -> set[str]: ...

    def count_edges(self) -> int: ...

    def list_urns(self, key_aspect: str, urn_prefix: str, start: int, count: int) -> tuple[int, list[str]]: ...

    def timeseries(
        self, urn: str, aspect: str, start_ms: int | None, end_ms: int | None, offset: int, limit: int
    ) -> list[TimeseriesRecord]: ...

    def changes(self, after: int, limit: int) -> Iterator[tuple[int, ChangeRecord]]: ...

    def scan_aspects(self, batch: int = 1000) -> Iterator[AspectRecord]:
        """Every stored aspect version in (urn, aspect, version) code-point order."""
        ...

    def count_aspects(self) -> int: ...

    def ping(self) -> list[str]:
        """The schema revisions the database is at; raises when it is unreachable."""
        ...

    def search(self, query: SearchQuery) -> SearchPage: ...

    def autocomplete(self, query: SearchQuery, prefix: str, limit: int) -> list[SearchHit]: ...

    def browse_paths(self, query: SearchQuery, prefix: str) -> list[tuple[str, int]]: ...

    def rebuild_search(self, build: Callable[[str, dict[str, AspectRecord]], SearchDocument | None]) -> int: ...

    def close(self) -> None: ...


# --- search (index documents in, ranked pages out; see services/search.py for the policy) ---


class SearchField(NamedTuple):
    """One filter value of a document (a tuple: an entity has some 25, built on every write)."""

    field: str
    value: str
    num: float | None = None


@dataclass(frozen=True)
class SearchDocument:
    """What the index holds for one entity: ranked text in three weight bands, plus filter fields."""

    urn: str
    entity_type: str
    name: str | None
    removed: bool
    last_modified: int
    name_text: str
    desc_text: str
    other_text: str
    fields: tuple[SearchField, ...]


@dataclass(frozen=True)
class TextUnit:
    """One word (matched as a word or a prefix) or one quoted phrase of a free-text query."""

    tokens: tuple[str, ...]
    phrase: bool = False


@dataclass(frozen=True)
class Criterion:
    field: str
    condition: str
    values: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True)
class SearchQuery:
    units: tuple[TextUnit, ...] = ()
    exact: str | None = None  # the whole query, lower-cased, for the exact-name tier
    entity_types: tuple[str, ...] = ()
    filters: tuple[tuple[Criterion, ...], ...] = ()  # OR of ANDs
    include_removed: bool = False
    sort: str = "relevance"  # relevance | name | modified
    descending: bool = False
    start: int = 0
    count: int = 10
    want_total: bool = True
    facets: tuple[str, ...] = ()
    max_facet_values: int = 20


@dataclass(frozen=True)
class SearchHit:
    urn: str
    entity_type: str
    name: str | None


@dataclass(frozen=True)
class SearchPage:
    total: int | None
    hits: list[SearchHit]
    facets: dict[str, list[tuple[str, int]]]


@dataclass(frozen=True)
class RunAspect:
    """One aspect an ingestion run wrote, with what it held before the run's first write."""

    run_id: str
    urn: str
    aspect: str
    previous_value: dict[str, Any] | None
    previous_system_metadata: dict[str, Any] | None
    created_entity: bool
    first_on: int
    last_on: int
    rolled_back_on: int | None = None


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    rows: int
    first_on: int
    last_on: int


class HistoryReads(Protocol):
    """Reads over versions, the change log and ingestion runs (``Store.history``)."""

    def change_log(self, urn: str, aspects: Sequence[str] | None = None) -> list[ChangeRecord]: ...

    def versions(self, urn: str, aspect: str) -> list[AspectRecord]: ...

    def runs(self, start: int, count: int, include_rolled_back: bool) -> list[RunSummary]: ...

    def run_aspects(self, run_id: str, include_rolled_back: bool) -> list[RunAspect]: ...

    def count_aspects(self, aspect: str, urn_like: str | None) -> int: ...

    def scroll_urns(self, key_aspect: str, urn_prefix: str, after: str | None, count: int) -> list[str]: ...

    def removed_urns(self, urn_prefix: str) -> set[str]: ...

    def referencing(self, urn: str) -> list[Edge]: ...

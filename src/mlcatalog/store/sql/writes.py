"""The write side of the store: one instance per transaction (see Database.write)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, tuple_, update

from mlcatalog.store.base import AspectRecord, ChangeRecord, Edge, RunAspect, SearchDocument, TimeseriesRecord
from mlcatalog.store.sql import search, tables, timeseries
from mlcatalog.store.sql.batch import LatestRows, PendingRows, chunks, edge_row, insert_many
from mlcatalog.store.sql.codec import aspect_record, aspect_row
from mlcatalog.store.sql.rules import rules_in, upstream_of

_A = tables.aspects
_E = tables.edges

# Statements are built once and executed with parameters: building a Core statement per row
# (and its cache key) cost more CPU than running it. Bind names differ from column names
# because INSERT/UPDATE reserve those for their VALUES/SET clauses.
_IS_URN, _IS_ASPECT = _A.c.urn == bindparam("k_urn"), _A.c.aspect == bindparam("k_aspect")
_DELETE_ASPECT = delete(_A).where(_IS_URN, _IS_ASPECT)
_DELETE_ENTITY = delete(_A).where(_IS_URN)
_DELETE_EDGES_FROM = delete(_E).where(_E.c.source_urn == bindparam("k_urn"))


class SqlWriteTransaction:
    """Reads of loaded URNs come from memory and writes are held (see batch.py); ``flush`` sends the
    held writes, and every statement that could observe them flushes first."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.is_sqlite = conn.dialect.name == "sqlite"
        self._deferred: dict[Any, Callable[[], None]] = {}
        self._rows = LatestRows()
        self._pending = PendingRows()
        self._documents: dict[str, SearchDocument | None] = {}  # held search documents; None deletes

    def defer(self, key: Any, action: Callable[[], None]) -> None:
        """Run ``action`` once, just before commit, however often it was deferred under ``key``."""
        self._deferred.pop(key, None)
        self._deferred[key] = action

    def run_deferred(self) -> None:
        while self._deferred:
            key = next(iter(self._deferred))
            self._deferred.pop(key)()

    def prefetch(self, urns: Iterable[str]) -> None:
        """Load the latest aspects and highest versions of ``urns`` in one round trip (locking them on
        PostgreSQL, as ``latest`` does); later reads of them need no statement."""
        wanted = [urn for urn in urns if not self._rows.loaded(urn)]
        if wanted:  # held writes to these URNs must be in the rows read
            self._rows.load(self._sql(), wanted, lock=not self.is_sqlite)

    def flush(self) -> None:
        """Send every held write, search documents included: just before commit."""
        self._sql()
        if self._documents:
            documents, self._documents = self._documents, {}
            for urn, document in documents.items():
                if document is None:
                    search.delete_document(self.conn, urn, self.is_sqlite)
                else:
                    search.put_document(self.conn, document, self.is_sqlite)

    def _sql(self) -> Connection:
        """The connection, once the held rows are sent: for statements that read or change their tables.
        Search documents stay held: nothing in a write transaction reads the search tables."""
        if self._pending:
            self._pending.flush(self.conn)
        return self.conn

    def _load(self, urn: str) -> None:
        """Reads of an entity not prefetched load all of it: hooks read several aspects of the same few
        entities (a property definition for every entity holding a value), so later reads are free."""
        if not self._rows.loaded(urn):
            self.prefetch([urn])

    def latest_aspects(self, urn: str) -> dict[str, AspectRecord]:
        self._load(urn)
        return dict(self._rows.rows[urn])

    def put_search_document(self, document: SearchDocument) -> None:
        self._documents[document.urn] = document  # written with the batch's others at flush

    def delete_search_document(self, urn: str) -> None:
        self._documents[urn] = None

    def latest(self, urn: str, aspect: str) -> AspectRecord | None:
        self._load(urn)
        return self._rows.get(urn, aspect)

    def max_version(self, urn: str, aspect: str) -> int:
        self._load(urn)
        return self._rows.max_version(urn, aspect)

    def insert_version(self, record: AspectRecord) -> None:
        self._pending.insert(record)
        self._rows.wrote(record)

    def insert_versions(self, records: Sequence[AspectRecord]) -> None:
        """Many rows in one statement (imports); the same rows ``insert_version`` would write."""
        if records:
            insert_many(self._sql(), _A, [aspect_row(record) for record in records])
            for record in records:
                self._rows.wrote(record)

    def update_latest(self, record: AspectRecord) -> None:
        self._pending.update(record)
        self._rows.wrote(record)

    def update_system_metadata(self, urn: str, aspect: str, system_metadata: dict[str, Any] | None) -> None:
        self._pending.update_metadata(urn, aspect, system_metadata)
        self._rows.wrote_metadata(urn, aspect, system_metadata)

    def delete_aspect(self, urn: str, aspect: str) -> int:
        self._rows.deleted(urn, aspect)
        return self._sql().execute(_DELETE_ASPECT, {"k_urn": urn, "k_aspect": aspect}).rowcount

    def delete_entity(self, urn: str) -> int:
        self._rows.deleted(urn)
        return self._sql().execute(_DELETE_ENTITY, {"k_urn": urn}).rowcount

    def delete_edges_from(self, urn: str) -> None:
        self._sql().execute(_DELETE_EDGES_FROM, {"k_urn": urn})

    def mark_removed(self, urn: str, removed: bool) -> None:
        self._pending.removed[urn] = removed

    def clear_graph(self) -> None:
        self._sql().execute(delete(tables.edges))
        self.conn.execute(delete(tables.graph_removed))  # held marks were just sent, so they go too

    def latest_aspects_after(self, after: tuple[str, str] | None, limit: int) -> list[AspectRecord]:
        """Latest aspects in (urn, aspect) order, resuming after a key: paging for a rebuild."""
        query = select(_A).where(_A.c.version == 0)
        if after is not None:
            query = query.where(tuple_(_A.c.urn, _A.c.aspect) > tuple_(*after))
        rows = self._sql().execute(query.order_by(_A.c.urn, _A.c.aspect).limit(limit)).all()
        return [aspect_record(row) for row in rows]

    def latest_of_aspect(self, aspect: str) -> list[AspectRecord]:
        query = select(_A).where(_A.c.aspect == aspect, _A.c.version == 0).order_by(_A.c.urn)
        return [aspect_record(row) for row in self._sql().execute(query).all()]

    def replace_edges(self, urn: str, aspect: str, edges: Sequence[Edge], new_aspect: bool = False) -> None:
        """``new_aspect``: the aspect had no value before this write, so it has no stored edges to drop."""
        self._pending.replace_edges(urn, aspect, [edge_row(edge) for edge in edges], drop_stored=not new_aspect)

    def sources_among(self, destinations: Sequence[str], relationship: str) -> dict[str, list[str]]:
        """Sources of ``relationship`` edges into each of ``destinations``, in URN order, one query per 500."""
        found: dict[str, list[str]] = {}
        query = (
            select(_E.c.destination_urn, _E.c.source_urn)
            .where(_E.c.destination_urn.in_(bindparam("urns", expanding=True)), _E.c.relationship == relationship)
            .order_by(_E.c.destination_urn, _E.c.source_urn)
        )
        for part in chunks(sorted(set(destinations))):
            for destination, source in self._sql().execute(query, {"urns": part}):
                found.setdefault(destination, []).append(source)
        return found

    def promotion_rules(self) -> list[dict[str, Any]]:
        return rules_in(self.conn)

    def upstream(self, urns: set[str], max_hops: int) -> set[str]:
        return upstream_of(self._sql(), urns, max_hops)

    def append_change(self, change: ChangeRecord) -> None:
        self._pending.change(change)

    # -- history: retention and ingestion runs (issue 3) --

    def prune_versions(self, urn: str, aspect: str, up_to: int) -> int:
        """Drop archived versions 1..up_to of one aspect (the retention setting)."""
        where = (_A.c.urn == urn, _A.c.aspect == aspect, _A.c.version > 0, _A.c.version <= up_to)
        self._rows.pruned(urn, aspect, up_to)
        return self._sql().execute(delete(_A).where(*where)).rowcount

    def track_run(self, run: RunAspect) -> None:
        """Remember that ``run`` wrote this aspect; the first write keeps the value from before the run."""
        self._pending.track_run(self.conn, run, self._rows.rows)

    def mark_rolled_back(self, run_id: str, now_ms: int) -> None:
        table = tables.run_aspects
        self._sql().execute(update(table).where(table.c.run_id == run_id).values(rolled_back_on=now_ms))

    def upsert_timeseries(self, record: TimeseriesRecord) -> bool:
        return timeseries.upsert(self.conn, record)

    def delete_timeseries(
        self, urn: str, aspect: str | None = None, start_ms: int | None = None, end_ms: int | None = None
    ) -> int:
        return timeseries.remove(self.conn, urn, aspect, start_ms, end_ms)

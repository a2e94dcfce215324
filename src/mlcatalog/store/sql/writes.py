"""The write side of the store: one instance per transaction (see Database.write)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, tuple_, update

from mlcatalog.store.base import AspectRecord, ChangeRecord, Edge, RunAspect, SearchDocument, TimeseriesRecord
from mlcatalog.store.sql import search, tables, timeseries
from mlcatalog.store.sql.codec import aspect_record, aspect_row, dumps
from mlcatalog.store.sql.rules import rules_in, upstream_of

_A = tables.aspects
_E = tables.edges

# Statements are built once and executed with parameters: building a Core statement per row
# (and its cache key) cost more CPU than running it. Bind names differ from column names
# because INSERT/UPDATE reserve those for their VALUES/SET clauses.
_IS_URN, _IS_ASPECT = _A.c.urn == bindparam("k_urn"), _A.c.aspect == bindparam("k_aspect")
_LATEST = select(_A).where(_IS_URN, _IS_ASPECT, _A.c.version == 0).with_for_update()
_MAX_VERSION = select(func.max(_A.c.version)).where(_IS_URN, _IS_ASPECT)
_INSERT_ASPECT = insert(_A)
_UPDATE_LATEST = update(_A).where(_IS_URN, _IS_ASPECT, _A.c.version == 0)
_DELETE_ASPECT = delete(_A).where(_IS_URN, _IS_ASPECT)
_DELETE_ENTITY = delete(_A).where(_IS_URN)
_DELETE_EDGES_FROM = delete(_E).where(_E.c.source_urn == bindparam("k_urn"))
_DELETE_ASPECT_EDGES = delete(_E).where(_E.c.source_urn == bindparam("k_urn"), _E.c.aspect == bindparam("k_aspect"))
_INSERT_EDGES = insert(_E)
_INSERT_CHANGE = insert(tables.change_log)


class SqlWriteTransaction:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.is_sqlite = conn.dialect.name == "sqlite"
        self._deferred: dict[Any, Callable[[], None]] = {}

    def defer(self, key: Any, action: Callable[[], None]) -> None:
        """Run ``action`` once, just before commit, however often it was deferred under ``key``."""
        self._deferred.pop(key, None)
        self._deferred[key] = action

    def run_deferred(self) -> None:
        while self._deferred:
            key = next(iter(self._deferred))
            self._deferred.pop(key)()

    def latest_aspects(self, urn: str) -> dict[str, AspectRecord]:
        return search.latest_aspects_of(self.conn, urn)

    def put_search_document(self, document: SearchDocument) -> None:
        search.put_document(self.conn, document, self.is_sqlite)

    def delete_search_document(self, urn: str) -> None:
        search.delete_document(self.conn, urn, self.is_sqlite)

    def latest(self, urn: str, aspect: str) -> AspectRecord | None:
        row = self.conn.execute(_LATEST, {"k_urn": urn, "k_aspect": aspect}).first()
        return None if row is None else aspect_record(row)

    def max_version(self, urn: str, aspect: str) -> int:
        return self.conn.execute(_MAX_VERSION, {"k_urn": urn, "k_aspect": aspect}).scalar() or 0

    def insert_version(self, record: AspectRecord) -> None:
        self.conn.execute(_INSERT_ASPECT, aspect_row(record))

    def insert_versions(self, records: Sequence[AspectRecord]) -> None:
        """Many rows in one statement (imports); the same rows ``insert_version`` would write."""
        if records:
            self.conn.execute(insert(_A), [aspect_row(record) for record in records])

    def update_latest(self, record: AspectRecord) -> None:
        values = aspect_row(record)
        del values["urn"], values["aspect"], values["version"]
        self.conn.execute(_UPDATE_LATEST, {"k_urn": record.urn, "k_aspect": record.aspect, **values})

    def update_system_metadata(self, urn: str, aspect: str, system_metadata: dict[str, Any] | None) -> None:
        self.conn.execute(_UPDATE_LATEST, {"k_urn": urn, "k_aspect": aspect, "systemmetadata": dumps(system_metadata)})

    def delete_aspect(self, urn: str, aspect: str) -> int:
        return self.conn.execute(_DELETE_ASPECT, {"k_urn": urn, "k_aspect": aspect}).rowcount

    def delete_entity(self, urn: str) -> int:
        return self.conn.execute(_DELETE_ENTITY, {"k_urn": urn}).rowcount

    def delete_edges_from(self, urn: str) -> None:
        self.conn.execute(_DELETE_EDGES_FROM, {"k_urn": urn})

    def mark_removed(self, urn: str, removed: bool) -> None:
        table = tables.graph_removed
        self.conn.execute(delete(table).where(table.c.urn == urn))
        if removed:
            self.conn.execute(insert(table).values(urn=urn))

    def clear_graph(self) -> None:
        self.conn.execute(delete(tables.edges))
        self.conn.execute(delete(tables.graph_removed))

    def latest_aspects_after(self, after: tuple[str, str] | None, limit: int) -> list[AspectRecord]:
        """Latest aspects in (urn, aspect) order, resuming after a key: paging for a rebuild."""
        query = select(_A).where(_A.c.version == 0)
        if after is not None:
            query = query.where(tuple_(_A.c.urn, _A.c.aspect) > tuple_(*after))
        rows = self.conn.execute(query.order_by(_A.c.urn, _A.c.aspect).limit(limit)).all()
        return [aspect_record(row) for row in rows]

    def latest_of_aspect(self, aspect: str) -> list[AspectRecord]:
        rows = self.conn.execute(select(_A).where(_A.c.aspect == aspect, _A.c.version == 0).order_by(_A.c.urn)).all()
        return [aspect_record(row) for row in rows]

    def replace_edges(self, urn: str, aspect: str, edges: Sequence[Edge]) -> None:
        self.conn.execute(_DELETE_ASPECT_EDGES, {"k_urn": urn, "k_aspect": aspect})
        if edges:
            self.conn.execute(_INSERT_EDGES, [edge_row(edge) for edge in edges])

    def sources_of(self, destination: str, relationship: str, limit: int) -> list[str]:
        table = tables.edges
        query = (
            select(table.c.source_urn)
            .where(table.c.destination_urn == destination, table.c.relationship == relationship)
            .order_by(table.c.source_urn)
            .limit(limit)
        )
        return list(self.conn.execute(query).scalars())

    def promotion_rules(self) -> list[dict[str, Any]]:
        return rules_in(self.conn)

    def upstream(self, urns: set[str], max_hops: int) -> set[str]:
        return upstream_of(self.conn, urns, max_hops)

    def append_change(self, change: ChangeRecord) -> None:
        self.conn.execute(
            _INSERT_CHANGE,
            {
                "urn": change.urn,
                "entity_type": change.entity_type,
                "aspect": change.aspect,
                "change_type": change.change_type,
                "version": change.version,
                "created_on": change.created_on,
                "actor": change.actor,
                "metadata": dumps(change.value),
                "previous_metadata": dumps(change.previous_value),
                "systemmetadata": dumps(change.system_metadata),
            },
        )

    # -- history: retention and ingestion runs (issue 3) --

    def prune_versions(self, urn: str, aspect: str, up_to: int) -> int:
        """Drop archived versions 1..up_to of one aspect (the retention setting)."""
        where = (_A.c.urn == urn, _A.c.aspect == aspect, _A.c.version > 0, _A.c.version <= up_to)
        return self.conn.execute(delete(_A).where(*where)).rowcount

    def track_run(self, run: RunAspect) -> None:
        """Remember that ``run`` wrote this aspect; the first write keeps the value from before the run."""
        table = tables.run_aspects
        key = (table.c.run_id == run.run_id, table.c.urn == run.urn, table.c.aspect == run.aspect)
        found = self.conn.execute(select(table.c.run_id).where(*key).with_for_update()).first()
        if found is not None:
            self.conn.execute(update(table).where(*key).values(last_on=run.last_on, rolled_back_on=None))
            return
        self.conn.execute(
            insert(table).values(
                run_id=run.run_id,
                urn=run.urn,
                aspect=run.aspect,
                previous_metadata=dumps(run.previous_value),
                previous_systemmetadata=dumps(run.previous_system_metadata),
                created_entity=run.created_entity,
                first_on=run.first_on,
                last_on=run.last_on,
            )
        )

    def mark_rolled_back(self, run_id: str, now_ms: int) -> None:
        table = tables.run_aspects
        self.conn.execute(update(table).where(table.c.run_id == run_id).values(rolled_back_on=now_ms))

    def upsert_timeseries(self, record: TimeseriesRecord) -> bool:
        return timeseries.upsert(self.conn, record)

    def delete_timeseries(
        self, urn: str, aspect: str | None = None, start_ms: int | None = None, end_ms: int | None = None
    ) -> int:
        return timeseries.remove(self.conn, urn, aspect, start_ms, end_ms)


def edge_row(edge: Edge) -> dict[str, Any]:
    return {
        "source_urn": edge.source_urn,
        "aspect": edge.aspect,
        "relationship": edge.relationship,
        "destination_urn": edge.destination_urn,
        "is_lineage": edge.is_lineage,
        "is_upstream": edge.is_upstream,
        "created_on": edge.created_on,
        "created_actor": edge.created_actor,
        "via": edge.via,
        "properties": dumps(edge.properties),
        "upstream_urn": lineage_end(edge, upstream=True),
        "downstream_urn": lineage_end(edge, upstream=False),
    }


def lineage_end(edge: Edge, upstream: bool) -> str | None:
    """The upstream (or downstream) end of a lineage edge; None for other edges."""
    if not edge.is_lineage:
        return None
    return edge.destination_urn if edge.is_upstream == upstream else edge.source_urn

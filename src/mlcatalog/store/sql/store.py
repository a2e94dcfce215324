"""SqlStore: the store contract over one Database (reads here, writes in writes.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from mlcatalog.store.base import (
    AspectRecord,
    ChangeRecord,
    RelatedEntity,
    SearchDocument,
    SearchHit,
    SearchPage,
    SearchQuery,
    WalkStep,
)
from mlcatalog.store.sql import graph, search, tables
from mlcatalog.store.sql.codec import aspect_record, loads
from mlcatalog.store.sql.database import Database
from mlcatalog.store.sql.history import SqlHistory
from mlcatalog.store.sql.writes import SqlWriteTransaction

T = TypeVar("T")
_A = tables.aspects
_RETRIES = 8


class SqlStore:
    def __init__(self, database: Database) -> None:
        self.db = database
        self.history = SqlHistory(database)

    def transact(self, work: Callable[[SqlWriteTransaction], T]) -> T:
        """Run ``work`` in one write transaction, retrying when a concurrent writer won a race
        (two servers creating the same version on PostgreSQL); nothing is half applied."""
        for attempt in range(_RETRIES):
            try:
                with self.db.write() as conn:
                    tx = SqlWriteTransaction(conn)
                    result = work(tx)
                    tx.run_deferred()
                    return result
            except (IntegrityError, DBAPIError) as exc:
                if attempt == _RETRIES - 1 or not _is_conflict(exc):
                    raise
                time.sleep(0.005 * (2**attempt))
        raise AssertionError("unreachable")

    def get_aspect(self, urn: str, aspect: str, version: int = 0) -> AspectRecord | None:
        query = select(_A).where(_A.c.urn == urn, _A.c.aspect == aspect, _A.c.version == version)
        with self.db.read() as conn:
            row = conn.execute(query).first()
        return None if row is None else aspect_record(row)

    def latest_aspects(self, urn: str, aspects: Sequence[str] | None = None) -> dict[str, AspectRecord]:
        query = select(_A).where(_A.c.urn == urn, _A.c.version == 0)
        if aspects is not None:
            query = query.where(_A.c.aspect.in_(list(aspects)))
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return {row.aspect: aspect_record(row) for row in rows}

    def related(
        self, urn: str, relationships: Sequence[str], incoming: bool, start: int, count: int, include_removed: bool = True
    ) -> tuple[int, list[RelatedEntity]]:
        with self.db.read() as conn:
            return graph.related(conn, urn, relationships, incoming, start, count, include_removed)

    def walk_lineage(self, urn: str, upstream: bool, max_hops: int, include_removed: bool, limit: int) -> list[WalkStep]:
        with self.db.read() as conn:
            return graph.walk_lineage(conn, urn, upstream, max_hops, include_removed, limit)

    def removed_among(self, urns: Sequence[str]) -> set[str]:
        with self.db.read() as conn:
            return graph.removed_among(conn, urns)

    def existing_among(self, urns: Sequence[str]) -> set[str]:
        with self.db.read() as conn:
            return graph.existing_among(conn, urns)

    def count_edges(self) -> int:
        with self.db.read() as conn:
            return graph.count_edges(conn)

    def list_urns(self, key_aspect: str, urn_prefix: str, start: int, count: int) -> tuple[int, list[str]]:
        where = (_A.c.aspect == key_aspect, _A.c.version == 0, _A.c.urn.startswith(urn_prefix, autoescape=True))
        with self.db.read() as conn:
            total = conn.execute(select(func.count()).select_from(_A).where(*where)).scalar() or 0
            query = select(_A.c.urn).where(*where).order_by(_A.c.urn).offset(start).limit(count)
            urns = list(conn.execute(query).scalars())
        return total, urns

    def changes(self, after: int, limit: int) -> Iterator[tuple[int, ChangeRecord]]:
        table = tables.change_log
        query = select(table).where(table.c.seq > after).order_by(table.c.seq).limit(limit)
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        for row in rows:
            yield (
                row.seq,
                ChangeRecord(
                    urn=row.urn,
                    entity_type=row.entity_type,
                    aspect=row.aspect,
                    change_type=row.change_type,
                    version=row.version,
                    created_on=row.created_on,
                    actor=row.actor,
                    value=loads(row.metadata),
                    previous_value=loads(row.previous_metadata),
                    system_metadata=loads(row.systemmetadata),
                ),
            )

    def latest_sequence(self) -> int:
        with self.db.read() as conn:
            return conn.execute(select(func.max(tables.change_log.c.seq))).scalar() or 0

    def search(self, query: SearchQuery) -> SearchPage:
        with self.db.read() as conn:
            return search.SearchSql(query, self.db.is_sqlite).page(conn)

    def autocomplete(self, query: SearchQuery, prefix: str, limit: int) -> list[SearchHit]:
        with self.db.read() as conn:
            return search.autocomplete(conn, query, prefix, limit, self.db.is_sqlite)

    def browse_paths(self, query: SearchQuery, prefix: str) -> list[tuple[str, int]]:
        with self.db.read() as conn:
            return search.browse_paths(conn, query, prefix)

    def rebuild_search(self, build: Callable[[str, dict[str, AspectRecord]], SearchDocument | None]) -> int:
        """Regenerate the whole search index from the stored aspects, in one write transaction."""
        with self.db.write() as conn:
            is_sqlite = self.db.is_sqlite
            search.clear_index(conn, is_sqlite)
            written = 0
            with self.db.engine.connect() as reader:
                for urn, aspects in search.iter_entities(reader):
                    document = build(urn, aspects)
                    if document is not None:
                        search.put_document(conn, document, is_sqlite)
                        written += 1
        return written

    def close(self) -> None:
        self.db.close()


def _is_conflict(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return code in {"40001", "40P01"}  # serialization failure, deadlock


def open_store(url: str, migrate: bool = True, statement_timeout_ms: int | None = None) -> SqlStore:
    database = Database(url, statement_timeout_ms=statement_timeout_ms)
    if migrate:
        database.migrate()
    return SqlStore(database)

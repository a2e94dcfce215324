"""SqlStore: the store contract over one Database (reads here, writes in writes.py)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from mlcatalog.store.base import (
    AspectRecord,
    ChangeRecord,
    RelatedEntity,
    SearchDocument,
    SearchHit,
    SearchPage,
    SearchQuery,
    TimeseriesRecord,
    WalkStep,
)
from mlcatalog.store.sql import graph, rawread, search, tables, timeseries
from mlcatalog.store.sql.codec import aspect_record, change_record
from mlcatalog.store.sql.database import Database
from mlcatalog.store.sql.history import SqlHistory
from mlcatalog.store.sql.locks import lock_entities
from mlcatalog.store.sql.pool import PoolSettings
from mlcatalog.store.sql.writes import SqlWriteTransaction

T = TypeVar("T")
_A = tables.aspects
_RETRIES = 8


class SqlStore:
    def __init__(self, database: Database) -> None:
        self.db = database
        self.history = SqlHistory(database)

    def transact(self, work: Callable[[SqlWriteTransaction], T], urns: Iterable[str] = ()) -> T:
        """Run ``work`` in one write transaction; nothing is half applied.

        On PostgreSQL the entity locks of ``urns`` (every URN the work writes) are taken first, so
        writers of one entity on any server queue up instead of racing (see locks.py). A conflict
        that still gets through (a write outside ``urns``, a serializable-isolation failure) rolls
        back and re-runs ``work`` from the start.
        """
        urns = list(urns)
        for attempt in range(_RETRIES):
            try:
                with self.db.write() as conn:
                    if not self.db.is_sqlite:
                        lock_entities(conn, urns)
                    tx = SqlWriteTransaction(conn)
                    result = work(tx)
                    tx.run_deferred()
                    tx.flush()
                    return result
            except DBAPIError as exc:
                if attempt == _RETRIES - 1 or not _is_conflict(exc):
                    raise
                time.sleep(random.uniform(0, 0.01 * (2**attempt)))  # jitter so retries do not collide again
        raise AssertionError("unreachable")

    def get_aspect(self, urn: str, aspect: str, version: int = 0) -> AspectRecord | None:
        rows = self.db.fetch(rawread.GET_ASPECT, (urn, aspect, version))
        return rawread.record(rows[0]) if rows else None

    def latest_aspects(self, urn: str, aspects: Sequence[str] | None = None) -> dict[str, AspectRecord]:
        wanted = None if aspects is None else list(dict.fromkeys(aspects))
        if wanted == []:
            return {}
        rows = self.db.fetch(rawread.latest_sql(None if wanted is None else len(wanted)), (urn, *(wanted or ())))
        return {row[1]: rawread.record(row) for row in rows}

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

    def timeseries(
        self, urn: str, aspect: str, start_ms: int | None, end_ms: int | None, offset: int, limit: int
    ) -> list[TimeseriesRecord]:
        with self.db.read() as conn:
            return timeseries.read(conn, urn, aspect, start_ms, end_ms, offset, limit)

    def changes(self, after: int, limit: int) -> Iterator[tuple[int, ChangeRecord]]:
        table = tables.change_log
        query = select(table).where(table.c.seq > after).order_by(table.c.seq).limit(limit)
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        for row in rows:
            yield row.seq, change_record(row)

    def scan_aspects(self, batch: int = 1000) -> Iterator[AspectRecord]:
        """Every stored aspect version, ordered by (urn, aspect, version) in code-point order on both
        backends (PostgreSQL's default collation would sort differently), streamed in batches."""
        urn = _A.c.urn.collate("C") if not self.db.is_sqlite else _A.c.urn
        aspect = _A.c.aspect.collate("C") if not self.db.is_sqlite else _A.c.aspect
        query = select(_A).order_by(urn, aspect, _A.c.version)
        with self.db.read() as conn:
            for row in conn.execution_options(yield_per=batch).execute(query):
                yield aspect_record(row)

    def count_aspects(self) -> int:
        with self.db.read() as conn:
            return conn.execute(select(func.count()).select_from(_A)).scalar() or 0

    def ping(self) -> list[str]:
        """The schema revisions the database is at; raises when it cannot be reached or has no schema."""
        with self.db.read() as conn:
            if not self.db.is_sqlite:  # a health check must answer quickly, not queue behind a lock
                conn.execute(text("SET LOCAL statement_timeout = 5000"))
            return sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())

    def refresh_statistics(self) -> None:
        """After a bulk load, give PostgreSQL's planner statistics now, not whenever autovacuum runs (or
        never, where it is off): without them a grown table looks empty and batch lookups scan it whole.
        SQLite is left alone: its queries here are planned without gathered statistics."""
        if self.db.is_sqlite:
            return
        with self.db.write() as conn:
            conn.execute(text("ANALYZE"))

    def latest_sequence(self) -> int:
        with self.db.read() as conn:
            return conn.execute(select(func.max(tables.change_log.c.seq))).scalar() or 0

    def search(self, query: SearchQuery) -> SearchPage:
        with self.db.read() as conn:
            return search.page(conn, query, self.db.is_sqlite)

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


def _is_conflict(exc: DBAPIError) -> bool:
    """A race with another writer (PostgreSQL only: SQLite writers never overlap) that re-running resolves."""
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return code in {"23505", "40001", "40P01"}  # unique violation, serialization failure, deadlock


def open_store(
    url: str, migrate: bool = True, statement_timeout_ms: int | None = None, pool: PoolSettings | None = None
) -> SqlStore:
    database = Database(url, pool, statement_timeout_ms=statement_timeout_ms)
    if migrate:
        database.migrate()
    return SqlStore(database)

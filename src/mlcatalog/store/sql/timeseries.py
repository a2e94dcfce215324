"""Timeseries rows: points keyed by time and partition, newest first (see tables.timeseries)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select

from mlcatalog.store.base import TimeseriesRecord
from mlcatalog.store.sql import tables
from mlcatalog.store.sql.codec import dumps, loads

_T = tables.timeseries


def _range(urn: str, aspect: str | None, start_ms: int | None, end_ms: int | None) -> Any:
    clauses = [_T.c.urn == urn]
    if aspect is not None:
        clauses.append(_T.c.aspect == aspect)
    if start_ms is not None:
        clauses.append(_T.c.timestamp_ms >= start_ms)
    if end_ms is not None:
        clauses.append(_T.c.timestamp_ms <= end_ms)
    return and_(*clauses)


def upsert(conn: Connection, record: TimeseriesRecord) -> bool:
    """Write a point, replacing one with the same identity; False when it was already stored as is."""
    identity = and_(
        _T.c.urn == record.urn,
        _T.c.aspect == record.aspect,
        _T.c.timestamp_ms == record.timestamp_ms,
        _T.c.partition_key == record.partition_key,
    )
    existing = conn.execute(select(_T.c.metadata).where(identity).with_for_update()).first()
    if existing is not None:
        if loads(existing.metadata) == record.value:
            return False
        conn.execute(delete(_T).where(identity))
    conn.execute(
        insert(_T).values(
            urn=record.urn,
            aspect=record.aspect,
            timestamp_ms=record.timestamp_ms,
            partition_key=record.partition_key,
            entity_type=record.entity_type,
            metadata=dumps(record.value),
            systemmetadata=dumps(record.system_metadata),
            createdon=record.created_on,
        )
    )
    return True


def remove(conn: Connection, urn: str, aspect: str | None, start_ms: int | None, end_ms: int | None) -> int:
    return conn.execute(delete(_T).where(_range(urn, aspect, start_ms, end_ms))).rowcount


def read(
    conn: Connection, urn: str, aspect: str, start_ms: int | None, end_ms: int | None, offset: int, limit: int
) -> list[TimeseriesRecord]:
    query = (
        select(_T)
        .where(_range(urn, aspect, start_ms, end_ms))
        .order_by(_T.c.timestamp_ms.desc(), _T.c.partition_key)
        .offset(offset)
        .limit(limit)
    )
    return [
        TimeseriesRecord(
            urn=row.urn,
            entity_type=row.entity_type,
            aspect=row.aspect,
            timestamp_ms=row.timestamp_ms,
            partition_key=row.partition_key,
            value=loads(row.metadata),
            system_metadata=loads(row.systemmetadata),
            created_on=row.createdon,
        )
        for row in conn.execute(query)
    ]

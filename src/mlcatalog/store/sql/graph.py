"""Graph reads: relationship pages and lineage walks as recursive CTEs (SQLite and PostgreSQL).

A walk follows ``metadata_edge.downstream_urn -> upstream_urn`` (or the reverse), one covering-index
probe per hop. Rows are ``(urn, depth, parent, relationship)`` combined with ``UNION`` (not ``UNION ALL``), so a
cycle cannot loop forever: the hop limit bounds ``depth`` and duplicate rows are dropped. The
service picks the smallest depth per entity and rebuilds a path from the parent pointers.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, func, select, text

from mlcatalog.store.base import RelatedEntity, WalkStep
from mlcatalog.store.sql import tables

_E = tables.edges
_R = tables.graph_removed
_A = tables.aspects
_CHUNK = 500  # bound parameters per IN (...) list

_WALK = """
WITH RECURSIVE walk(urn, depth, parent, relationship) AS (
    SELECT CAST(:start AS VARCHAR(500)), 0, CAST(NULL AS VARCHAR(500)), CAST(NULL AS VARCHAR(200))
    UNION
    SELECT e.{next_end}, walk.depth + 1, walk.urn, e.relationship
    FROM walk JOIN metadata_edge e ON e.{this_end} = walk.urn
    WHERE walk.depth < :max_hops AND e.{next_end} <> :start {skip_removed}
)
SELECT urn, depth, parent, relationship FROM walk WHERE depth > 0 LIMIT :limit
"""
_SKIP_REMOVED = "AND NOT EXISTS (SELECT 1 FROM metadata_graph_removed r WHERE r.urn = e.{next_end})"


def walk_lineage(conn: Connection, urn: str, upstream: bool, max_hops: int, include_removed: bool, limit: int) -> list[WalkStep]:
    this_end, next_end = ("downstream_urn", "upstream_urn") if upstream else ("upstream_urn", "downstream_urn")
    skip = "" if include_removed else _SKIP_REMOVED.format(next_end=next_end)
    sql = _WALK.format(this_end=this_end, next_end=next_end, skip_removed=skip)
    rows = conn.execute(text(sql), {"start": urn, "max_hops": max_hops, "limit": limit}).all()
    return [WalkStep(row.urn, row.depth, row.parent, row.relationship) for row in rows]


def related(
    conn: Connection, urn: str, relationships: Sequence[str], incoming: bool, start: int, count: int, include_removed: bool
) -> tuple[int, list[RelatedEntity]]:
    anchor, other = (_E.c.destination_urn, _E.c.source_urn) if incoming else (_E.c.source_urn, _E.c.destination_urn)
    where = [anchor == urn]
    if relationships:
        where.append(_E.c.relationship.in_(list(relationships)))
    if not include_removed:
        where.append(~select(_R.c.urn).where(_R.c.urn == other).exists())
    page = (
        select(_E.c.relationship, other.label("urn"), _E.c.via, _E.c.created_on, _E.c.created_actor)
        .where(*where)
        .order_by(_E.c.relationship, other, _E.c.aspect)
        .offset(start)
        .limit(count)
    )
    total = conn.execute(select(func.count()).select_from(_E).where(*where)).scalar() or 0
    rows = conn.execute(page).all()
    return total, [RelatedEntity(r.relationship, r.urn, r.via, r.created_on, r.created_actor) for r in rows]


def removed_among(conn: Connection, urns: Sequence[str]) -> set[str]:
    query = select(_R.c.urn).where(_R.c.urn.in_(bindparam("urns", expanding=True)))
    return _collect(conn, query, urns)


def existing_among(conn: Connection, urns: Sequence[str]) -> set[str]:
    """URNs with a stored key aspect (or any latest aspect): DataHub's notion of "exists"."""
    query = select(_A.c.urn).where(_A.c.urn.in_(bindparam("urns", expanding=True)), _A.c.version == 0).distinct()
    return _collect(conn, query, urns)


def count_edges(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(_E)).scalar() or 0


def _collect(conn: Connection, query, urns: Sequence[str]) -> set[str]:  # type: ignore[no-untyped-def]
    found: set[str] = set()
    unique = list(dict.fromkeys(urns))
    for i in range(0, len(unique), _CHUNK):
        found.update(conn.execute(query, {"urns": unique[i : i + _CHUNK]}).scalars())
    return found

"""Reads over aspect versions, the change log and ingestion runs (the ``HistoryReads`` contract)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from mlcatalog.store.base import AspectRecord, ChangeRecord, Edge, RunAspect, RunSummary
from mlcatalog.store.sql import tables
from mlcatalog.store.sql.codec import aspect_record, change_record, loads
from mlcatalog.store.sql.database import Database

_A = tables.aspects
_R = tables.run_aspects
_L = tables.change_log
_E = tables.edges


class SqlHistory:
    def __init__(self, database: Database) -> None:
        self.db = database

    def change_log(self, urn: str, aspects: Sequence[str] | None = None) -> list[ChangeRecord]:
        query = select(_L).where(_L.c.urn == urn)
        if aspects is not None:
            query = query.where(_L.c.aspect.in_(list(aspects)))
        with self.db.read() as conn:
            rows = conn.execute(query.order_by(_L.c.seq)).all()
        return [change_record(row) for row in rows]

    def versions(self, urn: str, aspect: str) -> list[AspectRecord]:
        """Every stored version, oldest first; the latest (version 0) last."""
        query = select(_A).where(_A.c.urn == urn, _A.c.aspect == aspect)
        with self.db.read() as conn:
            records = [aspect_record(row) for row in conn.execute(query).all()]
        return sorted(records, key=lambda r: (r.version == 0, r.version))

    def runs(self, start: int, count: int, include_rolled_back: bool) -> list[RunSummary]:
        query = select(_R.c.run_id, func.count().label("rows"), func.min(_R.c.first_on), func.max(_R.c.last_on).label("last"))
        if not include_rolled_back:
            query = query.where(_R.c.rolled_back_on.is_(None))
        query = query.group_by(_R.c.run_id).order_by(func.max(_R.c.last_on).desc(), _R.c.run_id).offset(start).limit(count)
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return [RunSummary(row[0], row[1], row[2], row[3]) for row in rows]

    def run_aspects(self, run_id: str, include_rolled_back: bool) -> list[RunAspect]:
        query = select(_R).where(_R.c.run_id == run_id)
        if not include_rolled_back:
            query = query.where(_R.c.rolled_back_on.is_(None))
        with self.db.read() as conn:
            rows = conn.execute(query.order_by(_R.c.first_on, _R.c.urn, _R.c.aspect)).all()
        return [
            RunAspect(
                run_id=row.run_id,
                urn=row.urn,
                aspect=row.aspect,
                previous_value=loads(row.previous_metadata),
                previous_system_metadata=loads(row.previous_systemmetadata),
                created_entity=bool(row.created_entity),
                first_on=row.first_on,
                last_on=row.last_on,
                rolled_back_on=row.rolled_back_on,
            )
            for row in rows
        ]

    def count_aspects(self, aspect: str, urn_like: str | None) -> int:
        query = select(func.count()).select_from(_A).where(_A.c.aspect == aspect, _A.c.version == 0)
        if urn_like:
            query = query.where(_A.c.urn.like(urn_like))
        with self.db.read() as conn:
            return int(conn.execute(query).scalar() or 0)

    def scroll_urns(self, key_aspect: str, urn_prefix: str, after: str | None, count: int) -> list[str]:
        """Entity URNs of one type in URN order, strictly after ``after`` (a stable scroll cursor)."""
        where = [_A.c.aspect == key_aspect, _A.c.version == 0, _A.c.urn.startswith(urn_prefix, autoescape=True)]
        if after is not None:
            where.append(_A.c.urn > after)
        with self.db.read() as conn:
            return list(conn.execute(select(_A.c.urn).where(*where).order_by(_A.c.urn).limit(count)).scalars())

    def removed_urns(self, urn_prefix: str) -> set[str]:
        """URNs under ``urn_prefix`` whose ``status`` says removed (soft-deleted)."""
        where = (_A.c.aspect == "status", _A.c.version == 0, _A.c.urn.startswith(urn_prefix, autoescape=True))
        with self.db.read() as conn:
            rows = conn.execute(select(_A.c.urn, _A.c.metadata).where(*where)).all()
        return {row.urn for row in rows if (loads(row.metadata) or {}).get("removed") is True}

    def referencing(self, urn: str) -> list[Edge]:
        """Every edge pointing at ``urn``: the aspects that hold a reference to it."""
        query = select(_E).where(_E.c.destination_urn == urn).order_by(_E.c.source_urn, _E.c.aspect)
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return [Edge(row.source_urn, row.relationship, row.destination_urn, row.aspect) for row in rows]

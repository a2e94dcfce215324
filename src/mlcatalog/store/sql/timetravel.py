"""Reads across time: aspects as they stood at an instant, and the change log of chosen aspects."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from mlcatalog.store.base import AspectRecord, ChangeRecord
from mlcatalog.store.sql import tables
from mlcatalog.store.sql.codec import aspect_record, change_record, ms_to_datetime
from mlcatalog.store.sql.database import Database

_A = tables.aspects
_L = tables.change_log


class TimeTravelStore:
    def __init__(self, database: Database) -> None:
        self.db = database

    def aspects_as_of(self, urn: str, at_ms: int) -> dict[str, AspectRecord]:
        """For each aspect, the version written last at or before ``at_ms``.

        Older versions keep the ``createdon`` of their own write, so the newest row not after the
        instant is the value that stood then."""
        query = select(_A).where(_A.c.urn == urn, _A.c.createdon <= ms_to_datetime(at_ms))
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        chosen: dict[str, AspectRecord] = {}
        for row in rows:
            record = aspect_record(row)
            held = chosen.get(record.aspect)
            if held is None or (record.created_on, record.version == 0) > (held.created_on, held.version == 0):
                chosen[record.aspect] = record
        return chosen

    def changes_of(self, urns: Sequence[str], aspect: str) -> list[ChangeRecord]:
        """Every logged change of ``aspect`` on ``urns``, oldest first."""
        if not urns:
            return []
        query = select(_L).where(_L.c.urn.in_(list(urns)), _L.c.aspect == aspect).order_by(_L.c.seq)
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return [change_record(row) for row in rows]

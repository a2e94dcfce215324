"""Promotion rules, and the lineage reachability they ask about inside a write transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select
from sqlalchemy.exc import IntegrityError

from mlcatalog.errors import AlreadyExists
from mlcatalog.store.sql import tables
from mlcatalog.store.sql.codec import dumps, loads
from mlcatalog.store.sql.database import Database

_R = tables.promotion_rules
_E = tables.edges


def _rule(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "appliesTo": loads(row.applies_to),
        "conditions": loads(row.conditions),
        "createdOn": row.created_on,
        "createdBy": row.created_by,
    }


def rules_in(conn: Connection) -> list[dict[str, Any]]:
    return [_rule(row) for row in conn.execute(select(_R).order_by(_R.c.id))]


def upstream_of(conn: Connection, urns: set[str], max_hops: int) -> set[str]:
    """Everything upstream of ``urns`` over lineage edges, up to ``max_hops`` hops."""
    seen, frontier = set(urns), set(urns)
    for _ in range(max_hops):
        if not frontier:
            break
        query = select(_E.c.source_urn, _E.c.destination_urn, _E.c.is_upstream).where(
            _E.c.is_lineage.is_(True),
            or_(
                and_(_E.c.source_urn.in_(frontier), _E.c.is_upstream.is_(True)),
                and_(_E.c.destination_urn.in_(frontier), _E.c.is_upstream.is_(False)),
            ),
        )
        found = set()
        for row in conn.execute(query):
            found.add(row.destination_urn if row.is_upstream else row.source_urn)
        frontier = found - seen
        seen |= frontier
    return seen - urns


class RuleStore:
    def __init__(self, database: Database) -> None:
        self.db = database

    def add(
        self, name: str, applies_to: dict[str, Any], conditions: list[dict[str, Any]], now_ms: int, actor: str
    ) -> dict[str, Any]:
        values = {
            "name": name,
            "applies_to": dumps(applies_to),
            "conditions": dumps(conditions),
            "created_on": now_ms,
            "created_by": actor,
        }
        try:
            with self.db.write() as conn:
                new_id = conn.execute(insert(_R).values(**values).returning(_R.c.id)).scalar_one()
                return _rule(conn.execute(select(_R).where(_R.c.id == new_id)).one())
        except IntegrityError as exc:
            raise AlreadyExists(f"name: a promotion rule named {name!r} already exists", field="name") from exc

    def list(self) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            return rules_in(conn)

    def remove(self, rule_id: int) -> bool:
        with self.db.write() as conn:
            return conn.execute(delete(_R).where(_R.c.id == rule_id)).rowcount > 0

"""Catalog content outside ``metadata_aspect_v2`` that ``mlcatalog export`` carries, table by table.

Each section is one table's rows, column by column as stored (JSON columns stay the exact text),
in primary-key code-point order on both backends, so an export of an imported catalog is the same
file. Derived tables (edges, search, removal marks) are rebuilt by import instead; access tokens,
webhooks (secrets, and a cursor into the source's change log) and the change log itself are
operations state of one installation and are never exported.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import BigInteger, Boolean, Connection, Float, Integer, Table, func, insert, select, text

from mlcatalog.errors import InvalidInput
from mlcatalog.store.sql import tables
from mlcatalog.store.sql.database import Database

# export name -> (table, primary-key order); the file holds the sections in this order.
SECTIONS: dict[str, tuple[Table, tuple[str, ...]]] = {
    "timeseries": (tables.timeseries, ("urn", "aspect", "timestamp_ms", "partition_key")),
    "ingestionRunAspect": (tables.run_aspects, ("run_id", "urn", "aspect")),
    "promotionRule": (tables.promotion_rules, ("id",)),
}


def scan(db: Database, section: str, batch: int = 1000) -> Iterator[dict[str, Any]]:
    table, key = SECTIONS[section]
    order = [table.c[name] if db.is_sqlite or _kind(table, name) is not str else table.c[name].collate("C") for name in key]
    with db.read() as conn:
        for row in conn.execution_options(yield_per=batch).execute(select(table).order_by(*order)):
            yield dict(row._mapping)


def count(db: Database, section: str) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(SECTIONS[section][0])).scalar() or 0


def check_row(section: str, row: Any) -> tuple[Any, ...]:
    """The row's key if every column is there with a value of the column's type; else InvalidInput."""
    table, key = SECTIONS[section]
    if not isinstance(row, dict):
        raise InvalidInput(f"{section}: expected the row as a JSON object", field=section)
    names = {column.name for column in table.columns}
    if set(row) != names:
        raise InvalidInput(f"{section}: expected the columns {sorted(names)}, got {sorted(row)}", field=section)
    for column in table.columns:
        value, kind = row[column.name], _kind(table, column.name)
        if value is None and column.nullable and not column.primary_key:
            continue
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            continue
        if type(value) is not kind:
            raise InvalidInput(f"{section}.{column.name}: expected {kind.__name__}, got {value!r:.80}", field=column.name)
    return tuple(row[name] for name in key)


def insert_rows(conn: Connection, section: str, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(SECTIONS[section][0]), list(rows))


def after_import(conn: Connection) -> None:
    """PostgreSQL: move id sequences past the imported ids, so the next rule created gets a new one."""
    if conn.dialect.name == "postgresql":
        for table, _ in SECTIONS.values():
            if "id" in table.c and table.c.id.autoincrement is True:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                  f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"))  # fmt: skip


def _kind(table: Table, name: str) -> type:
    column_type = table.c[name].type
    if isinstance(column_type, Boolean):
        return bool
    if isinstance(column_type, Integer | BigInteger):
        return int
    if isinstance(column_type, Float):
        return float
    return str

"""Hot single-statement reads (get an aspect, an entity's latest aspects) straight on the DBAPI.

SQLAlchemy's ``Connection.execute`` costs about 0.15 ms per statement here (connection wrapper,
BEGIN, compiled-cache lookup, result proxy): more than SQLite takes to answer a primary-key
lookup, and the SDK's ``entities.get`` makes two of them. These reads check a pooled connection
out, run one plain SQL statement and hand it back; one statement needs no explicit transaction
(SQLite runs it in autocommit, PostgreSQL's pool rolls the implicit one back on return).
Statement timeouts still apply: SQLite's progress-handler deadline is armed here by hand, and
PostgreSQL's ``statement_timeout`` is a connection setting.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from mlcatalog.store.base import AspectRecord
from mlcatalog.store.sql.codec import datetime_to_ms, loads
from mlcatalog.store.sql.timeouts import DEADLINE, is_timeout_error

_COLUMNS = "urn, aspect, version, metadata, systemmetadata, createdon, createdby"
_TABLE = "metadata_aspect_v2"
GET_ASPECT = f"SELECT {_COLUMNS} FROM {_TABLE} WHERE urn = ? AND aspect = ? AND version = ?"
LATEST = f"SELECT {_COLUMNS} FROM {_TABLE} WHERE urn = ? AND version = 0"


class RawReader:
    """Plain-SQL reads over the engine's pool; ``?`` placeholders, rewritten for psycopg."""

    def __init__(self, engine: Engine, is_sqlite: bool, timeout_s: float | None) -> None:
        self.engine = engine
        self.is_sqlite = is_sqlite
        self.timeout_s = timeout_s if is_sqlite else None  # PostgreSQL enforces its own
        self._sql: dict[str, str] = {}

    def rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """All rows of one statement; a statement past the timeout raises ``TimeoutError``."""
        statement = self._sql.get(sql)
        if statement is None:
            statement = self._sql[sql] = sql if self.is_sqlite else sql.replace("?", "%s")
        conn = self.engine.raw_connection()
        deadline = conn.info.get(DEADLINE) if self.timeout_s else None
        try:
            if deadline is not None:
                deadline[0] = time.monotonic() + self.timeout_s  # type: ignore[operator]
            cursor = conn.cursor()
            try:
                cursor.execute(statement, tuple(params))
                return cursor.fetchall()
            finally:
                cursor.close()
        except Exception as exc:
            if is_timeout_error(exc):
                raise TimeoutError(str(exc)) from exc
            raise
        finally:
            if deadline is not None:
                deadline[0] = float("inf")
            conn.close()  # back to the pool (PostgreSQL: rolled back there)


def latest_sql(count: int | None) -> str:
    """The latest versions of an entity's aspects, of ``count`` named ones when given."""
    if count is None:
        return LATEST
    return f"{LATEST} AND aspect IN ({', '.join('?' * count)})"


def record(row: Sequence[Any]) -> AspectRecord:
    """A row of ``_COLUMNS`` as a record; SQLite returns ``createdon`` as text, PostgreSQL as a datetime."""
    created = row[5]
    if isinstance(created, str):
        created = datetime.fromisoformat(created)
    return AspectRecord(
        urn=row[0],
        aspect=row[1],
        version=row[2],
        value=loads(row[3]),
        system_metadata=loads(row[4]),
        created_on=datetime_to_ms(created),
        created_by=row[6],
    )

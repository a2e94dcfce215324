"""Access tokens in SQL. Every lookup reads the table, so a revocation made by any process
(the CLI, another server) is seen on the very next request."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from mlcatalog.store.sql import tables
from mlcatalog.store.sql.database import Database
from mlcatalog.store.tokens import TokenRecord

_T = tables.access_tokens


class SqlTokenStore:
    def __init__(self, database: Database) -> None:
        self.db = database

    def add(self, record: TokenRecord) -> None:
        with self.db.write() as conn:
            conn.execute(
                insert(_T).values(
                    id=record.id,
                    user_name=record.user,
                    role=record.role,
                    token_hash=record.token_hash,
                    created_on=record.created_on,
                    expires_on=record.expires_on,
                    revoked_on=record.revoked_on,
                    created_by=record.created_by,
                )
            )

    def by_hash(self, token_hash: str) -> TokenRecord | None:
        with self.db.read() as conn:
            row = conn.execute(select(_T).where(_T.c.token_hash == token_hash)).first()
        return None if row is None else _record(row)

    def all(self) -> list[TokenRecord]:
        with self.db.read() as conn:
            rows = conn.execute(select(_T).order_by(_T.c.created_on, _T.c.id)).all()
        return [_record(row) for row in rows]

    def revoke(self, token_id: str, now_ms: int) -> TokenRecord | None:
        with self.db.write() as conn:
            conn.execute(update(_T).where(_T.c.id == token_id, _T.c.revoked_on.is_(None)).values(revoked_on=now_ms))
            row = conn.execute(select(_T).where(_T.c.id == token_id)).first()
        return None if row is None else _record(row)


def _record(row: Any) -> TokenRecord:
    return TokenRecord(
        id=row.id,
        user=row.user_name,
        role=row.role,
        token_hash=row.token_hash,
        created_on=row.created_on,
        expires_on=row.expires_on,
        revoked_on=row.revoked_on,
        created_by=row.created_by,
    )

"""Per-entity write locks on PostgreSQL, taken before a write transaction touches any row.

Row locks alone are not enough when several servers share one database: the version-0 row an
UPSERT would lock ``FOR UPDATE`` does not exist before an entity's first write (so racing first
writers collide on the primary key), and two batches naming the same entities in different
orders lock them in different orders and deadlock. A transaction-scoped advisory lock per URN,
always acquired in ascending key order, serializes writers of one entity and rules out both.
SQLite needs none of this: ``BEGIN IMMEDIATE`` already lets one writer in at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import BigInteger, Connection, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY

# unnest keeps the array's order, so the locks are taken in the order the keys are passed.
_LOCK_ALL = text("SELECT count(pg_advisory_xact_lock(k)) FROM unnest(:keys) AS k").bindparams(
    bindparam("keys", type_=ARRAY(BigInteger))
)


def lock_key(urn: str) -> int:
    """A stable signed 64-bit key for ``urn`` (a collision only serializes two unrelated writers)."""
    digest = hashlib.blake2b(urn.encode(), digest_size=8, person=b"mlcatalog").digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_entities(conn: Connection, urns: Iterable[str]) -> None:
    """Block until this transaction holds the write lock of every URN; released at commit/rollback."""
    keys = sorted({lock_key(urn) for urn in urns})
    if keys:
        conn.execute(_LOCK_ALL, {"keys": keys})

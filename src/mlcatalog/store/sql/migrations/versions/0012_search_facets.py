"""Search on SQLite: a ``facets`` column in the FTS5 table holding each document's filter tokens.

Equality filters (platform, tags, owners, entity type, ...) become FTS5 terms, so a filtered text
search is one FTS5 expression (see ``store/sql/search_sql.py``). FTS5 tables cannot gain a column,
so the table is rebuilt from ``search_document`` and ``search_field``; it also gains prefix indexes of
5 and 6 characters (a prefix without its own index makes FTS5 merge the posting lists of every
word it starts, e.g. all of "model*" per query). PostgreSQL is unchanged.

Revision ID: 0012_search_facets
Revises: 0005_search
Create Date: 2026-11-27
"""

from collections.abc import Iterator
from typing import Any

from alembic import op
from sqlalchemy import Connection, text

from mlcatalog.store.sql.search_sql import document_tokens

revision = "0012_search_facets"
down_revision = "0005_search"
branch_labels = None
depends_on = None

FTS = "fts5(name, description, other, {facets}tokenize='porter unicode61', prefix='{prefix}')"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    conn.execute(text("CREATE VIRTUAL TABLE search_fts_new USING " + FTS.format(facets="facets, ", prefix="2 3 4 5 6")))
    insert = text("INSERT INTO search_fts_new (rowid, name, description, other, facets) VALUES (:id, :n, :d, :o, :f)")
    batch = []
    for doc, fields in _documents_with_fields(conn):
        tokens = document_tokens(doc.entity_type, fields)
        batch.append({"id": doc.id, "n": doc.name_text, "d": doc.desc_text, "o": doc.other_text, "f": tokens})
        if len(batch) >= 5000:
            conn.execute(insert, batch)
            batch = []
    if batch:
        conn.execute(insert, batch)
    conn.execute(text("DROP TABLE search_fts"))
    conn.execute(text("ALTER TABLE search_fts_new RENAME TO search_fts"))


def _documents_with_fields(conn: Connection) -> Iterator[tuple[Any, list[tuple[str, str]]]]:
    """Each document with its (field, value) pairs: two scans in URN order merged, so memory stays flat."""
    docs = conn.execute(text("SELECT id, urn, entity_type, name_text, desc_text, other_text FROM search_document ORDER BY urn"))
    rows = iter(conn.execute(text("SELECT urn, field, value_lc FROM search_field ORDER BY urn")))
    pending = next(rows, None)
    for doc in docs:
        fields = []
        while pending is not None and pending.urn <= doc.urn:
            if pending.urn == doc.urn:
                fields.append((pending.field, pending.value_lc))
            pending = next(rows, None)
        yield doc, fields


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    conn.execute(text("CREATE VIRTUAL TABLE search_fts_old USING " + FTS.format(facets="", prefix="2 3 4")))
    conn.execute(
        text(
            "INSERT INTO search_fts_old (rowid, name, description, other) "
            "SELECT id, name_text, desc_text, other_text FROM search_document"
        )
    )
    conn.execute(text("DROP TABLE search_fts"))
    conn.execute(text("ALTER TABLE search_fts_old RENAME TO search_fts"))

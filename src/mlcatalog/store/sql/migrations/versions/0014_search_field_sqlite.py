"""SQLite drops the (field, value) index of ``search_field``.

On SQLite the filters that index served are answered elsewhere: equality (negated too) by the
FTS5 ``facets`` tokens, everything else by probing a candidate document's own rows through the
primary key (doc_id, field, value_lc). The index itself was the costliest part of indexing: its
inserts land on random pages, so every commit rewrote hundreds of them to the WAL (about 50 KB
per entity written, a third of the index's share of ingest). PostgreSQL keeps it: its filters
hash-join the field sets.

Revision ID: 0014_search_field_sqlite
Revises: 0013_search_field_doc_id
Create Date: 2026-11-27
"""

from alembic import op

revision = "0014_search_field_sqlite"
down_revision = "0013_search_field_doc_id"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_search_field_value", table_name="search_field")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.create_index("ix_search_field_value", "search_field", ["field", "value_lc", "doc_id"])

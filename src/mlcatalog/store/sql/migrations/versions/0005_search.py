"""Search index: documents, filter fields, and the full-text structure of each backend.

SQLite gets an FTS5 table (porter stemming, prefix indexes for autocomplete) whose rowid is the
document id; PostgreSQL gets a stored generated tsvector with a GIN index and a prefix (pattern)
index on names for autocomplete. FTS5 tables and generated tsvector columns cannot be expressed by SQLAlchemy ``Table``.

Revision ID: 0005_search
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_search"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_document",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("urn", sa.String(500), nullable=False, unique=True),
        sa.Column("entity_type", sa.String(100), nullable=False),
        sa.Column("name", sa.String(1000), nullable=True),
        sa.Column("name_lc", sa.String(1000), nullable=True),
        sa.Column("removed", sa.Boolean, nullable=False),
        sa.Column("last_modified", sa.BigInteger, nullable=False),
        sa.Column("name_text", sa.Text, nullable=False),
        sa.Column("desc_text", sa.Text, nullable=False),
        sa.Column("other_text", sa.Text, nullable=False),
    )
    op.create_index("ix_search_document_type_name", "search_document", ["entity_type", "name_lc"])
    op.create_index("ix_search_document_modified", "search_document", ["last_modified"])
    op.create_index("ix_search_document_name", "search_document", ["name_lc"])
    op.create_table(
        "search_field",
        sa.Column("urn", sa.String(500), primary_key=True),
        sa.Column("field", sa.String(200), primary_key=True),
        sa.Column("value_lc", sa.String(1000), primary_key=True),
        sa.Column("value", sa.String(1000), nullable=False),
        sa.Column("num", sa.Float, nullable=True),
    )
    op.create_index("ix_search_field_value", "search_field", ["field", "value_lc", "urn"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(name, description, other, tokenize='porter unicode61', prefix='2 3 4')"
        )
    else:
        op.execute(
            "ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('english', name_text), 'A') || "
            "setweight(to_tsvector('english', desc_text), 'B') || "
            "setweight(to_tsvector('english', other_text), 'C')) STORED"
        )
        op.execute("CREATE INDEX ix_search_document_tsv ON search_document USING gin (tsv)")
        op.execute("CREATE INDEX ix_search_document_name_prefix ON search_document (name_lc varchar_pattern_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_field")
    op.drop_table("search_document")

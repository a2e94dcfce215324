"""PostgreSQL indexes the name band's words on their own, for the "every word in the name" tier.

The GIN index on ``tsv`` keeps no weights, so ``tsv @@ 'ranking:A & model:A'`` had every document
with both words anywhere fetched and rechecked: with "ranking model" in 48,000 descriptions and no
name, the tier cost 60 ms at 150,000 entities to find nothing. ``to_tsvector('english', name_text)``
holds exactly the A-weighted part of ``tsv`` (the name band comes first, so even phrase positions
agree), and its index answers the tier directly. Names are short: the index is about a third of
the ``tsv`` one (3.8 MB against 11 MB at 150,000 entities). SQLite's FTS5 index knows columns already.

Revision ID: 0015_pg_search_topk
Revises: 0014_search_field_sqlite
Create Date: 2026-11-27
"""

from alembic import op

revision = "0015_pg_search_topk"
down_revision = "0014_search_field_sqlite"
branch_labels = None
depends_on = None

NAME_INDEX = "CREATE INDEX ix_search_document_name_tsv ON search_document USING gin (to_tsvector('english', name_text))"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NAME_INDEX)
        op.execute("ANALYZE search_document")  # the expression's word statistics, for the planner


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_document_name_tsv")

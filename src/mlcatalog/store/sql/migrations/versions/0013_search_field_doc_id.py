"""Search field rows keyed by their document's integer id instead of its URN.

Every entity has some 25 field rows; with the URN (often 100+ characters) in the row, its primary
key and the value index, writing them was most of what indexing cost an ingest. The id is the
document's own (``search_document.id``), so rows are copied over by a join. On SQLite the table is
``WITHOUT ROWID`` (the primary key is the table: one B-tree less per row).

Revision ID: 0013_search_field_doc_id
Revises: 0012_search_facets
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_search_field_doc_id"
down_revision = "0012_search_facets"
branch_labels = None
depends_on = None


def _create(name: str, key: sa.Column) -> None:
    op.create_table(
        name,
        key,
        sa.Column("field", sa.String(200), primary_key=True),
        sa.Column("value_lc", sa.String(1000), primary_key=True),
        sa.Column("value", sa.String(1000), nullable=False),
        sa.Column("num", sa.Float, nullable=True),
        sqlite_with_rowid=False,
    )


def _swap(key: str) -> None:
    """Replace ``search_field`` by the filled ``search_field_new`` and index it by ``key``."""
    op.drop_table("search_field")  # drops its index too
    op.rename_table("search_field_new", "search_field")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX search_field_new_pkey RENAME TO search_field_pkey")
    op.create_index("ix_search_field_value", "search_field", ["field", "value_lc", key])


def upgrade() -> None:
    _create("search_field_new", sa.Column("doc_id", sa.Integer, primary_key=True, autoincrement=False))
    op.execute(
        "INSERT INTO search_field_new (doc_id, field, value_lc, value, num) "
        "SELECT d.id, f.field, f.value_lc, f.value, f.num FROM search_field f JOIN search_document d ON d.urn = f.urn"
    )
    _swap("doc_id")


def downgrade() -> None:
    _create("search_field_new", sa.Column("urn", sa.String(500), primary_key=True))
    op.execute(
        "INSERT INTO search_field_new (urn, field, value_lc, value, num) "
        "SELECT d.urn, f.field, f.value_lc, f.value, f.num FROM search_field f JOIN search_document d ON d.id = f.doc_id"
    )
    _swap("urn")

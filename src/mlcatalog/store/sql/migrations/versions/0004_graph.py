"""Lineage walking columns on metadata_edge and the soft-deleted marks of the graph.

Revision ID: 0004_graph
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_graph"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("metadata_edge") as batch:
        batch.add_column(sa.Column("upstream_urn", sa.String(500), nullable=True))
        batch.add_column(sa.Column("downstream_urn", sa.String(500), nullable=True))
    op.create_index("ix_edge_lineage_up", "metadata_edge", ["downstream_urn", "upstream_urn"])
    op.create_index("ix_edge_lineage_down", "metadata_edge", ["upstream_urn", "downstream_urn"])
    op.create_table("metadata_graph_removed", sa.Column("urn", sa.String(500), primary_key=True))
    # Edges written before this revision: fill the walking columns from the stored direction.
    op.execute(
        "UPDATE metadata_edge SET "
        "upstream_urn = CASE WHEN is_upstream THEN destination_urn ELSE source_urn END, "
        "downstream_urn = CASE WHEN is_upstream THEN source_urn ELSE destination_urn END "
        "WHERE is_lineage"
    )


def downgrade() -> None:
    op.drop_table("metadata_graph_removed")
    op.drop_index("ix_edge_lineage_down", "metadata_edge")
    op.drop_index("ix_edge_lineage_up", "metadata_edge")
    with op.batch_alter_table("metadata_edge") as batch:
        batch.drop_column("downstream_urn")
        batch.drop_column("upstream_urn")

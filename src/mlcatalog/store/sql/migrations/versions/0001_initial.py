"""Aspects (metadata_aspect_v2), relationship edges and the change log.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "metadata_aspect_v2",
        sa.Column("urn", sa.String(500), primary_key=True),
        sa.Column("aspect", sa.String(200), primary_key=True),
        sa.Column("version", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("metadata", sa.Text, nullable=False),
        sa.Column("systemmetadata", sa.Text, nullable=True),
        sa.Column("createdon", sa.DateTime, nullable=False),
        sa.Column("createdby", sa.String(255), nullable=False),
        sa.Column("createdfor", sa.String(255), nullable=True),
    )
    op.create_index("ix_aspect_v2_aspect_version_urn", "metadata_aspect_v2", ["aspect", "version", "urn"])
    op.create_table(
        "metadata_edge",
        sa.Column("source_urn", sa.String(500), primary_key=True),
        sa.Column("aspect", sa.String(200), primary_key=True),
        sa.Column("relationship", sa.String(200), primary_key=True),
        sa.Column("destination_urn", sa.String(500), primary_key=True),
        sa.Column("is_lineage", sa.Boolean, nullable=False),
        sa.Column("is_upstream", sa.Boolean, nullable=False),
        sa.Column("created_on", sa.BigInteger, nullable=True),
        sa.Column("created_actor", sa.String(500), nullable=True),
        sa.Column("via", sa.String(500), nullable=True),
        sa.Column("properties", sa.Text, nullable=True),
    )
    op.create_index("ix_edge_destination", "metadata_edge", ["destination_urn", "relationship"])
    op.create_index("ix_edge_source", "metadata_edge", ["source_urn", "relationship"])
    op.create_table(
        "metadata_change_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("urn", sa.String(500), nullable=False),
        sa.Column("entity_type", sa.String(100), nullable=False),
        sa.Column("aspect", sa.String(200), nullable=False),
        sa.Column("change_type", sa.String(32), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("created_on", sa.BigInteger, nullable=False),
        sa.Column("actor", sa.String(500), nullable=False),
        sa.Column("metadata", sa.Text, nullable=True),
        sa.Column("previous_metadata", sa.Text, nullable=True),
        sa.Column("systemmetadata", sa.Text, nullable=True),
    )
    op.create_index("ix_change_log_urn", "metadata_change_log", ["urn", "seq"])


def downgrade() -> None:
    op.drop_table("metadata_change_log")
    op.drop_table("metadata_edge")
    op.drop_table("metadata_aspect_v2")

"""Ingestion runs: which aspects each run wrote and their values before it (for show and rollback).

Revision ID: 0003_history
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_history"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingestion_run_aspect",
        sa.Column("run_id", sa.String(255), primary_key=True),
        sa.Column("urn", sa.String(500), primary_key=True),
        sa.Column("aspect", sa.String(200), primary_key=True),
        sa.Column("previous_metadata", sa.Text, nullable=True),
        sa.Column("previous_systemmetadata", sa.Text, nullable=True),
        sa.Column("created_entity", sa.Boolean, nullable=False),
        sa.Column("first_on", sa.BigInteger, nullable=False),
        sa.Column("last_on", sa.BigInteger, nullable=False),
        sa.Column("rolled_back_on", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_run_aspect_last_on", "ingestion_run_aspect", ["last_on"])


def downgrade() -> None:
    op.drop_table("ingestion_run_aspect")

"""Promotion rules that guard alias moves and deprecation changes.

Revision ID: 0011_rules
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_rules"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mlcatalog_promotion_rule",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("applies_to", sa.Text, nullable=False),
        sa.Column("conditions", sa.Text, nullable=False),
        sa.Column("created_on", sa.BigInteger, nullable=False),
        sa.Column("created_by", sa.String(500), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("mlcatalog_promotion_rule")

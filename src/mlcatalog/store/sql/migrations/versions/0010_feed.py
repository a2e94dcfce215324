"""Webhooks of the change feed and their delivery log.

Revision ID: 0010_feed
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_feed"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mlcatalog_webhook",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("secret", sa.String(500), nullable=False),
        sa.Column("entity_types", sa.Text, nullable=True),
        sa.Column("aspects", sa.Text, nullable=True),
        sa.Column("change_types", sa.Text, nullable=True),
        sa.Column("created_on", sa.BigInteger, nullable=False),
        sa.Column("created_by", sa.String(500), nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_on", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("lease_owner", sa.String(100), nullable=True),
        sa.Column("lease_until", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.create_table(
        "mlcatalog_webhook_delivery",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("webhook_id", sa.Integer, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("delivered_on", sa.BigInteger, nullable=False),
        sa.Column("status_code", sa.Integer, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("succeeded", sa.Boolean, nullable=False),
    )
    op.create_index("ix_webhook_delivery_webhook", "mlcatalog_webhook_delivery", ["webhook_id", "id"])


def downgrade() -> None:
    op.drop_table("mlcatalog_webhook_delivery")
    op.drop_table("mlcatalog_webhook")

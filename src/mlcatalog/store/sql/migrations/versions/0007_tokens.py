"""Access tokens (hashed) for authentication.

Revision ID: 0007_tokens
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_tokens"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mlcatalog_access_token",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("user_name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_on", sa.BigInteger, nullable=False),
        sa.Column("expires_on", sa.BigInteger, nullable=True),
        sa.Column("revoked_on", sa.BigInteger, nullable=True),
        sa.Column("created_by", sa.String(255), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("mlcatalog_access_token")

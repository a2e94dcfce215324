"""Timeseries aspects in their own table, keyed by time instead of version.

Rows of timeseries aspects that earlier releases kept as versions in metadata_aspect_v2 move over
(the latest one per entity; older versions were overwritten points anyway).

Revision ID: 0008_timeseries
Revises: 0001
Create Date: 2026-11-27
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0008_timeseries"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "metadata_timeseries",
        sa.Column("urn", sa.String(500), primary_key=True),
        sa.Column("aspect", sa.String(200), primary_key=True),
        sa.Column("timestamp_ms", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("partition_key", sa.String(500), primary_key=True),
        sa.Column("entity_type", sa.String(100), nullable=False),
        sa.Column("metadata", sa.Text, nullable=False),
        sa.Column("systemmetadata", sa.Text, nullable=True),
        sa.Column("createdon", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_timeseries_latest", "metadata_timeseries", ["urn", "aspect", "timestamp_ms"])
    _move_versioned_rows()


def _move_versioned_rows() -> None:
    from datahub.emitter.aspect import TIMESERIES_ASPECT_MAP

    from mlcatalog.services.timeseries import partition_key

    names = sorted(TIMESERIES_ASPECT_MAP)
    aspects = sa.table(
        "metadata_aspect_v2",
        sa.column("urn"),
        sa.column("aspect"),
        sa.column("version"),
        sa.column("metadata"),
        sa.column("systemmetadata"),
    )
    timeseries = sa.table(
        "metadata_timeseries",
        *(sa.column(c) for c in ("urn", "aspect", "timestamp_ms", "partition_key", "entity_type", "metadata")),
        sa.column("systemmetadata"),
        sa.column("createdon"),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(aspects).where(aspects.c.aspect.in_(names), aspects.c.version == 0)).all()
    for row in rows:
        value = json.loads(row.metadata)
        stamp = int(value.get("timestampMillis", 0))
        conn.execute(
            sa.insert(timeseries).values(
                urn=row.urn,
                aspect=row.aspect,
                timestamp_ms=stamp,
                partition_key=partition_key(value),
                entity_type=row.urn.split(":")[2],
                metadata=row.metadata,
                systemmetadata=row.systemmetadata,
                createdon=stamp,
            )
        )
    conn.execute(sa.delete(aspects).where(aspects.c.aspect.in_(names)))


def downgrade() -> None:
    op.drop_table("metadata_timeseries")

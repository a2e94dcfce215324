"""Table definitions. ``metadata_aspect_v2`` keeps DataHub's own layout (version 0 is the latest)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

aspects = Table(
    "metadata_aspect_v2",
    metadata,
    Column("urn", String(500), primary_key=True),
    Column("aspect", String(200), primary_key=True),
    Column("version", BigInteger, primary_key=True, autoincrement=False),
    Column("metadata", Text, nullable=False),
    Column("systemmetadata", Text, nullable=True),
    Column("createdon", DateTime, nullable=False),
    Column("createdby", String(255), nullable=False),
    Column("createdfor", String(255), nullable=True),
    Index("ix_aspect_v2_aspect_version_urn", "aspect", "version", "urn"),
)

edges = Table(
    "metadata_edge",
    metadata,
    Column("source_urn", String(500), primary_key=True),
    Column("aspect", String(200), primary_key=True),
    Column("relationship", String(200), primary_key=True),
    Column("destination_urn", String(500), primary_key=True),
    Column("is_lineage", Boolean, nullable=False, default=False),
    Column("is_upstream", Boolean, nullable=False, default=True),
    Column("created_on", BigInteger, nullable=True),
    Column("created_actor", String(500), nullable=True),
    Column("via", String(500), nullable=True),
    Column("properties", Text, nullable=True),
    Index("ix_edge_destination", "destination_urn", "relationship"),
    Index("ix_edge_source", "source_urn", "relationship"),
)

change_log = Table(
    "metadata_change_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("urn", String(500), nullable=False),
    Column("entity_type", String(100), nullable=False),
    Column("aspect", String(200), nullable=False),
    Column("change_type", String(32), nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("created_on", BigInteger, nullable=False),
    Column("actor", String(500), nullable=False),
    Column("metadata", Text, nullable=True),
    Column("previous_metadata", Text, nullable=True),
    Column("systemmetadata", Text, nullable=True),
    Index("ix_change_log_urn", "urn", "seq"),
)

# Timeseries aspects (run events, profiles, ingestion checkpoints) are points in time, not versions:
# one row per (urn, aspect, timestampMillis, partition), as DataHub keys its timeseries documents.
timeseries = Table(
    "metadata_timeseries",
    metadata,
    Column("urn", String(500), primary_key=True),
    Column("aspect", String(200), primary_key=True),
    Column("timestamp_ms", BigInteger, primary_key=True, autoincrement=False),
    Column("partition_key", String(500), primary_key=True),
    Column("entity_type", String(100), nullable=False),
    Column("metadata", Text, nullable=False),
    Column("systemmetadata", Text, nullable=True),
    Column("createdon", BigInteger, nullable=False),
    Index("ix_timeseries_latest", "urn", "aspect", "timestamp_ms"),
)

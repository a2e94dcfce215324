"""Table definitions. ``metadata_aspect_v2`` keeps DataHub's own layout (version 0 is the latest)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
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
    # Lineage edges in walking order (NULL for other edges), so a walk is one index probe per hop.
    Column("upstream_urn", String(500), nullable=True),
    Column("downstream_urn", String(500), nullable=True),
    Index("ix_edge_destination", "destination_urn", "relationship"),
    Index("ix_edge_source", "source_urn", "relationship"),
    Index("ix_edge_lineage_up", "downstream_urn", "upstream_urn"),
    Index("ix_edge_lineage_down", "upstream_urn", "downstream_urn"),
)

# Entities whose status aspect says removed (soft-deleted); graph reads include or skip them.
graph_removed = Table(
    "metadata_graph_removed",
    metadata,
    Column("urn", String(500), primary_key=True),
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

access_tokens = Table(
    "mlcatalog_access_token",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("user_name", String(128), nullable=False),
    Column("role", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_on", BigInteger, nullable=False),
    Column("expires_on", BigInteger, nullable=True),
    Column("revoked_on", BigInteger, nullable=True),
    Column("created_by", String(255), nullable=False),
)

webhooks = Table(
    "mlcatalog_webhook",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", String(2000), nullable=False),
    Column("secret", String(500), nullable=False),
    Column("entity_types", Text, nullable=True),  # JSON list; null = all
    Column("aspects", Text, nullable=True),
    Column("change_types", Text, nullable=True),
    Column("created_on", BigInteger, nullable=False),
    Column("created_by", String(500), nullable=False),
    Column("last_seq", BigInteger, nullable=False, default=0),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_on", BigInteger, nullable=False, default=0),
    Column("lease_owner", String(100), nullable=True),
    Column("lease_until", BigInteger, nullable=False, default=0),
)

webhook_deliveries = Table(
    "mlcatalog_webhook_delivery",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("webhook_id", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("delivered_on", BigInteger, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("succeeded", Boolean, nullable=False),
    Index("ix_webhook_delivery_webhook", "webhook_id", "id"),
)

promotion_rules = Table(
    "mlcatalog_promotion_rule",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("applies_to", Text, nullable=False),
    Column("conditions", Text, nullable=False),
    Column("created_on", BigInteger, nullable=False),
    Column("created_by", String(500), nullable=False),
)

# Search index (derived from Searchable annotations; see services/search_index.py). One row per
# entity with its ranked text; one row per filterable (field, value). SQLite adds an FTS5 table
# ``search_fts`` (rowid = search_document.id) and PostgreSQL a tsvector column ``tsv``, both
# created by migration 0005_search because SQLAlchemy cannot express them portably.
search_document = Table(
    "search_document",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("urn", String(500), nullable=False, unique=True),
    Column("entity_type", String(100), nullable=False),
    Column("name", String(1000), nullable=True),
    Column("name_lc", String(1000), nullable=True),
    Column("removed", Boolean, nullable=False, default=False),
    Column("last_modified", BigInteger, nullable=False),
    Column("name_text", Text, nullable=False, default=""),
    Column("desc_text", Text, nullable=False, default=""),
    Column("other_text", Text, nullable=False, default=""),
    Index("ix_search_document_type_name", "entity_type", "name_lc"),
    Index("ix_search_document_modified", "last_modified"),
    Index("ix_search_document_name", "name_lc"),
)

# Field rows name their document by its integer id, not its URN: the URN repeated in every row and in
# both indexes made the index writes most of the cost of indexing (see 0013_search_field_doc_id).
# The (field, value) index exists on PostgreSQL only: SQLite answers those filters from FTS5 tokens
# and primary-key probes, and the index's random-page inserts were the dearest part of indexing
# (0014_search_field_sqlite).
search_field = Table(
    "search_field",
    metadata,
    Column("doc_id", Integer, primary_key=True, autoincrement=False),
    Column("field", String(200), primary_key=True),
    Column("value_lc", String(1000), primary_key=True),
    Column("value", String(1000), nullable=False),
    Column("num", Float, nullable=True),
    Index("ix_search_field_value", "field", "value_lc", "doc_id").ddl_if(dialect="postgresql"),
    sqlite_with_rowid=False,
)

# Which aspects each ingestion run (systemMetadata.runId) wrote, and what they held before it:
# what `datahub ingest show` lists and what `datahub ingest rollback` restores.
run_aspects = Table(
    "ingestion_run_aspect",
    metadata,
    Column("run_id", String(255), primary_key=True),
    Column("urn", String(500), primary_key=True),
    Column("aspect", String(200), primary_key=True),
    Column("previous_metadata", Text, nullable=True),
    Column("previous_systemmetadata", Text, nullable=True),
    Column("created_entity", Boolean, nullable=False, default=False),
    Column("first_on", BigInteger, nullable=False),
    Column("last_on", BigInteger, nullable=False),
    Column("rolled_back_on", BigInteger, nullable=True),
    Index("ix_run_aspect_last_on", "last_on"),
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

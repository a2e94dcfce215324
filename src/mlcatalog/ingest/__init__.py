"""Connector glue: DataHub's ingestion framework and sources, pointed at mlcatalog (see docs/integrations.md)."""
